"""The global registries the decorators fill and ``scan()`` reads.

Decorators only record facts (class attributes and registry membership); nothing is registered with a
container until it scans. The registries keep insertion order so that scans, error messages and lifecycle
order are deterministic (dioxide 2.1 used plain sets).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, MutableSet
from contextlib import contextmanager
from types import FrameType
from typing import Final, TypeVar

PROFILE_ATTRIBUTE: Final = "__dioxide_profiles__"
SCOPE_ATTRIBUTE: Final = "__dioxide_scope__"
PORT_ATTRIBUTE: Final = "__dioxide_port__"
MULTI_ATTRIBUTE: Final = "__dioxide_multi__"
PRIORITY_ATTRIBUTE: Final = "__dioxide_priority__"
LIFECYCLE_ATTRIBUTE: Final = "_dioxide_lifecycle"
IMPLEMENTS_ATTRIBUTE: Final = "__dioxide_implements__"
REGISTRATIONS_ATTRIBUTE: Final = "__dioxide_registrations__"
FRAME_ATTRIBUTE: Final = "__dioxide_frame__"

_T = TypeVar("_T")


class OrderedRegistry(MutableSet[_T]):
    """A set that remembers insertion order, with the ``set`` methods tests call on the registries."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[_T] = ()) -> None:
        self._items: dict[_T, None] = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[_T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, value: _T) -> None:
        self._items[value] = None

    def discard(self, value: _T) -> None:
        self._items.pop(value, None)

    def clear(self) -> None:
        self._items.clear()

    def copy(self) -> set[_T]:
        return set(self._items)

    def update(self, *others: Iterable[_T]) -> None:
        for other in others:
            self._items.update(dict.fromkeys(other))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items)!r})"


_component_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@service``."""


def _clear_registry() -> None:
    """Forget every decorated class: services, adapters and lifecycle components.

    Containers that already scanned keep working: they hold their own bindings.
    """
    from dioxide.adapter import _adapter_registry
    from dioxide.lifecycle import _lifecycle_registry

    _component_registry.clear()
    _adapter_registry.clear()
    _lifecycle_registry.clear()


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Run a block with empty decorator registries, then put back exactly what was registered before.

    Tests that decorate classes inside test functions use it (instead of a bare ``_clear_registry()``) so
    that the application's module-level registrations survive them.
    """
    from dioxide.adapter import _adapter_registry
    from dioxide.lifecycle import _lifecycle_registry

    registries = (_component_registry, _adapter_registry, _lifecycle_registry)
    saved = [list(registry) for registry in registries]
    _clear_registry()
    try:
        yield
    finally:
        for registry, classes in zip(registries, saved, strict=True):
            registry.clear()
            registry.update(classes)


def _get_registered_components() -> set[type]:
    """A copy of the ``@service`` registry."""
    return _component_registry.copy()


def remember_defining_frame(cls: type) -> None:
    """Keep the frame of the function that defined a local class, for its string annotations.

    Classes defined inside a function body may annotate with names local to that function (often defined
    after them). Keeping that one frame lets the container evaluate the hints at scan time without walking
    the call stack; module-level classes need nothing.
    """
    qualname = cls.__qualname__
    if "<locals>" not in qualname:
        return
    owner = qualname.rsplit(".<locals>.", 1)[0]
    frame: FrameType | None = sys._getframe(2)
    for _ in range(16):
        if frame is None:
            return
        if frame.f_code.co_qualname == owner:
            setattr(cls, FRAME_ATTRIBUTE, frame)
            return
        frame = frame.f_back


__all__ = ["PROFILE_ATTRIBUTE", "_clear_registry", "_component_registry", "_get_registered_components"]
