"""``@lifecycle``: components with async ``initialize()`` and ``dispose()`` run by the container."""

from __future__ import annotations

from typing import Protocol, TypeVar

from dioxide._declare.registry import declare_lifecycle
from dioxide._declare.registry import lifecycle_registry as _lifecycle_registry  # noqa: F401  (2.x tests import it)


class LifecycleProtocol(Protocol):
    """What ``@lifecycle`` requires; type checkers flag classes that lack either method."""

    async def initialize(self) -> None: ...

    async def dispose(self) -> None: ...


_L = TypeVar("_L", bound=type[LifecycleProtocol])


def lifecycle(cls: _L) -> _L:
    """Mark a component whose ``initialize()`` runs at container start and ``dispose()`` at stop.

    Singletons start with the container (``async with container`` or ``await container.start()``), in
    dependency order, and stop in reverse order; REQUEST-scoped ones start when their scope opens and stop
    when it closes.
    """
    declare_lifecycle(cls)
    return cls


__all__ = ["LifecycleProtocol", "lifecycle"]
