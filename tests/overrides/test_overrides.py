"""Test overrides: container.override(T, replacement) replaces a component for a while, then puts everything
back, without rebuilding the container."""

# No ``from __future__ import annotations`` here: the undecorated replacement classes below annotate their
# parameters with classes local to the test, which must be evaluated where they are written (the decorated
# classes get their defining frame remembered; replacements do not: see test_found_bugs.py).

import functools
from typing import Protocol

import pytest

from dioxide import AdapterNotFoundError, Container, DioxideError, Profile, Scope, adapter, lifecycle, service
from tests.overrides.conftest import FakeClock


class Clock(Protocol):
    def now(self) -> int: ...


class DescribeOverrideBlock:
    def it_is_visible_inside_the_block_and_gone_after_it(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class FrozenClock:
            def now(self) -> int:
                return 42

        container = Container(profile=Profile.TEST)
        frozen = FrozenClock()
        with container.override(Clock, frozen) as handle:
            assert container.resolve(Clock) is frozen
            assert container[Clock] is frozen
            assert handle.active is True
        assert isinstance(container.resolve(Clock), SystemClock)
        assert container.resolve(Clock).now() == 1
        assert handle.active is False

    def it_restores_the_original_instance_when_the_block_raises(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class StoppedClock:
            def now(self) -> int:
                return 0

        container = Container(profile=Profile.TEST)
        original = container.resolve(Clock)
        with pytest.raises(ZeroDivisionError), container.override(Clock, StoppedClock()):
            raise ZeroDivisionError
        assert container.resolve(Clock) is original

    def it_replaces_a_service(self) -> None:
        @service
        class PriceList:
            def price(self) -> int:
                return 10

        @service
        class Checkout:
            def __init__(self, prices: PriceList) -> None:
                self.prices = prices

        class CheapPrices(PriceList):
            def price(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        with container.override(PriceList, CheapPrices()):
            assert container.resolve(Checkout).prices.price() == 1
        assert container.resolve(Checkout).prices.price() == 10

    def it_replaces_a_singleton_already_created_and_brings_the_very_same_one_back(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        original = container.resolve(Clock)
        with container.override(Clock, lambda: "fake clock"):
            assert container.resolve(Clock) == "fake clock"
        assert container.resolve(Clock) is original

    def it_rebuilds_dependent_singletons_during_the_override_and_brings_the_originals_back(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        @service
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

        @service
        class Reports:
            def __init__(self, scheduler: Scheduler) -> None:
                self.scheduler = scheduler

        @service
        class Unrelated:
            pass

        container = Container(profile=Profile.TEST)
        scheduler, reports, unrelated = (container.resolve(t) for t in (Scheduler, Reports, Unrelated))
        fake = FakeClock("fake")
        with container.override(Clock, fake):
            assert container.resolve(Scheduler) is not scheduler
            assert container.resolve(Scheduler).clock is fake
            assert container.resolve(Reports).scheduler.clock is fake
            assert container.resolve(Reports).scheduler is container.resolve(Scheduler)
            assert container.resolve(Unrelated) is unrelated
        assert container.resolve(Scheduler) is scheduler
        assert container.resolve(Reports) is reports
        assert container.resolve(Scheduler).clock.now() == 1

    def it_nests(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        @service
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

        container = Container(profile=Profile.TEST)
        with container.override(Clock, FakeClock("outer")):
            assert container.resolve(Scheduler).clock == FakeClock("outer")
            with container.override(Clock, FakeClock("inner")):
                assert container.resolve(Clock) == FakeClock("inner")
                assert container.resolve(Scheduler).clock == FakeClock("inner")
            assert container.resolve(Clock) == FakeClock("outer")
            assert container.resolve(Scheduler).clock == FakeClock("outer")
        assert container.resolve(Clock).now() == 1
        assert container.resolve(Scheduler).clock.now() == 1


class DescribeReplacementKinds:
    def it_builds_a_class_with_injection(self) -> None:
        @service
        class Settings:
            zone = "UTC"

        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class ZonedClock:
            def __init__(self, settings: Settings, offset: int = 3) -> None:
                self.settings = settings
                self.offset = offset

            def now(self) -> int:
                return self.offset

        container = Container(profile=Profile.TEST)
        with container.override(Clock, ZonedClock):
            clock = container.resolve(Clock)
            assert isinstance(clock, ZonedClock)
            assert clock.settings is container.resolve(Settings)
            assert clock.offset == 3
            assert container.resolve(Clock) is clock, "built in the original's (singleton) scope"

    def it_builds_a_class_in_the_originals_factory_scope(self) -> None:
        @service(scope=Scope.FACTORY)
        class Command:
            pass

        class FakeCommand:
            pass

        container = Container(profile=Profile.TEST)
        with container.override(Command, FakeCommand):
            first, second = container.resolve(Command), container.resolve(Command)
            assert isinstance(first, FakeCommand)
            assert first is not second

    def it_calls_a_function_as_a_factory_in_the_originals_scope(self) -> None:
        calls: list[int] = []

        @service
        class Settings:
            pass

        @service(scope=Scope.FACTORY)
        class Command:
            pass

        def make_settings() -> object:
            calls.append(1)
            return {"debug": True}

        container = Container(profile=Profile.TEST)
        with container.override(Settings, make_settings):
            assert container.resolve(Settings) == {"debug": True}
            assert container.resolve(Settings) is container.resolve(Settings)
            assert calls == [1], "a singleton factory runs once"
        with container.override(Command, lambda: object()):
            assert container.resolve(Command) is not container.resolve(Command)

    def it_calls_a_partial(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class FixedClock:
            def __init__(self, value: int) -> None:
                self.value = value

            def now(self) -> int:
                return self.value

        container = Container(profile=Profile.TEST)
        with container.override(Clock, functools.partial(FixedClock, 7)):
            assert container.resolve(Clock).now() == 7

    def it_uses_a_callable_instance_as_an_instance(self) -> None:
        @service
        class Router:
            pass

        class Handler(Router):
            def __call__(self) -> str:
                return "called"

        handler = Handler()
        container = Container(profile=Profile.TEST)
        with container.override(Router, handler):
            assert container.resolve(Router) is handler

    def it_reports_a_replacement_class_with_an_unresolvable_dependency(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class Unregistered:
            pass

        class NeedsMore:
            def __init__(self, thing: Unregistered) -> None:
                self.thing = thing

        container = Container(profile=Profile.TEST)
        with container.override(Clock, NeedsMore), pytest.raises(AdapterNotFoundError) as caught:
            container.resolve(Clock)
        assert str(caught.value).startswith(
            "Adapter Not Found: Cannot resolve Clock -> NeedsMore -> thing: Unregistered\n"
            "  NeedsMore found for Clock (*)\n"
            "  Unregistered missing: Not registered (missing @service decorator)\n"
        )
        assert container.resolve(Clock).now() == 1


class DescribeReplacementTypeCheck:
    """An instance is checked as ``register_instance`` checks it: 2.1-style code got the wrong object at resolve."""

    def it_refuses_an_instance_that_is_not_the_component_type(self) -> None:
        @service
        class PriceList:
            pass

        container = Container(profile=Profile.TEST)
        original = container.resolve(PriceList)
        with pytest.raises(TypeError) as caught:
            container.override(PriceList, "not a price list")
        assert str(caught.value) == "instance must be of type 'PriceList', got 'str'"
        assert container.resolve(PriceList) is original, "nothing was overridden"

        class Discounted(PriceList):
            pass

        with container.override(PriceList, Discounted()):
            assert isinstance(container.resolve(PriceList), Discounted)

    def it_checks_a_protocol_port_by_its_methods(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        class Calendar:
            def today(self) -> str:
                return "monday"

        class FrozenClock:  # no inheritance: a port is satisfied by its methods
            def now(self) -> int:
                return 42

        container = Container(profile=Profile.TEST)
        with pytest.raises(TypeError, match=r"^instance must be of type 'Clock', got 'Calendar'$"):
            container.override(Clock, Calendar())
        with container.override(Clock, FrozenClock()):
            assert container.resolve(Clock).now() == 42

    def it_does_not_check_classes_functions_or_keys_that_are_not_classes(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST, multi=True)
        class SystemClock:
            def now(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        with container.override(list[Clock], []):
            assert container.resolve(list[Clock]) == []
        with container.override(Clock, lambda: SystemClock()):
            assert container.resolve(Clock).now() == 1


class DescribePlainForm:
    def it_lasts_until_restore(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        handle = container.override(Clock, FakeClock("fake"))
        assert container.resolve(Clock) == FakeClock("fake")
        handle.restore()
        assert container.resolve(Clock).now() == 1

    def it_restores_idempotently(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        outer = container.override(Clock, FakeClock("outer"))
        inner = container.override(Clock, FakeClock("inner"))
        inner.restore()
        inner.restore()
        assert container.resolve(Clock) == FakeClock("outer"), "a second restore() must not end the outer override"
        with inner:
            pass
        assert container.resolve(Clock) == FakeClock("outer")
        outer.restore()
        assert container.resolve(Clock).now() == 1


class DescribeRestoringOutOfOrder:
    """Plain-form overrides (``handle = container.override(...)``, later ``handle.restore()``) are typically
    ended by fixture teardowns, whose order is not always the reverse of their creation."""

    def it_keeps_the_inner_override_when_the_outer_one_ends_first(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 0

        container = Container(profile=Profile.TEST)
        container.resolve(Clock)
        outer = container.override(Clock, FakeClock("outer"))
        assert container.resolve(Clock) == FakeClock("outer")
        inner = container.override(Clock, FakeClock("inner"))
        assert container.resolve(Clock) == FakeClock("inner")
        outer.restore()
        assert container.resolve(Clock) == FakeClock("inner"), "the inner override is still active"
        inner.restore()

    def it_leaves_no_override_behind_once_all_are_restored(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 0

        @service
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

        container = Container(profile=Profile.TEST)
        original, scheduler = container.resolve(Clock), container.resolve(Scheduler)
        outer = container.override(Clock, FakeClock("outer"))
        assert container.resolve(Scheduler).clock == FakeClock("outer")
        inner = container.override(Clock, FakeClock("inner"))
        assert container.resolve(Scheduler).clock == FakeClock("inner")
        outer.restore()
        inner.restore()
        assert container.resolve(Clock) is original
        assert container.resolve(Scheduler) is scheduler


class DescribeOverridesAndScopes:
    async def it_is_seen_by_scopes_created_while_it_is_active(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            user = "anonymous"

        @service(scope=Scope.REQUEST)
        class Handler:
            def __init__(self, context: RequestContext) -> None:
                self.context = context

        class AdminContext:
            user = "admin"

        container = Container(profile=Profile.TEST)
        with container.override(RequestContext, AdminContext):
            async with container.create_scope() as one, container.create_scope() as two:
                assert one.resolve(Handler).context.user == "admin"
                assert one.resolve(RequestContext) is one.resolve(Handler).context
                assert one.resolve(RequestContext) is not two.resolve(RequestContext), "still REQUEST-scoped"
        async with container.create_scope() as after:
            assert after.resolve(Handler).context.user == "anonymous"

    async def it_gives_request_components_the_overridden_singleton(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        @service(scope=Scope.REQUEST)
        class Handler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

        container = Container(profile=Profile.TEST)
        with container.override(Clock, FakeClock("fake")):
            async with container.create_scope() as scope:
                assert scope.resolve(Handler).clock == FakeClock("fake")
                assert scope.resolve(Clock) == FakeClock("fake")
        async with container.create_scope() as scope:
            assert scope.resolve(Handler).clock.now() == 1

    async def it_opens_scopes_by_the_plan_of_the_moment(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            async def initialize(self) -> None:
                events.append("init Session")

            async def dispose(self) -> None:
                events.append("dispose Session")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Audit:
            def __init__(self, session: Session) -> None:
                self.session = session

            async def initialize(self) -> None:
                events.append("init Audit")

            async def dispose(self) -> None:
                events.append("dispose Audit")

        class PlainAudit:  # no initialize(): a scope that still started the replaced Audit would fail
            pass

        container = Container(profile=Profile.TEST)
        async with container.create_scope():
            pass
        assert events == ["init Session", "init Audit", "dispose Audit", "dispose Session"]
        events.clear()
        with container.override(Audit, PlainAudit):
            async with container.create_scope() as scope:
                assert type(scope.resolve(Audit)) is PlainAudit
        assert events == ["init Session", "dispose Session"]
        events.clear()
        async with container.create_scope():
            pass
        assert events == ["init Session", "init Audit", "dispose Audit", "dispose Session"]


class DescribeOverridesAndLifecycle:
    async def it_leaves_the_started_components_to_be_disposed(self) -> None:
        events: list[str] = []

        @adapter.for_(Clock, profile=Profile.TEST)
        @lifecycle
        class NtpClock:
            async def initialize(self) -> None:
                events.append("init NtpClock")

            async def dispose(self) -> None:
                events.append("dispose NtpClock")

            def now(self) -> int:
                return 1

        container = Container(profile=Profile.TEST)
        async with container:
            with container.override(Clock, FakeClock("fake")):
                assert container.resolve(Clock) == FakeClock("fake")
            assert events == ["init NtpClock"]
        assert events == ["init NtpClock", "dispose NtpClock"]

    async def it_refuses_to_rebuild_a_started_dependent(self) -> None:
        events: list[str] = []

        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        @service
        @lifecycle
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

            async def initialize(self) -> None:
                events.append("init Scheduler")

            async def dispose(self) -> None:
                events.append("dispose Scheduler")

        container = Container(profile=Profile.TEST)
        async with container:
            original = container.resolve(Clock)
            with pytest.raises(DioxideError) as caught:
                container.override(Clock, FakeClock("fake"))
            assert str(caught.value) == (
                "Dioxide Error: Cannot override Clock while Scheduler (started @lifecycle) depend(s) on it: "
                "they would be rebuilt without initialize()\n"
                "  Override before the container starts, or override the started component itself\n"
                "\n"
                "-> See: https://dioxide.readthedocs.io/en/latest/troubleshooting/index.html"
            )
            assert container.resolve(Clock) is original
            assert container.resolve(Scheduler).clock is original
        assert events == ["init Scheduler", "dispose Scheduler"]

    async def it_initializes_dependents_built_with_an_override_made_before_the_start(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 1

        @service
        @lifecycle
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock
                self.ready = False

            async def initialize(self) -> None:
                self.ready = True

            async def dispose(self) -> None:
                self.ready = False

        container = Container(profile=Profile.TEST)
        with container.override(Clock, FakeClock("fake")):
            async with container:
                scheduler = container.resolve(Scheduler)
                assert scheduler.clock == FakeClock("fake")
                assert scheduler.ready is True
            assert scheduler.ready is False
