"""One scope per HTTP request and per WebSocket connection: REQUEST components shared inside it, fresh across,
initialized before the endpoint runs and disposed after the response, singletons shared by all."""

import asyncio
import itertools
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Request, WebSocket
from fastapi.testclient import TestClient

from dioxide import Container, Profile, Scope, ScopedContainer, lifecycle, service
from dioxide.fastapi import Inject, configure_dioxide
from tests.fastapi.asgi_driver import call, running, serve


@dataclass
class Components:
    Session: type[Any]
    Repository: type[Any]
    Clock: type[Any]
    events: list[str]


@pytest.fixture
def components() -> Components:
    """A singleton Clock, a REQUEST-scoped @lifecycle Session and a REQUEST Repository using it."""
    events: list[str] = []
    serials = itertools.count(1)

    @service
    class Clock:
        pass

    @service(scope=Scope.REQUEST)
    @lifecycle
    class Session:
        def __init__(self, clock: Clock) -> None:
            self.clock = clock
            self.serial = next(serials)
            self.open = False

        async def initialize(self) -> None:
            self.open = True
            events.append(f"initialize {self.serial}")

        async def dispose(self) -> None:
            self.open = False
            events.append(f"dispose {self.serial}")

    @service(scope=Scope.REQUEST)
    class Repository:
        def __init__(self, session: Session) -> None:
            self.session = session

    return Components(Session, Repository, Clock, events)


def make_app(c: Components) -> FastAPI:
    Session, Repository, Clock = c.Session, c.Repository, c.Clock
    app = FastAPI()
    configure_dioxide(app, profile=Profile.TEST)

    @app.get("/ids")
    async def ids(
        session: Annotated[Session, Inject(Session)],
        repository: Annotated[Repository, Inject(Repository)],
        clock: Annotated[Clock, Inject(Clock)],
    ) -> dict[str, Any]:
        return {
            "session": session.serial,
            "repository_session": repository.session.serial,
            "clock": id(clock),
            "open": session.open,
        }

    @app.get("/sync")
    def sync(
        session: Session = Inject(Session),
        repository: Repository = Inject(Repository),
    ) -> dict[str, Any]:
        return {"session": session.serial, "same": repository.session is session, "open": session.open}

    return app


class DescribeRequestScope:
    async def it_shares_a_request_component_within_a_request_and_not_across(self, components: Components) -> None:
        async with serve(make_app(components)) as client:
            first = (await client.get("/ids")).json()
            second = (await client.get("/ids")).json()

        assert first["session"] == first["repository_session"]
        assert second["session"] == second["repository_session"]
        assert first["session"] != second["session"]

    async def it_shares_singletons_across_requests(self, components: Components) -> None:
        async with serve(make_app(components)) as client:
            clocks = {(await client.get("/ids")).json()["clock"] for _ in range(3)}
        assert len(clocks) == 1

    def it_works_in_sync_endpoints_too(self, components: Components) -> None:
        with TestClient(make_app(components)) as client:
            first = client.get("/sync").json()
            second = client.get("/sync").json()
        assert first["same"]
        assert second["same"]
        assert first["open"]
        assert second["open"]
        assert first["session"] != second["session"]

    async def it_gives_each_of_50_concurrent_requests_its_own_instances(self, components: Components) -> None:
        Session, Repository = components.Session, components.Repository
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)
        inside = 0
        most_inside = 0

        @app.get("/slow")
        async def slow(
            session: Annotated[Session, Inject(Session)], repository: Annotated[Repository, Inject(Repository)]
        ) -> int:
            nonlocal inside, most_inside
            inside += 1
            most_inside = max(most_inside, inside)
            for _ in range(5):
                await asyncio.sleep(0)
            inside -= 1
            assert repository.session is session
            assert session.open
            return int(session.serial)

        async with serve(app) as client:
            responses = await asyncio.gather(*(client.get("/slow") for _ in range(50)))

        serials = [response.json() for response in responses]
        assert all(response.status_code == 200 for response in responses)
        assert most_inside > 1, "the requests did not overlap"
        assert len(set(serials)) == 50
        assert sorted(e for e in components.events if e.startswith("dispose")) == sorted(
            f"dispose {serial}" for serial in serials
        )

    async def it_exposes_the_scope_and_the_container_on_request_state(self, components: Components) -> None:
        app = FastAPI()
        own = Container()
        configure_dioxide(app, profile=Profile.TEST, container=own)

        @app.get("/state")
        async def state(request: Request) -> dict[str, bool]:
            scope = request.state.dioxide_scope
            return {
                "scope": isinstance(scope, ScopedContainer) and scope.parent is own,
                "container": request.state.dioxide_container is own,
                "resolves": isinstance(scope.resolve(components.Session), components.Session),
            }

        async with serve(app) as client:
            assert (await client.get("/state")).json() == {"scope": True, "container": True, "resolves": True}

    async def it_lets_middleware_added_before_it_use_the_scope(self, components: Components) -> None:
        Session = components.Session
        app = FastAPI()

        @app.middleware("http")
        async def tag_session(request: Request, call_next: Any) -> Any:
            session = request.state.dioxide_scope.resolve(Session)
            response = await call_next(request)
            response.headers["x-session"] = str(session.serial)
            return response

        configure_dioxide(app, profile=Profile.TEST)  # added after: wraps the middleware above

        @app.get("/")
        async def root(session: Annotated[Session, Inject(Session)]) -> int:
            return int(session.serial)

        async with serve(app) as client:
            response = await client.get("/")
        assert response.headers["x-session"] == str(response.json())

    async def it_shares_the_request_scope_with_nested_dependencies(self, components: Components) -> None:
        Session, Repository = components.Session, components.Repository
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        async def session_serial(session: Annotated[Session, Inject(Session)]) -> int:
            return int(session.serial)

        @app.get("/nested")
        async def nested(
            serial: Annotated[int, Depends(session_serial)], repository: Annotated[Repository, Inject(Repository)]
        ) -> bool:
            return bool(serial == repository.session.serial)

        async with serve(app) as client:
            assert (await client.get("/nested")).json() is True


