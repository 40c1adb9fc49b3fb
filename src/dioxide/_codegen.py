"""Compiling bindings into providers: small generated functions that only construct.

For each key the compiler writes one Python function holding the whole construction: factory-scoped
dependencies are inlined (``A(B(C()))``), singletons are a subscript of the container's instance dict
(which builds them on a miss), request-scoped ones are looked up in the scope and, when absent, built and
stored inline. Nothing on these paths reads hints, scans registries or consults profiles: that work was done
once, before.
"""

from __future__ import annotations

import itertools
import threading
import typing
from collections.abc import Callable, Hashable
from typing import Any, Final

from dioxide import _diagnostics as diagnostics
from dioxide._bindings import Binding, Kind, key_name
from dioxide._graph import BindingGraph, Mode
from dioxide._hints import KEYWORD_ONLY, POSITIONAL_ONLY, Parameter
from dioxide.exceptions import CircularDependencyError, ContainerValidationError, DioxideError
from dioxide.scope import Scope

RootProvider = Callable[[], Any]
ScopeProvider = Callable[[Any], Any]
Note = Callable[[BaseException, Hashable], None]

_MISSING: Final = object()
_INLINE_BUDGET: Final = 48  # constructions inlined into one provider before calling other providers instead


def raise_problems(errors: list[DioxideError], subject: str) -> None:
    """Several problems of a whole container: one group listing them all."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ContainerValidationError(f"{len(errors)} problems found {subject}", errors)


def raise_first(errors: list[DioxideError]) -> None:
    """Problems met while resolving one key: the first, as its own type (as 2.x code catches it), the rest noted."""
    if errors:
        first = errors[0]
        if len(errors) > 1:
            also = [f"  Also: {other._message_text()}".replace("\n", "\n  ") for other in errors[1:]]
            first.message = "\n".join([first._message_text(), *also])
            first.args = (first.message,)
        raise first


class _Function:
    """One generated function: its statements, and the objects its names refer to."""

    def __init__(self, compiler: Compiler, in_scope: bool) -> None:
        self.compiler = compiler
        self.in_scope = in_scope
        self.namespace: dict[str, Any] = {"_i": compiler.instances, "_note": compiler.note}
        self._names: dict[int, str] = {}
        self.lines: list[str] = []
        self.inlined = 0
        self._locals = 0

    def name(self, obj: object, prefix: str) -> str:
        existing = self._names.get(id(obj))
        if existing is None:
            existing = self._names[id(obj)] = f"_{prefix}{len(self._names)}"
            self.namespace[existing] = obj
        return existing

    def local(self) -> str:
        self._locals += 1
        return f"_r{self._locals}"

    def build(self, label: str) -> Any:
        parameter = "_rc" if self.in_scope else ""
        text = f"def provide({parameter}):\n" + "\n".join(self.lines) + "\n"
        exec(compile(text, f"<dioxide provider for {label}>", "exec"), self.namespace)
        return self.namespace["provide"]

    # -- expressions -----------------------------------------------------------------------------------

    def construct(self, binding: Binding, stack: frozenset[Hashable], indent: str) -> str:
        """An expression building ``binding`` (statements it needs first are appended at ``indent``)."""
        kind = binding.kind
        if kind is Kind.INSTANCE:
            return self.name(binding.target, "v")
        if kind is Kind.FACTORY:
            return f"{self.name(binding.target, 'f')}()"
        if kind is Kind.ALIAS:
            return self.reference(binding.target, stack, indent)
        if kind is Kind.MULTI:
            items = [self.reference(member, stack, indent) for member in binding.members]
            return f"[{', '.join(items)}]"
        self.inlined += 1
        return f"{self.name(binding.target, 'c')}({self.arguments(binding, stack, indent)})"

    def reference(self, key: Hashable, stack: frozenset[Hashable], indent: str) -> str:
        """How a dependent gets ``key``: a singleton subscript, a scope lookup, or the inlined construction."""
        binding = self.compiler.graph.get(key)
        if binding is None:
            return "[]" if typing.get_origin(key) is list else self.raiser(key, None)
        if binding.kind is Kind.INSTANCE:
            return self.name(binding.target, "v")
        if binding.scope is Scope.SINGLETON:
            k, provider = self.name(key, "k"), self.name(self.compiler.root(key), "p")
            return f"(_i[{k}] if {k} in _i else {provider}())"
        if key in stack:  # validation reports cycles first; this keeps code generation finite regardless
            return self.raiser(key, lambda: diagnostics.cycle([*stack, key]))
        if binding.scope is Scope.REQUEST:
            return self.request(key, binding, stack, indent)
        if self.inlined >= _INLINE_BUDGET:
            if self.in_scope:
                return f"{self.name(self.compiler.scoped(key), 'p')}(_rc)"
            return f"{self.name(self.compiler.root(key), 'p')}()"
        return self.construct(binding, stack | {key}, indent)

    def request(self, key: Hashable, binding: Binding, stack: frozenset[Hashable], indent: str) -> str:
        """A REQUEST dependency: the scope's instance if it has one, else built and stored right here."""
        if not self.in_scope:
            return self.raiser(key, None)
        k = self.name(key, "k")
        if self.inlined >= _INLINE_BUDGET:
            return f"(_rc[{k}] if {k} in _rc else {self.name(self.compiler.scoped(key), 'p')}(_rc))"
        variable = self.local()
        self.lines += [f"{indent}if {k} in _rc:", f"{indent}    {variable} = _rc[{k}]", f"{indent}else:"]
        expression = self.construct(binding, stack | {key}, indent + "    ")
        self.lines.append(f"{indent}    {variable} = _rc[{k}] = {expression}")
        return variable

    def arguments(self, binding: Binding, stack: frozenset[Hashable], indent: str) -> str:
        """Positional while the parameters allow it (cheaper), keywords after the first skipped one."""
        positional: list[str] = []
        keywords: list[str] = []
        skipped: list[Parameter] = []
        in_order = True
        for edge in self.compiler.graph.edges(binding.key):
            parameter = edge.parameter
            if parameter is None:
                continue
            if edge.mode in (Mode.DEFAULT, Mode.UNREADABLE):
                if parameter.kind is not KEYWORD_ONLY:
                    in_order = False
                    skipped.append(parameter)
                continue
            if edge.mode is Mode.NONE:
                value = "None"
            elif edge.mode is Mode.EMPTY:
                value = "[]"
            elif edge.mode is Mode.MISSING:
                value = self.raiser(binding.key, _missing(self.compiler.graph, binding, parameter, edge.target))
            else:
                value = self.reference(edge.target, stack, indent)
            if parameter.kind is POSITIONAL_ONLY and not in_order and all(p.has_default for p in skipped):
                positional.extend(self.name(p.default, "d") for p in skipped)
                skipped.clear()
                in_order = True
            if parameter.kind is not KEYWORD_ONLY and in_order:
                positional.append(value)
            else:
                keywords.append(f"{parameter.name}={value}")
        return ", ".join(positional + keywords)

    def raiser(self, key: Hashable, make_error: Callable[[], DioxideError] | None) -> str:
        """A call raising a fresh error: REQUEST components outside a scope, or a problem found while compiling."""

        def fail() -> Any:
            raise make_error() if make_error is not None else diagnostics.request_outside_scope(key)

        return f"{self.name(fail, 'e')}()"


