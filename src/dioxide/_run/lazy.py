"""Lazy scanning: remember packages now, import the modules a resolution needs later.

``scan(package, lazy=True)`` indexes the package's source (no import). When a resolution meets a type nothing
binds, the container asks this module to import what may declare it, scans those packages again (only what is
imported registers), and retries; a type the index cannot place imports the whole package. The results are
those of an eager scan: conflicting adapters in two modules are both imported and refused, multi-binding members
from several modules are all collected.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable
from dataclasses import dataclass

from dioxide._run.imports import import_module, import_package
from dioxide._source.lazy_index import LazyIndex


@dataclass(frozen=True)
class Pending:
    """A package scanned lazily, with the profile of its scan."""

    package: str
    profile: str | None
    index: LazyIndex


class LazyScans:
    """The packages a container scanned lazily and not yet imported in full."""

    def __init__(self) -> None:
        self._pending: list[Pending] = []
        self._tried: set[Hashable] = set()

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, package: str, profile: str | None, index: LazyIndex) -> None:
        self._pending.append(Pending(package, profile, index))
        self._tried.clear()

    def clear(self) -> None:
        self._pending.clear()
        self._tried.clear()

    def import_for(self, key: Hashable) -> list[Pending] | None:
        """Import the modules that may declare ``key``; the packages to scan again (``None``: tried before)."""
        if not self._pending or key in self._tried:
            return None
        self._tried.add(key)
        target = typing.get_args(key)[0] if typing.get_origin(key) is list else key
        qualified = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"
        touched: list[Pending] = []
        for pending in self._pending:
            modules = pending.index.modules_for(qualified)
            for module in modules:
                import_module(module)
            if modules:
                touched.append(pending)
        return touched

    def import_all(self) -> list[Pending]:
        """Import every pending package in full (what an eager scan does); the packages to scan."""
        pending, self._pending = self._pending, []
        for item in pending:
            import_package(item.package, strict=False)
        return pending


__all__ = ["LazyScans", "Pending"]
