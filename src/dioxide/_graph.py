"""The dependency graph of one container: its bindings, their edges, and the checks over them.

Edges are computed once per change of the bindings (not per resolve). Validation walks the graph from some
roots and reports every problem it finds: missing dependencies with their chain, cycles with their path,
captive dependencies (a singleton holding a request-scoped component), unreadable annotations.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from types import CodeType, TracebackType
from typing import Any

from dioxide import _diagnostics as diagnostics
from dioxide._bindings import Binding, Kind, Origin, is_port
from dioxide._diagnostics import Hop
from dioxide._hints import Parameter
from dioxide.exceptions import DioxideError, ScopeError
from dioxide.scope import Scope


class Mode(Enum):
    BIND = "bind"  # resolve the target key
    NONE = "none"  # optional and not registered: pass None
    DEFAULT = "default"  # not injected: the parameter's default applies
    EMPTY = "empty"  # a multi-binding with no members: pass []
    MISSING = "missing"  # required and not registered
    UNREADABLE = "unreadable"  # the annotation could not be evaluated and there is no default


@dataclass(frozen=True, slots=True)
class Edge:
    parameter: Parameter | None
    mode: Mode
    target: Hashable | None = None


class BindingGraph:
    """Bindings by key (with test overrides layered on top) and everything derived from them."""

    def __init__(self) -> None:
        self.bindings: dict[Hashable, Binding] = {}
        self.overrides: dict[Hashable, list[Binding]] = {}
        self.profile: str | None = None
        self.adapters_seen: dict[Hashable, dict[type, frozenset[str]]] = {}
        self.materialize: Callable[[Hashable], bool] = lambda key: False
        self.on_change: Callable[[], None] = lambda: None
        self._edges: dict[Hashable, tuple[Edge, ...]] = {}
        self._validated: set[Hashable] = set()
        self._codes: dict[CodeType, list[Hashable]] | None = None
        self._lifecycle: dict[Scope, list[Hashable]] = {}
        self.active_overrides: list[Any] = []
        self.scanned = False

    # -- the store -----------------------------------------------------------------------------------

    def get(self, key: Hashable) -> Binding | None:
        stack = self.overrides.get(key)
        if stack:
            return stack[-1]
        return self.bindings.get(key)

    def find(self, key: Hashable) -> Binding | None:
        """``get``, after importing the lazily scanned modules that may provide ``key``."""
        self.materialize(key)
        return self.get(key)

    def add(self, binding: Binding) -> None:
        self.bindings[binding.key] = binding
        self.changed()

    def changed(self) -> None:
        self._edges.clear()
        self._validated.clear()
        self._codes = None
        self._lifecycle.clear()
        self.on_change()

    def clear(self) -> None:
        self.bindings.clear()
        self.overrides.clear()
        self.adapters_seen.clear()
        self.profile = None
        self.scanned = False
        self.changed()

    def visible(self) -> Iterator[Binding]:
        """Registered bindings users can name (hidden member and shared-instance keys excluded)."""
        for key in self.bindings:
            binding = self.get(key)
            if binding is not None and binding.visible:
                yield binding

    def is_port(self, key: Hashable) -> bool:
        if key in self.adapters_seen or is_port(key):
            return True
        binding = self.get(key)
        return binding is not None and binding.origin is Origin.ADAPTER

    def others(self, port: Hashable) -> list[tuple[str, list[str]]]:
        """Adapters seen for ``port`` in any profile, for 'no adapter' messages."""
        seen = self.adapters_seen.get(port, {})
        return [(cls.__name__, sorted(profiles)) for cls, profiles in seen.items()]

    # -- edges -----------------------------------------------------------------------------------------

    def edges(self, key: Hashable) -> tuple[Edge, ...]:
        edges = self._edges.get(key)
        if edges is None:
            binding = self.get(key)
            edges = self._compute_edges(binding) if binding is not None else ()
            self._edges[key] = edges
        return edges

    def _compute_edges(self, binding: Binding) -> tuple[Edge, ...]:
        if binding.kind is Kind.ALIAS:
            return (Edge(None, Mode.BIND, binding.target),)
        if binding.kind is Kind.MULTI:
            return tuple(Edge(None, Mode.BIND, member) for member in binding.members)
        if binding.kind is not Kind.CLASS:
            return ()
        return tuple(self._edge(parameter) for parameter in binding.parameters)

    def _edge(self, parameter: Parameter) -> Edge:
        key = parameter.key
        if key is None:
            mode = Mode.UNREADABLE if parameter.problem else Mode.DEFAULT
            return Edge(parameter, mode)
        if self.find(key) is not None:
            return Edge(parameter, Mode.BIND, key)
        if parameter.is_multi:
            return Edge(parameter, Mode.EMPTY, key)
        if parameter.has_default:
            return Edge(parameter, Mode.DEFAULT, key)
        if parameter.optional:
            return Edge(parameter, Mode.NONE, key)
        return Edge(parameter, Mode.MISSING, key)

    def dependencies(self, key: Hashable) -> Iterator[Hashable]:
        for edge in self.edges(key):
            if edge.mode is Mode.BIND and edge.target is not None:
                yield edge.target

    # -- validation --------------------------------------------------------------------------------

    def problems(self, roots: Iterable[Hashable], *, lifecycle_rules: bool = False) -> list[DioxideError]:
        """Every problem reachable from ``roots``, each reported once, in discovery order.

        ``lifecycle_rules`` adds the checks that only matter when the container starts (a FACTORY-scoped
        ``@lifecycle`` component can never be initialized).
        """
        walk = _Walk(self, lifecycle_rules)
        for root in roots:
            walk.visit_root(root)
        return walk.errors

    def check(self, key: Hashable) -> list[DioxideError]:
        """``problems([key])``, remembered once the key's subgraph is known to be sound."""
        if key in self._validated:
            return []
        errors = self.problems([key])
        if not errors:
            self._validated.add(key)
        return errors

    def order(self, keys: Iterable[Hashable]) -> list[Hashable]:
        """``keys`` sorted so that every key comes after the keys it depends on (registration order ties)."""
        wanted = set(keys)
        done: set[Hashable] = set()
        result: list[Hashable] = []

        def visit(key: Hashable) -> None:
            if key in done:
                return
            done.add(key)
            for dependency in self.dependencies(key):
                visit(dependency)
            if key in wanted:
                result.append(key)

        for key in [k for k in self.bindings if k in wanted] + [k for k in wanted if k not in self.bindings]:
            visit(key)
        return result

    def lifecycle_keys(self, scope: Scope) -> list[Hashable]:
        """The ``@lifecycle`` components of one scope, in initialization order (cached until a change)."""
        keys = self._lifecycle.get(scope)
        if keys is None:
            found = [k for k in self.bindings if (b := self.get(k)) is not None and b.lifecycle and b.scope is scope]
            keys = self._lifecycle[scope] = self.order(found)
        return keys

    def dependents(self, key: Hashable) -> set[Hashable]:
        """Every key whose construction (transitively) uses ``key``."""
        reverse: dict[Hashable, set[Hashable]] = {}
        for source in list(self.bindings):
            for target in self.dependencies(source):
                reverse.setdefault(target, set()).add(source)
        found: set[Hashable] = set()
        queue = deque([key])
        while queue:
            for parent in reverse.get(queue.popleft(), ()):
                if parent not in found:
                    found.add(parent)
                    queue.append(parent)
        return found

    # -- tracing exceptions back to the component that raised them --------------------------------

    def path(self, source: Hashable, target: Hashable) -> list[Hashable] | None:
        """The shortest dependency path from ``source`` to ``target`` (both included)."""
        parents: dict[Hashable, Hashable | None] = {source: None}
        queue = deque([source])
        while queue:
            current = queue.popleft()
            if current == target:
                path = [current]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return path[::-1]
            for dependency in self.dependencies(current):
                if dependency not in parents:
                    parents[dependency] = current
                    queue.append(dependency)
        return None

    def origin_of(self, traceback: TracebackType | None, start: Hashable) -> list[Hashable]:
        """The chain from ``start`` to the innermost constructor or factory found in ``traceback``."""
        codes = self._code_map()
        best: list[Hashable] = [start]
        while traceback is not None:
            frame = traceback.tb_frame
            candidates = codes.get(frame.f_code, ())
            if len(candidates) > 1:  # an inherited __init__: the instance being built tells which class
                built = type(frame.f_locals.get("self"))
                candidates = sorted(candidates, key=lambda k: _built_by(self.get(k)) is not built)
            for candidate in candidates:
                path = self.path(start, candidate)
                if path is not None:
                    best = path
                    break
            traceback = traceback.tb_next
        return best

    def _code_map(self) -> dict[CodeType, list[Hashable]]:
        if self._codes is None:
            codes: dict[CodeType, list[Hashable]] = {}
            for key in list(self.bindings) + list(self.overrides):
                binding = self.get(key)
                code = _code_of(binding) if binding is not None else None
                if code is not None:
                    codes.setdefault(code, []).append(key)
            self._codes = codes
        return self._codes


