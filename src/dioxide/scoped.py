"""Request scopes: short-lived views of a container that cache REQUEST-scoped components.

A scope *is* the dict of its instances (a ``dict`` subclass made once per container), so ``scope.resolve``
is ``dict.__getitem__`` itself and opening a scope allocates one object. REQUEST instances are stored in
it; singletons come from the parent. REQUEST-scoped ``@lifecycle`` components are initialized when the
scope opens (in dependency order, before user code can get them) and disposed in reverse order when it
closes, also when the body raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dioxide._lifecycle_runner import LifecycleRunner, report_failures, start_sync, stop_sync
from dioxide.exceptions import ScopeError
from dioxide.scope import Scope

if TYPE_CHECKING:
    import asyncio

    from dioxide.container import Container
    from dioxide.profile_enum import Profile

T = TypeVar("T")


class ScopedContainer(dict[Any, Any]):
    """One request scope of a container: ``async with container.create_scope() as scope:`` (or ``with``).

    Each container makes its own subclass (``scope_class_for``) holding the container and its compiled
    providers as class attributes.
    """

    _parent: ClassVar[Container]
    _providers: ClassVar[dict[Any, Callable[[Any], Any]]]
    _lifecycle: ClassVar[list[Hashable] | None] = None
    _id: str | None = None
    _runner: LifecycleRunner | None = None
    _sync_runner: asyncio.Runner | None = None

    def resolve(self, component_type: type[T]) -> T:
        """The component for ``component_type``: REQUEST ones cached in this scope, singletons shared."""
        return self._providers[component_type](self)  # type: ignore[no-any-return]

    if TYPE_CHECKING:

        def __getitem__(self, component_type: type[T]) -> T: ...

    def __missing__(self, key: Hashable) -> Any:
        return self._providers[key](self)

    # A scope is a container, not a mapping users compare or test for emptiness.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return True

    @property
    def scope_id(self) -> str:
        """A unique id (a uuid4 string), made on first use: most scopes never need one."""
        if self._id is None:
            import uuid

            self._id = str(uuid.uuid4())
        return self._id

    @property
    def parent(self) -> Container:
        return self._parent

    @property
    def active_profile(self) -> Profile | None:
        return self._parent.active_profile

    def create_scope(self) -> ScopedContainer:
        raise ScopeError("Nested scopes not supported")

    def __repr__(self) -> str:
        return f"ScopedContainer(profile={self._parent.active_profile!r}, parent=Container)"

    # -- lifecycle -------------------------------------------------------------------------------------

    @classmethod
    def _lifecycle_keys(cls) -> list[Hashable]:
        keys = cls._lifecycle
        if keys is None:
            keys = cls._lifecycle = cls._parent._graph.lifecycle_keys(Scope.REQUEST)
        return keys

    async def _open(self) -> None:
        runner = LifecycleRunner()
        keys = self._lifecycle_keys()
        await runner.start(
            (self._parent._component_name(key), functools.partial(dict.__getitem__, self, key)) for key in keys
        )
        self._runner = runner

    async def _close(self, exc: BaseException | None) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        report_failures(await runner.stop(), exc, "closing a scope")

    async def __aenter__(self) -> ScopedContainer:
        keys = self._lifecycle
        if keys is None:
            keys = self._lifecycle_keys()
        if keys:
            await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._close(exc)

    def __enter__(self) -> ScopedContainer:
        keys = self._lifecycle
        if keys is None:
            keys = self._lifecycle_keys()
        if keys:
            self._sync_runner = start_sync(self._open, self._parent._sync_runner)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        runner = self._sync_runner
        if runner is not None:
            self._sync_runner = None
            stop_sync(runner, lambda: self._close(exc), close=runner is not self._parent._sync_runner)


def scope_class_for(container: Container) -> type[ScopedContainer]:
    """The scope class of one container: its providers are class attributes, so a scope is one allocation."""
    compiler = container._compiler
    namespace = {
        "_parent": container,
        "_providers": compiler.scope_providers,
        "__module__": __name__,
        "__qualname__": "ScopedContainer",
    }
    return type("ScopedContainer", (ScopedContainer,), namespace)


__all__ = ["ScopedContainer", "scope_class_for"]
