"""A pure ASGI middleware tying a container to an application: its lifespan, and a scope per connection.

It needs no web framework: FastAPI, Starlette or any ASGI application can use it. At lifespan startup it
scans the container if needed and awaits ``start()``, *before* the app's own lifespan runs, so that the app's
lifespan can use started components; at shutdown it awaits ``stop()`` *after* the app's own lifespan has
finished; when startup fails (the container's or the app's), it stops what had started and reports
``lifespan.startup.failed``. Around each HTTP request and WebSocket connection it opens
``async with container.create_scope()`` and stores the scope in ``scope['state']['dioxide_scope']``
(``request.state.dioxide_scope``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from dioxide._run.container import Container
from dioxide._run.container import container as _global_container
from dioxide.profile_enum import Profile

logger = logging.getLogger("dioxide")

ASGIScope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[ASGIScope, Receive, Send], Awaitable[None]]

SCOPE_KEY = "dioxide_scope"
CONTAINER_KEY = "dioxide_container"

NO_SCOPE = (
    "No dioxide scope found for this request. Did you add DioxideMiddleware to the app? "
    "Call `configure_dioxide(app, profile=...)` or `app.add_middleware(DioxideMiddleware, profile=...)`; "
    "Inject() only works in requests that went through it."
)
NOT_STARTED = (
    "dioxide: the container is not started, because the application's lifespan did not run: "
    "DioxideMiddleware scans and starts it at lifespan startup. In tests, use `with TestClient(app) as client:` "
    "(not `client = TestClient(app)`). With httpx.ASGITransport, which does not run the lifespan, start the "
    "container yourself (`async with container:` around the client) or drive the lifespan (for example with "
    "asgi-lifespan's LifespanManager). A sub-application mounted with app.mount() never receives the lifespan: "
    "configure the outer application."
)


class DioxideMiddleware:
    """Pure ASGI middleware tying a container to the app's lifespan and a scope to each connection.

    ``container`` defaults to the global ``dioxide.container``. At startup it is scanned: each package of
    ``packages`` if given, otherwise the whole registry unless the container was already scanned (it has a
    profile, or registrations). A container already scanned for another profile than ``profile`` fails
    the startup rather than mixing two profiles.
    """

    def __init__(
        self,
        app: ASGIApp,
        profile: Profile | str | None = None,
        container: Container | None = None,
        packages: Sequence[str] | None = None,
    ) -> None:
        self.app = app
        self.container = container if container is not None else _global_container
        self.profile = Profile(profile) if profile is not None else None
        self.packages = (packages,) if isinstance(packages, str) else tuple(packages or ())
        self._serving = False

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http" or kind == "websocket":
            container = self.container
            if not self._serving and not container.started:
                raise RuntimeError(NOT_STARTED)
            async with container.create_scope() as request_scope:
                state = scope.get("state")
                if state is None:
                    state = scope["state"] = {}
                state[SCOPE_KEY] = request_scope
                state[CONTAINER_KEY] = container
                await self.app(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _scan(self) -> None:
        container, profile = self.container, self.profile
        active = container.active_profile
        if profile is not None and active is not None and active != profile:
            raise RuntimeError(
                f"dioxide: DioxideMiddleware was given profile={profile!r}, but its container was already "
                f"scanned for {active!r}; pass one profile (or pass the container without a profile)"
            )
        if self.packages:
            for package in self.packages:
                container.scan(package=package, profile=profile)
        elif profile is not None and active is None:
            container.scan(profile=profile)
        elif profile is None and active is None and container.is_empty():
            container.scan()

    async def _lifespan(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        container = self.container
        first = await receive()
        if first["type"] == "lifespan.startup":
            try:
                self._scan()
                await container.start()
            except Exception as error:
                await send({"type": "lifespan.startup.failed", "message": _describe(error)})
                raise
            state = scope.get("state")
            if state is not None:
                state[CONTAINER_KEY] = container

        pending = [first]
        shutdown_error: list[Exception] = []

        async def receive_from_server() -> Message:
            if pending:
                return pending.pop()
            return await receive()

        async def send_to_server(message: Message) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.complete":
                self._serving = True
            elif kind == "lifespan.shutdown.complete":
                self._serving = False
                try:
                    await container.stop()
                except Exception as error:
                    shutdown_error.append(error)
                    message = {"type": "lifespan.shutdown.failed", "message": _describe(error)}
            elif kind == "lifespan.startup.failed" or kind == "lifespan.shutdown.failed":
                self._serving = False
                await _stop_quietly(container)
            await send(message)

        try:
            await self.app(scope, receive_from_server, send_to_server)
        except BaseException:
            self._serving = False
            await _stop_quietly(container)
            raise
        self._serving = False
        if shutdown_error:
            raise shutdown_error[0]
        await container.stop()  # an app that returned without a shutdown message; a no-op otherwise


async def _stop_quietly(container: Container) -> None:
    """Stop after a failure that is already being reported; dispose errors are logged, not raised."""
    try:
        await container.stop()
    except Exception as error:
        logger.error("dioxide: stopping the container after a failed lifespan also failed: %r", error)


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


__all__ = ["CONTAINER_KEY", "NO_SCOPE", "SCOPE_KEY", "DioxideMiddleware"]
