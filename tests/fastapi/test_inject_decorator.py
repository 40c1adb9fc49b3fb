"""``@inject`` with ``Injected[T]``: one hidden FastAPI parameter resolves all of an endpoint's components.

Same resolution as ``Inject(T)`` (REQUEST components shared within a request, fresh across, singletons from
the container), in async, sync and WebSocket endpoints, beside path, query, body and ``Depends``
parameters, on routers and in modules with ``from __future__ import annotations``; the injected parameters
stay out of the OpenAPI schema, and every misuse says what to do.
"""

import itertools
import threading
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Body, Depends, FastAPI, Request, WebSocket
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.requests import HTTPConnection

import dioxide._fastapi_inject
from dioxide import Profile, Scope, container, lifecycle, service
from dioxide.fastapi import Inject, Injected, configure_dioxide, inject
from tests.fastapi import inject_future_module
from tests.fastapi.asgi_driver import call, running, serve

NO_SCOPE = (
    "No dioxide scope found for this request. Did you add DioxideMiddleware to the app? "
    "Call `configure_dioxide(app, profile=...)` or `app.add_middleware(DioxideMiddleware, profile=...)`; "
    "Inject() only works in requests that went through it."
)


def without_inject(name: str) -> str:
    return (
        f"dioxide: a parameter annotated Injected[{name}] reached FastAPI, but its function is not decorated "
        "with @inject. Add `@inject` (from dioxide.fastapi) directly above the `def`, below the route decorator: "
        f"`@app.get(...)`, then `@inject`, then the function. Or use `Annotated[{name}, Inject({name})]`, which "
        "needs no decorator."
    )


@dataclass
class Components:
    Clock: type[Any]
    Session: type[Any]
    Repository: type[Any]
    Draft: type[Any]
    events: list[str]


@pytest.fixture
def components() -> Components:
    """A singleton Clock, a REQUEST-scoped @lifecycle Session, a REQUEST Repository using it, a FACTORY Draft."""
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

    @service(scope=Scope.FACTORY)
    class Draft:
        pass

    return Components(Clock, Session, Repository, Draft, events)


def new_app() -> FastAPI:
    app = FastAPI()
    configure_dioxide(app, profile=Profile.TEST)
    return app


class DescribeAsyncEndpoints:
    async def it_shares_request_components_within_a_request_and_not_across(self, components: Components) -> None:
        Session, Repository = components.Session, components.Repository
        app = new_app()

        @app.get("/")
        @inject
        async def root(
            session: Injected[Session],
            again: Injected[Session],
            repository: Injected[Repository],
            by_inject: Annotated[Session, Inject(Session)],
            request: Request,
        ) -> dict[str, Any]:
            return {
                "serial": session.serial,
                "shared": session is again is repository.session is by_inject,
                "scope": request.state.dioxide_scope.resolve(Session) is session,
                "open": session.open,
            }

        async with serve(app) as client:
            first = (await client.get("/")).json()
            second = (await client.get("/")).json()

        assert first == {"serial": 1, "shared": True, "scope": True, "open": True}
        assert second == {"serial": 2, "shared": True, "scope": True, "open": True}

    async def it_gives_the_same_singleton_as_inject_and_the_container(self, components: Components) -> None:
        Clock, Session = components.Clock, components.Session
        app = new_app()
        seen: list[Any] = []

        @app.get("/")
        @inject
        async def root(clock: Injected[Clock], session: Injected[Session], by_inject: Annotated[Clock, Inject(Clock)]):
            seen.extend([clock, session.clock, by_inject])
            return "ok"

        async with serve(app) as client:
            for _ in range(2):
                assert (await client.get("/")).json() == "ok"
            singleton = container.resolve(Clock)

        assert len(seen) == 6
        assert all(clock is singleton for clock in seen)

    async def it_builds_a_factory_component_for_each_parameter(self, components: Components) -> None:
        Draft = components.Draft
        app = new_app()

        @app.get("/")
        @inject
        async def root(first: Injected[Draft], second: Injected[Draft]) -> bool:
            return isinstance(first, Draft) and first is not second

        async with serve(app) as client:
            assert (await client.get("/")).json() is True

    async def it_initializes_before_the_endpoint_and_disposes_after_the_response(self, components: Components) -> None:
        Session, events = components.Session, components.events
        app = new_app()

        @app.get("/")
        @inject
        async def root(session: Injected[Session]) -> str:
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
        app = new_app()

        @app.get("/")
        @inject
        async def root(session: Injected[Session]) -> str:
            events.append("endpoint raises")
            raise ZeroDivisionError("bug in the endpoint")

        async with running(app):
            with pytest.raises(ZeroDivisionError):
                await call(app, "/", events)

        assert events == [
            "initialize 1",
            "endpoint raises",
            "dispose 1",
            "send http.response.start 500",
            "send http.response.body",
        ]


