"""dioxide.flask: a scope per request (g.dioxide_scope), inject(T), the container started by configure_dioxide and
stopped by shutdown_dioxide or at exit; no asyncio.run, so it works in threads and under a running loop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask, g

import dioxide
import dioxide.flask
from dioxide import Container, Profile, Scope, lifecycle, service
from dioxide.flask import configure_dioxide, inject, shutdown_dioxide
from tests.integrations.components import Components
from tests.integrations.scripts import lines, run_program


@pytest.fixture
def app(components: Components) -> Iterator[Flask]:
    app = Flask(__name__)

    @app.get("/session")
    def session() -> dict[str, object]:
        first = inject(components.Session)
        assert inject(components.Session) is first
        assert first.open
        assert g.dioxide_scope.resolve(components.Session) is first
        return {"session": id(first), "pool": id(first.pool)}

    @app.get("/fails")
    def fails() -> str:
        inject(components.Session)
        raise ValueError("view failed")

    @app.get("/async")
    async def in_async_view() -> dict[str, object]:
        return {"session": id(inject(components.Session))}

    configure_dioxide(app, profile=Profile.TEST)
    yield app
    shutdown_dioxide(app)


class DescribeRequests:
    def it_shares_a_request_component_within_a_request_and_renews_it_in_the_next(
        self, app: Flask, components: Components
    ) -> None:
        client = app.test_client()
        one, two = client.get("/session").json, client.get("/session").json
        assert one is not None
        assert two is not None
        assert one["session"] != two["session"]
        assert one["pool"] == two["pool"]
        assert len(components.opened) == 2
        assert components.closed == components.opened
        assert not any(session.open for session in components.closed)

    def it_disposes_the_request_components_when_the_view_raises(self, app: Flask, components: Components) -> None:
        app.testing = True  # the test client re-raises the view's exception
        with pytest.raises(ValueError, match="view failed"):
            app.test_client().get("/fails")
        app.testing = False  # a 500 response
        assert app.test_client().get("/fails").status_code == 500
        assert len(components.closed) == 2

    def it_gives_each_of_8_concurrent_requests_its_own_scope(self, app: Flask, components: Components) -> None:
        together = threading.Barrier(8, timeout=10)

        @app.get("/concurrent")
        def concurrent() -> dict[str, object]:
            session = inject(components.Session)
            together.wait()  # all 8 requests are inside their views at once
            assert inject(components.Session) is session
            return {"session": id(session)}

        def request(_: int) -> int:
            response = app.test_client().get("/concurrent")
            assert response.status_code == 200
            return int(response.json["session"])  # type: ignore[index]

        with ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(request, range(8), timeout=30))
        assert len(set(sessions)) == 8
        assert len(components.closed) == 8

    async def it_works_in_a_thread_whose_event_loop_is_running(self, app: Flask, components: Components) -> None:
        response = app.test_client().get("/session")  # this test's loop is running in this thread
        assert response.status_code == 200
        assert len(components.closed) == 1

    def it_injects_into_async_views(self, app: Flask, components: Components) -> None:
        assert app.test_client().get("/async").status_code == 200
        assert len(components.closed) == 1

    def it_opens_the_scope_before_the_apps_own_before_request_hooks(self, components: Components) -> None:
        app = Flask(__name__)
        seen: list[object] = []
        app.before_request(lambda: seen.append(inject(components.Session)))
        app.get("/")(lambda: "ok")
        configure_dioxide(app, profile=Profile.TEST)
        try:
            assert app.test_client().get("/").status_code == 200
        finally:
            shutdown_dioxide(app)
        assert seen == components.closed

    def it_sends_the_response_when_a_dispose_fails_and_logs_the_failure(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        @service(scope=Scope.REQUEST)
        @lifecycle
        class Leaky:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise OSError("cannot close")

        app.get("/leaky")(lambda: str(inject(Leaky) is not None))
        dioxide.container.scan(profile=Profile.TEST)  # Leaky was declared after the start
        with caplog.at_level(logging.ERROR, "dioxide"):
            assert app.test_client().get("/leaky").status_code == 200
        assert "cannot close" in caplog.text


class DescribeConfiguration:
    def it_starts_the_global_container_and_keeps_2x_attributes(self, app: Flask, components: Components) -> None:
        assert app.config["dioxide_container"] is dioxide.container
        assert components.pool_events == ["initialize"]
        with app.test_request_context("/"):
            app.preprocess_request()
            assert g.dioxide_scope is g._dioxide_scope_ctx
            assert g.dioxide_scope.parent is dioxide.container

    def it_uses_the_container_it_is_given(self, components: Components) -> None:
        app = Flask(__name__)
        container = Container()
        assert configure_dioxide(app, profile=Profile.TEST, container=container) is container
        assert app.config["dioxide_container"] is container
        assert container.started
        shutdown_dioxide(app)
        assert not container.started

    def it_disposes_the_singletons_once_at_shutdown(self, app: Flask, components: Components) -> None:
        shutdown_dioxide(app)
        shutdown_dioxide(app)
        assert components.pool_events == ["initialize", "dispose"]

    def it_refuses_a_second_configuration_of_the_same_app(self, app: Flask) -> None:
        with pytest.raises(RuntimeError, match=r"configure_dioxide\(\) was already called for this app"):
            configure_dioxide(app, profile=Profile.TEST)

    @pytest.mark.parametrize("explicit", [False, True], ids=["at exit", "shutdown_dioxide, then exit"])
    def it_disposes_the_singletons_once_in_the_process_that_started_them(self, explicit: bool) -> None:
        done = run_program(
            f"""
            import os, sys
            from flask import Flask
            from dioxide import Profile
            from dioxide.flask import configure_dioxide, shutdown_dioxide

            app = Flask("demo")
            configure_dioxide(app, profile=Profile.TEST)
            child = os.fork()
            if child == 0:
                sys.exit(0)  # runs the inherited atexit handlers: they must not dispose the parent's pool
            os.waitpid(child, 0)
            print("child exited", flush=True)
            if {explicit}:
                shutdown_dioxide(app)
                print("shut down", flush=True)
            """
        )
        expected = ["pool initialize", "child exited", "pool dispose", "shut down"]
        assert lines(done) == (expected if explicit else [*expected[:2], "pool dispose"])


class DescribeMisuse:
    def it_explains_inject_outside_a_request(self, app: Flask) -> None:
        with pytest.raises(RuntimeError) as caught:
            inject(object)
        assert str(caught.value).startswith("inject() called outside of request context.")

    def it_explains_inject_in_a_request_without_configure_dioxide(self) -> None:
        app = Flask(__name__)
        with app.test_request_context("/"), pytest.raises(RuntimeError) as caught:
            inject(object)
        assert str(caught.value).startswith("No dioxide scope found for this request. Did you call configure_dioxide")


class DescribeRequestData:
    def it_gives_a_request_component_the_flask_request(self, components: Components) -> None:
        from flask import Request

        @service(scope=Scope.REQUEST)
        class Tenant:
            def __init__(self, request: Request) -> None:
                self.name = request.headers.get("X-Tenant", "public")

        app = Flask(__name__)

        @app.get("/tenant")
        def tenant() -> str:
            return inject(Tenant).name

        configure_dioxide(app, container=Container(profile=Profile.TEST))
        client = app.test_client()
        assert client.get("/tenant", headers={"X-Tenant": "acme"}).text == "acme"
        assert client.get("/tenant").text == "public"
        shutdown_dioxide(app)
