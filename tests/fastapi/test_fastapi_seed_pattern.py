"""The seed's own FastAPI pattern (database recipe 1 and the fastapi cookbook): a hand-written lifespan running
``async with Container(profile=...)``, the container in ``app.state``, resolution through ``Depends(lambda: ...)``;
and the same lifespan combined with ``configure_dioxide`` and ``Inject``."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from dioxide import Container, Profile, Scope, adapter, lifecycle, service
from dioxide.fastapi import Inject, configure_dioxide
from tests.fastapi.asgi_driver import serve


class Database(Protocol):
    async def fetch_user(self, user_id: int) -> str: ...


def define_components(events: list[str]) -> tuple[type, type, type]:
    @adapter.for_(Database, profile=Profile.PRODUCTION)
    @lifecycle
    class SQLAlchemyAdapter:
        async def initialize(self) -> None:
            events.append("engine created")

        async def dispose(self) -> None:
            events.append("engine disposed")

        async def fetch_user(self, user_id: int) -> str:
            return f"user {user_id}"

    @adapter.for_(Database, profile=Profile.TEST)
    class FakeDatabase:
        async def fetch_user(self, user_id: int) -> str:
            return f"fake user {user_id}"

    @service
    class UserService:
        def __init__(self, db: Database) -> None:
            self.db = db

        async def name(self, user_id: int) -> str:
            return await self.db.fetch_user(user_id)

    return SQLAlchemyAdapter, FakeDatabase, UserService


class DescribeTheSeedsManualLifespan:
    def it_runs_initialize_and_dispose_once_and_resolves_through_depends_lambda(self) -> None:
        events: list[str] = []
        _, _, UserService = define_components(events)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with Container(profile=Profile.PRODUCTION) as container:
                app.state.container = container
                yield

        app = FastAPI(lifespan=lifespan)

        @app.get("/users/{user_id}")
        async def get_user(
            user_id: int, users: Annotated[UserService, Depends(lambda: app.state.container.resolve(UserService))]
        ) -> dict[str, object]:
            same = users is app.state.container.resolve(UserService)
            return {"name": await users.name(user_id), "singleton": same}

        with TestClient(app) as client:
            assert client.get("/users/7").json() == {"name": "user 7", "singleton": True}
            assert client.get("/users/8").json() == {"name": "user 8", "singleton": True}
            assert events == ["engine created"]
        assert events == ["engine created", "engine disposed"]

    async def it_composes_with_configure_dioxide_on_the_same_container(self) -> None:
        events: list[str] = []
        _, _, UserService = define_components(events)

        @service(scope=Scope.REQUEST)
        class RequestContext:
            def __init__(self, users: UserService) -> None:
                self.users = users

        container = Container(profile=Profile.PRODUCTION)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with container:
                app.state.container = container
                events.append("app startup")
                yield
            events.append("app lifespan exited")

        app = FastAPI(lifespan=lifespan)
        configure_dioxide(app, container=container)

        @app.get("/users/{user_id}")
        async def get_user(
            user_id: int,
            context: Annotated[RequestContext, Inject(RequestContext)],
            direct: Annotated[UserService, Depends(lambda: container.resolve(UserService))],
        ) -> dict[str, object]:
            return {"name": await context.users.name(user_id), "same": context.users is direct}

        async with serve(app) as client:
            assert (await client.get("/users/3")).json() == {"name": "user 3", "same": True}
        assert events == ["engine created", "app startup", "engine disposed", "app lifespan exited"]

    def it_swaps_in_the_fake_with_the_test_profile(self) -> None:
        _, FakeDatabase, UserService = define_components([])
        container = Container(profile=Profile.TEST)
        app = FastAPI()
        configure_dioxide(app, container=container)

        @app.get("/users/{user_id}")
        async def get_user(user_id: int, users: Annotated[UserService, Inject(UserService)]) -> str:
            return str(await users.name(user_id))

        with TestClient(app) as client:
            assert client.get("/users/1").json() == "fake user 1"
        assert isinstance(container.resolve(Database), FakeDatabase)