class Item(BaseModel):
    name: str
    price: float


class DescribeOtherParameters:
    async def it_leaves_path_query_body_depends_and_request_parameters_to_fastapi(self, components: Components) -> None:
        Session, Clock = components.Session, components.Clock
        app = new_app()

        async def page_size(size: int = 10) -> int:
            return size

        @app.put("/items/{item_id}")
        @inject
        async def update(
            item_id: int,
            session: Injected[Session],
            item: Item,
            size: Annotated[int, Depends(page_size)],
            request: Request,
            clock: Injected[Clock],
            note: Annotated[str, Body()] = "none",
            verbose: bool = False,
        ) -> dict[str, Any]:
            return {
                "item_id": item_id,
                "item": item.model_dump(),
                "size": size,
                "note": note,
                "verbose": verbose,
                "path": request.url.path,
                "session": session.serial,
                "clock": clock is session.clock,
            }

        async with serve(app) as client:
            response = await client.put(
                "/items/7", params={"size": 3, "verbose": True}, json={"item": {"name": "pen", "price": 1.5}}
            )

        assert response.status_code == 200, response.text
        assert response.json() == {
            "item_id": 7,
            "item": {"name": "pen", "price": 1.5},
            "size": 3,
            "note": "none",
            "verbose": True,
            "path": "/items/7",
            "session": 1,
            "clock": True,
        }

    async def it_validates_the_fastapi_parameters_as_usual(self, components: Components) -> None:
        Session = components.Session
        app = new_app()

        @app.get("/items/{item_id}")
        @inject
        async def read(item_id: int, session: Injected[Session]) -> int:
            return item_id

        async with serve(app) as client:
            response = await client.get("/items/seven")
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["detail"]] == [["path", "item_id"]]

    async def it_shares_the_connection_slot_with_an_http_connection_parameter(self, components: Components) -> None:
        Session = components.Session
        app = new_app()

        @app.get("/")
        @inject
        async def root(connection: HTTPConnection, session: Injected[Session]) -> dict[str, Any]:
            return {"path": connection.url.path, "same": connection.state.dioxide_scope.resolve(Session) is session}

        async with serve(app) as client:
            assert (await client.get("/")).json() == {"path": "/", "same": True}

    async def it_works_on_a_dependency_too(self, components: Components) -> None:
        Session, Repository = components.Session, components.Repository
        app = new_app()

        @inject
        async def current_serial(session: Injected[Session], offset: int = 0) -> int:
            return int(session.serial) + offset

        @app.get("/")
        @inject
        async def root(serial: Annotated[int, Depends(current_serial)], repository: Injected[Repository]) -> list[int]:
            return [serial, repository.session.serial]

        async with serve(app) as client:
            assert (await client.get("/", params={"offset": 10})).json() == [11, 1]

    async def it_finds_the_marker_inside_another_annotated(self, components: Components) -> None:
        Session = components.Session
        app = new_app()

        @app.get("/")
        @inject
        async def root(session: Annotated[Injected[Session], "the request's session"]) -> bool:
            return bool(session.open)

        async with serve(app) as client:
            assert (await client.get("/")).json() is True

    async def it_keeps_keyword_only_parameters_and_a_var_keyword(self, components: Components) -> None:
        Session = components.Session

        @inject
        async def endpoint(a: int, *, session: Injected[Session], b: int = 2, **extra: Any) -> Any:
            return a, b, session, extra

        parameters = list(endpoint.__signature__.parameters.values())  # type: ignore[attr-defined]
        assert [(p.name, p.kind.name) for p in parameters] == [
            ("a", "POSITIONAL_OR_KEYWORD"),
            ("b", "KEYWORD_ONLY"),
            ("dioxide_connection__", "KEYWORD_ONLY"),
            ("extra", "VAR_KEYWORD"),
        ]


