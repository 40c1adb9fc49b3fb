"""dioxide's FastAPI integration: ``Inject(T)`` (one ``Depends`` per parameter) and ``@inject`` with ``Injected[T]``.

Run by ``benchmarks/fastapi_bench.py`` with the project's venv python (dioxide installed editable); prints
the harness's JSON report. Every app gets ``DioxideMiddleware`` with its own ``Container`` (scanned and
started by the app's lifespan), the registry cleared before each app is made.
"""

import sys
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

import dioxide
from dioxide import Container, Profile, Scope, service
from dioxide.fastapi import DioxideMiddleware, Inject, Injected, inject

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import CHAIN_BODY, SINGLETON_BODY, chain, main, singletons


def _app(profile: Profile | None = Profile.PRODUCTION) -> FastAPI:
    app = FastAPI()
    app.add_middleware(DioxideMiddleware, profile=profile, container=Container())
    return app


def _singletons() -> tuple[FastAPI, Any, Any, Any]:
    dioxide._clear_registry()
    Service, Clock, Settings = singletons()
    for cls in (Service, Clock, Settings):
        service(cls)
    return _app(), Service, Clock, Settings


def _request_chain() -> tuple[FastAPI, Any]:
    dioxide._clear_registry()
    A, B, C = chain()
    for cls in (A, B, C):
        service(scope=Scope.REQUEST)(cls)
    return _app(), A


def inject_singleton() -> FastAPI:
    app, Service, _, _ = _singletons()

    @app.get("/")
    async def endpoint(svc: Annotated[Service, Inject(Service)]):
        return PlainTextResponse(svc.name())

    return app


def inject_three() -> FastAPI:
    app, Service, Clock, Settings = _singletons()

    @app.get("/")
    async def endpoint(
        svc: Annotated[Service, Inject(Service)],
        clock: Annotated[Clock, Inject(Clock)],
        settings: Annotated[Settings, Inject(Settings)],
    ):
        return PlainTextResponse(svc.name())

    return app


def inject_request_chain() -> FastAPI:
    app, A = _request_chain()

    @app.get("/")
    async def endpoint(a: Annotated[A, Inject(A)]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def decorator_singleton() -> FastAPI:
    app, Service, _, _ = _singletons()

    @app.get("/")
    @inject
    async def endpoint(svc: Injected[Service]):
        return PlainTextResponse(svc.name())

    return app


def decorator_three() -> FastAPI:
    app, Service, Clock, Settings = _singletons()

    @app.get("/")
    @inject
    async def endpoint(svc: Injected[Service], clock: Injected[Clock], settings: Injected[Settings]):
        return PlainTextResponse(svc.name())

    return app


def decorator_request_chain() -> FastAPI:
    app, A = _request_chain()

    @app.get("/")
    @inject
    async def endpoint(a: Injected[A]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def middleware_only() -> FastAPI:
    """``DioxideMiddleware`` (a scope per request) and an endpoint building ``A(B(C()))`` by hand: no ``Depends``."""
    dioxide._clear_registry()
    A, B, C = chain()
    app = _app(profile=None)  # nothing registered: no profile, no "zero components" warning

    @app.get("/")
    async def endpoint():
        a = A(B(C()))
        return PlainTextResponse(type(a.b.c).__name__)

    return app


if __name__ == "__main__":
    main(
        "dioxide",
        "dioxide",
        {
            "Inject/singleton": (inject_singleton, SINGLETON_BODY),
            "Inject/three": (inject_three, SINGLETON_BODY),
            "Inject/request_chain": (inject_request_chain, CHAIN_BODY),
            "@inject/singleton": (decorator_singleton, SINGLETON_BODY),
            "@inject/three": (decorator_three, SINGLETON_BODY),
            "@inject/request_chain": (decorator_request_chain, CHAIN_BODY),
            "dioxide/middleware": (middleware_only, CHAIN_BODY),
        },
    )
