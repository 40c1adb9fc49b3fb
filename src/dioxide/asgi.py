"""A pure ASGI middleware tying a container to an application: its lifespan, and a scope per connection.

It needs no web framework: FastAPI, Starlette or any ASGI application can use it. At lifespan startup it
scans the container if needed and awaits ``start()``, *before* the app's own lifespan runs, so that the app's
lifespan can use started components; at shutdown it awaits ``stop()`` *after* the app's own lifespan has
finished; when startup fails (the container's or the app's), it stops what had started and reports
``lifespan.startup.failed``. Around each HTTP request and WebSocket connection it opens
a request scope and stores it in ``scope['state']['dioxide_scope']`` (``request.state.dioxide_scope``). When
Starlette is installed, the scope is given the connection as request data (``container.declare_context``): a
``starlette.requests.Request`` for HTTP, a ``starlette.websockets.WebSocket`` for a WebSocket, so that a
REQUEST-scoped component can take one in its constructor.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from dioxide._run.container import Container
from dioxide._run.container import container as _global_container
from dioxide.profile_enum import Profile

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket

    CONNECTIONS: dict[str, type[Request] | type[WebSocket]]
else:
    try:
        from starlette.requests import Request
        from starlette.websockets import WebSocket
    except ImportError:  # a pure ASGI app without Starlette: scopes get no request data
        CONNECTIONS = {}
    else:
        CONNECTIONS = {"http": Request, "websocket": WebSocket}

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
    "dioxide: a request arrived before the application's lifespan ran, so the container was neither scanned nor "
    "started by DioxideMiddleware (which does both at lifespan startup); requests get a scope and resolve what the "
    "container already has. In tests, use `with TestClient(app) as client:` "
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
        self._warned = False
        self.container.declare_context(*CONNECTIONS.values())

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http" or kind == "websocket":
            container = self.container
            if not self._serving and not container.started:
                self._without_lifespan()
            connection = CONNECTIONS.get(kind)
            context = {connection: connection(scope, receive, send)} if connection is not None else None
            async with container.create_scope(context) as request_scope:
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

    def _without_lifespan(self) -> None:
        """A request before the lifespan ran (a TestClient without ``with``): served anyway, said once."""
        self.container.declare_context(*CONNECTIONS.values())  # the container may have been reset since
        if not self._warned:
            self._warned = True
            logger.warning(NOT_STARTED)

    def _scan(self) -> None:
        container, profile = self.container, self.profile
        container.declare_context(*CONNECTIONS.values())
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

        async def receive_from_server() -> Message:
            if pending:
                return pending.pop()
            return await receive()

        async def send_to_server(message: Message) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.complete":
                self._serving = True
            elif kind.startswith(("lifespan.shutdown.", "lifespan.startup.failed")):
                self._serving = False
                await _stop_quietly(container)  # before the server hears that the app is done
            await send(message)

        try:
            await self.app(scope, receive_from_server, send_to_server)
        finally:
            self._serving = False
            await _stop_quietly(container)  # an app that returned (or raised) without telling: stopped once


async def _stop_quietly(container: Container) -> None:
    """Stop the container (a second call does nothing); dispose failures are logged, never raised into the server.

    A server that receives an exception from the lifespan drops its keep-alive connections and may log the
    shutdown as failed; the components were disposed either way, so the failures are only reported.
    """
    if not container.started:
        return
    try:
        await container.stop()
    except Exception as error:
        logger.error("dioxide: disposing the container at shutdown failed: %r", error, exc_info=error)


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


__all__ = ["CONTAINER_KEY", "NO_SCOPE", "SCOPE_KEY", "DioxideMiddleware"]
