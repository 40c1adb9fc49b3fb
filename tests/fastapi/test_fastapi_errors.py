"""What users see when the setup is wrong: each message says what happened and how to fix it."""

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import dioxide.fastapi
from dioxide import Container, Profile, service
from dioxide.fastapi import Inject, configure_dioxide
from tests.fastapi.asgi_driver import serve


class DescribeInjectWithoutTheMiddleware:
    def it_says_the_middleware_is_missing(self) -> None:
        @service
        class Greeter:
            pass

        app = FastAPI()

        @app.get("/")
        async def root(greeter: Annotated[Greeter, Inject(Greeter)]) -> str:
            return "unreachable"

        with (
            TestClient(app) as client,
            pytest.raises(
                RuntimeError,
                match=r"^No dioxide scope found for this request\. Did you add DioxideMiddleware",
            ),
        ):
            client.get("/")


class DescribeWithoutFastAPI:
    def it_raises_import_error_when_depends_is_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(dioxide.fastapi, "Depends", None)
        with pytest.raises(ImportError) as raised:
            Inject(object)
        assert str(raised.value) == "FastAPI is not installed. Install it with: pip install dioxide[fastapi]"

    def it_raises_import_error_when_request_is_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(dioxide.fastapi, "Request", None)
        with pytest.raises(ImportError, match="pip install dioxide\\[fastapi\\]"):
            Inject(object)

    def it_keeps_the_module_attributes_of_2x(self) -> None:
        from fastapi import Depends, Request

        assert dioxide.fastapi.Depends is Depends
        assert dioxide.fastapi.Request is Request


class DescribeLifespanNotRun:
    def it_serves_with_what_the_container_has_and_says_so_once(self, caplog: pytest.LogCaptureFixture) -> None:
        """As in 2.1, a request gets a scope even when the lifespan never ran; one warning says why it may fail."""

        @service
        class Greeter:
            def greet(self) -> str:
                return "hi"

        own = Container(profile=Profile.TEST)  # scanned by the app's author, not by the lifespan
        app = FastAPI()
        configure_dioxide(app, container=own)

        @app.get("/")
        async def root(greeter: Annotated[Greeter, Inject(Greeter)]) -> str:
            return greeter.greet()

        client = TestClient(app)
        with caplog.at_level("WARNING", logger="dioxide"):
            assert client.get("/").json() == "hi"
            assert client.get("/").json() == "hi"
        warnings = [r.getMessage() for r in caplog.records if "before the application's lifespan ran" in r.getMessage()]
        assert len(warnings) == 1
        assert "with TestClient(app) as client:" in warnings[0]

    async def it_says_so_with_an_httpx_transport_that_skips_the_lifespan(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        @app.get("/")
        async def root() -> str:
            return "ok"

        transport = httpx.ASGITransport(app=app)
        with caplog.at_level("WARNING", logger="dioxide"):
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                assert (await client.get("/")).json() == "ok"
        assert any("start the container yourself" in r.getMessage() for r in caplog.records)

    async def it_serves_when_the_container_was_started_by_the_test_instead(self) -> None:
        @service
        class Greeter:
            def greet(self) -> str:
                return "hi"

        own = Container(profile=Profile.TEST)
        app = FastAPI()
        configure_dioxide(app, container=own)

        @app.get("/")
        async def root(greeter: Annotated[Greeter, Inject(Greeter)]) -> str:
            return greeter.greet()

        transport = httpx.ASGITransport(app=app)
        async with own, httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/")).json() == "hi"


class DescribeResolutionErrors:
    async def it_lets_a_constructor_error_reach_the_caller_as_itself(self) -> None:
        @service
        class Flaky:
            def __init__(self) -> None:
                raise ValueError("bad configuration")

        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        @app.get("/")
        async def root(flaky: Annotated[Flaky, Inject(Flaky)]) -> str:
            return "unreachable"

        async with serve(app) as client:
            with pytest.raises(ValueError, match="bad configuration"):
                await client.get("/")
