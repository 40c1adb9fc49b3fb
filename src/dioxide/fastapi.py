"""FastAPI (and any ASGI app): the container follows the app's lifespan, each request gets a scope.

``configure_dioxide(app, profile=...)`` (or ``app.add_middleware(DioxideMiddleware, profile=...)``) adds a
pure ASGI middleware that:

- at lifespan startup, scans the container if needed and awaits ``start()``, *before* the app's own
  lifespan runs, so that the app's lifespan can use started components;
- at lifespan shutdown, awaits ``stop()`` *after* the app's own lifespan has finished; when startup fails
  (the container's or the app's), it stops what had started and reports ``lifespan.startup.failed``;
- around each HTTP request and WebSocket connection, opens ``async with container.create_scope()`` and
  stores the scope in ``scope['state']['dioxide_scope']`` (``request.state.dioxide_scope``).

``Inject(T)`` is an ``async def`` FastAPI dependency resolving ``T`` from that scope: REQUEST-scoped
components are shared within one request and disposed after it, singletons come from the container.

``@inject`` with ``Injected[T]`` parameters (from ``dioxide._fastapi_inject``) resolves all of an endpoint's
components through one hidden parameter instead of one ``Depends`` each. Nothing here runs an event loop of
its own.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dioxide._fastapi_inject import Injected, inject
from dioxide._run.container import Container
from dioxide._run.container import container as _global_container
from dioxide._typing import ComponentType
from dioxide.profile_enum import Profile

if TYPE_CHECKING:
    from fastapi.requests import Request as _Request
    from starlette.applications import Starlette
    from starlette.requests import HTTPConnection

    Depends: Callable[..., Any] | None
    Request: type[_Request] | None
else:
    try:
        from fastapi.param_functions import Depends
        from fastapi.requests import Request
        from starlette.requests import HTTPConnection
    except ImportError:  # FastAPI is an optional extra: `pip install dioxide[fastapi]`
        Depends = Request = HTTPConnection = None

T = TypeVar("T")
logger = logging.getLogger("dioxide")

ASGIScope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[ASGIScope, Receive, Send], Awaitable[None]]

SCOPE_KEY = "dioxide_scope"
CONTAINER_KEY = "dioxide_container"

_NO_SCOPE = (
    "No dioxide scope found for this request. Did you add DioxideMiddleware to the app? "
    "Call `configure_dioxide(app, profile=...)` or `app.add_middleware(DioxideMiddleware, profile=...)`; "
    "Inject() only works in requests that went through it."
)
_NOT_STARTED = (
    "dioxide: the container is not started, because the application's lifespan did not run: "
    "DioxideMiddleware scans and starts it at lifespan startup. In tests, use `with TestClient(app) as client:` "
    "(not `client = TestClient(app)`). With httpx.ASGITransport, which does not run the lifespan, start the "
    "container yourself (`async with container:` around the client) or drive the lifespan (for example with "
    "asgi-lifespan's LifespanManager). A sub-application mounted with app.mount() never receives the lifespan: "
    "configure the outer application."
)
_NO_FASTAPI = "FastAPI is not installed. Install it with: pip install dioxide[fastapi]"


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
                raise RuntimeError(_NOT_STARTED)
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


def configure_dioxide(
    app: Starlette,
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """Add ``DioxideMiddleware`` to ``app`` and return the container it manages (the global one by default).

    Call it once, before the app serves; it composes with the app's own ``lifespan``, which runs inside
    the started container.
    """
    if any(getattr(middleware, "cls", None) is DioxideMiddleware for middleware in app.user_middleware):
        raise RuntimeError("dioxide: configure_dioxide() was already called for this app (DioxideMiddleware is there)")
    target = container if container is not None else _global_container
    app.add_middleware(DioxideMiddleware, profile=profile, container=target, packages=packages)
    return target


def Inject(component_type: ComponentType[T]) -> T:
    """A FastAPI dependency resolving ``component_type`` in the request's scope: ``svc: Svc = Inject(Svc)``.

    Works in ``def`` and ``async def`` endpoints, in WebSocket endpoints and in other dependencies; the
    resolver is an ``async def``, so it never goes through FastAPI's thread pool.
    """
    if Depends is None or Request is None:
        raise ImportError(_NO_FASTAPI)

    async def resolve(connection: HTTPConnection) -> T:
        try:
            request_scope = connection.scope["state"][SCOPE_KEY]
        except KeyError:
            raise RuntimeError(_NO_SCOPE) from None
        return request_scope.resolve(component_type)  # type: ignore[no-any-return]

    resolve.__qualname__ = f"Inject({getattr(component_type, '__qualname__', component_type)!s})"
    return cast(T, Depends(resolve))


async def _stop_quietly(container: Container) -> None:
    """Stop after a failure that is already being reported; dispose errors are logged, not raised."""
    try:
        await container.stop()
    except Exception as error:
        logger.error("dioxide: stopping the container after a failed lifespan also failed: %r", error)


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


__all__ = ["DioxideMiddleware", "Inject", "Injected", "configure_dioxide", "inject"]
