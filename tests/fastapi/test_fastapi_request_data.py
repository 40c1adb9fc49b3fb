"""The connection as request data, and the middleware's handling of the lifespan and of other connection types."""

from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, WebSocket
from fastapi.testclient import TestClient
from starlette.requests import Request

from dioxide import Container, Profile, Scope, service
from dioxide.asgi import DioxideMiddleware
from dioxide.fastapi import Inject, Injected, configure_dioxide, inject
from tests.fastapi.asgi_driver import LifespanDriver


def tenant_service() -> type:
    @service(scope=Scope.REQUEST)
    class Tenant:
        def __init__(self, request: Request) -> None:
            self.name = request.headers.get("x-tenant", "none")

    return Tenant


class DescribeRequestData:
    def it_gives_a_request_scoped_service_the_request_through_inject(self) -> None:
        Tenant = tenant_service()
        app = FastAPI()
        configure_dioxide(app, container=Container(profile=Profile.TEST))

        @app.get("/")
        async def root(tenant: Annotated[Tenant, Inject(Tenant)]) -> str:  # type: ignore[valid-type]
            return tenant.name  # type: ignore[attr-defined,no-any-return]

        with TestClient(app) as client:
            assert client.get("/", headers={"x-tenant": "acme"}).json() == "acme"
            assert client.get("/", headers={"x-tenant": "initech"}).json() == "initech"
            assert client.get("/").json() == "none"

    def it_gives_a_request_scoped_service_the_request_through_at_inject(self) -> None:
        Tenant = tenant_service()
        app = FastAPI()
        configure_dioxide(app, container=Container(profile=Profile.TEST))

        @app.get("/")
        @inject
        def root(tenant: Injected[Tenant]) -> str:  # type: ignore[valid-type]
            return tenant.name  # type: ignore[attr-defined,no-any-return]

        with TestClient(app) as client:
            assert client.get("/", headers={"x-tenant": "acme"}).json() == "acme"

    def it_gives_a_websocket_scoped_service_the_websocket(self) -> None:
        @service(scope=Scope.REQUEST)
        class Room:
            def __init__(self, websocket: WebSocket) -> None:
                self.name = websocket.query_params.get("room", "lobby")

        app = FastAPI()
        configure_dioxide(app, container=Container(profile=Profile.TEST))

        @app.websocket("/ws")
        async def chat(websocket: WebSocket, room: Annotated[Room, Inject(Room)]) -> None:
            await websocket.accept()
            await websocket.send_text(room.name)
            await websocket.close()

        with TestClient(app) as client, client.websocket_connect("/ws?room=kitchen") as connection:
            assert connection.receive_text() == "kitchen"

    def it_keeps_the_request_out_of_the_registered_components(self) -> None:
        container = Container(profile=Profile.TEST)
        app = FastAPI()
        configure_dioxide(app, container=container)
        with TestClient(app):
            assert Request not in container.list_registered()
            assert not container.is_registered(Request)


class _Counting(Container):
    stops = 0

    async def stop(self) -> None:
        self.stops += 1  # counted on the instance: nothing carries over to another test
        await super().stop()


class DescribeMiddleware:
    async def it_stops_the_container_once_when_the_startup_fails(self) -> None:
        @asynccontextmanager
        async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
            raise RuntimeError("migrations failed")
            yield

        app = FastAPI(lifespan=app_lifespan)
        container = _Counting(profile=Profile.TEST)
        configure_dioxide(app, container=container)
        driver = LifespanDriver(app)
        assert (await driver.startup())["type"] == "lifespan.startup.failed"
        assert isinstance(await driver.outcome(), RuntimeError)
        assert container.stops == 1

    async def it_passes_other_connection_types_through_untouched(self) -> None:
        received: list[MutableMapping[str, Any]] = []

        async def inner(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            received.append(scope)

        middleware = DioxideMiddleware(inner, container=Container(profile=Profile.TEST))
        scope: dict[str, Any] = {"type": "custom.protocol", "value": 1}
        await middleware(scope, None, None)  # type: ignore[arg-type]
        assert received == [{"type": "custom.protocol", "value": 1}]
        assert received[0] is scope
