"""Request scopes: short-lived views of a container that cache REQUEST-scoped components.

A scope is a small slotted object holding a dict of its instances; the compiled providers take that dict and
store REQUEST instances straight into it. Singletons come from the parent. REQUEST-scoped ``@lifecycle``
components are initialized when the scope opens (in dependency order, before user code can get them) and
disposed in reverse order when it closes, also when the body raised. Once its block has exited, a scope
refuses to resolve.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from dioxide._compile.generators import SCOPE_CLEANUPS
from dioxide._lifecycle_runner import DisposePolicy, LifecycleRunner, SyncBridge, report_failures
from dioxide._typing import ComponentType
from dioxide.exceptions import ScopeError

if TYPE_CHECKING:
    from dioxide.profile_enum import Profile

T = TypeVar("T")

ScopeProvider = Callable[[dict[Any, Any]], Any]

_new: Final = object.__new__
_CLOSED: Final[dict[Any, ScopeProvider]] = {}  # the providers of an exited scope: every lookup misses
_RELEASED: Final[dict[Any, Any]] = {}  # the instances of an exited scope: never read, as every lookup misses
_wirings: weakref.WeakKeyDictionary[Any, weakref.ref[ScopeWiring]] = weakref.WeakKeyDictionary()
"""Each container's wiring, for ``ScopedContainer(container)``; weak both ways, so that neither keeps the other."""


class ScopeWiring:
    """What a container gives its scopes: its scope providers and how to compile, order and name components.

    One per container, made by the container itself; scopes never reach into the container otherwise.
    """

    __slots__ = (
        "__weakref__",
        "_context",
        "_known",
        "bridge",
        "compile",
        "context_types",
        "dispose",
        "needs_opening",
        "parent",
        "providers",
        "quiet",
        "steps",
    )

    def __init__(
        self,
        parent: Any,
        *,
        providers: dict[Any, ScopeProvider],
        compile: Callable[[Any], ScopeProvider],
        steps: Callable[[dict[Any, Any], Callable[[Hashable], Any]], list[tuple[str, Callable[[], Any]]]],
        needs_opening: Callable[[], bool],
        context_types: Callable[[], frozenset[Hashable]],
        bridge: SyncBridge,
        dispose: DisposePolicy,
    ) -> None:
        self.parent = parent
        self.providers = providers
        self.compile = compile
        self.steps = steps
        self.needs_opening = needs_opening
        self.context_types = context_types
        self.bridge = bridge
        self.dispose = dispose
        self._context: frozenset[Hashable] | None = None
        self._known = False
        self.quiet = False  # True once known that opening a scope has nothing to do (the common case)
        _wirings[parent] = weakref.ref(self)

    def changed(self) -> None:
        """The container's plan changed: whether a scope has work to open is found out again on next use."""
        self._known = False
        self.quiet = False
        self._context = None

    def new_scope(self, context: Mapping[Any, Any] | None = None) -> ScopedContainer:
        """A scope of this container, made without running ``__init__`` (``create_scope`` is this method).

        ``context`` holds the request data the scope is given: values for types declared with
        ``container.declare_context``.
        """
        scope = _new(ScopedContainer)
        scope._wiring = self
        scope._providers = self.providers
        scope._instances = {} if context is None else self.given(context)
        scope._runner = None
        return scope

    def given(self, context: Mapping[Any, Any]) -> dict[Any, Any]:
        declared = self._context
        if declared is None:
            declared = self._context = self.context_types()
        if not declared.issuperset(context):
            key = next(key for key in context if key not in declared)
            name = getattr(key, "__name__", repr(key))
            raise TypeError(
                f"create_scope(context=...): {name} is not declared as request data of this container; "
                f"call container.declare_context({name}) first"
            )
        return dict(context)

    def opens(self) -> bool:
        """Whether opening a scope has work: REQUEST ``@lifecycle`` components, async or generator providers."""
        if not self._known:
            self.quiet = not self.needs_opening()
            self._known = True
        return not self.quiet


