"""Transaction semantics, identical on the fake, SQLite and PostgreSQL (plus what is real per dialect)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dioxide.sqlalchemy import DuplicateError
from dioxide.sqlalchemy.errors import ReadOnlyTransactionError, RollbackOnlyError, TransactionError
from tests.database.app_example.domain import User
from tests.database.backends import Backend


class Boom(Exception):
    pass


def user(n: int) -> User:
    return User(id=None, email=f"u{n}@example.com", name=f"U{n}")


class DescribeCommitAndRollback:
    async def it_commits_when_the_block_ends(self, backend: Backend) -> None:
        async with backend.db.transaction():
            await backend.users.save(user(1))
            assert backend.db.in_transaction()
        assert not backend.db.in_transaction()
        assert await backend.users.count() == 1

    async def it_rolls_back_and_reraises_when_the_block_raises(self, backend: Backend) -> None:
        with pytest.raises(Boom):
            async with backend.db.transaction():
                await backend.users.save(user(1))
                raise Boom
        assert await backend.users.count() == 0

    async def it_rolls_back_on_cancellation(self, backend: Backend) -> None:
        started = asyncio.Event()

        async def work() -> None:
            async with backend.db.transaction():
                await backend.users.save(user(1))
                started.set()
                await asyncio.sleep(30)

        task = asyncio.get_running_loop().create_task(work())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await backend.users.count() == 0

    async def it_refuses_to_enter_a_block_twice(self, backend: Backend) -> None:
        block = backend.db.transaction()
        async with block:
            pass
        with pytest.raises(TransactionError, match="entered only once"):
            async with block:
                pass


class DescribeJoining:
    async def it_shares_one_transaction_between_nested_blocks(self, backend: Backend) -> None:
        async with backend.db.transaction() as outer:
            async with backend.db.transaction() as inner:
                assert inner is outer
                await backend.users.save(user(1))
        assert await backend.users.count() == 1

    async def it_rolls_back_the_joined_work_when_the_outer_block_fails(self, backend: Backend) -> None:
        with pytest.raises(Boom):
            async with backend.db.transaction():
                async with backend.db.transaction():
                    await backend.users.save(user(1))
                raise Boom
        assert await backend.users.count() == 0

    async def it_marks_the_outer_rollback_only_when_an_inner_failure_is_swallowed(self, backend: Backend) -> None:
        with pytest.raises(RollbackOnlyError) as caught:
            async with backend.db.transaction():
                await backend.users.save(user(1))
                try:
                    async with backend.db.transaction():
                        raise Boom("inner went wrong")
                except Boom:
                    pass
                assert backend.db.is_rollback_only()
        message = str(caught.value)
        assert "rolled back, not committed" in message
        assert "Boom: inner went wrong" in message
        assert "savepoint()" in message
        assert isinstance(caught.value.__cause__, Boom)
        assert await backend.users.count() == 0

    async def it_marks_rollback_only_when_a_repository_call_fails_inside(self, backend: Backend) -> None:
        await backend.users.save(user(1))
        with pytest.raises(RollbackOnlyError, match="DuplicateError"):
            async with backend.db.transaction():
                await backend.users.save(user(2))
                with pytest.raises(DuplicateError):
                    await backend.users.save(user(1))
        assert await backend.users.count() == 1

    async def it_refuses_to_join_at_another_isolation_level(self, backend: Backend) -> None:
        async with backend.db.transaction():
            with pytest.raises(TransactionError, match="isolation level SERIALIZABLE: it joins"):
                async with backend.db.transaction(isolation_level="serializable"):
                    pass

    async def it_refuses_a_transaction_from_a_task_started_inside_it(self, backend: Backend) -> None:
        async with backend.db.transaction():
            child = asyncio.get_running_loop().create_task(backend.users.count(), name="child-task")
            with pytest.raises(TransactionError, match=r"belongs to task .* not to 'child-task'"):
                await child

    async def it_lets_a_task_that_outlives_the_transaction_open_its_own(self, backend: Backend) -> None:
        release = asyncio.Event()

        async def later() -> int:
            await release.wait()
            await backend.users.save(user(2))
            return await backend.users.count()

        async with backend.db.transaction():
            await backend.users.save(user(1))
            task = asyncio.get_running_loop().create_task(later())
        release.set()
        assert await task == 2


class DescribeSavepoints:
    async def it_rolls_back_only_the_savepoint(self, backend: Backend) -> None:
        async with backend.db.transaction():
            await backend.users.save(user(1))
            with pytest.raises(Boom):
                async with backend.db.savepoint():
                    await backend.users.save(user(2))
                    raise Boom
            assert not backend.db.is_rollback_only()
            await backend.users.save(user(3))
        assert sorted(u.email for u in await backend.users.list_all()) == ["u1@example.com", "u3@example.com"]

    async def it_keeps_a_released_savepoint_until_the_outer_rolls_back(self, backend: Backend) -> None:
        with pytest.raises(Boom):
            async with backend.db.transaction():
                async with backend.db.savepoint():
                    await backend.users.save(user(1))
                raise Boom
        assert await backend.users.count() == 0

    async def it_nests_savepoints(self, backend: Backend) -> None:
        async with backend.db.transaction():
            async with backend.db.savepoint():
                await backend.users.save(user(1))
                with pytest.raises(Boom):
                    async with backend.db.savepoint():
                        await backend.users.save(user(2))
                        raise Boom
                await backend.users.save(user(3))
        assert await backend.users.count() == 2

    async def it_begins_a_transaction_when_none_is_active(self, backend: Backend) -> None:
        async with backend.db.savepoint():
            await backend.users.save(user(1))
        with pytest.raises(Boom):
            async with backend.db.transaction(savepoint=True):
                await backend.users.save(user(2))
                raise Boom
        assert await backend.users.count() == 1

    async def it_confines_rollback_only_to_the_savepoint(self, backend: Backend) -> None:
        async with backend.db.transaction():
            await backend.users.save(user(1))
            with pytest.raises(RollbackOnlyError, match="the savepoint was rolled back"):
                async with backend.db.savepoint():
                    await backend.users.save(user(2))
                    try:
                        async with backend.db.transaction():
                            raise Boom
                    except Boom:
                        pass
        assert [u.email for u in await backend.users.list_all()] == ["u1@example.com"]


class DescribeOptions:
    async def it_rejects_unknown_isolation_levels(self, backend: Backend) -> None:
        with pytest.raises(ValueError, match="unknown isolation level 'snapshot'; use one of READ UNCOMMITTED"):
            backend.db.transaction(isolation_level="snapshot")

    @pytest.mark.parametrize("level", ["READ COMMITTED", "repeatable_read", "Serializable"])
    async def it_accepts_the_standard_isolation_levels(self, backend: Backend, level: str) -> None:
        async with backend.db.transaction(isolation_level=level):
            await backend.users.save(user(1))
        assert await backend.users.count() == 1

    async def it_refuses_writes_in_a_read_only_transaction_and_recovers(self, backend: Backend) -> None:
        with pytest.raises(ReadOnlyTransactionError, match="read-only transaction"):
            async with backend.db.transaction(read_only=True):
                await backend.users.save(user(1))
        for _ in range(3):  # the pooled connections are writable again
            await backend.users.save(user(_ + 10))
        assert await backend.users.count() == 3


class DescribeSqlBackends:
    async def it_runs_postgresql_transactions_at_the_requested_level(self, sql_backend: Backend) -> None:
        if sql_backend.name != "postgres":
            pytest.skip("SQLite transactions are always serializable")
        async with sql_backend.db.transaction(isolation_level="repeatable read") as session:
            level = (await session.execute(text("SHOW transaction_isolation"))).scalar_one()
        assert level == "repeatable read"
        async with sql_backend.db.transaction(read_only=True) as session:
            assert (await session.execute(text("SHOW transaction_read_only"))).scalar_one() == "on"
        async with sql_backend.db.transaction() as session:
            assert (await session.execute(text("SHOW transaction_read_only"))).scalar_one() == "off"
            assert (await session.execute(text("SHOW transaction_isolation"))).scalar_one() == "read committed"

    async def it_gives_the_current_session_to_code_inside_the_transaction(self, sql_backend: Backend) -> None:
        db = sql_backend.db
        assert db.current_session() is None
        async with db.transaction() as session:
            assert db.current_session() is session
        assert db.current_session() is None

    async def it_translates_driver_errors_leaving_a_block(self, sql_backend: Backend) -> None:
        await sql_backend.users.save(user(1))
        with pytest.raises(DuplicateError) as caught:
            async with sql_backend.db.transaction() as session:
                await session.execute(
                    text(
                        "INSERT INTO users (email, name, created_at) "
                        "VALUES ('u1@example.com', 'x', '2024-01-01 00:00:00')"
                    )
                )
        assert isinstance(caught.value.__cause__, IntegrityError)
        assert caught.value.columns == ("email",)

    async def it_hands_out_sessions_the_caller_owns(self, sql_backend: Backend) -> None:
        async with await sql_backend.db.get_session() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
            assert session is not sql_backend.db.current_session()
