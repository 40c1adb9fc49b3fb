"""Request scopes: short-lived views of a container that cache REQUEST-scoped components.

A scope *is* the dict of its instances, an instance of a ``dict`` subclass made once per container, so
opening a scope allocates one object and the compiled providers store REQUEST instances straight into it.
The per-container class binds the container's providers into its methods (closures), so resolving runs no
attribute lookups of ours. Singletons come from the parent. REQUEST-scoped ``@lifecycle`` components are
initialized when the scope opens (in dependency order, before user code can get them) and disposed in
reverse order when it closes, also when the body raised.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dioxide._lifecycle_runner import LifecycleRunner, report_failures
from dioxide._typing import ComponentType
from dioxide.exceptions import ScopeError
from dioxide.scope import Scope

if TYPE_CHECKING:
    from dioxide.container import Container
    from dioxide.profile_enum import Profile

T = TypeVar("T")


class _State:
    """What a scope holds besides its instances; made only for scopes that need it."""

    __slots__ = ("runner", "scope_id")

    def __init__(self) -> None:
        self.scope_id: str | None = None
        self.runner: LifecycleRunner | None = None


_STATE: Any = _State  # the dict key of a scope's state (no component can be registered under it)


class _Shared:
    """Per-container facts shared by its scopes: the REQUEST ``@lifecycle`` keys (None until computed).

    ``quiet`` says the keys are known and there are none: then opening and closing a scope does nothing.
    """

    __slots__ = ("lifecycle", "quiet")

    def __init__(self) -> None:
        self.lifecycle: list[Hashable] | None = None
        self.quiet = False

    def reset(self) -> None:
        self.lifecycle = None
        self.quiet = False


class ScopedContainer(dict[Any, Any]):
    """One request scope of a container: ``async with container.create_scope() as scope:`` (or ``with``).

    Each container makes its own subclass with ``scope_class_for``.
    """

    __slots__ = ()
    _parent: ClassVar[Container]
    _shared: ClassVar[_Shared]

    if TYPE_CHECKING:  # implemented per container by scope_class_for, bound to its providers

        def resolve(self, component_type: ComponentType[T]) -> T:
            """The component for ``component_type``: REQUEST ones cached in this scope, singletons shared."""

        def __getitem__(self, component_type: ComponentType[T]) -> T: ...

    # A scope is a container, not a mapping users compare or test for emptiness.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return True

    def _state(self) -> _State:
        state: _State | None = dict.get(self, _STATE)
        if state is None:
            state = _State()
            dict.__setitem__(self, _STATE, state)
        return state

    @property
    def scope_id(self) -> str:
        """A unique id (a uuid4 string), made on first use: most scopes never need one."""
        state = self._state()
        if state.scope_id is None:
            import uuid

            state.scope_id = str(uuid.uuid4())
        return state.scope_id

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

    def _lifecycle_keys(self) -> list[Hashable]:
        shared = self._shared
        if shared.lifecycle is None:
            shared.lifecycle = self._parent._graph.lifecycle_keys(Scope.REQUEST)
            shared.quiet = not shared.lifecycle
        return shared.lifecycle

    async def _open(self) -> None:
        runner = LifecycleRunner()
        keys = self._lifecycle_keys()
        await runner.start(
            (self._parent._component_name(key), functools.partial(dict.__getitem__, self, key)) for key in keys
        )
        self._state().runner = runner

    async def _close(self, exc: BaseException | None) -> None:
        state: _State | None = dict.get(self, _STATE)
        runner = state.runner if state is not None else None
        if state is None or runner is None:
            return
        state.runner = None
        report_failures(await runner.stop(), exc, "closing a scope")

    async def __aenter__(self) -> ScopedContainer:
        if self._lifecycle_keys():
            await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._close(exc)

    def __enter__(self) -> ScopedContainer:
        if self._lifecycle_keys():
            self._parent._sync_bridge.run(self._open)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        state: _State | None = dict.get(self, _STATE)
        if state is not None and state.runner is not None:
            self._parent._sync_bridge.run(lambda: self._close(exc))


def scope_class_for(container: Container) -> type[ScopedContainer]:
    """The scope class of one container, its hot methods bound to the container's providers by closure."""
    providers = container._compiler.scope_providers
    compile_scoped = container._compiler.scoped
    shared = _Shared()
    base_enter, base_exit = ScopedContainer.__enter__, ScopedContainer.__exit__
    base_aenter, base_aexit = ScopedContainer.__aenter__, ScopedContainer.__aexit__

    def resolve(self: ScopedContainer, component_type: Any) -> Any:
        """The component for ``component_type``: REQUEST ones cached in this scope, singletons shared."""
        try:
            provider = providers[component_type]
        except KeyError:  # first resolution since the last change: compile (or raise the resolution error)
            provider = compile_scoped(component_type)
        return provider(self)

    def __missing__(self: ScopedContainer, key: Any) -> Any:
        return resolve(self, key)

    def __enter__(self: ScopedContainer) -> ScopedContainer:
        if shared.quiet:  # the common case: nothing to initialize
            return self
        return base_enter(self)

    def __exit__(self: ScopedContainer, exc_type: Any, exc: Any, tb: Any) -> None:
        if shared.quiet:  # nothing was opened (a scope_id alone needs no closing)
            return
        base_exit(self, exc_type, exc, tb)

    async def __aenter__(self: ScopedContainer) -> ScopedContainer:
        if shared.quiet:
            return self
        return await base_aenter(self)

    async def __aexit__(self: ScopedContainer, exc_type: Any, exc: Any, tb: Any) -> None:
        if shared.quiet:
            return
        await base_aexit(self, exc_type, exc, tb)

    namespace = {
        "__slots__": (),
        "__module__": __name__,
        "__qualname__": "ScopedContainer",
        "_parent": container,
        "_shared": shared,
        "resolve": resolve,
        "__missing__": __missing__,
        "__enter__": __enter__,
        "__exit__": __exit__,
        "__aenter__": __aenter__,
        "__aexit__": __aexit__,
    }
    return type("ScopedContainer", (ScopedContainer,), namespace)


__all__ = ["ScopedContainer", "scope_class_for"]
