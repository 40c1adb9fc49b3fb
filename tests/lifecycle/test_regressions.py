"""Lifecycle defects found while writing this suite; each test failed before its fix in src/ and guards it now."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from dioxide import Container, Profile, lifecycle, service


class DescribeConstructorFailureDuringStart:
    async def it_disposes_the_components_already_initialized(self) -> None:
        """start() builds each component just before its initialize(); when a *constructor* fails, the
        components initialized before it must be rolled back exactly as when an initialize() fails."""
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                events.append("init Db")

            async def dispose(self) -> None:
                events.append("dispose Db")

        @service
        @lifecycle
        class Api:
            def __init__(self, db: Db) -> None:
                raise ValueError("API_KEY missing")

            async def initialize(self) -> None:
                events.append("init Api")

            async def dispose(self) -> None:
                events.append("dispose Api")

        container = Container(profile=Profile.TEST)
        with pytest.raises(ValueError, match="API_KEY missing"):
            await container.start()
        assert events == ["init Db", "dispose Db"]

    async def it_leaves_nothing_for_a_later_stop_to_lose(self) -> None:
        """Even if start() does not roll back, the initialized Db must not be forgotten: stop() disposes it."""
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                events.append("init Db")

            async def dispose(self) -> None:
                events.append("dispose Db")

        @service
        @lifecycle
        class Api:
            def __init__(self, db: Db) -> None:
                raise ValueError("API_KEY missing")

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        with pytest.raises(ValueError, match="API_KEY missing"):
            await container.start()
        await container.stop()
        assert events.count("dispose Db") == 1


class DescribeConcurrentStart:
    async def it_returns_from_a_second_start_only_once_the_components_are_initialized(self) -> None:
        """start() is idempotent; a second caller (another task) must not be told the container is started
        while the first call is still initializing: it should wait for it."""
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                await asyncio.sleep(0.01)
                events.append("init Pool")

            async def dispose(self) -> None:
                events.append("dispose Pool")

        container = Container(profile=Profile.TEST)
        first = asyncio.create_task(container.start())
        await asyncio.sleep(0)  # the first start() is now inside Pool.initialize()
        await container.start()
        events.append("second start() returned")
        await first
        await container.stop()
        assert events == ["init Pool", "second start() returned", "dispose Pool"]


class DescribeCancelledStop:
    async def it_keeps_track_of_the_components_not_disposed_yet(self) -> None:
        """A stop() cancelled during one dispose() (a shutdown timeout) must not forget the components it
        had not reached yet: a later stop() disposes them."""
        events: list[str] = []
        disposing = asyncio.Event()

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Db")

        @service
        @lifecycle
        class Api:
            def __init__(self, db: Db) -> None:
                self.db = db

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Api started")
                disposing.set()
                await asyncio.Event().wait()  # hangs until cancelled

        container = Container(profile=Profile.TEST)
        await container.start()
        stopping = asyncio.create_task(container.stop())
        await disposing.wait()
        stopping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stopping
        assert events == ["dispose Api started"]
        await container.stop()
        assert "dispose Db" in events, "Db was initialized and never disposed"


class DescribeOrphanLifecycleWarning:
    def it_does_not_claim_a_registered_instance_will_never_be_initialized(self) -> None:
        """scan() warns about @lifecycle classes that are neither services nor adapters, saying their
        initialize() "will never be called"; a registered instance of such a class *is* initialized by
        start(), so the warning is false for it."""

        @lifecycle
        class Preconfigured:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        container = Container()
        container.register_instance(Preconfigured, Preconfigured())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            container.scan(profile=Profile.TEST)
        assert [str(w.message) for w in caught if "will never be called" in str(w.message)] == []