class Compiler:
    """Builds and caches the providers of one container; ``clear()`` when its bindings change."""

    def __init__(self, graph: BindingGraph, instances: dict[Any, Any], note: Note) -> None:
        self.graph = graph
        self.instances = instances
        self.note = note
        # exact dicts: subscripting a dict subclass goes through a slower generic slot on every lookup
        self.root_providers: dict[Any, RootProvider] = {}
        self.scope_providers: dict[Any, ScopeProvider] = {}
        self._locks: dict[Hashable, threading.RLock] = {}

    def clear(self) -> None:
        self.root_providers.clear()
        self.scope_providers.clear()

    def root(self, key: Any) -> RootProvider:
        """The zero-argument provider of ``key`` in the root container."""
        provider = self.root_providers.get(key)
        if provider is not None:
            return provider
        binding = self._checked(key)
        if binding is None:
            provider = list  # a multi-binding nobody registered: a new empty list each time
        elif binding.scope is Scope.REQUEST:
            provider = _request_outside_scope(key)
        elif binding.scope is Scope.SINGLETON:
            provider = self._singleton(key, self._generate(binding, in_scope=False))
        else:
            provider = self._generate(binding, in_scope=False)
        self.root_providers[key] = provider
        return provider

    def scoped(self, key: Any) -> ScopeProvider:
        """The provider of ``key`` inside a scope; it takes the scope (a dict of its instances)."""
        provider = self.scope_providers.get(key)
        if provider is not None:
            return provider
        binding = self._checked(key)
        if binding is None:
            provider = _empty_list
        elif binding.scope is Scope.SINGLETON:
            provider = _from_root(self.root(key))
        else:
            provider = self._generate(binding, in_scope=True)
        self.scope_providers[key] = provider
        return provider

    def _checked(self, key: Hashable) -> Binding | None:
        binding = self.graph.find(key)
        if binding is None:
            if typing.get_origin(key) is list:
                return None
            raise diagnostics.not_registered(self.graph, key)
        raise_first(self.graph.check(key))
        return binding

    def _generate(self, binding: Binding, *, in_scope: bool) -> Any:
        function = _Function(self, in_scope)
        key = function.name(binding.key, "k")
        stores = in_scope and binding.scope is Scope.REQUEST
        if stores:
            function.lines += [f"    if {key} in _rc:", f"        return _rc[{key}]"]
        function.lines.append("    try:")
        expression = function.construct(binding, frozenset({binding.key}), "        ")
        function.lines += [
            f"        _value = {expression}",
            "    except Exception as _error:",
            f"        _note(_error, {key})",
            "        raise",
        ]
        if stores:
            function.lines.append(f"    _rc[{key}] = _value")
        function.lines.append("    return _value")
        return function.build(key_name(binding.key))

    def _singleton(self, key: Hashable, build: RootProvider) -> RootProvider:
        """Build once under a per-key lock (double-checked), then step aside.

        Once the instance exists, the key's provider is replaced by a C-level getter of that instance
        (``itertools.repeat(value).__next__``): later resolves take no lock and run no Python code of ours.
        """
        instances = self.instances
        providers = self.root_providers
        lock = self._locks.setdefault(key, threading.RLock())
        owner = [0]
        get, store, ident = dict.get, dict.__setitem__, threading.get_ident

        def provide() -> Any:
            with lock:
                value = get(instances, key, _MISSING)
                if value is _MISSING:
                    me = ident()
                    if owner[0] == me:
                        name = key_name(key)
                        raise CircularDependencyError(
                            f"Circular dependency: {name} was requested again while building {name}"
                        )
                    owner[0] = me
                    try:
                        value = build()
                    finally:
                        owner[0] = 0
                    store(instances, key, value)
                if get(providers, key) is provide:
                    store(providers, key, itertools.repeat(value).__next__)
            return value

        return provide


def _missing(
    graph: BindingGraph, binding: Binding, parameter: Parameter, target: Hashable
) -> Callable[[], DioxideError]:
    return lambda: diagnostics.missing_dependency(graph, binding.key, [diagnostics.Hop(binding, parameter)], target)


def _request_outside_scope(key: Hashable) -> RootProvider:
    def provide() -> Any:
        raise diagnostics.request_outside_scope(key)

    return provide


def _from_root(root_provider: RootProvider) -> ScopeProvider:
    """A singleton inside a scope: the root's instance."""

    def provide(scope: object) -> Any:
        return root_provider()

    return provide


def _empty_list(_: object) -> list[Any]:
    return []


__all__ = ["Compiler", "raise_first", "raise_problems"]
