"""Graphs of any depth: planning, validation, compilation, resolution and lifecycle order never recurse per level.

A chain of 1,000 components validates, resolves and starts at the default recursion limit, also when the
caller is itself deep in the stack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from dioxide import CircularDependencyError, Container, Scope, lifecycle, service

DEPTH = 1_000
T = TypeVar("T")


def chain(scope: Scope, depth: int = DEPTH, *, with_lifecycle: bool = False) -> tuple[type, type]:
    """``depth`` services, each taking the previous one: returns (the deepest, the top)."""
    events: list[str] = []
    first: type | None = None
    previous: type | None = None
    for index in range(depth):
        namespace: dict[str, Any] = {"__module__": __name__}
        if previous is not None:

            def __init__(self: Any, dep: Any) -> None:
                self.dep = dep

            __init__.__annotations__ = {"dep": previous, "return": None}
            namespace["__init__"] = __init__
        if with_lifecycle:

            async def initialize(self: Any, index: int = index) -> None:
                events.append(f"init {index}")

            async def dispose(self: Any, index: int = index) -> None:
                events.append(f"dispose {index}")

            namespace.update(initialize=initialize, dispose=dispose, events=events)
        cls = type(f"Level{index}", (), namespace)
        if with_lifecycle:
            lifecycle(cls)
        service(scope=scope)(cls)
        first = first or cls
        previous = cls
    assert first is not None
    assert previous is not None
    return first, previous


def depth_of(component: Any) -> int:
    levels = 1
    while hasattr(component, "dep"):
        component = component.dep
        levels += 1
    return levels


@pytest.fixture(autouse=True)
def default_recursion_limit() -> Iterator[None]:
    """The interpreter's default limit (mypy, run in-process by other tests, raises it and keeps it raised)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def from_deep_stack(function: Callable[[], T], spare: int = 120) -> T:
    """Call ``function`` with only ``spare`` frames left before the default recursion limit."""
    assert sys.getrecursionlimit() == 1_000

    def descend(remaining: int) -> T:
        if remaining == 0:
            return function()
        return descend(remaining - 1)

    current = len(_stack())
    return descend(max(0, sys.getrecursionlimit() - current - spare))


def _stack() -> list[Any]:
    frames = []
    frame = sys._getframe(1)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


class DescribeDeepChains:
    @pytest.mark.parametrize("scope", [Scope.SINGLETON, Scope.FACTORY])
    def it_validates_and_resolves_a_chain_of_1000(self, scope: Scope) -> None:
        _, top = chain(scope)
        container = Container()
        container.scan()
        container.validate()
        assert depth_of(container.resolve(top)) == DEPTH

    @pytest.mark.parametrize("scope", [Scope.SINGLETON, Scope.FACTORY])
    def it_resolves_a_chain_of_1000_from_a_deep_call_stack(self, scope: Scope) -> None:
        _, top = chain(scope)
        container = Container()
        container.scan()
        assert from_deep_stack(lambda: depth_of(container.resolve(top))) == DEPTH
        assert from_deep_stack(lambda: depth_of(container.resolve(top))) == DEPTH  # compiled, built: again

    def it_resolves_a_request_chain_of_1000_in_a_scope(self) -> None:
        _, top = chain(Scope.REQUEST)
        container = Container()
        container.scan()
        container.validate()
        with container.create_scope() as scope:
            component = from_deep_stack(lambda: scope.resolve(top))
            assert depth_of(component) == DEPTH
            assert scope.resolve(top) is component

    def it_starts_and_stops_1000_lifecycle_singletons_in_dependency_order(self) -> None:
        first, _ = chain(Scope.SINGLETON, with_lifecycle=True)
        container = Container()
        container.scan()
        with container:
            pass
        events: list[str] = first.events  # type: ignore[attr-defined]
        assert events[:DEPTH] == [f"init {index}" for index in range(DEPTH)]
        assert events[DEPTH:] == [f"dispose {index}" for index in reversed(range(DEPTH))]

    def it_explains_a_chain_of_1000(self) -> None:
        _, top = chain(Scope.FACTORY)
        container = Container()
        container.scan()
        lines = container.explain(top).splitlines()
        assert len(lines) == 1 + DEPTH
        assert lines[-1].strip() == "+-- dep: Level0 (FACTORY)"

    def it_names_a_cycle_at_the_end_of_a_long_chain(self) -> None:
        bottom, top = chain(Scope.SINGLETON)

        def __init__(self: Any, dep: Any) -> None:
            self.dep = dep

        __init__.__annotations__ = {"dep": top, "return": None}
        bottom.__init__ = __init__  # type: ignore[misc]  # Level0 now needs the top: a cycle of 1,000
        container = Container()
        container.scan()
        with pytest.raises(CircularDependencyError) as caught:
            container.resolve(top)
        assert str(caught.value).count(" -> ") == DEPTH