class DescribeSyncEndpoints:
    def it_resolves_in_the_thread_pool_call_with_the_same_sharing_rules(self, components: Components) -> None:
        Session, Repository = components.Session, components.Repository
        app = new_app()
        loop_thread: list[int] = []

        @app.get("/")
        @inject
        def root(
            session: Injected[Session], repository: Injected[Repository], by_inject: Annotated[Session, Inject(Session)]
        ) -> dict[str, Any]:
            return {
                "serial": session.serial,
                "shared": session is repository.session is by_inject,
                "open": session.open,
                "worker": threading.get_ident() not in loop_thread,
            }

        @app.get("/loop")
        async def loop() -> None:
            loop_thread.append(threading.get_ident())

        with TestClient(app) as client:
            client.get("/loop")
            first = client.get("/").json()
            second = client.get("/").json()

        # Every request opens a scope, which initializes a Session (the /loop request made number 1).
        assert first == {"serial": 2, "shared": True, "open": True, "worker": True}
        assert second == {"serial": 3, "shared": True, "open": True, "worker": True}


class DescribeWebSockets:
    def it_resolves_once_per_connection_in_the_connection_scope(self, components: Components) -> None:
        Session, Repository, events = components.Session, components.Repository, components.events
        app = new_app()

        @app.websocket("/ws/{room}")
        @inject
        async def chat(websocket: WebSocket, room: str, session: Injected[Session], repository: Injected[Repository]):
            await websocket.accept()
            text = await websocket.receive_text()
            again = websocket.state.dioxide_scope.resolve(Session)
            await websocket.send_json(
                {"room": room, "text": text, "serial": session.serial, "same": again is session is repository.session}
            )
            await websocket.close()

        replies = []
        with TestClient(app) as client:
            for word in ("a", "b"):
                with client.websocket_connect("/ws/lobby") as websocket:
                    websocket.send_text(word)
                    replies.append(websocket.receive_json())

        assert replies == [
            {"room": "lobby", "text": "a", "serial": 1, "same": True},
            {"room": "lobby", "text": "b", "serial": 2, "same": True},
        ]
        assert events == ["initialize 1", "dispose 1", "initialize 2", "dispose 2"]


class DescribeRoutersAndModules:
    async def it_works_on_an_included_router_with_a_prefix(self, components: Components) -> None:
        Session = components.Session
        app = new_app()
        router = APIRouter(prefix="/v1", tags=["v1"])

        @router.get("/session")
        @inject
        async def session_serial(session: Injected[Session]) -> int:
            return int(session.serial)

        app.include_router(router, prefix="/api")
        async with serve(app) as client:
            assert (await client.get("/api/v1/session")).json() == 1

    async def it_works_in_a_module_with_postponed_annotations(self) -> None:
        app = inject_future_module.build_app()
        async with serve(app) as client:
            greeted = (await client.get("/future/greet/ada", params={"times": 2})).json()
            synced = (await client.get("/future/sync")).json()
        assert greeted == {"text": "hello ada hello ada", "same_visit": True, "same_greeter": True}
        assert synced == "hello sync"

    def it_keeps_the_postponed_module_schema_free_of_injected_parameters(self) -> None:
        schema = inject_future_module.build_app().openapi()
        greet = schema["paths"]["/future/greet/{name}"]["get"]
        assert [(p["name"], p["in"]) for p in greet["parameters"]] == [("name", "path"), ("times", "query")]


