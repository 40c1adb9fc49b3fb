"""FastAPI: the container follows the app's lifespan, each request gets a scope, endpoints get components.

``configure_dioxide(app, profile=...)`` (or ``app.add_middleware(DioxideMiddleware, profile=...)``) adds the
pure ASGI middleware of ``dioxide.asgi``: the container starts with the app and each HTTP request and WebSocket
connection gets a scope.

``Inject(T)`` is an ``async def`` FastAPI dependency resolving ``T`` from that scope: REQUEST-scoped
components are shared within one request and disposed after it, singletons come from the container.
``@inject`` with ``Injected[T]`` parameters resolves all of an endpoint's components through one hidden
parameter instead of one ``Depends`` each. Nothing here runs an event loop of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dioxide._fastapi_inject import NO_FASTAPI, Injected, inject
from dioxide._run.container import Container
from dioxide._run.container import container as _global_container
from dioxide._typing import ComponentType
from dioxide.asgi import NO_SCOPE, SCOPE_KEY, DioxideMiddleware
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
        raise ImportError(NO_FASTAPI)

    async def resolve(connection: HTTPConnection) -> T:
        try:
            request_scope = connection.scope["state"][SCOPE_KEY]
        except KeyError:
            raise RuntimeError(NO_SCOPE) from None
        return request_scope.resolve(component_type)  # type: ignore[no-any-return]

    resolve.__qualname__ = f"Inject({getattr(component_type, '__qualname__', component_type)!s})"
    return cast(T, Depends(resolve))


__all__ = ["DioxideMiddleware", "Inject", "Injected", "configure_dioxide", "inject"]
