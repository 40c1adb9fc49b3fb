"""What only the fakes need to show: test helpers, copies, isolation between concurrent tasks, misuse."""

from __future__ import annotations

import asyncio
import contextvars
import re
from dataclasses import dataclass

import pytest

from dioxide.sqlalchemy import FakeDatabase, FakeRepository, SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DuplicateError, TransactionError
from tests.database.app_example.domain import User
from tests.database.app_example.fakes import FakeAccountRepository, FakeUserRepository


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase(lock_timeout=0.5)


@pytest.fixture
def users(db: FakeDatabase) -> FakeUserRepository:
    return FakeUserRepository(db)


def fresh(coroutine: object) -> asyncio.Task[object]:
    async def run() -> object:
        return await coroutine  # type: ignore[misc]

    return asyncio.get_running_loop().create_task(run(), context=contextvars.Context())


class DescribeHelpers:
    async def it_seeds_clears_and_counts(self, users: FakeUserRepository) -> None:
        seeded = users.seed(
            User(id=None, email="a@example.com", name="A"), User(id=10, email="b@example.com", name="B")
        )
        assert [u.id for u in seeded] == [1, 10]
        assert all(u.created_at is not None for u in seeded)
        assert len(users) == 2
        assert await users.count() == 2
        assert [u.email for u in users.stored()] == ["a@example.com", "b@example.com"]
        assert (await users.save(User(id=None, email="c@example.com", name="C"))).id == 11
        with pytest.raises(DuplicateError):
            users.seed(User(id=None, email="a@example.com", name="again"))
        users.clear()
        assert len(users) == 0
        assert users.seed(User(id=None, email="a@example.com", name="A"))[0].id == 1

    async def it_refuses_direct_changes_while_a_transaction_writes(
        self, db: FakeDatabase, users: FakeUserRepository
    ) -> None:
        async with db.transaction():
            await users.save(User(id=None, email="a@example.com", name="A"))
            with pytest.raises(TransactionError, match="seed\\(\\) while a transaction"):
                users.seed(User(id=None, email="b@example.com", name="B"))
            with pytest.raises(TransactionError, match="clear\\(\\) while a transaction"):
                db.clear()

    async def it_stores_copies(self, users: FakeUserRepository) -> None:
        @dataclass
        class Mutable:
            id: int | None
            tags: list[str]

        class Tags(FakeRepository[Mutable, int]):
            pass

        tags = Tags(users.db)
        original = Mutable(None, ["a"])
        saved = await tags.save(original)
        original.tags.append("x")
        saved.tags.append("y")
        assert (await tags.find_by_id(saved.id or 0)) == Mutable(1, ["a"])
        assert original.id is None

    async def it_gives_a_session_of_the_callers_own_that_commits_or_rolls_back(self, db: FakeDatabase) -> None:
        users = FakeUserRepository(db)
        table = db.tables["users"]
        async with await db.get_session() as session:
            assert not session.in_transaction()
            rows = await session.write_rows(table)
            rows[7] = User(id=7, email="kept@example.com", name="Kept")
            assert session.in_transaction()
            assert await users.count() == 0, "uncommitted writes of another session are invisible"
            await session.commit()
        assert await users.count() == 1
        async with await db.get_session() as session:
            (await session.write_rows(table)).clear()
        assert await users.count() == 1, "closing without commit rolls back"
        assert db.current_session() is None
        await db.initialize()
        await db.dispose()

    async def it_shares_tables_between_repositories_of_one_database(self, db: FakeDatabase) -> None:
        first, second = FakeUserRepository(db), FakeUserRepository(db)
        await first.save(User(id=None, email="a@example.com", name="A"))
        assert await second.count() == 1
        assert "users=1" in repr(db)


class DescribeMisuse:
    def it_needs_a_fake_database(self) -> None:
        real = SQLAlchemyDatabase.__new__(SQLAlchemyDatabase)
        with pytest.raises(TypeError, match="needs a FakeDatabase as its DatabasePort, got SQLAlchemyDatabase"):
            FakeUserRepository(real)

    def it_makes_its_own_database_when_given_none(self) -> None:
        assert isinstance(FakeUserRepository().db, FakeDatabase)

    def it_needs_a_dataclass_entity(self) -> None:
        class NotData:
            id: int | None = None

        class Broken(FakeRepository[NotData, int]):
            pass

        with pytest.raises(TypeError, match="needs a dataclass entity"):
            Broken()

    def it_checks_declared_fields(self, db: FakeDatabase) -> None:
        class Typo(FakeRepository[User, int]):
            unique = ("emial",)

        with pytest.raises(ValueError, match="User has no column 'emial'"):
            Typo(db)

    def it_refuses_conflicting_declarations_of_one_table(self, db: FakeDatabase) -> None:
        FakeUserRepository(db)

        class Other(FakeRepository[User, int]):
            table_name = "users"

        with pytest.raises(ValueError, match="fake table 'users' is already declared"):
            Other(db)


class DescribeConcurrency:
    async def it_hides_uncommitted_writes_from_other_tasks(self, db: FakeDatabase, users: FakeUserRepository) -> None:
        async with db.transaction():
            await users.save(User(id=None, email="a@example.com", name="A"))
            assert await fresh(users.count()) == 0
            assert len(users) == 0  # the sync helpers see committed data too
        assert await fresh(users.count()) == 1

    async def it_serialises_writers_so_read_modify_write_with_for_update_loses_nothing(self, db: FakeDatabase) -> None:
        accounts = FakeAccountRepository(db)
        from tests.database.app_example.domain import Account

        account = await accounts.save(Account(id=None, owner="o", balance=0))

        async def add_one() -> None:
            async with db.transaction():
                current = await accounts.find_by_id(account.id or 0, for_update=True)
                assert current is not None
                await asyncio.sleep(0)  # let the other tasks run in between
                await accounts.save(Account(id=current.id, owner="o", balance=current.balance + 1))

        await asyncio.gather(*(fresh(add_one()) for _ in range(50)))
        stored = await accounts.find_by_id(account.id or 0)
        assert stored is not None
        assert stored.balance == 50

    async def it_times_out_instead_of_deadlocking(self, db: FakeDatabase, users: FakeUserRepository) -> None:
        holding = asyncio.Event()

        async def writer() -> None:
            async with db.transaction():
                await users.save(User(id=None, email="a@example.com", name="A"))
                holding.set()
                await asyncio.sleep(2)

        task = fresh(writer())
        await holding.wait()
        with pytest.raises(TransactionError, match=re.escape("waited 0.5 s for the write lock held by task")):
            await users.save(User(id=None, email="b@example.com", name="B"))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await users.save(User(id=None, email="c@example.com", name="C"))
        assert [u.email for u in users.stored()] == ["c@example.com"]

    async def it_works_across_event_loops(self, users: FakeUserRepository) -> None:
        await users.save(User(id=None, email="a@example.com", name="A"))

        def other_loop() -> int:
            async def main() -> int:
                await users.save(User(id=None, email="b@example.com", name="B"))
                return await users.count()

            return asyncio.run(main())

        assert await asyncio.to_thread(other_loop) == 2