class DescribeRequestLifecycle:
    async def it_initializes_before_the_endpoint_and_disposes_after_the_response(self, components: Components) -> None:
        Session, events = components.Session, components.events
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        @app.get("/")
        async def root(session: Annotated[Session, Inject(Session)]) -> str:
            events.append(f"endpoint sees open={session.open}")
            return "ok"

        async with running(app):
            await call(app, "/", events)

        assert events == [
            "initialize 1",
            "endpoint sees open=True",
            "send http.response.start 200",
            "send http.response.body",
            "dispose 1",
        ]

    async def it_disposes_when_the_endpoint_raises(self, components: Components) -> None:
        Session, events = components.Session, components.events
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        @app.get("/crash")
        async def crash(session: Annotated[Session, Inject(Session)]) -> str:
            events.append("endpoint raises")
            raise ZeroDivisionError("bug in the endpoint")

        @app.get("/missing")
        async def missing(session: Annotated[Session, Inject(Session)]) -> str:
            events.append("endpoint raises 404")
            raise HTTPException(status_code=404)

        async with running(app):
            with pytest.raises(ZeroDivisionError):
                await call(app, "/crash", events)
            await call(app, "/missing", events)

        assert events == [
            "initialize 1",
            "endpoint raises",
            "dispose 1",
            "send http.response.start 500",
            "send http.response.body",
            "initialize 2",
            "endpoint raises 404",
            "send http.response.start 404",
            "send http.response.body",
            "dispose 2",
        ]

    async def it_keeps_the_scope_open_for_background_tasks(self, components: Components) -> None:
        Session, events = components.Session, components.events
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        async def audit(session: Any) -> None:
            events.append(f"background task sees open={session.open}")

        @app.get("/")
        async def root(tasks: BackgroundTasks, session: Annotated[Session, Inject(Session)]) -> str:
            tasks.add_task(audit, session)
            return "ok"

        async with serve(app) as client:
            assert (await client.get("/")).status_code == 200

        assert events == ["initialize 1", "background task sees open=True", "dispose 1"]


class DescribeWebSockets:
    def it_opens_one_scope_per_connection(self, components: Components) -> None:
        Session, events = components.Session, components.events
        app = FastAPI()
        configure_dioxide(app, profile=Profile.TEST)

        @app.websocket("/ws")
        async def chat(websocket: WebSocket, session: Annotated[Session, Inject(Session)]) -> None:
            await websocket.accept()
            while (text := await websocket.receive_text()) != "bye":
                again = websocket.state.dioxide_scope.resolve(Session)
                await websocket.send_json({"text": text, "serial": again.serial, "same": again is session})
            await websocket.close()

        with TestClient(app) as client:
            for _ in range(2):
                with client.websocket_connect("/ws") as websocket:
                    websocket.send_text("a")
                    first = websocket.receive_json()
                    websocket.send_text("b")
                    second = websocket.receive_json()
                    websocket.send_text("bye")
                assert first["same"]
                assert second["same"]
                assert first["serial"] == second["serial"]

        assert events == ["initialize 1", "dispose 1", "initialize 2", "dispose 2"]
