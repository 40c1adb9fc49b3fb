# ruff: noqa: PT012  (a transaction test raises inside the block it checks)
"""``RepositoryContract``: one test class for a repository port, run against the fake and every real backend.

A fake that passes the same tests as the SQL repository cannot drift from it. Subclass it as a pytest test
class, provide two fixtures (usually parametrized over backends) and say how to make entities::

    @pytest.fixture(params=["fake", "sqlite", "postgres"])
    async def backend(request, tmp_path): ...          # build a database and a repository per backend

    class TestUserRepository(RepositoryContract[User, int]):
        unique_field = "email"                         # a column with a unique constraint (or None)
        order_field = "email"                          # a NOT NULL column for keyset pages (or None)

        @pytest.fixture
        def repository(self, backend): return backend.users

        @pytest.fixture
        def database(self, backend): return backend.db

        def new_entity(self, n: int) -> User:          # distinct values for distinct n
            return User(id=None, email=f"user{n:03d}@example.com", name=f"User {n}")

        def changed(self, entity: User) -> User:        # the same entity with a non-key field changed
            return dataclasses.replace(entity, name=entity.name + " (renamed)")

Any ``Repository[Entity, Key]`` can be verified (the SQL repository, the fake, one of your own), inside any
``DatabasePort``. The tests cover the API (``find_by_id``, ``find_by``, ``find_one_by``, ``save``, ``delete``,
``list_all``, ``list_page``, ``count``), the domain errors, and the transaction semantics the repository must
honour: rollback, joining, savepoints, rollback-only, read-only, isolation from concurrent tasks.
"""

from __future__ import annotations

import dioxide._needs.pytest  # noqa: F401  (first: without pytest, the ImportError names the extra)

# isort: split

import asyncio
import contextvars
import dataclasses
from collections.abc import Awaitable
from typing import Any, ClassVar, Generic, TypeVar

import pytest

from dioxide.sqlalchemy.errors import (
    DuplicateError,
    ReadOnlyTransactionError,
    RollbackOnlyError,
    TransactionError,
)
from dioxide.sqlalchemy.ports import DatabasePort, Repository

E = TypeVar("E")
K = TypeVar("K")


class _Boom(Exception):
    """The failure the contract raises on purpose."""


def _in_fresh_context(awaitable: Awaitable[Any]) -> asyncio.Task[Any]:
    """A task that does not inherit the current transaction: another request, in effect."""

    async def run() -> Any:
        return await awaitable

    return asyncio.get_running_loop().create_task(run(), context=contextvars.Context())


