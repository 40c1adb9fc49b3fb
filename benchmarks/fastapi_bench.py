"""What dioxide's FastAPI integration adds to a request, in µs, over an endpoint wired by hand.

Every variant is one FastAPI app with one ``GET /`` endpoint returning ``PlainTextResponse``; the app is called
in-process through its ASGI interface (a minimal http scope, a ``receive`` giving an empty body, a ``send``
that keeps the status), with no network and no server. The apps with ``DioxideMiddleware`` have their
lifespan run first, as a server would. Each figure is the best over several runs of many requests, the
variants interleaved so that a slow moment of the machine hits them all alike.

Variants (``A(B(C()))`` are three plain classes, each taking the next one in its constructor):

- ``hand: singleton``: the endpoint reads a service built once at import time.
- ``hand: A(B(C()))``: the endpoint builds ``A(B(C()))`` itself.
- ``Inject: singleton``: ``DioxideMiddleware`` + ``service: Service = Inject(Service)``, a singleton.
- ``Inject: 3 singletons``: three ``Inject`` parameters (three FastAPI dependencies) in one endpoint.
- ``Inject: request A(B(C()))``: ``DioxideMiddleware`` + ``a: A = Inject(A)``, all three REQUEST-scoped.
- ``middleware only``: ``DioxideMiddleware``, and the endpoint builds ``A(B(C()))`` by hand (the cost of the
  scope per request, without any ``Depends``).
- ``hand Depends: A(B(C()))``: no dioxide; an ``async def`` dependency returning ``A(B(C()))`` through
  ``Depends`` (what FastAPI itself charges for one dependency).

Run: ``.venv/bin/python benchmarks/fastapi_bench.py`` (``--quick`` for a shorter run).
"""

import argparse
import asyncio
import gc
import platform
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

import fastapi
from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse

import dioxide
from dioxide import Container, Profile, Scope, service
from dioxide.fastapi import DioxideMiddleware, Inject

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]

SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0", "spec_version": "2.4"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/",
    "raw_path": b"/",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"bench")],
    "server": ("bench", 80),
    "client": ("127.0.0.1", 50000),
}
REQUEST: Message = {"type": "http.request", "body": b"", "more_body": False}


class Outcome:
    """What the app sent for the last request (checked once before timing)."""

    status = 0
    body = b""


async def receive() -> Message:
    return REQUEST


async def send(message: Message) -> None:
    if message["type"] == "http.response.start":
        Outcome.status = message["status"]
    elif message["type"] == "http.response.body":
        Outcome.body = message.get("body", b"")


# --------------------------------------------------------------------------------------------- the apps


def _chain() -> tuple[type[Any], type[Any], type[Any]]:
    class C:
        pass

    class B:
        def __init__(self, c: C) -> None:
            self.c = c

    class A:
        def __init__(self, b: B) -> None:
            self.b = b

    return A, B, C


class Service:
    def name(self) -> str:
        return "service"


def hand_singleton() -> FastAPI:
    app = FastAPI()
    built = Service()

    @app.get("/")
    async def endpoint():
        return PlainTextResponse(built.name())

    return app


