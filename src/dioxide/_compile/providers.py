"""Compiling a plan into providers: small generated functions that only construct.

For each key the compiler writes one flat Python function: every construction is one statement, dependencies
first (``c = C()``, ``b = B(c)``, ``value = A(b)``), so that a chain of any length builds in one frame. FACTORY
dependencies are constructed inline, a fresh one per injection point; singletons are read from the container's
instance store; REQUEST components are looked up in the scope and built there when absent, each before the
components that need it. Nothing on these paths reads hints, scans registries or consults profiles: that was
done once, in the plan.

A singleton is built once, under a per-key lock: first the singletons it needs, one at a time in dependency
order (so a deep chain never nests one call per level), then itself. Once built, the key's provider is replaced
by a C-level getter of the instance, so later resolves run no Python code of ours.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Final

from dioxide._compile.builder import CodeBuilder, source_of
from dioxide._compile.emitter import Emitter
from dioxide._compile.generators import Track, enter_async_in, enter_in, entering, entering_async
from dioxide._compile.singletons import singleton_builder
from dioxide._plan.bindings import Binding, Kind, key_name
from dioxide._plan.plan import Plan, is_list_key
from dioxide._plan.problems import NotGiven, NotOpened, NotRegistered, NotStarted, OutsideScope, Problem, Reentrant
from dioxide._render.errors import error_for, raise_first
from dioxide._render.notes import note_resolution
from dioxide.scope import Scope

RootProvider = Callable[[], Any]
ScopeProvider = Callable[[dict[Any, Any]], Any]

_MISSING: Final = object()


class SingletonSlot:
    """The lock of one singleton key, and the thread building it (to catch a constructor resolving itself)."""

    __slots__ = ("lock", "owner")

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.owner = 0


class Compiler:
    """The providers of one plan, compiled on first use, over the container's caches and instance store.

    The caches and the store belong to the container and outlive a plan: built singletons survive a rescan,
    and ``resolve`` keeps reading the same exact dicts.
    """

    def __init__(
        self,
        plan: Plan,
        *,
        instances: dict[Any, Any],
        root_cache: dict[Any, RootProvider],
        scope_cache: dict[Any, ScopeProvider],
        slots: dict[Hashable, SingletonSlot],
        track: Track,
        lifecycle_built: Callable[[Hashable], None] | None = None,
    ) -> None:
        self.plan = plan
        self.lifecycle_built = lifecycle_built  # told of each singleton @lifecycle component built (once each)
        self.instances = instances
        self.root_cache = root_cache
        self.scope_cache = scope_cache
        self.slots = slots
        self._builders: dict[Hashable, RootProvider] = {}
        self._async_builders: dict[tuple[Hashable, bool], Callable[..., Awaitable[Any]]] = {}
        self._namespace: dict[str, Any] = {
            "instances": instances,
            "note": functools.partial(_note, plan=plan),
            "resolve": self.provide,
            "resolve_in": self.provide_in,
            "enter": entering(track),
            "enter_async": entering_async(track),
            "enter_in": enter_in,
            "enter_async_in": enter_async_in,
        }

    # -- entry points ------------------------------------------------------------------------------------

    def root(self, key: Any) -> RootProvider:
        """The zero-argument provider of ``key`` in the root container."""
        provider = self.root_cache.get(key)
        if provider is not None:
            return provider
        binding = self._checked(key)
        if binding is None:
            provider = list  # a multi-binding nobody registered: a new empty list each time
        elif binding.scope is Scope.REQUEST:
            provider = self.raiser(OutsideScope(key))
        elif binding.style.is_async:
            provider = self._started_only(key, binding)
        elif binding.scope is Scope.SINGLETON:
            provider = self._singleton(key)
        else:
            provider = self._generate(binding, in_scope=False)
        self.root_cache[key] = provider
        return provider

    def scoped(self, key: Any) -> ScopeProvider:
        """The provider of ``key`` inside a scope; it takes the scope's dict of instances."""
        provider = self.scope_cache.get(key)
        if provider is not None:
            return provider
        binding = self._checked(key)
        if binding is None:
            provider = _empty_list
        elif binding.scope is Scope.SINGLETON:
            provider = _from_root(self.instances, key, self.root(key))
        elif binding.kind is Kind.CONTEXT:
            provider = _opened_only(key, self.raiser(NotGiven(key)))
        elif binding.style.is_async:
            provider = _opened_only(key, self.raiser(NotOpened(key)))
        else:
            provider = self._generate(binding, in_scope=True)
        self.scope_cache[key] = provider
        return provider

    def provide(self, key: Hashable) -> Any:
        """Resolve ``key`` from generated code (a singleton not built yet, or a provider over the budget)."""
        return (self.root_cache.get(key) or self.root(key))()

    def provide_in(self, key: Hashable, scope: dict[Any, Any]) -> Any:
        return (self.scope_cache.get(key) or self.scoped(key))(scope)

    def build_async(self, key: Hashable, scope: dict[Any, Any] | None = None) -> Awaitable[Any]:
        """Build an async provider's value (at start, or as a scope opens): awaited, then stored."""
        builder = self._async_builder(key, in_scope=scope is not None)
        return builder(scope) if scope is not None else builder()

    def _async_builder(self, key: Hashable, *, in_scope: bool) -> Callable[..., Awaitable[Any]]:
        builder = self._async_builders.get((key, in_scope))
        if builder is None:
            binding = self._checked(key)
            if binding is None or not binding.style.is_async:
                raise error_for(NotRegistered(key), self.plan)
            builder = self._async_builders[key, in_scope] = self._generate(binding, in_scope=in_scope, awaited=True)
        return builder

    def raiser(self, problem: Problem) -> Callable[..., Any]:
        """A callable raising a fresh error for ``problem`` each time (REQUEST outside a scope, say)."""
        plan = self.plan

        def fail(*_: object) -> Any:
            raise error_for(problem, plan)

        return fail

    def source(self, key: Hashable, *, in_scope: bool) -> str | None:
        """The generated code that builds ``key`` (for a singleton: its construction), for ``explain()``."""
        binding = self._checked(key)
        if binding is None:
            return None
        if binding.style.is_async:
            return source_of(self._async_builder(key, in_scope=in_scope))
        if binding.scope is Scope.SINGLETON:  # built once, without generated code: what it is equivalent to
            builder = CodeBuilder(self._namespace)
            Emitter(self, builder, in_scope=False).provider(binding)
            equivalent = builder.source(f"provide_{key_name(binding.key)}", "")
            return f"# built once, without compiling this: what building the singleton amounts to\n{equivalent}"
        return source_of(self.scoped(key) if in_scope else self.root(key))

    # -- singletons --------------------------------------------------------------------------------------

    def _started_only(self, key: Hashable, binding: Binding) -> RootProvider:
        """An async singleton: built by ``start()``; before that, resolving it says so."""
        instances, cache = self.instances, self.root_cache
        fail = self.raiser(NotStarted(key, binding.target))

        def provide() -> Any:
            if key not in instances:
                fail()
            value = instances[key]
            if cache.get(key) is provide:
                cache[key] = itertools.repeat(value).__next__
            return value

        return provide

    def _singleton(self, key: Hashable) -> RootProvider:
        instances, cache, build = self.instances, self.root_cache, self._build
        get, store = dict.get, dict.__setitem__

        def provide() -> Any:
            value = get(instances, key, _MISSING)
            if value is _MISSING:
                value = build(key)
            if get(cache, key) is provide:
                store(cache, key, itertools.repeat(value).__next__)
            return value

        return provide

    def _build(self, key: Hashable) -> Any:
        """The singletons ``key`` needs, one at a time in dependency order, then ``key`` itself."""
        try:
            for dependency in self.plan.prerequisites(key):
                if dependency not in self.instances:
                    self._ensure(dependency)
        except Exception as error:
            note_resolution(error, key, self.plan)
            raise
        return self._once(key, self._builder(key))

    def _ensure(self, key: Hashable) -> None:
        """Build one singleton whose own prerequisites are already built."""
        self._once(key, self._builder(key))

    def _once(self, key: Hashable, build: RootProvider) -> Any:
        slot = self.slots.get(key) or self.slots.setdefault(key, SingletonSlot())
        with slot.lock:
            value = self.instances.get(key, _MISSING)
            if value is _MISSING:
                me = threading.get_ident()
                if slot.owner == me:
                    raise error_for(Reentrant(key), self.plan)
                slot.owner = me
                try:
                    value = build()
                finally:
                    slot.owner = 0
                self.instances[key] = value
                self._builders.pop(key, None)  # built: what it took need not live as long as the container
                binding = self.plan.get(key)
                if self.lifecycle_built is not None and binding is not None and binding.lifecycle:
                    self.lifecycle_built(key)
        self.slots.pop(key, None)  # a later first build (after reset()) makes a new one; waiters hold this one
        return value

    def _builder(self, key: Hashable) -> RootProvider:
        build = self._builders.get(key)
        if build is None:
            binding = self.plan.get(key)
            if binding is None:
                raise error_for(NotRegistered(key), self.plan)
            build = self._builders[key] = singleton_builder(self, binding, self._namespace["enter"])
        return build

    # -- generation --------------------------------------------------------------------------------------

    def _checked(self, key: Hashable) -> Binding | None:
        binding = self.plan.get(key)
        if binding is None:
            if is_list_key(key):
                return None
            raise error_for(NotRegistered(key), self.plan)
        raise_first(self.plan.check(key), self.plan)
        return binding

    def _generate(self, binding: Binding, *, in_scope: bool, awaited: bool = False) -> Any:
        builder = CodeBuilder(self._namespace)
        emitter = Emitter(self, builder, in_scope=in_scope)
        name = key_name(binding.key)
        if awaited:
            emitter.async_builder(binding)
            return builder.build(
                f"build_{name}", "scope" if in_scope else "", f"async builder of {name}", asynchronous=True
            )
        emitter.provider(binding)
        kind = "scoped provider" if in_scope else "provider"
        return builder.build(f"provide_{name}", "scope" if in_scope else "", f"{kind} of {name}")


def _note(error: BaseException, key: Hashable, *, plan: Plan) -> None:
    note_resolution(error, key, plan)


def _from_root(instances: dict[Any, Any], key: Hashable, root: RootProvider) -> ScopeProvider:
    """A singleton inside a scope: the root's instance (read straight from the store once built)."""

    def provide(scope: object) -> Any:
        return instances[key] if key in instances else root()

    return provide


def _opened_only(key: Hashable, fail: Callable[..., Any]) -> ScopeProvider:
    """An async REQUEST component: built as its scope opens; a scope that was not opened cannot give it."""

    def provide(scope: dict[Any, Any]) -> Any:
        return scope[key] if key in scope else fail()

    return provide


def _empty_list(_: object) -> list[Any]:
    return []


__all__ = ["Compiler", "RootProvider", "ScopeProvider", "SingletonSlot"]
