"""The harness shared by every FastAPI benchmark module (standard library and FastAPI only).

Each module (``dioxide_app.py`` in the project's venv, ``<peer>_app.py`` in the peer's venv) defines app
factories and calls :func:`main`, which adds the hand-written baselines below, drives every app the same way
and prints one JSON object on stdout:

    {"framework", "version", "fastapi", "python", "repeats", "target_seconds",
     "results": {variant: µs_per_request}, "errors": {variant: "..."}, "not_applicable": {variant: "..."}}

How an app is driven: in-process, through its ASGI interface (a minimal http ``scope``, a ``receive`` giving
an empty body, a ``send`` that keeps the status and body), no network and no server. Each app's lifespan
is run first, as a server would, and shut down at the end. Before timing, every app answers one request
that must be ``200`` with the expected body, and a first measurement sets the number of requests per run
so that a run takes about ``target`` seconds. Then the runs of all variants are interleaved (variant 1,
variant 2, ..., variant 1, ...) ``repeats`` times, so that a slow moment of the machine hits them all
alike, and each variant keeps its best run, as µs per request.

Scenario shapes (the same in every module): ``Service``, ``Clock`` and ``Settings`` are classes built once
(singletons), made fresh for each app by :func:`singletons`; ``A``, ``B``, ``C`` are plain classes,
``A(b: B)``, ``B(c: C)``, made fresh for each app by :func:`chain`. Every
endpoint is ``GET /`` returning ``PlainTextResponse``: ``"service"`` for the singleton scenarios, ``"C"``
(``type(a.b.c).__name__``) for the chain ones.
"""

import argparse
import asyncio
import gc
import importlib.metadata
import json
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

import fastapi
from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]
Factory = Callable[[], Any]  # returns the app

TARGET_SECONDS, REPEATS = 0.3, 9
QUICK_TARGET_SECONDS, QUICK_REPEATS = 0.1, 5

SINGLETON_BODY, CHAIN_BODY = b"service", b"C"

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


class NotApplicable(Exception):
    """Raised by a factory when the framework has no honest way to express the scenario."""


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


# ------------------------------------------------------------------------------------- shared shapes


class Service:
    def name(self) -> str:
        return "service"


def singletons() -> tuple[type[Service], type[Any], type[Any]]:
    """Fresh ``Service``, ``Clock`` and ``Settings`` classes to register as singletons: no state shared by two apps."""

    class Clock:
        pass

    class Settings:
        pass

    return type("Service", (Service,), {}), Clock, Settings


def chain() -> tuple[type[Any], type[Any], type[Any]]:
    """Fresh ``A``, ``B``, ``C`` classes: ``A(B(C()))``."""

    class C:
        pass

    class B:
        def __init__(self, c: C) -> None:
            self.c = c

    class A:
        def __init__(self, b: B) -> None:
            self.b = b

    return A, B, C


# -------------------------------------------------------------------------------- hand-written apps


def hand_singleton() -> FastAPI:
    """The endpoint reads a service built once, at app creation."""
    app = FastAPI()
    built = Service()

    @app.get("/")
    async def endpoint():
        return PlainTextResponse(built.name())

    return app


def hand_chain() -> FastAPI:
    """The endpoint builds ``A(B(C()))`` itself."""
    app = FastAPI()
    A, B, C = chain()

    @app.get("/")
    async def endpoint():
        a = A(B(C()))
        return PlainTextResponse(type(a.b.c).__name__)

    return app


def hand_depends_chain() -> FastAPI:
    """No DI framework: an ``async def`` dependency returning ``A(B(C()))`` (FastAPI's own cost of a ``Depends``)."""
    app = FastAPI()
    A, B, C = chain()

    async def provide() -> Any:
        return A(B(C()))

    @app.get("/")
    async def endpoint(a: Annotated[Any, Depends(provide)]):
        return PlainTextResponse(type(a.b.c).__name__)

    return app


BASELINES: dict[str, tuple[Factory, bytes]] = {
    "hand/singleton": (hand_singleton, SINGLETON_BODY),
    "hand/chain": (hand_chain, CHAIN_BODY),
    "hand/depends": (hand_depends_chain, CHAIN_BODY),
}


# ---------------------------------------------------------------------------------------- measuring


async def _lifespan(app: ASGIApp) -> tuple[asyncio.Queue[Message], asyncio.Queue[Message], asyncio.Task[None]]:
    """Run the app's lifespan startup, as a server does; the queues are kept for the shutdown."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = asyncio.create_task(app(scope, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    answer = await from_app.get()
    if answer["type"] != "lifespan.startup.complete":
        raise RuntimeError(answer.get("message", answer["type"]))
    return to_app, from_app, task


async def _shutdown(to_app: asyncio.Queue[Message], from_app: asyncio.Queue[Message], task: asyncio.Task[None]) -> None:
    await to_app.put({"type": "lifespan.shutdown"})
    await from_app.get()
    await task


async def _requests(app: ASGIApp, n: int) -> float:
    scope = SCOPE
    start = time.perf_counter()
    for _ in range(n):
        await app(dict(scope), receive, send)
    return time.perf_counter() - start


def _error(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(error)).strip()


async def measure(
    variants: dict[str, tuple[Factory, bytes]], target: float, repeats: int
) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
    """Best µs per request of each variant; a variant that fails is reported and the others still run."""
    apps: dict[str, ASGIApp] = {}
    lifespans = []
    errors: dict[str, str] = {}
    not_applicable: dict[str, str] = {}
    for label, (factory, expected) in variants.items():
        try:
            app = factory()
            lifespans.append(await _lifespan(app))
            Outcome.status, Outcome.body = 0, b""
            await app(dict(SCOPE), receive, send)
            if (Outcome.status, Outcome.body) != (200, expected):
                raise AssertionError(f"got {Outcome.status} {Outcome.body[:200]!r}, expected 200 {expected!r}")
        except NotApplicable as reason:
            not_applicable[label] = str(reason)
            continue
        except Exception as error:
            errors[label] = _error(error)
            print(f"[{label}] {traceback.format_exc()}", file=sys.stderr)
            continue
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

    for to_app, from_app, task in lifespans:
        await _shutdown(to_app, from_app, task)
    return best, errors, not_applicable


def main(framework: str, distribution: str | None, variants: dict[str, tuple[Factory, bytes]]) -> None:
    """Measure the baselines and ``variants`` in this process and print the JSON report (last line of stdout)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer repeats")
    args = parser.parse_args()
    target, repeats = (QUICK_TARGET_SECONDS, QUICK_REPEATS) if args.quick else (TARGET_SECONDS, REPEATS)
    best, errors, not_applicable = asyncio.run(measure({**BASELINES, **variants}, target, repeats))
    version = importlib.metadata.version(distribution) if distribution else ""
    report = {
        "framework": framework,
        "version": version,
        "fastapi": fastapi.__version__,
        "python": platform.python_version(),
        "repeats": repeats,
        "target_seconds": target,
        "results": best,
        "errors": errors,
        "not_applicable": not_applicable,
    }
    print(json.dumps(report), flush=True)
