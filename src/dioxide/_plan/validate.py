"""Validation: one walk of the graph that collects every problem instead of stopping at the first.

It finds missing dependencies (with the chain that needs them), cycles (with their path), captive dependencies
(a singleton holding a REQUEST-scoped component, directly or through FACTORY ones), unreadable annotations and
required parameters dioxide never injects.
The walk is iterative, so a chain of any depth validates at the default recursion limit.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable, Iterable, Iterator
from typing import Protocol

from dioxide._plan.bindings import Binding
from dioxide._plan.edges import Edge, Mode
from dioxide._plan.problems import (
    Captive,
    Cycle,
    FactoryLifecycle,
    Hop,
    MissingDependency,
    NotRegistered,
    Problem,
    Uninjectable,
    UnreadableAnnotation,
)
from dioxide.scope import Scope


class GraphView(Protocol):
    """What validation reads of a plan."""

    def get(self, key: Hashable) -> Binding | None: ...

    def edges(self, key: Hashable) -> tuple[Edge, ...]: ...

    def dependencies(self, key: Hashable) -> Iterator[Hashable]: ...


def find_problems(view: GraphView, roots: Iterable[Hashable], *, lifecycle_rules: bool = False) -> list[Problem]:
    """Every problem reachable from ``roots``, each reported once, in discovery order.

    ``lifecycle_rules`` adds the checks that only matter when the container starts (a FACTORY-scoped
    ``@lifecycle`` component can never be initialized).
    """
    walk = _Walk(view, lifecycle_rules)
    for root in roots:
        walk.visit_root(root)
    return walk.problems


class _Frame:
    __slots__ = ("binding", "edges", "hop", "index", "key")

    def __init__(self, key: Hashable, binding: Binding, edges: tuple[Edge, ...], hop: Hop | None) -> None:
        self.key = key
        self.binding = binding
        self.edges = edges
        self.hop = hop  # how the parent frame reached this one
        self.index = 0


class _Walk:
    def __init__(self, view: GraphView, lifecycle_rules: bool) -> None:
        self.view = view
        self.lifecycle_rules = lifecycle_rules
        self.problems: list[Problem] = []
        self._done: set[Hashable] = set()
        self._reported: set[object] = set()
        self._captive_checked: set[Hashable] = set()

    def report(self, identity: object, problem: Problem) -> None:
        if identity not in self._reported:
            self._reported.add(identity)
            self.problems.append(problem)

    def visit_root(self, root: Hashable) -> None:
        binding = self.view.get(root)
        if binding is None:
            if typing.get_origin(root) is not list:
                self.report(("missing", root), NotRegistered(root))
            return
        if root in self._done:
            return
        stack = [_Frame(root, binding, self.view.edges(root), None)]
        active: dict[Hashable, int] = {root: 0}
        while stack:
            frame = stack[-1]
            if frame.index == len(frame.edges):
                stack.pop()
                del active[frame.key]
                self._done.add(frame.key)
                self._finish(frame.binding)
                continue
            edge = frame.edges[frame.index]
            frame.index += 1
            if edge.mode is Mode.MISSING:
                missing = MissingDependency(root, _trail(stack, edge), edge.target)
                self.report(("missing", edge.target), missing)
            elif edge.mode is Mode.UNREADABLE and edge.parameter is not None:
                unreadable = UnreadableAnnotation(root, _trail(stack, edge), edge.parameter)
                self.report(("unreadable", frame.key, edge.parameter.name), unreadable)
            elif edge.mode is Mode.UNINJECTABLE and edge.parameter is not None:
                uninjectable = Uninjectable(root, _trail(stack, edge), edge.parameter)
                self.report(("uninjectable", frame.key, edge.parameter.name), uninjectable)
            elif edge.mode is Mode.BIND:
                target = edge.target
                if target in active:
                    keys = (*(f.key for f in stack[active[target] :]), target)
                    self.report(("cycle", frozenset(keys)), Cycle(keys))
                elif target not in self._done and (child := self.view.get(target)) is not None:
                    active[target] = len(stack)
                    stack.append(_Frame(target, child, self.view.edges(target), Hop(frame.binding, edge.parameter)))

    def _finish(self, binding: Binding) -> None:
        if binding.scope is Scope.SINGLETON:
            self._check_captive(binding)
        if self.lifecycle_rules and binding.lifecycle and binding.scope is Scope.FACTORY:
            self.report(("factory-lifecycle", binding.key), FactoryLifecycle(binding))

    def _check_captive(self, singleton: Binding) -> None:
        """A singleton reaching a REQUEST component through FACTORY (or alias/list) links keeps it captive."""
        if singleton.key in self._captive_checked:
            return
        self._captive_checked.add(singleton.key)
        parents: dict[Hashable, Hashable] = {}
        pending = [singleton.key]
        while pending:
            current = pending.pop()
            for dependency in self.view.dependencies(current):
                binding = self.view.get(dependency)
                if binding is None or dependency in parents or dependency == singleton.key:
                    continue
                parents[dependency] = current
                if binding.scope is Scope.REQUEST:
                    path = self._path(singleton, parents, dependency)
                    self.report(("captive", singleton.key, dependency), Captive(path))
                elif binding.scope is Scope.FACTORY:
                    pending.append(dependency)

    def _path(self, singleton: Binding, parents: dict[Hashable, Hashable], last: Hashable) -> tuple[Binding, ...]:
        keys = [last]
        while keys[-1] in parents:
            keys.append(parents[keys[-1]])
        bindings = [b for k in reversed(keys[:-1]) if (b := self.view.get(k)) is not None]
        return (singleton, *bindings)


def _trail(stack: list[_Frame], edge: Edge) -> tuple[Hop, ...]:
    """The chain from the root to ``edge``: each frame's way in, then the edge itself."""
    hops = [frame.hop for frame in stack[1:] if frame.hop is not None]
    return (*hops, Hop(stack[-1].binding, edge.parameter))


__all__ = ["GraphView", "find_problems"]
