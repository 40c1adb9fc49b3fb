"""dishka's FastAPI integration: ``setup_dishka``, ``@inject`` and ``FromDishka[T]``, as its docs show them.

Run by ``benchmarks/fastapi_bench.py`` in ``benchmarks/.envs/fastapi-dishka/``. Each app has its own
``make_async_container(provider, FastapiProvider())``, closed in the app's lifespan; singletons are
``Scope.APP``, the chain ``Scope.REQUEST``. ``setup_dishka`` adds dishka's pure ASGI ``ContainerMiddleware``,
which enters a request container per request; ``@inject`` rewrites the endpoint so that FastAPI passes it
the ``Request`` and dishka resolves every ``FromDishka`` parameter in one wrapper.
"""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from dishka import FromDishka, Provider, Scope, make_async_container
from dishka.integrations.fastapi import FastapiProvider, inject, setup_dishka
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import CHAIN_BODY, SINGLETON_BODY, chain, main, singletons


def _app(provider: Provider) -> FastAPI:
    container = make_async_container(provider, FastapiProvider())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await container.close()

    app = FastAPI(lifespan=lifespan)
    setup_dishka(container, app)
    return app


def _singletons() -> tuple[FastAPI, Any, Any, Any]:
    Service, Clock, Settings = singletons()
    provider = Provider(scope=Scope.APP)
    provider.provide_all(Service, Clock, Settings)
    return _app(provider), Service, Clock, Settings


def _request_chain() -> tuple[FastAPI, Any]:
    A, B, C = chain()
    provider = Provider(scope=Scope.REQUEST)
    provider.provide_all(A, B, C)
    return _app(provider), A


def singleton() -> FastAPI:
    app, Service, _, _ = _singletons()

    @app.get("/")
    @inject
    async def endpoint(svc: FromDishka[Service]):
        return PlainTextResponse(svc.name())

    return app


def three() -> FastAPI:
    app, Service, Clock, Settings = _singletons()

    @app.get("/")
    @inject
    async def endpoint(svc: FromDishka[Service], clock: FromDishka[Clock], settings: FromDishka[Settings]):
        return PlainTextResponse(svc.name())

    return app


def request_chain() -> FastAPI:
    app, A = _request_chain()

    @app.get("/")
    @inject
    async def endpoint(a: FromDishka[A]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


if __name__ == "__main__":
    main(
        "dishka",
        "dishka",
        {
            "dishka/singleton": (singleton, SINGLETON_BODY),
            "dishka/three": (three, SINGLETON_BODY),
            "dishka/request_chain": (request_chain, CHAIN_BODY),
        },
    )