def hand_chain() -> FastAPI:
    app = FastAPI()
    A, B, C = _chain()

    @app.get("/")
    async def endpoint():
        a = A(B(C()))
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def hand_depends_chain() -> FastAPI:
    app = FastAPI()
    A, B, C = _chain()

    async def provide() -> Any:
        return A(B(C()))

    @app.get("/")
    async def endpoint(a: Annotated[Any, Depends(provide)]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def _with_dioxide(app: FastAPI, profile: Profile | None = Profile.PRODUCTION) -> FastAPI:
    app.add_middleware(DioxideMiddleware, profile=profile, container=Container())
    return app


def inject_singleton() -> FastAPI:
    service(Service)
    app = _with_dioxide(FastAPI())

    @app.get("/")
    async def endpoint(svc: Annotated[Service, Inject(Service)]):
        return PlainTextResponse(svc.name())

    return app


def inject_three_singletons() -> FastAPI:
    class Clock:
        pass

    class Settings:
        pass

    for cls in (Service, Clock, Settings):
        service(cls)
    app = _with_dioxide(FastAPI())

    @app.get("/")
    async def endpoint(
        svc: Annotated[Service, Inject(Service)],
        clock: Annotated[Clock, Inject(Clock)],
        settings: Annotated[Settings, Inject(Settings)],
    ):
        return PlainTextResponse(svc.name())

    return app


def inject_request_chain() -> FastAPI:
    A, B, C = _chain()
    for cls in (A, B, C):
        service(scope=Scope.REQUEST)(cls)
    app = _with_dioxide(FastAPI())

    @app.get("/")
    async def endpoint(a: Annotated[A, Inject(A)]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def middleware_only_chain() -> FastAPI:
    A, B, C = _chain()
    app = _with_dioxide(FastAPI(), profile=None)  # nothing registered: no profile, no "zero components" warning

    @app.get("/")
    async def endpoint():
        a = A(B(C()))
        return PlainTextResponse(type(a.b.c).__name__)

    return app


# (label, app factory, baseline label, expected body)
VARIANTS: list[tuple[str, Callable[[], FastAPI], str | None, bytes]] = [
    ("hand: singleton", hand_singleton, None, b"service"),
    ("hand: A(B(C()))", hand_chain, None, b"C"),
    ("Inject: singleton", inject_singleton, "hand: singleton", b"service"),
    ("Inject: 3 singletons", inject_three_singletons, "hand: singleton", b"service"),
    ("Inject: request A(B(C()))", inject_request_chain, "hand: A(B(C()))", b"C"),
    ("middleware only", middleware_only_chain, "hand: A(B(C()))", b"C"),
    ("hand Depends: A(B(C()))", hand_depends_chain, "hand: A(B(C()))", b"C"),
]


# -------------------------------------------------------------------------------------------- measuring


async def _lifespan(app: ASGIApp) -> tuple[asyncio.Queue[Message], asyncio.Task[None]]:
    """Run the app's lifespan startup, as a server does; the queue is used for the shutdown."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = asyncio.create_task(app(scope, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    answer = await from_app.get()
    if answer["type"] != "lifespan.startup.complete":
        raise RuntimeError(answer.get("message", answer["type"]))
    return to_app, task


async def _requests(app: ASGIApp, n: int) -> float:
    scope = SCOPE
    start = time.perf_counter()
    for _ in range(n):
        await app(dict(scope), receive, send)
    return time.perf_counter() - start


async def _measure_all(target: float, repeats: int) -> dict[str, float]:
    apps: dict[str, ASGIApp] = {}
    lifespans = []
    for label, factory, _, expected in VARIANTS:
        dioxide._clear_registry()
        app = factory()
        lifespans.append(await _lifespan(app))
        Outcome.status, Outcome.body = 0, b""
        await app(dict(SCOPE), receive, send)
        if (Outcome.status, Outcome.body) != (200, expected):
            raise AssertionError(f"{label}: got {Outcome.status} {Outcome.body!r}, expected 200 {expected!r}")
        apps[label] = app

    counts: dict[str, int] = {}
    for label, app in apps.items():  # calibrate: about `target` seconds per run
        n = 100
        while (elapsed := await _requests(app, n)) < target / 5:
            n *= 2
        counts[label] = max(100, round(n * target / elapsed))

    best = dict.fromkeys(apps, float("inf"))
    for _ in range(repeats):
        for label, app in apps.items():
            gc.collect()
            elapsed = await _requests(app, counts[label])
            best[label] = min(best[label], elapsed / counts[label] * 1e6)

    for to_app, task in lifespans:
        await to_app.put({"type": "lifespan.shutdown"})
        await task
    return best


def table(best: dict[str, float]) -> str:
    rows = [
        "| variant | µs / request | added µs | over |",
        "|---|---:|---:|---|",
    ]
    for label, _, baseline, _ in VARIANTS:
        added = f"{best[label] - best[baseline]:+.1f}" if baseline else "—"
        rows.append(f"| {label} | {best[label]:.1f} | {added} | {baseline or 'baseline'} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer repeats (about 5 s)")
    args = parser.parse_args()
    target, repeats = (0.1, 5) if args.quick else (0.3, 9)
    best = asyncio.run(_measure_all(target, repeats))
    print(
        f"FastAPI {fastapi.__version__}, CPython {platform.python_version()}, "
        f"best of {repeats} runs of ~{target} s per variant, in-process ASGI\n"
    )
    print(table(best))


if __name__ == "__main__":
    main()
