"""that-depends with FastAPI: ``Annotated[T, Depends(Container.provider)]``, as its docs show it.

Run by ``benchmarks/fastapi_bench.py`` in ``benchmarks/.envs/fastapi-that_depends/``. that-depends has no
endpoint decorator for FastAPI: each parameter is one FastAPI ``Depends`` on a provider (an object with an
``async def __call__``), like dioxide's ``Inject``. Each app declares its own ``BaseContainer`` subclass.
Singletons are ``providers.Singleton``. The request-scoped chain is three ``providers.ContextResource``
(generator creators, ``default_scope = ContextScopes.REQUEST``), with
``DIContextMiddleware(container, scope=ContextScopes.REQUEST)`` entering a context per request; the
container's singletons are torn down in the app's lifespan.
"""

import itertools
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from that_depends import BaseContainer, ContextScopes, providers
from that_depends.providers import DIContextMiddleware

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import CHAIN_BODY, SINGLETON_BODY, chain, main, singletons

_serial = itertools.count()


def _app(container: Any) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await container.tear_down()

    return FastAPI(lifespan=lifespan)


def _singletons() -> tuple[FastAPI, Any]:
    Service, Clock, Settings = singletons()
    container: Any = type(
        f"Singletons{next(_serial)}",  # that-depends keeps containers by name
        (BaseContainer,),
        {
            "service": providers.Singleton(Service),
            "clock": providers.Singleton(Clock),
            "settings": providers.Singleton(Settings),
        },
    )
    return _app(container), container


def singleton() -> FastAPI:
    app, container = _singletons()

    @app.get("/")
    async def endpoint(svc: Annotated[Any, Depends(container.service)]):
        return PlainTextResponse(svc.name())

    return app


def three() -> FastAPI:
    app, container = _singletons()

    @app.get("/")
    async def endpoint(
        svc: Annotated[Any, Depends(container.service)],
        clock: Annotated[Any, Depends(container.clock)],
        settings: Annotated[Any, Depends(container.settings)],
    ):
        return PlainTextResponse(svc.name())

    return app


def request_chain() -> FastAPI:
    A, B, C = chain()

    def make_c() -> Iterator[Any]:
        yield C()

    def make_b(c: Any) -> Iterator[Any]:
        yield B(c)

    def make_a(b: Any) -> Iterator[Any]:
        yield A(b)

    class RequestChain(BaseContainer):
        default_scope = ContextScopes.REQUEST
        c = providers.ContextResource(make_c)
        b = providers.ContextResource(make_b, c.cast)
        a = providers.ContextResource(make_a, b.cast)

    container: Any = RequestChain
    app = _app(container)
    app.add_middleware(DIContextMiddleware, container, scope=ContextScopes.REQUEST)

    @app.get("/")
    async def endpoint(a: Annotated[Any, Depends(container.a)]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


if __name__ == "__main__":
    main(
        "that-depends",
        "that-depends",
        {
            "that_depends/singleton": (singleton, SINGLETON_BODY),
            "that_depends/three": (three, SINGLETON_BODY),
            "that_depends/request_chain": (request_chain, CHAIN_BODY),
        },
    )
