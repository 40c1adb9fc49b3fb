"""Test support for users: per-test rollback that tolerates commits, and query counting against N+1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from dioxide.sqlalchemy import DuplicateError, FakeDatabase, SQLAlchemyDatabase
from dioxide.sqlalchemy.testing import (
    assert_max_queries,
    count_queries,
    create_database,
    drop_database,
    rollback_after,
    temporary_database,
)
from tests.database.app_example.domain import Post, User
from tests.database.app_example.orm import PostModel, UserModel
from tests.database.app_example.services import RegistrationService
from tests.database.backends import Backend, open_database, repositories


@pytest.fixture(params=["sqlite", "postgres"])
async def started(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    db = await open_database(request, request.param, tmp_path)
    try:
        yield repositories(request.param, db)
    finally:
        await db.dispose()


class DescribeRollbackAfter:
    async def it_undoes_committed_application_work(self, started: Backend) -> None:
        async with rollback_after(started.db):
            await RegistrationService(started.users).register("a@example.com", "A")
            async with started.db.transaction():
                await started.users.save(User(id=None, email="b@example.com", name="B"))
            assert await started.users.count() == 2
        assert await started.users.count() == 0

    async def it_keeps_rollbacks_and_savepoints_working_inside(self, started: Backend) -> None:
        async with rollback_after(started.db):
            await started.users.save(User(id=None, email="a@example.com", name="A"))
            with pytest.raises(DuplicateError):
                await started.users.save(User(id=None, email="a@example.com", name="again"))
            with pytest.raises(RuntimeError):
                async with started.db.transaction():
                    await started.users.save(User(id=None, email="c@example.com", name="C"))
                    raise RuntimeError
            async with started.db.transaction():
                async with started.db.savepoint():
                    await started.users.save(User(id=None, email="d@example.com", name="D"))
            assert sorted(u.email for u in await started.users.list_all()) == ["a@example.com", "d@example.com"]
        assert await started.users.count() == 0

    async def it_restores_normal_sessions_afterwards(self, started: Backend) -> None:
        async with rollback_after(started.db):
            pass
        await started.users.save(User(id=None, email="kept@example.com", name="K"))
        assert await started.users.count() == 1


class DescribeQueryCounting:
    async def _posts(self, backend: Backend, count: int) -> None:
        author = await backend.users.save(User(id=None, email="a@example.com", name="A"))
        for n in range(count):
            await backend.posts.save(Post(id=None, author_id=author.id, title=f"post {n}"))

    async def it_counts_statements_without_transaction_control(self, started: Backend) -> None:
        await self._posts(started, 3)
        with count_queries(started.db) as log:
            await started.posts.find_by_id(1)
            await started.users.count()
        assert log.count == 2
        assert all(s.lstrip().upper().startswith("SELECT") for s in log.statements)
        with count_queries(started.db, include_transaction_control=True) as everything:
            async with started.db.transaction(read_only=True):
                await started.posts.find_by_id(1)
        assert everything.count > 1

    async def it_catches_an_n_plus_one_pattern(self, started: Backend) -> None:
        await self._posts(started, 5)

        async def titles_with_authors_one_by_one() -> list[str]:
            posts = await started.posts.list_all()
            return [f"{p.title} by {(await started.users.find_by_id(p.author_id)).name}" for p in posts]

        with pytest.raises(AssertionError, match=r"expected at most 2 SQL statement\(s\), got 6 statement"):
            with assert_max_queries(started.db, 2):
                await titles_with_authors_one_by_one()

        with assert_max_queries(started.db, 1) as log:
            async with started.db.reading() as session:
                joined = select(PostModel.title, UserModel.name).join(UserModel, UserModel.id == PostModel.author_id)
                assert len((await session.execute(joined)).all()) == 5
        assert log.count == 1

    async def it_ignores_statements_of_unrelated_tasks(self, started: Backend) -> None:
        import contextvars

        other = asyncio.Event()

        async def unrelated() -> None:
            await other.wait()
            await started.users.count()

        task = asyncio.get_running_loop().create_task(unrelated(), context=contextvars.Context())
        with count_queries(started.db) as log:
            other.set()
            await task
            await started.users.count()
        assert log.count == 1

    async def it_accepts_an_engine(self, started: Backend) -> None:
        db: SQLAlchemyDatabase = started.db
        with count_queries(db.engine) as log:
            await started.users.count()
        assert log.count == 1
        assert "1 statement(s):" in str(log)


class DescribeTemporaryDatabases:
    @pytest.mark.parametrize("hostile", ['victim"--x', "victim; DROP DATABASE postgres", "caf\u00e9", "a" * 64, ""])
    async def it_refuses_to_drop_a_database_whose_name_is_not_a_plain_identifier(
        self, postgres_url: URL, hostile: str
    ) -> None:
        admin = postgres_url.set(database="postgres")
        async with temporary_database(admin, prefix="victim_") as victim:
            with pytest.raises(ValueError) as caught:
                await drop_database(victim.set(database=f"{victim.database}{hostile}" if hostile else "x y"), admin)
            assert "test databases are named with letters, digits and '_' only, at most 63 characters" in str(
                caught.value
            )
            engine = create_async_engine(victim, poolclass=NullPool)
            try:
                async with engine.connect() as connection:  # the victim is still there
                    assert (await connection.exec_driver_sql("SELECT 1")).scalar() == 1
            finally:
                await engine.dispose()

    async def it_refuses_a_hostile_prefix_before_creating_anything(self) -> None:
        with pytest.raises(ValueError, match=r"refusing the prefix 'x\"; DROP[^']*'"):
            await create_database("postgresql+asyncpg://nobody@127.0.0.1:1/none", prefix='x"; DROP')


class DescribeOnTheFake:
    """The same helpers take the port: on a FakeDatabase they restore the rows and count repository operations."""

    async def it_rolls_back_what_a_test_committed_on_the_fake(self) -> None:
        backend = repositories("fake", FakeDatabase())
        await backend.users.save(User(id=None, email="kept@example.com", name="Kept"))
        async with rollback_after(backend.db) as db:
            assert db is backend.db
            async with db.transaction():
                await backend.users.save(User(id=None, email="gone@example.com", name="Gone"))
            assert await backend.users.count() == 2
        assert [user.email for user in await backend.users.list_all()] == ["kept@example.com"]

    async def it_counts_one_statement_per_repository_operation_on_the_fake(self) -> None:
        backend = repositories("fake", FakeDatabase())
        user = await backend.users.save(User(id=None, email="a@example.com", name="A"))
        with count_queries(backend.db) as log:
            for _ in range(3):
                await backend.users.find_by_id(user.id)
            await backend.users.count()
        assert log.statements == ["find_by_id users"] * 3 + ["count users"]
        with pytest.raises(AssertionError, match=r"expected at most 1 SQL statement\(s\), got 2 statement"):
            with assert_max_queries(backend.db, 1):
                await backend.users.find_by_id(user.id)
                await backend.users.find_by_id(user.id)

    async def it_refuses_a_port_it_cannot_observe(self) -> None:
        class Elsewhere:
            pass

        with pytest.raises(
            TypeError, match="rollback_after\\(\\) needs a SQLAlchemyDatabase or a FakeDatabase, got Elsewhere"
        ):
            async with rollback_after(Elsewhere()):  # type: ignore[type-var]
                pass
        with pytest.raises(TypeError, match="count_queries\\(\\) counts the statements of a SQLAlchemyDatabase"):
            with count_queries(Elsewhere()):  # type: ignore[arg-type]
                pass
