"""Lazy scanning: remember packages now, import the modules a resolution needs later.

``scan(package, lazy=True)`` indexes the package's source (no import). The first time a key is needed, the
modules that declare it are imported and the package is scanned again (only what is imported registers), so
the results are those of an eager scan: conflicting adapters in two modules are both imported and refused,
multi-binding members from several modules are all collected. A key the index cannot place imports the
whole package.
"""

from __future__ import annotations

import importlib
import logging
import typing
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dioxide import _scanner
from dioxide._graph import BindingGraph

if TYPE_CHECKING:
    from dioxide._source.lazy_index import LazyIndex

logger = logging.getLogger("dioxide")


@dataclass(frozen=True)
class _Pending:
    package: str
    profile: str | None
    index: LazyIndex


class LazyScans:
    """The packages a container scanned lazily and not yet imported in full."""

    def __init__(self, graph: BindingGraph) -> None:
        self._graph = graph
        self._pending: list[_Pending] = []
        self._done: set[Hashable] = set()

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, package: str, profile: str | None, index: LazyIndex) -> None:
        self._pending.append(_Pending(package, profile, index))
        self._done.clear()

    def clear(self) -> None:
        self._pending.clear()
        self._done.clear()

    def materialize(self, key: Hashable) -> bool:
        """Import and register what may provide ``key`` (once per key); True if anything was scanned."""
        if not self._pending or key in self._done:
            return False
        self._done.add(key)
        target = typing.get_args(key)[0] if typing.get_origin(key) is list else key
        qualified = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"
        scanned = False
        for pending in list(self._pending):
            modules = pending.index.modules_for(qualified)
            if modules:
                for module in modules:
                    _import(module)
                _scanner.register_scanned(self._graph, package=pending.package, profile=pending.profile)
                scanned = True
        if self._graph.get(key) is None and typing.get_origin(key) is not list:
            self.materialize_all()
            scanned = True
        return scanned

    def materialize_all(self) -> None:
        pending, self._pending = self._pending, []
        for item in pending:
            _scanner.import_package(item.package, strict=False)
            _scanner.register_scanned(self._graph, package=item.package, profile=item.profile)


def _import(module: str) -> None:
    try:
        importlib.import_module(module)
    except Exception as error:  # as an eager scan does: log and go on
        logger.warning("Failed to import module %s during scan: %r", module, error)


__all__ = ["LazyScans"]
