"""The container follows the app's lifespan: scan and start before the app's own startup, stop after its
shutdown, and every failure reported to the server as the ASGI lifespan protocol says."""

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dioxide import (
    Container,
    Profile,
    ResolutionError,
    adapter,
    lifecycle,
    service,
)
from dioxide import (
    container as global_container,
)
from dioxide.fastapi import DioxideMiddleware, Inject, configure_dioxide
from tests.fastapi.asgi_driver import LifespanDriver, running


class DescribeStartupAndShutdown:
    async def it_initializes_before_the_apps_lifespan_and_disposes_after_it_exactly_once(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Database:
            async def initialize(self) -> None:
                events.append("database initialize")

            async def dispose(self) -> None:
                events.append("database dispose")

        @asynccontextmanager
        async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
            database = global_container.resolve(Database)
            events.append(f"app startup sees {type(database).__name__}")
            yield
            events.append("app shutdown")

        app = FastAPI(lifespan=app_lifespan)
        configure_dioxide(app, profile=Profile.TEST)

        async with running(app):
            assert events == ["database initialize", "app startup sees Database"]
        assert events == ["database initialize", "app startup sees Database", "app shutdown", "database dispose"]

    def it_works_with_starlettes_test_client_and_the_2x_add_middleware_call(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Database:
            async def initialize(self) -> None:
                events.append("initialize")

            async def dispose(self) -> None:
                events.append("dispose")

        app = FastAPI()
        app.add_middleware(DioxideMiddleware, profile=Profile.TEST)

        @app.get("/")
        async def root(database: Database = Inject(Database)) -> dict[str, bool]:
            return {"same": database is global_container.resolve(Database)}

        with TestClient(app) as client:
            assert client.get("/").json() == {"same": True}
            assert client.get("/").json() == {"same": True}
            assert events == ["initialize"]
        assert events == ["initialize", "dispose"]

    async def it_publishes_the_container_in_the_lifespan_state(self) -> None:
        app = FastAPI()
        own = Container()
        configure_dioxide(app, profile=Profile.TEST, container=own)

        async with running(app) as driver:
            assert driver.state["dioxide_container"] is own

    def it_refuses_to_be_configured_twice_on_one_app(self) -> None:
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)
        with pytest.raises(RuntimeError, match="already called"):
            configure_dioxide(app, profile=Profile.TEST)

    def it_returns_the_container_it_manages(self) -> None:
        own = Container()
        assert configure_dioxide(FastAPI(), container=own) is own
        assert configure_dioxide(FastAPI()) is global_container


class DescribeStartupFailure:
    async def it_reports_startup_failed_and_disposes_what_had_started(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Cache:
            async def initialize(self) -> None:
                events.append("cache initialize")

            async def dispose(self) -> None:
                events.append("cache dispose")

        @service
        @lifecycle
        class Broker:
            def __init__(self, cache: Cache) -> None:
                self.cache = cache

            async def initialize(self) -> None:
                raise ConnectionError("broker unreachable")

            async def dispose(self) -> None:
                events.append("broker dispose")

        @asynccontextmanager
        async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
            events.append("app startup")
            yield

        app = FastAPI(lifespan=app_lifespan)
        configure_dioxide(app, profile=Profile.TEST)
        driver = LifespanDriver(app, log=events)

        answer = await driver.startup()

        assert answer["type"] == "lifespan.startup.failed"
        assert "ConnectionError: broker unreachable" in answer["message"]
        assert isinstance(await driver.outcome(), ConnectionError)
        assert events == ["cache initialize", "cache dispose", "server receives lifespan.startup.failed"]

    def it_makes_the_test_client_raise_the_original_error(self) -> None:
        @service
        @lifecycle
        class Broker:
            async def initialize(self) -> None:
                raise ConnectionError("broker unreachable")

            async def dispose(self) -> None:
                pass

        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        with pytest.raises(ConnectionError, match="broker unreachable"), TestClient(app):
            pass

    async def it_reports_an_invalid_graph_before_initializing_anything(self) -> None:
        events: list[str] = []

        class Mailer:
            pass

        @service
        @lifecycle
        class Signup:
            def __init__(self, mailer: Mailer) -> None:
                self.mailer = mailer

            async def initialize(self) -> None:
                events.append("initialize")

            async def dispose(self) -> None:
                events.append("dispose")

        @adapter.for_(Mailer, profile=Profile.PRODUCTION)
        class SmtpMailer:
            pass

        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)
        driver = LifespanDriver(app)

        answer = await driver.startup()

        assert answer["type"] == "lifespan.startup.failed"
        assert "No adapter for Mailer in profile 'test'" in answer["message"]
        assert isinstance(await driver.outcome(), ResolutionError)
        assert events == []

    async def it_stops_the_container_when_the_apps_own_startup_fails(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Database:
            async def initialize(self) -> None:
                events.append("initialize")

            async def dispose(self) -> None:
                events.append("dispose")

        @asynccontextmanager
        async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
            raise RuntimeError("migrations failed")
            yield

        app = FastAPI(lifespan=app_lifespan)
        configure_dioxide(app, profile=Profile.TEST)
        driver = LifespanDriver(app, log=events)

        answer = await driver.startup()

        assert answer["type"] == "lifespan.startup.failed"
        assert "migrations failed" in answer["message"]
        assert isinstance(await driver.outcome(), RuntimeError)
        assert events == ["initialize", "dispose", "server receives lifespan.startup.failed"]


class DescribeShutdownFailure:
    async def it_logs_a_failing_dispose_and_completes_the_shutdown(self, caplog: pytest.LogCaptureFixture) -> None:
        """As in 2.1: dispose failures at shutdown are logged, and the server hears a normal shutdown."""

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise OSError("socket already closed")

        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)
        driver = LifespanDriver(app)
        assert (await driver.startup())["type"] == "lifespan.startup.complete"

        with caplog.at_level("ERROR", logger="dioxide"):
            answer = await driver.shutdown()

        assert answer["type"] == "lifespan.shutdown.complete"
        assert await driver.outcome() is None
        assert caplog.messages == ["Error disposing component Pool: OSError('socket already closed')"]


@pytest.fixture
def scannable_package() -> Iterator[str]:
    name = "tests.fastapi.scan_fixture"
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]
    yield name
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


