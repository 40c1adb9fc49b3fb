"""Override defects found while writing this suite; each test failed before its fix in src/ and guards it now."""

from __future__ import annotations

from typing import Protocol

from dioxide import Container, Profile, adapter, lifecycle, service
from tests.overrides.conftest import FakeClock


class Clock(Protocol):
    def now(self) -> int: ...


class DescribeResetDuringAnOverride:
    def it_does_not_bring_back_instances_the_reset_forgot(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 0

        @service
        class Scheduler:
            def __init__(self, clock: Clock) -> None:
                self.clock = clock

        container = Container(profile=Profile.TEST)
        before_reset = container.resolve(Scheduler)
        handle = container.override(Clock, FakeClock("fake"))
        container.reset()
        handle.restore()
        assert container.resolve(Scheduler) is not before_reset, "reset() forgot it; restore() revived it"


class DescribeLocalReplacementClass:
    def it_injects_a_replacement_class_whose_annotations_name_local_classes(self) -> None:
        """Decorated local classes have their string annotations (``from __future__ import annotations``, as
        in this module) evaluated in their defining function; an override's replacement class is usually
        defined right there in the test too, and must get the same treatment."""

        @service
        class Settings:
            offset = 5

        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 0

        class ShiftedClock:
            def __init__(self, settings: Settings) -> None:
                self.settings = settings

            def now(self) -> int:
                return self.settings.offset

        container = Container(profile=Profile.TEST)
        with container.override(Clock, ShiftedClock):
            assert container.resolve(Clock).now() == 5


class DescribeRestoreAfterStart:
    async def it_does_not_hand_out_an_uninitialized_lifecycle_dependent(self) -> None:
        """override() refuses to rebuild a started @lifecycle dependent ("they would be rebuilt without
        initialize()"), but restore() does exactly that when the override was made before start(): the
        dependent initialized during the override is dropped and a new, never-initialized one is built."""

        @adapter.for_(Clock, profile=Profile.TEST)
        class SystemClock:
            def now(self) -> int:
                return 0

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
        handle = container.override(Clock, FakeClock("fake"))
        async with container:
            assert container.resolve(Scheduler).ready is True
            handle.restore()
            assert container.resolve(Scheduler).ready is True, "a started container hands out initialized components"