class ScopedContainer:
    """One request scope of a container: ``async with container.create_scope() as scope:`` (or ``with``).

    ``ScopedContainer(container)`` (dioxide 2.x's constructor, also given a ``scope_id``) builds one directly.
    """

    __slots__ = ("__weakref__", "_instances", "_providers", "_runner", "_scope_id", "_wiring")

    def __init__(self, parent: Any, scope_id: str | None = None, *, context: Mapping[Any, Any] | None = None) -> None:
        wiring = parent if type(parent) is ScopeWiring else _wiring_of(parent)
        self._wiring = wiring
        self._providers = wiring.providers
        self._instances: dict[Any, Any] = {} if context is None else wiring.given(context)
        if scope_id is not None:
            self._scope_id = scope_id
        self._runner: LifecycleRunner | None = None

    def resolve(self, component_type: ComponentType[T]) -> T:
        """The component for ``component_type``: REQUEST ones cached in this scope, singletons shared."""
        try:
            provider = self._providers[component_type]
        except KeyError:  # first resolution since the container last changed (or a closed scope)
            provider = self._compile(component_type)
        return provider(self._instances)  # type: ignore[no-any-return]

    def __getitem__(self, component_type: ComponentType[T]) -> T:
        return self.resolve(component_type)

    __iter__ = None  # a scope is not a collection: no iteration (and no ``in``) through __getitem__
    __contains__ = None

    def _resolve_key(self, key: Hashable) -> Any:
        return self.resolve(cast(Any, key))

    def _compile(self, component_type: Any) -> ScopeProvider:
        if self._providers is _CLOSED:
            name = getattr(component_type, "__name__", repr(component_type))
            raise ScopeError(
                f"Cannot resolve {name}: this scope has exited\n"
                "  Resolve inside the `with`/`async with container.create_scope()` block, or open a new scope"
            )
        return self._wiring.compile(component_type)

    @property
    def scope_id(self) -> str:
        """A unique id (a uuid4 string), made on first use: most scopes never need one."""
        scope_id: str | None = getattr(self, "_scope_id", None)  # unset until asked for: most scopes never are
        if scope_id is None:
            import uuid

            scope_id = self._scope_id = str(uuid.uuid4())
        return scope_id

    @property
    def parent(self) -> Any:
        return self._wiring.parent

    @property
    def active_profile(self) -> Profile | None:
        profile: Profile | None = self._wiring.parent.active_profile
        return profile

    def create_scope(self) -> ScopedContainer:
        raise ScopeError("Nested scopes not supported")

    def __repr__(self) -> str:
        return f"ScopedContainer(profile={self.active_profile!r}, parent=Container)"

    # -- lifecycle -------------------------------------------------------------------------------------

    async def _open(self) -> None:
        runner = LifecycleRunner(self._wiring.dispose.timeout)
        self._instances[SCOPE_CLEANUPS] = runner.started  # generator providers' cleanups join the same order
        await runner.start(self._wiring.steps(self._instances, self._resolve_key))
        self._runner = runner

    async def _close(self, exc: BaseException | None) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            failures = await runner.stop()
            if failures:
                report_failures(failures, exc, "closing a scope", raise_errors=self._wiring.dispose.raise_errors)

    async def __aenter__(self) -> ScopedContainer:
        if not self._wiring.quiet and self._wiring.opens():
            await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._providers = _CLOSED
        try:
            if self._runner is not None:
                await self._close(exc)
        finally:
            self._instances = _RELEASED  # let go of them now, and of any cycle through them (a Request -> its state)

    def __enter__(self) -> ScopedContainer:
        if not self._wiring.quiet and self._wiring.opens():
            self._wiring.bridge.run(self._open)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._providers = _CLOSED
        try:
            if self._runner is not None:
                self._wiring.bridge.run(lambda: self._close(exc))
        finally:
            self._instances = _RELEASED


def _wiring_of(parent: Any) -> ScopeWiring:
    try:
        reference = _wirings.get(parent)
    except TypeError:  # not weak-referenceable: certainly not a container
        reference = None
    wiring = reference() if reference is not None else None
    if wiring is None:
        raise TypeError(f"ScopedContainer expects the Container it belongs to, got {parent!r}")
    return wiring


__all__ = ["ScopeWiring", "ScopedContainer"]
