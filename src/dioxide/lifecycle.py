"""``@lifecycle``: components with async ``initialize()`` and ``dispose()`` run by the container."""

from __future__ import annotations

import inspect
from typing import Protocol, TypeVar

from dioxide._registry import LIFECYCLE_ATTRIBUTE, OrderedRegistry


class LifecycleProtocol(Protocol):
    """What ``@lifecycle`` requires; type checkers flag classes that lack either method."""

    async def initialize(self) -> None: ...

    async def dispose(self) -> None: ...


_L = TypeVar("_L", bound=type[LifecycleProtocol])

_lifecycle_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@lifecycle``."""


def lifecycle(cls: _L) -> _L:
    """Mark a component whose ``initialize()`` runs at container start and ``dispose()`` at stop.

    Singletons start with the container (``async with container`` or ``await container.start()``), in
    dependency order, and stop in reverse order; REQUEST-scoped ones start when their scope opens and stop
    when it closes.
    """
    if not isinstance(cls, type):
        raise TypeError(f"@lifecycle must be applied to a class, got {cls!r}")
    name = cls.__name__
    for method in ("initialize", "dispose"):
        function = getattr(cls, method, None)
        if function is None or not callable(function):
            raise TypeError(f"{name} must implement {method}() method")
        if not inspect.iscoroutinefunction(function):
            raise TypeError(f"{name}.{method}() must be async")
    setattr(cls, LIFECYCLE_ATTRIBUTE, True)
    _lifecycle_registry.add(cls)
    return cls


def has_lifecycle(cls: object) -> bool:
    return getattr(cls, LIFECYCLE_ATTRIBUTE, False) is True


__all__ = ["LifecycleProtocol", "lifecycle"]
