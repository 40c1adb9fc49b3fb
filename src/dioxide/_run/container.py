"""The container: it owns the flow from declarations to resolved components.

What a container knows (its registrations, scans, overrides and profile) becomes a frozen plan; every change
builds a new plan and swaps it in. ``resolve(T)`` looks up the compiled provider of ``T`` and calls it: for a
singleton already built that provider is a C-level getter of the instance; for a factory it is one generated
function constructing the whole chain. Everything slow (reading hints, choosing adapters, validating the
graph, generating providers) happens before, once per key.
"""

from __future__ import annotations

import functools
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Hashable, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

from dioxide._compile.providers import Compiler, RootProvider, ScopeProvider, SingletonSlot
from dioxide._lifecycle_runner import (
    DEFAULT_DISPOSE_TIMEOUT,
    DisposePolicy,
    LifecycleRunner,
    SyncBridge,
    raise_failures,
    report_failures,
)
from dioxide._plan.bindings import Binding, Kind, Origin, key_name
from dioxide._plan.plan import Plan, is_list_key
from dioxide._plan.scanner import orphan_lifecycles, plan_scan
from dioxide._render.errors import raise_all
from dioxide._run import introspection
from dioxide._run.imports import check_allowed, import_package, user_stacklevel
from dioxide._run.lazy import LazyScans, Pending
from dioxide._run.overrides import Override, override_binding, refuse_started_dependents
from dioxide._run.profile_check import warn_if_unknown
from dioxide._run.registration import ManualRegistration, check_instance
from dioxide._run.scope import ScopedContainer, ScopeWiring
from dioxide._typing import ComponentType
from dioxide.profile_enum import Profile, profile_value
from dioxide.scan_stats import ScanStats
from dioxide.scope import Scope

if TYPE_CHECKING:
    import asyncio

    from dioxide.scan_plan import ScanPlan

T = TypeVar("T")
logger = logging.getLogger("dioxide")


