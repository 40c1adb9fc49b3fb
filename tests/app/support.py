"""Running the bank in-process: the ASGI lifespan driven by hand, an httpx client, the three backends.

httpx's ASGITransport does not run the lifespan, so ``lifespan()`` plays the server's side of it: startup
(the container scans ``examples.app`` for the profile and starts: the database connects and migrates),
then shutdown. Each application gets a fresh ``Container`` and, for the SQL backends, an ``AppConfig`` built
from an explicit environment, so the machine's variables never leak in.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import URL

from dioxide import Container, Profile
from examples.app.api import create_app
from examples.app.config import AppConfig
from examples.app.database import Database

T = TypeVar("T")
Message = MutableMapping[str, Any]

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["test", "sqlite", "postgres"]
PROFILE_OF = {"test": Profile.TEST, "sqlite": Profile.DEVELOPMENT, "postgres": Profile.PRODUCTION}


class StartupFailedError(Exception):
    """The application refused to start; the message is what it told the server."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The application between its startup and its shutdown, as a server runs it."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()

    async def send(message: Message) -> None:
        await from_app.put(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = asyncio.create_task(app(scope, to_app.get, send), name="lifespan")

    async def answer() -> Message:
        getter = asyncio.ensure_future(from_app.get())
        await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()
        task.result()
        raise AssertionError("the lifespan ended without answering")

    await to_app.put({"type": "lifespan.startup"})
    started = await answer()
    if started["type"] != "lifespan.startup.complete":
        await asyncio.wait({task})
        error = task.exception()  # the middleware re-raises what stopped the startup: retrieve it
        raise StartupFailedError(started.get("message", "")) from error
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        stopped = await answer()
        await task
        assert stopped["type"] == "lifespan.shutdown.complete", stopped.get("message")


@dataclass
class RunningApp:
    app: FastAPI
    container: Container
    client: httpx.AsyncClient
    backend: str


@asynccontextmanager
async def running_app(
    backend: str, environ: Mapping[str, str] | None = None, *, profile: Profile | None = None
) -> AsyncIterator[RunningApp]:
    """The bank on ``backend`` with ``environ`` as its environment, and a client on it."""
    container = Container()
    if environ is not None:
        container.register_instance(AppConfig, AppConfig(environ))
    app = create_app(profile=profile or PROFILE_OF[backend], container=container)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bank.test") as client:
            yield RunningApp(app, container, client, backend)


def sql_environ(url: str | URL, **extra: str) -> dict[str, str]:
    rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    return {"DATABASE_URL": rendered, "RUN_MIGRATIONS": "true", **extra}


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def migrate(url: str | URL) -> None:
    """Bring a database to head the way the application does at startup."""
    db = Database(AppConfig(sql_environ(url)))
    await db.initialize()
    await db.dispose()


def copy_sqlite(template: Path, directory: Path) -> str:
    target = directory / "bank.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


def run_in_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on its own loop in a thread (session fixtures are set up outside the tests' loops)."""
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, asyncio.run(_await(make))))
        except BaseException as error:
            outcome.append((False, error))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


async def _await(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


def require_or_skip(message: str) -> None:
    """Skip, or fail when PostgreSQL is required (``DIOXIDE_REQUIRE_POSTGRES=1``, as ``make test`` sets)."""
    if os.environ.get("DIOXIDE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message} (DIOXIDE_REQUIRE_POSTGRES=1 requires it)")
    pytest.skip(message)


async def register(client: httpx.AsyncClient, email: str, name: str = "Someone") -> dict[str, Any]:
    response = await client.post("/users", json={"email": email, "name": name})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def open_account(client: httpx.AsyncClient, user_id: int, deposit: int = 0) -> dict[str, Any]:
    response = await client.post(f"/users/{user_id}/accounts", json={"deposit": deposit})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def balance(client: httpx.AsyncClient, account_id: int) -> int:
    response = await client.get(f"/accounts/{account_id}")
    assert response.status_code == 200, response.text
    return int(response.json()["balance"])