class DescribeScanning:
    @pytest.mark.parametrize("as_list", [True, False], ids=["a list", "one string"])
    async def it_scans_only_the_given_packages(self, scannable_package: str, as_list: bool) -> None:
        @service
        class Elsewhere:
            pass

        own = Container()
        app = FastAPI()
        packages = [scannable_package] if as_list else scannable_package
        configure_dioxide(app, profile=Profile.TEST, container=own, packages=packages)

        async with running(app):
            registered = {key.__name__ for key in own.list_registered()}
        assert registered == {"PackagedGreeter"}

    async def it_scans_a_container_whose_only_registrations_were_made_by_hand(self) -> None:
        class Settings:
            def __init__(self, url: str = "sqlite://") -> None:
                self.url = url

        @service
        class Repository:
            def __init__(self, settings: Settings) -> None:
                self.settings = settings

        own = Container()
        own.register_instance(Settings, Settings("postgresql://pinned"))
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST, container=own)

        async with running(app):
            assert own.resolve(Repository).settings.url == "postgresql://pinned"

    async def it_does_not_rescan_a_container_already_scanned_for_its_profile(self) -> None:
        own = Container(profile=Profile.TEST)

        @service
        class DefinedAfterTheScan:
            pass

        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST, container=own)

        async with running(app):
            assert not own.is_registered(DefinedAfterTheScan)

    async def it_fails_the_startup_when_the_container_was_scanned_for_another_profile(self) -> None:
        app = FastAPI()
        configure_dioxide(app, profile=Profile.PRODUCTION, container=Container(profile=Profile.TEST))
        driver = LifespanDriver(app)

        answer = await driver.startup()

        assert answer["type"] == "lifespan.startup.failed"
        assert "already scanned for Profile.TEST" in answer["message"]
        assert isinstance(await driver.outcome(), RuntimeError)