class RepositoryContract(Generic[E, K]):
    """The behaviour every implementation of a repository port must show (see the module doc)."""

    unique_field: ClassVar[str | None] = None
    order_field: ClassVar[str | None] = None
    id_field: ClassVar[str] = "id"

    def new_entity(self, n: int) -> E:
        raise TypeError(f"{type(self).__name__} must define new_entity(n) returning a new, unsaved entity")

    def changed(self, entity: E) -> E:
        raise TypeError(f"{type(self).__name__} must define changed(entity) returning a modified copy")

    def _id(self, entity: Any) -> Any:
        return getattr(entity, self.id_field)

    def _same(self, left: Any, right: Any) -> bool:
        """Entities are equal apart from server-set fields that the unsaved one lacks."""
        for item in dataclasses.fields(left):
            mine, theirs = getattr(left, item.name), getattr(right, item.name)
            if mine is not None and theirs is not None and mine != theirs:
                return False
        return True

    async def _save_many(self, repository: Repository[E, K], count: int) -> list[E]:
        return [await repository.save(self.new_entity(n)) for n in range(count)]

    # -- the repository API --

    async def test_save_assigns_a_key_and_keeps_the_fields(self, repository: Repository[E, K]) -> None:
        entity = self.new_entity(1)
        saved = await repository.save(entity)
        assert self._id(saved) is not None
        assert self._same(entity, saved)
        assert self._same(saved, await repository.find_by_id(self._id(saved)))

    async def test_find_by_id_of_a_missing_key_is_none(self, repository: Repository[E, K]) -> None:
        saved = await repository.save(self.new_entity(1))
        assert await repository.find_by_id(self._id(saved) + 1000) is None

    async def test_save_of_a_stored_entity_updates_it(self, repository: Repository[E, K]) -> None:
        saved = await repository.save(self.new_entity(1))
        updated = await repository.save(self.changed(saved))
        assert self._id(updated) == self._id(saved)
        found = await repository.find_by_id(self._id(saved))
        assert self._same(self.changed(saved), found)
        assert await repository.count() == 1

    async def test_mutating_a_returned_entity_changes_nothing_stored(self, repository: Repository[E, K]) -> None:
        saved: Any = await repository.save(self.new_entity(1))  # a dataclass instance, whatever E is
        before = await repository.find_by_id(self._id(saved))
        changed = self.changed(saved)
        for item in dataclasses.fields(saved):
            if item.name != self.id_field and not item.name.endswith("_at"):
                object.__setattr__(saved, item.name, getattr(changed, item.name))
        assert await repository.find_by_id(self._id(saved)) == before

    async def test_delete_reports_whether_a_row_was_deleted(self, repository: Repository[E, K]) -> None:
        saved = await repository.save(self.new_entity(1))
        assert await repository.delete(self._id(saved)) is True
        assert await repository.find_by_id(self._id(saved)) is None
        assert await repository.delete(self._id(saved)) is False

    async def test_list_all_pages_by_offset_in_key_order(self, repository: Repository[E, K]) -> None:
        saved = await self._save_many(repository, 7)
        keys = [self._id(e) for e in saved]
        first = await repository.list_all(limit=3, offset=0)
        rest = await repository.list_all(limit=10, offset=3)
        assert [self._id(e) for e in first + rest] == sorted(keys)
        assert await repository.list_all(limit=5, offset=7) == []
        with pytest.raises(ValueError, match="limit"):
            await repository.list_all(limit=0)

    async def test_list_page_walks_every_entity_once_by_key(self, repository: Repository[E, K]) -> None:
        saved = await self._save_many(repository, 7)
        seen, cursor, pages = [], None, 0
        while True:
            page = await repository.list_page(limit=3, after=cursor)
            seen += [self._id(e) for e in page.items]
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == sorted(self._id(e) for e in saved)
        assert pages == 3

    async def test_list_page_by_a_column_in_both_directions(self, repository: Repository[E, K]) -> None:
        field = self.order_field
        if field is None:
            pytest.skip("no order_field declared")
        saved = await self._save_many(repository, 5)
        for descending in (False, True):
            expected = sorted(saved, key=lambda e: (getattr(e, field), self._id(e)), reverse=descending)
            seen, cursor = [], None
            while True:
                page = await repository.list_page(limit=2, after=cursor, order_by=field, descending=descending)
                seen += page.items
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert [self._id(e) for e in seen] == [self._id(e) for e in expected]

    async def test_count_and_find_by_filter_on_columns(self, repository: Repository[E, K]) -> None:
        saved = await self._save_many(repository, 4)
        assert await repository.count() == 4
        target = saved[2]
        field = self.unique_field or self.id_field
        value = getattr(target, field)
        assert await repository.count(**{field: value}) == 1
        assert [self._id(e) for e in await repository.find_by(**{field: value})] == [self._id(target)]
        found = await repository.find_one_by(**{field: value})
        assert found is not None
        assert self._id(found) == self._id(target)
        assert await repository.find_one_by(**{self.id_field: self._id(target) + 1000}) is None

    async def test_an_unknown_column_is_a_value_error_naming_it(self, repository: Repository[E, K]) -> None:
        with pytest.raises(ValueError, match="no_such_column"):
            await repository.find_by(no_such_column=1)
        with pytest.raises(ValueError, match="no_such_column"):
            await repository.count(no_such_column=1)

    # -- domain errors --

    async def test_a_duplicate_unique_value_is_a_duplicate_error(self, repository: Repository[E, K]) -> None:
        field = self.unique_field
        if field is None:
            pytest.skip("no unique_field declared")
        first = await repository.save(self.new_entity(1))
        clash = dataclasses.replace(self.new_entity(2), **{field: getattr(first, field)})  # type: ignore[type-var]
        with pytest.raises(DuplicateError) as caught:
            await repository.save(clash)
        assert field in caught.value.columns
        assert field in str(caught.value)
        assert await repository.count() == 1

    async def test_concurrent_duplicates_store_exactly_one(self, repository: Repository[E, K]) -> None:
        field = self.unique_field
        if field is None:
            pytest.skip("no unique_field declared")
        one = self.new_entity(1)
        two = dataclasses.replace(self.new_entity(2), **{field: getattr(one, field)})  # type: ignore[type-var]
        results = await asyncio.gather(
            _in_fresh_context(repository.save(one)),
            _in_fresh_context(repository.save(two)),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], DuplicateError), results
        assert await repository.count() == 1

    # -- transactions --

    async def test_a_failed_transaction_leaves_nothing_behind(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        with pytest.raises(_Boom):
            async with database.transaction():
                await repository.save(self.new_entity(1))
                await repository.save(self.new_entity(2))
                raise _Boom
        assert await repository.count() == 0

    async def test_nested_transactions_join_and_commit_once(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        async with database.transaction():
            async with database.transaction():
                await repository.save(self.new_entity(1))
            assert database.in_transaction()
            await repository.save(self.new_entity(2))
            outside = await _in_fresh_context(repository.count())
            assert outside == 0, "uncommitted writes must be invisible to other tasks"
            assert await repository.count() == 2
        assert not database.in_transaction()
        assert await repository.count() == 2

    async def test_a_swallowed_inner_failure_makes_the_outer_roll_back(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        with pytest.raises(RollbackOnlyError, match="_Boom"):
            async with database.transaction():
                await repository.save(self.new_entity(1))
                try:
                    async with database.transaction():
                        raise _Boom
                except _Boom:
                    pass
        assert await repository.count() == 0

    async def test_a_savepoint_rolls_back_alone(self, repository: Repository[E, K], database: DatabasePort) -> None:
        async with database.transaction():
            await repository.save(self.new_entity(1))
            with pytest.raises(_Boom):
                async with database.savepoint():
                    await repository.save(self.new_entity(2))
                    raise _Boom
            async with database.transaction(savepoint=True):
                await repository.save(self.new_entity(3))
        assert await repository.count() == 2

    async def test_a_duplicate_inside_a_savepoint_can_be_handled(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        field = self.unique_field
        if field is None:
            pytest.skip("no unique_field declared")
        async with database.transaction():
            first = await repository.save(self.new_entity(1))
            clash = dataclasses.replace(self.new_entity(2), **{field: getattr(first, field)})  # type: ignore[type-var]
            with pytest.raises(DuplicateError):
                async with database.savepoint():
                    await repository.save(clash)
            await repository.save(self.new_entity(3))
        assert await repository.count() == 2

    async def test_a_read_only_transaction_refuses_writes(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        await repository.save(self.new_entity(1))
        async with database.transaction(read_only=True):
            assert await repository.count() == 1
        with pytest.raises(ReadOnlyTransactionError):
            async with database.transaction(read_only=True):
                await repository.save(self.new_entity(2))
        assert await repository.count() == 1

    async def test_a_task_started_inside_a_transaction_cannot_use_it(
        self, repository: Repository[E, K], database: DatabasePort
    ) -> None:
        async with database.transaction():
            await repository.save(self.new_entity(1))
            with pytest.raises(TransactionError, match="belongs to task"):
                await asyncio.get_running_loop().create_task(repository.count())
        assert await repository.count() == 1


__all__ = ["RepositoryContract"]