class DescribeOpenAPI:
    def it_documents_the_endpoint_as_without_inject(self, components: Components) -> None:
        Session, Clock = components.Session, components.Clock

        class Out(BaseModel):
            serial: int

        def build(decorated: bool) -> dict[str, Any]:
            app = new_app()

            async def get_item(item_id: int, session: Annotated[Session, Inject(Session)], q: str | None = None) -> Out:
                """Read one item."""
                return Out(serial=session.serial)

            async def get_item_injected(
                item_id: int, session: Injected[Session], clock: Injected[Clock], q: str | None = None
            ) -> Out:
                """Read one item."""
                return Out(serial=session.serial)

            get_item_injected.__name__ = get_item_injected.__qualname__ = "get_item"
            app.get("/items/{item_id}")(inject(get_item_injected) if decorated else get_item)
            return app.openapi()

        assert build(decorated=True) == build(decorated=False)
        operation = build(decorated=True)["paths"]["/items/{item_id}"]["get"]
        assert [p["name"] for p in operation["parameters"]] == ["item_id", "q"]
        assert operation["summary"] == "Get Item"
        assert operation["description"] == "Read one item."
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Out"
        }
        assert "dioxide_connection__" not in str(build(decorated=True))

    def it_keeps_the_function_s_identity_and_the_undecorated_function(self, components: Components) -> None:
        Session = components.Session

        async def endpoint(session: Injected[Session]) -> str:
            """Docs."""
            return "ok"

        decorated = inject(endpoint)
        assert decorated.__name__ == "endpoint"
        assert decorated.__doc__ == "Docs."
        assert decorated.__wrapped__ is endpoint  # type: ignore[attr-defined]

    def it_makes_injected_an_annotated_alias(self) -> None:
        class Port:
            pass

        assert Injected[Port] == Injected[Port]
        assert Injected[Port] != Injected[object]
        assert repr(Injected[Port].__metadata__[0].dependency) == f"Injected[{Port.__qualname__}]"


