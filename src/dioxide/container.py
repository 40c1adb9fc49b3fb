"""The container: bindings chosen at scan, providers compiled once, resolution as a dictionary hit.

``resolve(T)`` looks up the compiled provider of ``T`` and calls it: for a singleton already built that
provider is a C-level getter of the instance; for a factory it is one generated function constructing the
whole chain. Everything slow (reading hints, choosing adapters, validating the graph, generating providers)
happens before, once per key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

from dioxide import _introspection, _scanner
from dioxide._bindings import Binding, Kind, Origin, is_port, key_name
from dioxide._codegen import Compiler, raise_problems
from dioxide._diagnostics import add_resolution_note
from dioxide._graph import BindingGraph
from dioxide._hints import PRIMITIVE_TYPES
from dioxide._lazy import LazyScans
from dioxide._lifecycle_runner import LifecycleRunner, SyncBridge, raise_failures, report_failures
from dioxide._overrides import Override
from dioxide._typing import ComponentType
from dioxide.exceptions import ResolutionError
from dioxide.profile_enum import Profile, profile_value
from dioxide.scan_stats import ScanStats
from dioxide.scope import Scope
from dioxide.scoped import ScopedContainer, scope_class_for

if TYPE_CHECKING:
    import asyncio

    from dioxide.scan_plan import ScanPlan

T = TypeVar("T")
logger = logging.getLogger("dioxide")


class Container:
    """A dependency-injection container for one profile.

    ``Container(profile=Profile.PRODUCTION)`` scans every decorated class at construction; ``resolve(T)``
    (or ``container[T]``) returns the component registered for ``T``; ``async with container`` runs the
    ``@lifecycle`` components' ``initialize()`` and ``dispose()``.
    """

    def __init__(self, allowed_packages: list[str] | None = None, profile: Profile | str | None = None) -> None:
        self._allowed_packages = list(allowed_packages) if allowed_packages is not None else None
        self._graph = BindingGraph()
        self._instances: dict[Any, Any] = {}
        self._compiler = Compiler(self._graph, self._instances, self._note)
        self._graph.on_change = self._changed
        self._lazy = LazyScans(self._graph)
        self._graph.materialize = self._lazy.materialize
        self._runners: list[LifecycleRunner] = []
        self._start_future: asyncio.Future[None] | None = None
        self._sync_bridge = SyncBridge()
        self._providers = self._compiler.root_providers
        self._scope_class = scope_class_for(self)
        if type(self).create_scope is Container.create_scope:
            self.create_scope = self._scope_class  # type: ignore[method-assign]  # one allocation, no frame of ours
        if profile is not None:
            self.scan(profile=profile)

    # -- resolution ------------------------------------------------------------------------------------

    def resolve(self, component_type: ComponentType[T]) -> T:
        """The component registered for ``component_type`` (a port, a service, or ``list[Port]``)."""
        try:
            provider = self._providers[component_type]
        except KeyError:  # first resolution since the last change: compile (or raise the resolution error)
            provider = self._compiler.root(component_type)
        return provider()  # type: ignore[no-any-return]

    def __getitem__(self, component_type: ComponentType[T]) -> T:
        return self.resolve(component_type)

    def _changed(self) -> None:
        self._compiler.clear()
        self._scope_class._shared.reset()

    def _note(self, error: BaseException, key: Hashable) -> None:
        """Tell which resolution an exception (raised by user code) escaped from, as a note."""
        if isinstance(error, ResolutionError):
            return
        chain: list[Hashable] | None = getattr(error, "__dioxide_chain__", None)
        if chain:
            if chain[0] == key:
                return
            path = self._graph.path(key, chain[0]) or [key, chain[0]]
            full = path[:-1] + chain
        else:
            full = self._graph.origin_of(error.__traceback__, key)
        add_resolution_note(error, full, self._graph.profile)

    # -- scanning ------------------------------------------------------------------------------------

    @property
    def _active_profile(self) -> str | None:
        return self._graph.profile

    @_active_profile.setter
    def _active_profile(self, value: str | None) -> None:
        self._set_profile(value)

    @property
    def active_profile(self) -> Profile | None:
        """The profile this container scanned for, or ``None`` before any profile was given."""
        return Profile(self._graph.profile) if self._graph.profile is not None else None

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
        active = profile_value(profile) if profile is not None else self._graph.profile
        if package is not None:
            _scanner.check_allowed(package, self._allowed_packages)
        if lazy and package is not None:
            from dioxide._lazy_index import build_lazy_index

            index = build_lazy_index(package)
            self._set_profile(active)
            self._lazy.add(package, active, index)
            return None
        modules = _scanner.import_package(package, strict=strict) if package is not None else 0
        self._set_profile(active)
        result = _scanner.register_scanned(self._graph, package=package, profile=active)
        if active is not None and len(self) == 0:
            logger.warning(
                "Profile '%s' matched zero components. Verify @adapter.for_() decorators are correctly applied.",
                active,
            )
        if not stats:
            return None
        duration = round((time.perf_counter() - started) * 1000, 3)
        return ScanStats(result.services, result.adapters, modules, duration)

    def _set_profile(self, profile: str | None) -> None:
        if profile != self._graph.profile:
            self._graph.profile = profile
            self._graph.changed()

    # -- manual registration ---------------------------------------------------------------------------

    def _register(self, binding: Binding) -> None:
        if binding.key in self._graph.bindings:
            raise KeyError(f"Duplicate provider registration: {key_name(binding.key)}")
        self._graph.add(binding)

    def register_instance(self, component_type: ComponentType[T], instance: T) -> None:
        """Register an existing object; ``reset()`` keeps it."""
        _check_instance(component_type, instance)
        lifecycle = getattr(type(instance), "_dioxide_lifecycle", False) is True
        self._register(
            Binding(component_type, Kind.INSTANCE, instance, Scope.SINGLETON, Origin.MANUAL, lifecycle=lifecycle)
        )
        dict.__setitem__(self._instances, component_type, instance)

    def register_class(self, component_type: ComponentType[T], implementation: type[T]) -> None:
        """Register a class called with no arguments on every resolve."""
        self._register(Binding(component_type, Kind.FACTORY, implementation, Scope.FACTORY, Origin.MANUAL))

    def register_singleton_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None:
        """Register a zero-argument factory called once; its result is cached."""
        self._register(Binding(component_type, Kind.FACTORY, factory, Scope.SINGLETON, Origin.MANUAL))

    def register_transient_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None:
        """Register a zero-argument factory called on every resolve."""
        self._register(Binding(component_type, Kind.FACTORY, factory, Scope.FACTORY, Origin.MANUAL))

    register_singleton = register_singleton_factory
    register_factory = register_transient_factory

    # -- overrides -----------------------------------------------------------------------------------

    def override(self, component_type: ComponentType[T], replacement: object) -> Override:
        """Replace a component until the returned handle is exited (``with``) or ``restore()``-d.

        ``replacement`` is an instance, a class (built with injection, in the original's scope) or a
        function (called as a factory, in the original's scope). Singletons that depend on the component
        are rebuilt while the override is active and the originals come back afterwards.
        """
        return Override(self._graph, self._instances, cast(Hashable, component_type), replacement, self._is_started)

    def _is_started(self, component: object) -> bool:
        return any(started is component for runner in self._runners for _, started in runner.started)

    # -- scopes ------------------------------------------------------------------------------------------

    def create_scope(self) -> ScopedContainer:
        """A request scope: ``async with container.create_scope() as scope:`` (or ``with``)."""
        return self._scope_class()

    # -- validation and lifecycle ------------------------------------------------------------------------

    def validate(self) -> None:
        """Check the whole graph of the active profile; raise every problem at once.

        A single problem raises its own error (e.g. ``AdapterNotFoundError``); several raise a
        ``ContainerValidationError``, which is also an ``ExceptionGroup`` of them.
        """
        self._lazy.materialize_all()
        errors = self._graph.problems(list(self._graph.bindings), lifecycle_rules=True)
        raise_problems(errors, f"in the container (profile '{self._graph.profile or 'none'}')")

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
        runner = LifecycleRunner()
        self._runners.append(runner)
        try:
            self.validate()
            keys = self._graph.lifecycle_keys(Scope.SINGLETON)
            await runner.start((self._component_name(key), self._compiler.root(key)) for key in keys)
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

    @property
    def started(self) -> bool:
        """Whether ``start()`` has run (or is running) and ``stop()`` has not run since."""
        return self._start_future is not None

    def _component_name(self, key: Hashable) -> str:
        binding = self._graph.get(key)
        return _component_name(binding) if binding is not None else key_name(key)

    async def stop(self) -> None:
        """Dispose every initialized component in reverse order, even across ``reset()``.

        Every ``dispose()`` runs even when some fail; failures are logged and raised together as a
        ``LifecycleError`` (an ``ExceptionGroup``) at the end. Calling ``stop()`` again does nothing.
        """
        failures = await self._dispose_all()
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
        report_failures(await self._dispose_all(), exc, "stopping the container")

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

    def reset(self) -> None:
        """Forget every instance built so far (registered instances stay); keep what must be disposed.

        Components initialized before the reset are still disposed by the next ``stop()``; the next
        ``start()`` initializes the new instances.
        """
        self._instances.clear()
        self._compiler.clear()
        for active in self._graph.active_overrides:
            active.forget_saved()
        for key, binding in self._graph.bindings.items():
            if binding.kind is Kind.INSTANCE:
                dict.__setitem__(self._instances, key, binding.target)
        self._start_future = None

    def _reinitialize(self) -> None:
        """Back to a fresh, unscanned container (same object), still remembering what to dispose."""
        self._graph.clear()
        self._instances.clear()
        self._lazy.clear()
        self._start_future = None

    # -- introspection ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(1 for _ in self._graph.visible())

    def is_empty(self) -> bool:
        return len(self) == 0

    def list_registered(self) -> list[Any]:
        """Every key that ``resolve`` accepts, in registration order."""
        return [binding.key for binding in self._graph.visible()]

    def is_registered(self, component_type: Any) -> bool:
        binding = self._graph.get(component_type)
        return binding is not None and binding.visible

    @property
    def active_adapters(self) -> dict[Any, Any]:
        """Each port of the active profile and the class that implements it."""
        return {
            b.key: _introspection.implementation_of(self._graph, b)
            for b in self._graph.visible()
            if self._graph.is_port(b.key)
        }

    def get_adapters_for(self, port: type[Any]) -> dict[Profile, type]:
        """Every profile's adapter for ``port`` among the decorated classes, across all profiles."""
        return _introspection.adapters_for(port)

    def debug(self, file: IO[str] | None = None) -> str:
        """A readable summary: active profile, services with their scope, adapters by port (and which is active)."""
        return _introspection.debug(self, file)

    def explain(self, component_type: Any) -> str:
        """How ``component_type`` is built in this profile, as a tree of its dependencies."""
        return _introspection.explain(self, component_type)

    def graph(self, format: str = "mermaid") -> str:
        """The dependency graph as Mermaid (default) or Graphviz ``dot`` text."""
        return _introspection.graph_text(self, format)

    def scan_plan(self, package: str) -> ScanPlan:
        """What ``scan(package)`` would find, without importing anything."""
        from dioxide.scan_plan import build_scan_plan

        _scanner.check_allowed(package, self._allowed_packages)
        return build_scan_plan(package)

    def __repr__(self) -> str:
        keys = self.list_registered()
        ports = sum(1 for key in keys if self._graph.is_port(key))
        profile = repr(self.active_profile) if self.active_profile is not None else "None"
        return f"Container(profile={profile}, ports={ports}, services={len(keys) - ports})"


def _component_name(binding: Binding) -> str:
    return getattr(binding.target, "__name__", None) or key_name(binding.key)


def _check_instance(component_type: Any, instance: object) -> None:
    if not isinstance(component_type, type):
        return
    if is_port(component_type):
        required = [
            name
            for name in dir(component_type)
            if not name.startswith("_") and callable(getattr(component_type, name, None))
        ]
        if all(callable(getattr(instance, name, None)) for name in required):
            return
    elif isinstance(instance, component_type):
        return
    raise TypeError(f"instance must be of type '{component_type.__name__}', got '{type(instance).__name__}'")


container = Container()
"""The global container, shared by integrations that are not given one."""


def reset_global_container() -> None:
    """Reset the global container's state in place (the object stays the same)."""
    container._reinitialize()


ScopedContainerContextManager = ScopedContainer

_PRIMITIVE_TYPES = PRIMITIVE_TYPES
"""The annotations never injected (dioxide 2.x exposed this set here)."""

__all__ = [
    "Container",
    "ScopedContainer",
    "ScopedContainerContextManager",
    "container",
    "reset_global_container",
]
