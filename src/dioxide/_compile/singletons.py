"""Building a singleton: once, so by a small interpreter rather than by generated code.

A singleton is constructed once per container; compiling a function for it would cost more time (at startup)
and memory (for as long as the container lives) than the construction itself. Its dependencies are taken
from their own providers (built singletons, generated FACTORY and multi-binding providers), so a singleton
gets exactly what an inlined construction would give it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol

from dioxide._compile.arguments import arrange
from dioxide._declare.registry import Style
from dioxide._plan.bindings import Binding, Kind, implementation_name
from dioxide._plan.edges import Mode
from dioxide._plan.plan import Plan
from dioxide._plan.problems import Hop, MissingDependency, Problem, Uninjectable
from dioxide._render.notes import note_resolution

Getter = Callable[[], Any]


class Dependencies(Protocol):
    """What the builder needs from the compiler."""

    plan: Plan

    def provide(self, key: Hashable) -> Any: ...

    def raiser(self, problem: Problem) -> Callable[..., Any]: ...


def singleton_builder(source: Dependencies, binding: Binding, enter: Callable[[Any, str], Any]) -> Getter:
    """A zero-argument function constructing ``binding``'s value once its singleton dependencies exist.

    ``enter`` advances a generator provider to its ``yield`` and records its cleanup with the container.
    """
    kind = binding.kind
    provide = source.provide
    if kind is Kind.INSTANCE:
        target = binding.target
        return lambda: target
    if kind is Kind.ALIAS:
        aliased = binding.target
        return lambda: provide(aliased)
    if kind is Kind.MULTI:
        members = binding.members
        return lambda: [provide(member) for member in members]
    if kind is Kind.FACTORY:
        factory: Getter = binding.target
        return factory
    return _call(source, binding, enter)


def _call(source: Dependencies, binding: Binding, enter: Callable[[Any, str], Any]) -> Getter:
    """A class constructed, or a provider function called, with its parameters injected.

    Everything is worked out when it runs: it runs once, and nothing is kept for the container's lifetime.
    """

    def build() -> Any:
        try:
            edges = source.plan.edges(binding.key)
            getters = [_getter(source, binding, edge.mode, edge.target, edge.parameter) for edge in edges]
            positional, keywords = arrange(edges, getters, lambda parameter: _constant(parameter.default))
            value = binding.target(*[get() for get in positional], **{name: get() for name, get in keywords})
            return enter(value, implementation_name(binding)) if binding.style is Style.GENERATOR else value
        except Exception as error:
            note_resolution(error, binding.key, source.plan)
            raise

    return build


def _getter(
    source: Dependencies, binding: Binding, mode: Mode, target: Hashable | None, parameter: Any
) -> Getter | None:
    if mode is Mode.BIND and target is not None:
        provide = source.provide
        return lambda: provide(target)
    if mode is Mode.NONE:
        return _constant(None)
    if mode is Mode.EMPTY:
        return list
    if mode is Mode.MISSING and target is not None:
        return source.raiser(MissingDependency(binding.key, (Hop(binding, parameter),), target))
    if mode is Mode.UNINJECTABLE and parameter is not None:  # never Python's bare TypeError
        return source.raiser(Uninjectable(binding.key, (Hop(binding, parameter),), parameter))
    return None  # left to the parameter's default


def _constant(value: Any) -> Getter:
    return lambda: value


__all__ = ["singleton_builder"]
