"""Driving an ASGI app by hand in tests: its lifespan (as a server would) and single raw requests.

httpx.ASGITransport does not run the lifespan, and no extra dependency (asgi-lifespan) is used, so
``LifespanDriver`` plays the server's side of the lifespan protocol and records what the app answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]


class LifespanDriver:
    """The server's side of the ASGI lifespan protocol, one message at a time (appended to ``log`` if given)."""

    def __init__(self, app: ASGIApp, state: dict[str, Any] | None = None, log: list[str] | None = None) -> None:
        self.app = app
        self.log = log
        self.state: dict[str, Any] = {} if state is None else state
        self.sent: list[Message] = []
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def startup(self) -> Message:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.task = asyncio.create_task(self.app(scope, self._to_app.get, self._send))
        await self._to_app.put({"type": "lifespan.startup"})
        return await self._next()

    async def shutdown(self) -> Message:
        await self._to_app.put({"type": "lifespan.shutdown"})
        return await self._next()

    async def outcome(self) -> BaseException | None:
        """Wait for the app's lifespan call to return; the exception it raised, if any."""
        assert self.task is not None
        try:
            await self.task
        except Exception as error:
            return error
        return None

    async def _send(self, message: Message) -> None:
        self.sent.append(message)
        if self.log is not None:
            self.log.append(f"server receives {message['type']}")
        await self._from_app.put(message)

    async def _next(self) -> Message:
        assert self.task is not None
        getter = asyncio.ensure_future(self._from_app.get())
        await asyncio.wait({getter, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()
        self.task.result()
        raise AssertionError("the app's lifespan returned without answering")


@asynccontextmanager
async def running(app: ASGIApp, state: dict[str, Any] | None = None) -> AsyncIterator[LifespanDriver]:
    """The app between a successful startup and a successful shutdown."""
    driver = LifespanDriver(app, state)
    started = await driver.startup()
    assert started["type"] == "lifespan.startup.complete", started.get("message")
    yield driver
    stopped = await driver.shutdown()
    assert stopped["type"] == "lifespan.shutdown.complete", stopped.get("message")
    assert await driver.outcome() is None


@asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the app, with the app's lifespan run around it."""
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def call(app: ASGIApp, path: str, events: list[str]) -> None:
    """One GET request, straight through the ASGI interface; ``send <type>`` goes into ``events``."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        detail = f" {message['status']}" if message["type"] == "http.response.start" else ""
        events.append(f"send {message['type']}{detail}")

    await app(scope, receive, send)
