"""A user's module written with ``from __future__ import annotations``: every annotation is a string.

Used by test_inject_decorator.py. The classes are module-level (string annotations are evaluated in the
module's globals, by FastAPI and by ``@inject`` alike) and registered by :func:`build_app`, since the
tests' registries are emptied before each test.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from dioxide import Profile, Scope, service
from dioxide.fastapi import Inject, Injected, configure_dioxide, inject


class Greeter:
    def greet(self, name: str) -> str:
        return f"hello {name}"


class Visit:
    def __init__(self, greeter: Greeter) -> None:
        self.greeter = greeter


def twice(times: int = 2) -> int:
    return times


router = APIRouter(prefix="/future")


@router.get("/greet/{name}")
@inject
async def greet(
    name: str,
    greeter: Injected[Greeter],
    visit: Injected[Visit],
    same: Annotated[Visit, Inject(Visit)],
    times: Annotated[int, Depends(twice)],
    request: Request,
) -> dict[str, object]:
    return {
        "text": " ".join([greeter.greet(name)] * times),
        "same_visit": visit is same is request.state.dioxide_scope.resolve(Visit),
        "same_greeter": visit.greeter is greeter,
    }


@router.get("/sync")
@inject
def sync_greet(greeter: Injected[Greeter]) -> str:
    return greeter.greet("sync")


def build_app() -> FastAPI:
    service(Greeter)
    service(scope=Scope.REQUEST)(Visit)
    app = FastAPI()
    configure_dioxide(app, profile=Profile.TEST)
    app.include_router(router)
    return app