class Container(ManualRegistration):
    """A dependency-injection container for one profile.

    ``Container(profile=Profile.PRODUCTION)`` scans every decorated class at construction; ``resolve(T)``
    (or ``container[T]``) returns the component registered for ``T``; ``async with container`` runs the
    ``@lifecycle`` components' ``initialize()`` and ``dispose()``.

    ``dispose_timeout`` (seconds, or None) bounds each ``dispose()``; a failing ``dispose()`` is logged and
    stopping goes on, unless ``raise_dispose_errors=True`` makes ``stop()`` (and a scope's exit) raise them.
    """

    def __init__(
        self,
        allowed_packages: list[str] | None = None,
        profile: Profile | str | None = None,
        *,
        dispose_timeout: float | None = DEFAULT_DISPOSE_TIMEOUT,
        raise_dispose_errors: bool = False,
    ) -> None:
        self._allowed_packages = list(allowed_packages) if allowed_packages is not None else None
        self._dispose = DisposePolicy(dispose_timeout, raise_dispose_errors)
        # what this container knows, in registration order
        self._bindings: dict[Hashable, Binding] = {}
        self._sightings: dict[Hashable, dict[Any, frozenset[str]]] = {}
        self._profile: str | None = None
        self._scanned = False
        self._overrides: list[Override] = []
        self._lazy = LazyScans()
        # the current plan's compiler, and the caches that outlive plans (exact dicts: they are on the hot path)
        self._compiler: Compiler | None = None
        self._instances: dict[Any, Any] = {}
        self._providers: dict[Any, RootProvider] = {}
        self._scope_providers: dict[Any, ScopeProvider] = {}
        self._slots: dict[Hashable, SingletonSlot] = {}
        # lifecycle
        self._runners: list[LifecycleRunner] = []
        self._warned_unstarted: set[Hashable] = set()
        self._startup_by_scope: dict[Scope, list[tuple[str, Hashable, bool]]] = {}
        self._start_future: asyncio.Future[None] | None = None
        self._sync_bridge = SyncBridge()
        self._wiring = ScopeWiring(
            self,
            providers=self._scope_providers,
            compile=self._compile_scoped,
            steps=self._scope_steps,
            needs_opening=self._scope_needs_opening,
            context_types=lambda: self._plan().context_types(),
            bridge=self._sync_bridge,
            dispose=self._dispose,
        )
        if type(self).create_scope is Container.create_scope:  # a scope per call, with no frame of ours
            self.create_scope = self._wiring.new_scope  # type: ignore[method-assign]
        if profile is not None:
            self.scan(profile=profile)
            warn_if_unknown(profile_value(profile))

    # -- resolution ------------------------------------------------------------------------------------

    def resolve(self, component_type: ComponentType[T]) -> T:
        """The component registered for ``component_type`` (a port, a service, or ``list[Port]``)."""
        try:
            provider = self._providers[component_type]
        except KeyError:  # first resolution since the last change: compile (or raise the resolution error)
            provider = self._compile(component_type)
        return provider()  # type: ignore[no-any-return]

    def __getitem__(self, component_type: ComponentType[T]) -> T:
        return self.resolve(component_type)

    def _compile(self, key: Any) -> RootProvider:
        self._load_lazily(key)
        return self._current().root(key)

    def _compile_scoped(self, key: Any) -> ScopeProvider:
        self._load_lazily(key)
        return self._current().scoped(key)

    # -- the plan ----------------------------------------------------------------------------------------

    def _current(self) -> Compiler:
        compiler = self._compiler
        if compiler is None:
            effective = dict(self._bindings)
            effective.update((o.key, o.binding) for o in self._overrides)
            plan = Plan(
                effective,
                listed=self._bindings,
                profile=self._profile,
                adapters_seen=self._sightings,
                scanned=self._scanned,
            )
            compiler = self._compiler = Compiler(
                plan,
                instances=self._instances,
                root_cache=self._providers,
                scope_cache=self._scope_providers,
                slots=self._slots,
                track=self._track,
                lifecycle_built=self._lifecycle_built,
            )
        return compiler

    def _plan(self) -> Plan:
        return self._current().plan

    def _changed(self) -> None:
        """What the container knows changed: the next use builds a new plan, and compiles again."""
        self._compiler = None
        self._providers.clear()
        self._scope_providers.clear()
        self._startup_by_scope.clear()
        self._wiring.changed()

    def _load_lazily(self, key: Hashable) -> None:
        """Import, from lazily scanned packages, what may provide ``key`` and what building it names.

        A type the source index cannot place makes the whole package import, as an eager scan would. New
        registrations may name new types: repeat until nothing new is tried.
        """
        progress = True
        while self._lazy and progress:
            progress = False
            for named in self._plan().named(key):
                touched = self._lazy.import_for(named)
                if touched is None:  # tried before
                    continue
                progress = True
                self._register_scans(touched)
                if not is_list_key(named) and self._plan().get(named) is None:
                    self._register_scans(self._lazy.import_all())
                    return

    def _register_scans(self, pending: list[Pending]) -> None:
        for item in pending:
            self._register_scan(package=item.package, profile=item.profile)

    # -- scanning ------------------------------------------------------------------------------------

    @property
    def active_profile(self) -> Profile | None:
        """The profile this container scanned for, or ``None`` before any profile was given."""
        return Profile(self._profile) if self._profile is not None else None

    def scan(
        self,
        package: str | None = None,
        profile: Profile | str | None = None,
        stats: bool = False,
        *,
        strict: bool = False,
        lazy: bool = False,
    ) -> ScanStats | None:
        """Register the decorated classes (of ``package``, or all) active in ``profile``.

        Components registered earlier (by hand or by an earlier scan) win; a scan without a profile keeps
        the container's current profile. ``lazy=True`` defers importing ``package`` until a resolution
        needs one of its components.
        """
        started = time.perf_counter()
        active = profile_value(profile) if profile is not None else self._profile
        if package is not None:
            check_allowed(package, self._allowed_packages)
        if lazy and package is not None:
            from dioxide._source.lazy_index import build_lazy_index

            index = build_lazy_index(package)
            self._set_profile(active)
            self._lazy.add(package, active, index)
            return None
        modules = import_package(package, strict=strict) if package is not None else 0
        self._set_profile(active)
        services, adapters = self._register_scan(package=package, profile=active)
        if active is not None and len(self) == 0:
            logger.warning(
                "Profile '%s' matched zero components. Verify @adapter.for_() decorators are correctly applied.",
                active,
            )
        if not stats:
            return None
        duration = round((time.perf_counter() - started) * 1000, 3)
        return ScanStats(services, adapters, modules, duration)

    def _register_scan(self, *, package: str | None, profile: str | None) -> tuple[int, int]:
        outcome = plan_scan(self._bindings, package=package, profile=profile)
        for port, cls, profiles in outcome.sightings:
            self._sightings.setdefault(port, {})[cls] = profiles
        if outcome.problems:
            raise_all(outcome.problems, self._plan(), "while scanning")
        self._scanned = True
        for binding in outcome.bindings:
            self._bindings[binding.key] = binding
        self._changed()
        for cls in orphan_lifecycles(self._bindings.values()):
            warnings.warn(
                f"{cls.__name__} has @lifecycle but is not registered with @service or @adapter.for_(); "
                "its initialize() and dispose() will never be called",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        return outcome.services, outcome.adapters

    def _set_profile(self, profile: str | None) -> None:
        if profile != self._profile:
            self._profile = profile
            self._changed()

    # -- overrides -----------------------------------------------------------------------------------

    def override(self, component_type: ComponentType[T], replacement: object) -> Override:
        """Replace a component until the returned handle is exited (``with``) or ``restore()``-d.

        ``replacement`` is an instance (which must be a ``component_type``, or for a port have its methods:
        otherwise ``TypeError``), a class (built with injection, in the original's scope) or a function
        (called as a factory, in the original's scope). Singletons that depend on the component
        are rebuilt while the override is active and the originals come back afterwards.
        """
        key = cast(Hashable, component_type)
        plan = self._plan()
        binding = override_binding(key, replacement, plan.get(key))
        if binding.kind is Kind.INSTANCE:
            check_instance(component_type, replacement)  # as register_instance: a wrong object fails here
        affected = refuse_started_dependents(plan, self._instances, key, self._is_started)
        handle = Override(key, binding, self._end_override)
        self._overrides.append(handle)
        self._changed()
        handle.hide(affected | self._plan().dependents(key), self._instances)
        return handle

    def _end_override(self, handle: Override) -> bool:
        if handle not in self._overrides:
            return True
        position = self._overrides.index(handle)
        self._overrides.remove(handle)
        self._changed()
        successor = self._overrides[position] if position < len(self._overrides) else None
        handle.release(self._instances, self._is_started, successor)
        return True

    def _lifecycle_built(self, key: Hashable) -> None:
        """A singleton ``@lifecycle`` component was just built: before ``start()``, nothing will initialize it.

        2.x let this pass without a sign; resolution still works, and one warning per component says why the
        object may not be ready.
        """
        if self._start_future is None and key not in self._warned_unstarted:
            self._warned_unstarted.add(key)
            name = self._component_name(key)
            logger.warning(
                "%s (@lifecycle) was resolved before the container started: its initialize() has not run. "
                "Start the container first (`async with container:`, `with container:` or `await container.start()`)",
                name,
            )

    def _is_started(self, component: object) -> bool:
        return any(started is component for runner in self._runners for _, started in runner.started)

    # -- scopes ------------------------------------------------------------------------------------------

    def create_scope(self, context: Mapping[Any, Any] | None = None) -> ScopedContainer:
        """A request scope: ``async with container.create_scope() as scope:`` (or ``with``).

        ``context`` gives the scope its request data: ``create_scope(context={Request: request})`` for types
        declared with ``declare_context``, which REQUEST-scoped components can then take as parameters.
        """
        return self._wiring.new_scope(context)

    def declare_context(self, *types: type) -> None:
        """Declare request data: types every scope may be given when it opens (``create_scope(context=...)``).

        REQUEST-scoped components (and FACTORY ones built in a scope) can take them as constructor parameters,
        and validation knows where they come from. Declaring a type again does nothing.
        """
        for component_type in types:
            existing = self._bindings.get(component_type)
            if existing is not None and existing.kind is Kind.CONTEXT:
                continue
            self._register(Binding(component_type, Kind.CONTEXT, None, Scope.REQUEST, Origin.MANUAL))

    # -- validation and lifecycle ------------------------------------------------------------------------

    def validate(self) -> None:
        """Check the whole graph of the active profile; raise every problem at once.

        A single problem raises its own error (e.g. ``AdapterNotFoundError``); several raise a
        ``ContainerValidationError``, which is also an ``ExceptionGroup`` of them.
        """
        self._register_scans(self._lazy.import_all())
        plan = self._plan()
        problems = plan.problems(list(plan.keys()), lifecycle_rules=True)
        raise_all(problems, plan, f"in the container (profile '{plan.profile or 'none'}')")

    async def start(self) -> None:
        """Validate, then initialize every singleton ``@lifecycle`` component in dependency order.

        If a constructor or an ``initialize()`` fails, the components already initialized are disposed in
        reverse order and the original error is raised. ``start()`` on a started container does nothing;
        a ``start()`` that finds another one in progress waits for it.
        """
        import asyncio

        pending = self._start_future
        if pending is not None:
            await asyncio.shield(pending)
            return
        future = self._start_future = asyncio.get_running_loop().create_future()
        runner = LifecycleRunner(self._dispose.timeout)
        self._runners.append(runner)
        try:
            self.validate()
            await runner.start(self._startup_steps(Scope.SINGLETON, None, self.resolve))
        except BaseException as error:
            self._runners.remove(runner)
            self._start_future = None
            if isinstance(error, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(error)
                future.exception()  # retrieved: waiters re-raise it, nobody else has to
            raise
        future.set_result(None)

    def _startup_steps(
        self, scope: Scope, instances: dict[Any, Any] | None, resolve: Callable[[Any], Any]
    ) -> list[tuple[str, Callable[[], Any]]]:
        """What a start (of the container, or of a scope) does, in order: build and initialize ``@lifecycle``
        components, await async providers."""
        build_async, partial = self._current().build_async, functools.partial
        return [
            (name, partial(build_async, key, instances) if awaited else partial(resolve, key))
            for name, key, awaited in self._startup(scope)
        ]

    def _startup(self, scope: Scope) -> list[tuple[str, Hashable, bool]]:
        """Each component a start of ``scope`` builds: its name, its key, whether it is awaited (an async provider).

        Read from the plan once, not at each scope's opening; forgotten when the plan changes.
        """
        found = self._startup_by_scope.get(scope)
        if found is None:
            plan = self._plan()
            found = self._startup_by_scope[scope] = [
                (self._component_name(key), key, (binding := plan.get(key)) is not None and binding.style.is_async)
                for key in plan.startup_keys(scope)
            ]
        return found

    def _scope_steps(
        self, instances: dict[Any, Any], resolve: Callable[[Hashable], Any]
    ) -> list[tuple[str, Callable[[], Any]]]:
        return self._startup_steps(Scope.REQUEST, instances, resolve)

    def _scope_needs_opening(self) -> bool:
        plan = self._plan()
        return bool(plan.startup_keys(Scope.REQUEST)) or plan.cleans_up(Scope.REQUEST)

    def _track(self, name: str, cleanup: Any) -> None:
        """A singleton generator provider's cleanup: disposed by ``stop()``, newest first, with the rest."""
        if not self._runners:
            self._runners.append(LifecycleRunner(self._dispose.timeout))
        self._runners[-1].started.append((name, cleanup))

    @property
    def started(self) -> bool:
        """Whether ``start()`` has run (or is running) and ``stop()`` has not run since."""
        return self._start_future is not None

    def _component_name(self, key: Hashable) -> str:
        binding = self._plan().get(key)
        if binding is None:
            return key_name(key)
        return getattr(binding.target, "__name__", None) or key_name(binding.key)

    async def stop(self, *, raise_errors: bool | None = None) -> None:
        """Dispose every initialized component in reverse order, even across ``reset()``.

        Every ``dispose()`` runs even when some fail or hang (past ``dispose_timeout``); each failure is logged
        on the ``dioxide`` logger. With ``raise_errors=True`` (default: the container's
        ``raise_dispose_errors``) they are then raised together as a ``LifecycleError``. Calling ``stop()``
        again does nothing.
        """
        failures = await self._dispose_all()
        if self._dispose.raise_errors if raise_errors is None else raise_errors:
            raise_failures(failures, "stopping the container")

    async def _dispose_all(self) -> list[Exception]:
        """Newest runner first; a runner leaves the list only once all its components got their turn."""
        self._start_future = None
        failures: list[Exception] = []
        while self._runners:
            runner = self._runners[-1]
            failures += await runner.stop()
            self._runners.pop()
        return failures

    async def __aenter__(self) -> Container:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        failures = await self._dispose_all()
        report_failures(failures, exc, "stopping the container", raise_errors=self._dispose.raise_errors)

    def __enter__(self) -> Container:
        """Run the lifecycle from synchronous code (any thread, loop running or not), on the container's loop."""
        self._sync_bridge.run(self.start)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._sync_bridge.run(lambda: self.__aexit__(exc_type, exc, tb))
        finally:
            self._sync_bridge.close()

    def run(self, function: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """``await function(*args, **kwargs)`` from synchronous code, on the container's own event loop.

        That loop (in a daemon thread) is where ``with container:`` initialized the singletons, so async
        resources bound to a loop (connection pools, clients) are used where they were made. It works whether
        or not a loop runs in the calling thread; it blocks the calling thread until the result is ready.
        """
        return self._sync_bridge.run(lambda: _awaited(function, args, kwargs))

    def reset(self) -> None:
        """Forget every instance built so far (registered instances stay); keep what must be disposed.

        Components initialized before the reset are still disposed by the next ``stop()``; the next
        ``start()`` initializes the new instances.
        """
        self._instances.clear()
        self._providers.clear()  # they hold the forgotten instances; the plan itself has not changed
        self._scope_providers.clear()
        for active in self._overrides:
            active.forget_saved()
        for key, binding in self._bindings.items():
            if binding.kind is Kind.INSTANCE:
                self._instances[key] = binding.target
        self._start_future = None

    def _reinitialize(self) -> None:
        """Back to a fresh, unscanned container (same object), still remembering what to dispose."""
        self._bindings.clear()
        self._sightings.clear()
        self._overrides.clear()
        self._profile = None
        self._scanned = False
        self._instances.clear()
        self._lazy.clear()
        self._start_future = None
        self._warned_unstarted.clear()
        self._changed()

    # -- introspection ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(1 for _ in self._plan().visible())

    def is_empty(self) -> bool:
        return len(self) == 0

    def list_registered(self) -> list[Any]:
        """Every key that ``resolve`` accepts, in registration order."""
        return [binding.key for binding in self._plan().visible()]

    def is_registered(self, component_type: Any) -> bool:
        binding = self._plan().get(component_type)
        return binding is not None and binding.visible

    @property
    def active_adapters(self) -> dict[Any, Any]:
        """Each port of the active profile and the class that implements it."""
        plan = self._plan()
        return {b.key: plan.final(b).target for b in plan.visible() if plan.is_port(b.key)}

    def get_adapters_for(self, port: type[Any]) -> dict[Profile, type]:
        """Every profile's adapter for ``port`` among the decorated classes, across all profiles."""
        return introspection.adapters_for(port)

    def debug(self, file: IO[str] | None = None) -> str:
        """A readable summary: active profile, services with their scope, adapters by port (and which is active)."""
        return introspection.debug(self._plan(), file)

    def explain(self, component_type: Any, *, code: bool = False) -> str:
        """How ``component_type`` is built in this profile, as a tree of its dependencies.

        With ``code=True``, the Python code dioxide generated to build it follows the tree (for a
        REQUEST-scoped component, the code that runs inside a scope).
        """
        self._load_lazily(component_type)
        compiler = self._current()
        source = None
        if code and compiler.plan.get(component_type) is not None:
            binding = compiler.plan.get(component_type)
            source = compiler.source(component_type, in_scope=binding is not None and binding.scope is Scope.REQUEST)
        return introspection.explain(compiler.plan, component_type, source)

    def graph(self, format: str = "mermaid") -> str:
        """The dependency graph as Mermaid (default) or Graphviz ``dot`` text."""
        return introspection.graph_text(self._plan(), format)

    def scan_plan(self, package: str) -> ScanPlan:
        """What ``scan(package)`` would find, without importing anything."""
        from dioxide.scan_plan import build_scan_plan

        check_allowed(package, self._allowed_packages)
        return build_scan_plan(package)

    def __repr__(self) -> str:
        plan = self._plan()
        keys = self.list_registered()
        ports = sum(1 for key in keys if plan.is_port(key))
        profile = repr(self.active_profile) if self.active_profile is not None else "None"
        return f"Container(profile={profile}, ports={ports}, services={len(keys) - ports})"


async def _awaited(function: Callable[..., Awaitable[T]], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    return await function(*args, **kwargs)


container = Container()
"""The global container, shared by integrations that are not given one."""


def reset_global_container() -> None:
    """Reset the global container's state in place (the object stays the same)."""
    container._reinitialize()


__all__ = ["Container", "container", "reset_global_container"]
