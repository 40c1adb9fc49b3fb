"""wireup's FastAPI integration: ``wireup.integration.fastapi.setup``, ``WireupRoute`` and ``Injected[T]``.

Run by ``benchmarks/fastapi_bench.py`` in ``benchmarks/.envs/fastapi-wireup/``. Each app has its own
``wireup.create_async_container(injectables=[...])``; singletons are ``@injectable`` (lifetime
``"singleton"``), the chain ``lifetime="scoped"``. The app's router has ``route_class = WireupRoute``,
which hides the ``Injected`` parameters from FastAPI (the endpoints are declared on the app itself, like
every other column's: an included ``APIRouter`` costs FastAPI several µs per request of its own), then
``setup(container, app)`` is called after the routes, as wireup advises, in its default mode
(``middleware_mode=False``): it rewrites each endpoint so that wireup resolves its ``Injected`` parameters
itself, entering a scope from the request only for endpoints that need one; it also closes the container at
shutdown.

Without ``WireupRoute``, each ``Injected[T]`` also stays a FastAPI ``Depends`` on a plain ``def`` (wireup's
marker), which FastAPI runs in its thread pool on every request: the ``wireup/singleton_plain_route``
variant measures that.
"""

import sys
from pathlib import Path
from typing import Any

import wireup
import wireup.integration.fastapi
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from wireup import Injected
from wireup.integration.fastapi import WireupRoute

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import CHAIN_BODY, SINGLETON_BODY, chain, main, singletons


def _app(route_class: type[APIRoute] = WireupRoute) -> FastAPI:
    app = FastAPI()
    app.router.route_class = route_class
    return app


def _setup(app: FastAPI, injectables: list[Any]) -> FastAPI:
    container = wireup.create_async_container(injectables=injectables)
    wireup.integration.fastapi.setup(container, app)
    return app


def _singletons() -> tuple[list[Any], Any, Any, Any]:
    classes = [wireup.injectable(lifetime="singleton")(cls) for cls in singletons()]
    return classes, *classes


def singleton(route_class: type[APIRoute] = WireupRoute) -> FastAPI:
    injectables, Service, _, _ = _singletons()
    app = _app(route_class)

    @app.get("/")
    async def endpoint(svc: Injected[Service]):
        return PlainTextResponse(svc.name())

    return _setup(app, injectables)


def singleton_plain_route() -> FastAPI:
    return singleton(route_class=APIRoute)


def three() -> FastAPI:
    injectables, Service, Clock, Settings = _singletons()
    app = _app()

    @app.get("/")
    async def endpoint(svc: Injected[Service], clock: Injected[Clock], settings: Injected[Settings]):
        return PlainTextResponse(svc.name())

    return _setup(app, injectables)


def request_chain() -> FastAPI:
    A, B, C = (wireup.injectable(lifetime="scoped")(cls) for cls in chain())
    app = _app()

    @app.get("/")
    async def endpoint(a: Injected[A]):
        return PlainTextResponse(type(a.b.c).__name__)

    return _setup(app, [A, B, C])


if __name__ == "__main__":
    main(
        "wireup",
        "wireup",
        {
            "wireup/singleton": (singleton, SINGLETON_BODY),
            "wireup/three": (three, SINGLETON_BODY),
            "wireup/request_chain": (request_chain, CHAIN_BODY),
            "wireup/singleton_plain_route": (singleton_plain_route, SINGLETON_BODY),
        },
    )