class DescribeErrors:
    def it_fails_at_registration_when_inject_is_missing(self, components: Components) -> None:
        Session = components.Session
        app = new_app()

        async def root(session: Injected[Session]) -> str:
            return "unreachable"

        with pytest.raises(RuntimeError) as raised:
            app.get("/")(root)
        assert str(raised.value) == without_inject(Session.__qualname__)

    def it_fails_at_registration_when_inject_is_above_the_route_decorator(self, components: Components) -> None:
        Session = components.Session
        app = new_app()

        with pytest.raises(RuntimeError) as raised:

            @inject
            @app.get("/")
            async def root(session: Injected[Session]) -> str:
                return "unreachable"

        assert str(raised.value) == without_inject(Session.__qualname__)

    def it_fails_at_registration_in_a_dependency_without_inject(self, components: Components) -> None:
        Clock = components.Clock
        app = new_app()

        async def current_clock(clock: Injected[Clock]) -> Any:
            return clock

        with pytest.raises(RuntimeError, match=r"^dioxide: a parameter annotated Injected\[.*Clock\] reached FastAPI"):

            @app.get("/")
            async def root(clock: Annotated[Any, Depends(current_clock)]) -> str:
                return "unreachable"

    def it_refuses_a_function_without_an_injected_parameter(self, components: Components) -> None:
        Session = components.Session

        async def plain(session: Annotated[Session, Inject(Session)], q: int = 0) -> str:
            return "ok"

        with pytest.raises(TypeError) as raised:
            inject(plain)
        assert str(raised.value) == (
            f"@inject: {plain.__qualname__} has no parameter annotated Injected[T]; annotate the components to "
            "resolve, `service: Injected[Service]`, or remove @inject"
        )

    def it_names_the_annotations_it_could_not_evaluate(self) -> None:
        async def endpoint(service: "Injected[NotDefinedAnywhere]") -> str:  # type: ignore[name-defined]  # noqa: F821
            return "ok"

        with pytest.raises(TypeError) as raised:
            inject(endpoint)
        assert str(raised.value) == (
            f"@inject: {endpoint.__qualname__} has no parameter annotated Injected[T] (could not evaluate "
            "service: 'Injected[NotDefinedAnywhere]'); annotate the components to resolve, "
            "`service: Injected[Service]`, or remove @inject"
        )

    def it_refuses_generator_functions(self, components: Components) -> None:
        Session = components.Session

        async def streaming(session: Injected[Session]) -> Any:
            yield session

        def sync_dependency(session: Injected[Session]) -> Any:
            yield session

        for function in (streaming, sync_dependency):
            with pytest.raises(TypeError) as raised:
                inject(function)
            assert str(raised.value) == (
                f"@inject does not support generator functions ({function.__qualname__} yields): in a dependency "
                "with `yield` or a streaming endpoint, use `Annotated[T, Inject(T)]` parameters"
            )

    def it_refuses_a_positional_only_injected_parameter(self, components: Components) -> None:
        Session = components.Session

        async def endpoint(session: Injected[Session], /) -> str:
            return "ok"

        with pytest.raises(TypeError) as raised:
            inject(endpoint)
        assert str(raised.value) == (
            f"@inject: {endpoint.__qualname__} takes the Injected parameter 'session' positionally only"
        )

    async def it_says_how_to_call_the_function_directly(self, components: Components) -> None:
        Session = components.Session

        @inject
        async def endpoint(session: Injected[Session]) -> str:
            return "ok"

        with pytest.raises(TypeError) as raised:
            await endpoint()  # type: ignore[call-arg]
        assert str(raised.value) == (
            f"{endpoint.__qualname__} is decorated with @inject, so FastAPI passes it the request; to call the "
            "function yourself, call `endpoint.__wrapped__(...)` with the components as arguments"
        )
        assert await endpoint.__wrapped__(session=object()) == "ok"  # type: ignore[attr-defined]

    def it_says_the_middleware_is_missing_with_inject_s_message(self, components: Components) -> None:
        Clock = components.Clock
        app = FastAPI()

        @app.get("/decorated")
        @inject
        async def decorated(clock: Injected[Clock]) -> str:
            return "unreachable"

        @app.get("/sync")
        @inject
        def sync(clock: Injected[Clock]) -> str:
            return "unreachable"

        @app.get("/inject")
        async def by_inject(clock: Annotated[Clock, Inject(Clock)]) -> str:
            return "unreachable"

        messages = []
        with TestClient(app) as client:
            for path in ("/decorated", "/sync", "/inject"):
                with pytest.raises(RuntimeError) as raised:
                    client.get(path)
                messages.append(str(raised.value))
        assert messages == [NO_SCOPE] * 3

    async def it_raises_the_resolution_error_that_inject_raises(self) -> None:
        class Unregistered:
            pass

        app = new_app()

        @app.get("/decorated")
        @inject
        async def decorated(thing: Injected[Unregistered]) -> str:
            return "unreachable"

        @app.get("/inject")
        async def by_inject(thing: Annotated[Unregistered, Inject(Unregistered)]) -> str:
            return "unreachable"

        raised = []
        async with serve(app) as client:
            for path in ("/decorated", "/inject"):
                with pytest.raises(Exception) as error:
                    await client.get(path)
                raised.append((type(error.value), str(error.value)))
        assert raised[0] == raised[1]
        assert "Unregistered" in raised[0][1]

    def it_raises_at_request_time_too_should_fastapi_ever_call_the_marker(self) -> None:
        class Port:
            pass

        marker = Injected[Port].__metadata__[0].dependency
        with pytest.raises(RuntimeError) as raised:
            marker()
        assert str(raised.value) == without_inject(Port.__qualname__)

    def it_refuses_to_instantiate_the_annotation(self) -> None:
        with pytest.raises(TypeError) as raised:
            Injected()  # type: ignore[operator]
        assert str(raised.value) == "Injected is an annotation: write `name: Injected[T]` in an @inject function"

    def it_raises_import_error_without_fastapi(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(dioxide._fastapi_inject, "Depends", None)

        async def endpoint(thing: Injected[object]) -> None:
            pass

        with pytest.raises(ImportError) as raised:
            inject(endpoint)
        assert str(raised.value) == "FastAPI is not installed. Install it with: pip install dioxide[fastapi]"
