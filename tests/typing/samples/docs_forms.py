"""Forms the docs show for testing; lines marked ``# error`` must be flagged."""

from typing import Protocol

from fastapi import FastAPI

from dioxide import Container
from dioxide.fastapi import Injected, inject
from dioxide.sqlalchemy import DatabasePort, FakeDatabase
from dioxide.sqlalchemy.testing import count_queries, rollback_after


class Notes(Protocol):
    def get(self, number: int) -> str: ...


class FakeNotes:
    def get(self, number: int) -> str:
        return "call mom"


app = FastAPI()


@app.get("/notes/{number}")
@inject
async def read_note(number: int, notes: Injected[Notes]) -> dict[str, str]:
    return {"text": notes.get(number)}


@app.get("/first")
@inject
def first_note(notes: Injected[Notes]) -> str:
    return notes.get(0)


async def endpoints_alone() -> None:
    result: dict[str, str] = await read_note.__wrapped__(0, notes=FakeNotes())
    text: str = first_note.__wrapped__(notes=FakeNotes())
    await read_note.__wrapped__("zero", notes=FakeNotes())  # error
    print(result, text)


def ports_registered() -> Notes:
    container = Container()
    container.register_instance(Notes, FakeNotes())
    container.register_class(Notes, FakeNotes)
    return container.resolve(Notes)


async def helpers_take_the_port(db: DatabasePort) -> None:
    async with rollback_after(db) as same:
        kept: DatabasePort = same
        print(kept)
    with count_queries(db) as log:
        print(log)
    async with rollback_after(FakeDatabase()) as fake:
        fake.clear()
