"""The fakes are typed as the ports: code written against DatabasePort and Repository sees no Any from them.

Runs mypy (strict, and refusing any expression of type Any) on a small module that uses the fakes as the ports,
and on the reference application's fakes and services. Uses the project's mypy cache, which ``make typecheck``
(run before the tests by ``make test``) has warmed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]

USER_CODE = textwrap.dedent(
    """
    from dataclasses import dataclass

    from dioxide.sqlalchemy import DatabasePort, FakeDatabase, FakeRepository, Repository, SQLAlchemyDatabase
    from dioxide.sqlalchemy.ports import Session


    @dataclass(frozen=True)
    class Item:
        id: int | None
        name: str


    class FakeItems(FakeRepository[Item, int]):
        table_name = "items"


    async def rename(db: DatabasePort, items: Repository[Item, int], key: int) -> Item | None:
        async with db.transaction() as session:
            handle: Session = session
            found = await items.find_by_id(key, for_update=True)
            if found is None or not handle.in_transaction():
                return None
            return await items.save(Item(found.id, found.name.title()))


    async def both_profiles(sql: SQLAlchemyDatabase) -> None:
        fake = FakeDatabase()
        await rename(fake, FakeItems(fake), 1)
        own: Session = await fake.get_session()
        await own.close()
        await rename(sql, FakeItems(fake), 1)
    """
)


def test_the_fakes_are_typed_drop_ins_for_the_ports(tmp_path: Path) -> None:
    module = tmp_path / "uses_the_ports.py"
    module.write_text(USER_CODE)
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--disallow-any-expr",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(module),
            str(ROOT / "examples" / "app" / "fakes.py"),
            str(ROOT / "examples" / "app" / "services.py"),
        ]
    )
    assert status == 0, stdout + stderr
