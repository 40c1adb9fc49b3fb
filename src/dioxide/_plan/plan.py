"""The plan: one container's bindings for its active profile, frozen, and everything derived from them.

A container builds a new plan whenever what it knows changes (a scan, a registration, an override, a profile)
and swaps it in; a plan itself never changes. What is derived from it (edges, validation, orders) is computed on
first use and remembered, which is safe because the bindings under it cannot move. Every walk here is
iterative: a chain of any depth is planned at the default recursion limit.
"""

from __future__ import annotations

import functools
import typing
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from types import CodeType, MappingProxyType, TracebackType
from typing import Any

from dioxide._plan.bindings import Binding, Kind, Origin, is_port
from dioxide._plan.edges import Edge, Mode
from dioxide._plan.hints import Parameter
from dioxide._plan.problems import Problem
from dioxide._plan.validate import find_problems
from dioxide.scope import Scope

AdapterSightings = Mapping[Hashable, Mapping[type, frozenset[str]]]


class Plan:
    """What a container resolves, for one profile: bindings by key, test overrides already applied."""

    def __init__(
        self,
        bindings: Mapping[Hashable, Binding],
        *,
        listed: Iterable[Hashable] = (),
        profile: str | None = None,
        adapters_seen: AdapterSightings | None = None,
        scanned: bool = False,
    ) -> None:
        self.profile = profile
        self.scanned = scanned
        self._bindings = dict(bindings)
        self._listed = tuple(listed)
        self._adapters_seen: AdapterSightings = MappingProxyType(
            {port: MappingProxyType(dict(seen)) for port, seen in (adapters_seen or {}).items()}
        )
        self._edges: dict[Hashable, tuple[Edge, ...]] = {}
        self._validated: set[Hashable] = set()
        self._lifecycle: dict[Scope, list[Hashable]] = {}
        self._codes: dict[CodeType, list[Hashable]] | None = None

    # -- bindings --------------------------------------------------------------------------------------

    def get(self, key: Hashable) -> Binding | None:
        return self._bindings.get(key)

    def keys(self) -> Iterator[Hashable]:
        return iter(self._bindings)

    def visible(self) -> Iterator[Binding]:
        """Registered bindings users can name (hidden member and shared-instance keys excluded)."""
        for key in self._listed:
            binding = self._bindings.get(key)
            if binding is not None and binding.visible:
                yield binding

    def is_port(self, key: Hashable) -> bool:
        if key in self._adapters_seen or is_port(key):
            return True
        binding = self._bindings.get(key)
        return binding is not None and binding.origin is Origin.ADAPTER

    @property
    def adapters_seen(self) -> AdapterSightings:
        """Every adapter class seen for each port while scanning, with its profiles (all profiles, not only ours)."""
        return self._adapters_seen

    def others(self, port: Hashable) -> list[tuple[str, list[str]]]:
        """Adapters seen for ``port`` in any profile, for 'no adapter' messages."""
        seen = self._adapters_seen.get(port, {})
        return [(cls.__name__, sorted(profiles)) for cls, profiles in seen.items()]

    def final(self, binding: Binding) -> Binding:
        """The binding an alias ends at (the shared adapter class), or ``binding`` itself."""
        while binding.kind is Kind.ALIAS:
            target = self._bindings.get(binding.target)
            if target is None:
                break
            binding = target
        return binding

    # -- edges -----------------------------------------------------------------------------------------

    def edges(self, key: Hashable) -> tuple[Edge, ...]:
        edges = self._edges.get(key)
        if edges is None:
            binding = self._bindings.get(key)
            edges = self._edges[key] = self._compute_edges(binding) if binding is not None else ()
        return edges

    def _compute_edges(self, binding: Binding) -> tuple[Edge, ...]:
        if binding.kind is Kind.ALIAS:
            return (Edge(None, Mode.BIND, binding.target),)
        if binding.kind is Kind.MULTI:
            return tuple(Edge(None, Mode.BIND, member) for member in binding.members)
        if not binding.calls:
            return ()
        return tuple(self._edge(parameter) for parameter in binding.parameters)

    def _edge(self, parameter: Parameter) -> Edge:
        key = parameter.key
        if key is None:
            if parameter.problem:
                return Edge(parameter, Mode.UNREADABLE)
            return Edge(parameter, Mode.UNINJECTABLE if parameter.unfilled else Mode.DEFAULT)
        if key in self._bindings:
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

    def named(self, key: Hashable) -> list[Hashable]:
        """Every key that building ``key`` names: ``key``, what it reaches, and the unbound keys they name."""
        if key not in self._bindings:
            return [key]
        found = dict.fromkeys(self.reachable(key))
        for reachable in list(found):
            for edge in self.edges(reachable):
                if edge.target is not None:
                    found[edge.target] = None
        return list(found)

    # -- validation ------------------------------------------------------------------------------------

    def problems(self, roots: Iterable[Hashable], *, lifecycle_rules: bool = False) -> list[Problem]:
        return find_problems(self, roots, lifecycle_rules=lifecycle_rules)

    def check(self, key: Hashable) -> list[Problem]:
        """``problems([key])``, remembered once the key's subgraph is known to be sound."""
        if key in self._validated:
            return []
        problems = self.problems([key])
        if not problems:
            self._validated.update(self.reachable(key))
        return problems

    # -- orders ----------------------------------------------------------------------------------------

    def reachable(self, key: Hashable, descend: Callable[[Binding], bool] | None = None) -> list[Hashable]:
        """Keys reachable from ``key`` (included), dependencies before dependents.

        ``descend`` says whether to go on below a binding (its dependencies are then left out unless reached
        another way); by default every binding is walked through.
        """
        return self._post_order([key], descend)

    def order(self, keys: Iterable[Hashable]) -> list[Hashable]:
        """``keys`` sorted so that every key comes after the keys it depends on (registration order ties)."""
        wanted = set(keys)
        starts = [k for k in self._bindings if k in wanted] + [k for k in wanted if k not in self._bindings]
        return [k for k in self._post_order(starts, None) if k in wanted]

    def _post_order(self, starts: Iterable[Hashable], descend: Callable[[Binding], bool] | None) -> list[Hashable]:
        done: set[Hashable] = set()
        result: list[Hashable] = []
        for start in starts:
            if start in done:
                continue
            done.add(start)
            stack: list[tuple[Hashable, Iterator[Hashable]]] = [(start, self._below(start, descend))]
            while stack:
                key, dependencies = stack[-1]
                for dependency in dependencies:
                    if dependency not in done:
                        done.add(dependency)
                        stack.append((dependency, self._below(dependency, descend)))
                        break
                else:
                    stack.pop()
                    result.append(key)
        return result

    def _below(self, key: Hashable, descend: Callable[[Binding], bool] | None) -> Iterator[Hashable]:
        if descend is not None:
            binding = self._bindings.get(key)
            if binding is None or not descend(binding):
                return iter(())
        return self.dependencies(key)

    def startup_keys(self, scope: Scope) -> list[Hashable]:
        """What a scope's start builds, in dependency order: ``@lifecycle`` components and async providers.

        For SINGLETON that start is the container's; for REQUEST, each scope's opening.
        """
        keys = self._lifecycle.get(scope)
        if keys is None:
            found = [k for k, b in self._bindings.items() if (b.lifecycle or b.style.is_async) and b.scope is scope]
            keys = self._lifecycle[scope] = self.order(found)
        return keys

    def context_types(self) -> frozenset[Hashable]:
        """The request data a scope may be given (``container.declare_context``)."""
        return frozenset(k for k, b in self._bindings.items() if b.kind is Kind.CONTEXT)

    def cleans_up(self, scope: Scope) -> bool:
        """Whether a component of ``scope`` has something to run when the scope ends (a generator provider)."""
        return any(b.scope is scope and b.style.has_cleanup for b in self._bindings.values())

    def prerequisites(self, key: Hashable) -> tuple[Hashable, ...]:
        """The singletons building ``key`` needs, in the order to build them (``key`` excluded).

        Building them first, one at a time, is what keeps resolution of a deep chain from nesting one call
        per level.
        """
        return tuple(
            k
            for k in self.reachable(key)
            if k != key and (b := self._bindings.get(k)) is not None and b.scope is Scope.SINGLETON
        )

    def dependents(self, key: Hashable) -> set[Hashable]:
        """Every key whose construction (transitively) uses ``key``."""
        reverse: dict[Hashable, set[Hashable]] = {}
        for source in self._bindings:
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
                candidates = sorted(candidates, key=lambda k: _built_by(self._bindings.get(k)) is not built)
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
            for key, binding in self._bindings.items():
                code = _code_of(binding)
                if code is not None:
                    codes.setdefault(code, []).append(key)
            self._codes = codes
        return self._codes


def is_list_key(key: object) -> bool:
    return typing.get_origin(key) is list


def _code_of(binding: Binding) -> CodeType | None:
    """The code object that runs when ``binding`` builds: a constructor's ``__init__`` or a factory function."""
    if binding.kind not in (Kind.CLASS, Kind.FUNCTION, Kind.FACTORY):
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


__all__ = ["AdapterSightings", "Plan", "is_list_key"]