def _code_of(binding: Binding) -> CodeType | None:
    """The code object that runs when ``binding`` builds: a constructor's ``__init__`` or a factory function."""
    if binding.kind not in (Kind.CLASS, Kind.FACTORY):
        return None
    target: Any = binding.target
    while isinstance(target, functools.partial):
        target = target.func
    if isinstance(target, type):
        target = getattr(target, "__init__", None)
    code = getattr(target, "__code__", None)
    return code if isinstance(code, CodeType) else None


def _built_by(binding: Binding | None) -> object:
    return binding.target if binding is not None and isinstance(binding.target, type) else None


class _Walk:
    """One depth-first validation pass; collects errors instead of stopping at the first."""

    def __init__(self, graph: BindingGraph, lifecycle_rules: bool) -> None:
        self.graph = graph
        self.lifecycle_rules = lifecycle_rules
        self.errors: list[DioxideError] = []
        self._done: set[Hashable] = set()
        self._active: list[Hashable] = []
        self._reported: set[object] = set()
        self._captive_checked: set[Hashable] = set()

    def report(self, identity: object, error: DioxideError) -> None:
        if identity not in self._reported:
            self._reported.add(identity)
            self.errors.append(error)

    def visit_root(self, root: Hashable) -> None:
        binding = self.graph.find(root)
        if binding is None:
            if not _is_list_key(root):
                self.report(("missing", root), diagnostics.not_registered(self.graph, root))
            return
        self._visit(root, root, [])

    def _visit(self, root: Hashable, key: Hashable, hops: list[Hop]) -> None:
        if key in self._active:
            keys = [*self._active[self._active.index(key) :], key]
            self.report(("cycle", frozenset(keys)), diagnostics.cycle(keys))
            return
        if key in self._done:
            return
        binding = self.graph.get(key)
        if binding is None:
            return
        self._active.append(key)
        for edge in self.graph.edges(key):
            trail = [*hops, Hop(binding, edge.parameter)]
            if edge.mode is Mode.MISSING:
                missing = diagnostics.missing_dependency(self.graph, root, trail, edge.target)
                self.report(("missing", edge.target), missing)
            elif edge.mode is Mode.UNREADABLE and edge.parameter is not None:
                error = diagnostics.unreadable_annotation(root, trail, edge.parameter)
                self.report(("unreadable", key, edge.parameter.name), error)
            elif edge.mode is Mode.BIND:
                self._visit(root, edge.target, trail)
        self._active.pop()
        self._done.add(key)
        if binding.scope is Scope.SINGLETON:
            self._check_captive(binding)
        if self.lifecycle_rules and binding.lifecycle and binding.scope is Scope.FACTORY:
            self.report(("factory-lifecycle", key), _factory_lifecycle(binding))

    def _check_captive(self, singleton: Binding) -> None:
        """A singleton reaching a REQUEST component through FACTORY (or alias/list) links keeps it captive."""
        if singleton.key in self._captive_checked:
            return
        self._captive_checked.add(singleton.key)
        stack: list[list[Binding]] = [[singleton]]
        seen: set[Hashable] = set()
        while stack:
            path = stack.pop()
            for dependency in self.graph.dependencies(path[-1].key):
                binding = self.graph.get(dependency)
                if binding is None or dependency in seen:
                    continue
                seen.add(dependency)
                if binding.scope is Scope.REQUEST:
                    self.report(("captive", singleton.key, dependency), diagnostics.captive([*path, binding]))
                elif binding.scope is Scope.FACTORY:
                    stack.append([*path, binding])


def _factory_lifecycle(binding: Binding) -> ScopeError:
    name = getattr(binding.target, "__name__", repr(binding.target))
    return ScopeError(
        f"{name} is FACTORY-scoped and has @lifecycle: its instances could never be initialized\n"
        "  Use Scope.SINGLETON or Scope.REQUEST for @lifecycle components"
    )


def _is_list_key(key: Hashable) -> bool:
    import typing

    return typing.get_origin(key) is list


__all__ = ["BindingGraph", "Edge", "Mode"]
