"""Deliberate differences 2 and 3: thread-safe first resolution, and a resolve cost that does not grow.

The cost test counts function calls (``sys.setprofile``) instead of timing, so it is exact and fast.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

import pytest

from dioxide import Container, Scope, adapter, service

THREADS = 16


def run_together(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released at once by a barrier; return results and errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(index: int) -> None:
        barrier.wait()
        try:
            value = work(index)
        except BaseException as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads), "a resolving thread hung"
    return results, errors


class DescribeThreadSafety:
    def it_builds_one_slow_singleton_once_for_16_concurrent_first_resolves(self) -> None:
        built: list[object] = []

        @service
        class Slow:
            def __init__(self) -> None:
                time.sleep(0.05)
                built.append(self)

        c = Container()
        c.scan()
        results, errors = run_together(THREADS, lambda _: c.resolve(Slow))
        assert errors == []
        assert len(built) == 1
        assert len(results) == THREADS
        assert all(result is built[0] for result in results)

    def it_builds_each_singleton_of_a_chain_once(self) -> None:
        built: dict[str, int] = {}
        count_lock = threading.Lock()

        def count(name: str) -> None:
            with count_lock:
                built[name] = built.get(name, 0) + 1

        class Clock(Protocol):
            def now(self) -> float: ...

        @adapter.for_(Clock)
        class SlowClock:
            def __init__(self) -> None:
                time.sleep(0.05)
                count("clock")

            def now(self) -> float:
                return 0.0

        @service
        class Repo:
            def __init__(self, clock: Clock) -> None:
                time.sleep(0.01)
                count("repo")
                self.clock = clock

        @service(scope=Scope.FACTORY)
        class Handler:
            def __init__(self, repo: Repo) -> None:
                self.repo = repo

        @service
        class Api:
            def __init__(self, handler: Handler, clock: Clock) -> None:
                count("api")
                self.handler, self.clock = handler, clock

        c = Container()
        c.scan()
        keys: list[type] = [Api, Handler, Repo, Clock]
        results, errors = run_together(THREADS, lambda i: (keys[i % 4], c.resolve(keys[i % 4])))
        assert errors == []
        assert built == {"clock": 1, "repo": 1, "api": 1}
        api = c.resolve(Api)
        assert api.clock is c.resolve(Clock) is api.handler.repo.clock
        for key, value in results:
            if key is not Handler:
                assert value is c.resolve(key)
            else:
                assert value.repo is c.resolve(Repo)

    def it_gives_every_thread_the_constructor_error_itself(self) -> None:
        @service
        class Doomed:
            def __init__(self) -> None:
                time.sleep(0.01)
                raise ValueError("no configuration")

        c = Container()
        c.scan()
        results, errors = run_together(8, lambda _: c.resolve(Doomed))
        assert results == []
        assert len(errors) == 8
        assert all(type(error) is ValueError and str(error) == "no configuration" for error in errors)


# -- cost -----------------------------------------------------------------------------------------------


def count_calls(function: Callable[[], object], prepare: Callable[[], object] = lambda: None) -> tuple[int, int]:
    """Function calls (Python and C, via ``sys.setprofile``) and Python opcodes executed while running ``function``.

    Opcodes catch what calls miss: a Python-level loop over a registry makes no call per item.
    """
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    opcodes = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal opcodes
        if event == "call":
            frame.f_trace_opcodes = True
        elif event == "opcode":
            opcodes += 1
        return trace

    prepare()
    sys.setprofile(profile)
    try:
        function()
    finally:
        sys.setprofile(None)
    # CPython 3.12 emits no opcode event for the first frame traced in a process: trace a throw-away call first.
    sys.settrace(trace)
    try:
        (lambda: None)()
    finally:
        sys.settrace(None)
    opcodes = 0
    prepare()
    sys.settrace(trace)
    try:
        function()
    finally:
        sys.settrace(None)
    return calls, opcodes


def register_extra_classes(count: int) -> None:
    """``count`` more decorated classes: half services (in chains of five), half adapters of their own ports."""
    previous: type | None = None
    for index in range(count // 2):
        namespace: dict[str, Any] = {"__module__": __name__}
        if index % 5:  # short chains of five

            def __init__(self: object, dep: object) -> None:
                self.dep = dep  # type: ignore[attr-defined]

            __init__.__annotations__ = {"dep": previous, "return": None}  # a real class, not a string
            namespace["__init__"] = __init__
        previous = service(type(f"ExtraService{index}", (), namespace))
        port = type(f"ExtraPort{index}", (), {"__module__": __name__})
        adapter.for_(port)(type(f"ExtraAdapter{index}", (), {"__module__": __name__}))


class Probe:
    """The components whose resolve cost is measured."""

    def __init__(self) -> None:
        class Greeter(Protocol):
            def greet(self) -> str: ...

        @service
        class Cached:
            pass

        @adapter.for_(Greeter)
        class English:
            def greet(self) -> str:
                return "hi"

        @service(scope=Scope.FACTORY)
        class C:
            pass

        @service(scope=Scope.FACTORY)
        class B:
            def __init__(self, c: C) -> None:
                self.c = c

        @service(scope=Scope.FACTORY)
        class A:
            def __init__(self, b: B) -> None:
                self.b = b

        self.keys: dict[str, Any] = {"singleton": Cached, "port": Greeter, "chain": A}

    def costs(self, c: Container, *, first: bool) -> dict[str, tuple[int, int]]:
        """Calls and opcodes of one resolve per key; ``first``: the very first resolve (compiling included)."""
        result: dict[str, tuple[int, int]] = {}
        for name, key in self.keys.items():
            # reset() forgets the instances and the compiled providers: the next resolve is a first one
            prepare = c.reset if first else (lambda key=key: c.resolve(key))
            result[name] = count_calls(lambda key=key: c.resolve(key), prepare)
        return result


class DescribeResolveCost:
    @pytest.fixture
    def containers(self) -> tuple[Probe, Container, Container]:
        probe = Probe()
        small = Container()
        small.scan()
        register_extra_classes(1_000)
        large = Container()
        large.scan()
        assert len(large) == len(small) + 1_000
        extra = {key.__name__: key for key in large.list_registered()}
        last = large.resolve(extra["ExtraService499"])  # built through its chain of five
        assert type(last.dep.dep.dep.dep).__name__ == "ExtraService495"
        return probe, small, large

    def it_costs_the_same_with_1000_extra_classes_once_built(
        self, containers: tuple[Probe, Container, Container]
    ) -> None:
        probe, small, large = containers
        small_costs = probe.costs(small, first=False)
        large_costs = probe.costs(large, first=False)
        assert small_costs == large_costs
        calls, opcodes = small_costs["singleton"]
        assert calls <= 5  # a dict hit, not a walk
        assert opcodes <= 20
        assert type(large.resolve(probe.keys["chain"]).b.c).__name__ == "C"  # the chain is built in full there too

    def it_costs_the_same_with_1000_extra_classes_on_first_resolve(
        self, containers: tuple[Probe, Container, Container]
    ) -> None:
        probe, small, large = containers
        assert probe.costs(small, first=True) == probe.costs(large, first=True)

    def it_builds_the_factory_chain_with_each_resolve(self, containers: tuple[Probe, Container, Container]) -> None:
        probe, small, _ = containers
        chain = probe.keys["chain"]
        first, second = small.resolve(chain), small.resolve(chain)
        assert first is not second
        assert first.b is not second.b
        assert type(first.b.c).__name__ == "C"
