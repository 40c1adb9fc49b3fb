"""Constraint violations become the same domain errors, with the same facts, on every backend."""

from __future__ import annotations

import pytest

from dioxide.sqlalchemy import ConstraintViolationError, DuplicateError, MissingReferenceError
from dioxide.sqlalchemy.errors import (
    CheckViolationError,
    MultipleResultsError,
    NotNullViolationError,
    ReferenceViolationError,
    StillReferencedError,
)
from tests.database.app_example.domain import Account, Post, User
from tests.database.backends import Backend


def alice() -> User:
    return User(id=None, email="alice@example.com", name="Alice")


class DescribeUniqueViolations:
    async def it_reports_table_columns_and_constraint(self, backend: Backend) -> None:
        await backend.users.save(alice())
        with pytest.raises(DuplicateError) as caught:
            await backend.users.save(User(id=None, email="alice@example.com", name="Other"))
        error = caught.value
        assert (error.table, error.columns, error.constraint) == ("users", ("email",), "uq_users_email")
        assert str(error) == ("a row with the same email already exists in users (unique constraint 'uq_users_email')")
        assert isinstance(error, ConstraintViolationError)

    async def it_applies_to_updates_too(self, backend: Backend) -> None:
        await backend.users.save(alice())
        bob = await backend.users.save(User(id=None, email="bob@example.com", name="Bob"))
        with pytest.raises(DuplicateError, match="email"):
            await backend.users.save(User(id=bob.id, email="alice@example.com", name="Bob"))
        stored = await backend.users.find_by_id(bob.id)
        assert stored is not None
        assert stored.email == "bob@example.com"

    async def it_reports_several_matches_to_find_one_by(self, backend: Backend) -> None:
        await backend.users.save(alice())
        await backend.users.save(User(id=None, email="alice2@example.com", name="Alice"))
        with pytest.raises(MultipleResultsError, match="users: more than one row matches name"):
            await backend.users.find_one_by(name="Alice")


class DescribeForeignKeys:
    async def it_refuses_a_reference_to_a_missing_row(self, backend: Backend) -> None:
        with pytest.raises(MissingReferenceError) as caught:
            await backend.posts.save(Post(id=None, author_id=999, title="orphan"))
        error = caught.value
        assert (error.table, error.columns) == ("posts", ("author_id",))
        assert "author_id in posts refers to a row that does not exist" in str(error)
        if backend.name != "fake":
            assert error.constraint == "fk_posts_author_id"
        assert await backend.posts.count() == 0

    async def it_refuses_to_delete_a_row_still_referenced(self, backend: Backend) -> None:
        author = await backend.users.save(alice())
        await backend.posts.save(Post(id=None, author_id=author.id, title="hello"))
        with pytest.raises(StillReferencedError) as caught:
            await backend.users.delete(author.id)
        assert caught.value.table == "users"
        assert "the row of users is still referenced by other rows" in str(caught.value)
        assert isinstance(caught.value, ReferenceViolationError)
        assert await backend.users.find_by_id(author.id) is not None

    async def it_allows_the_delete_once_the_reference_is_gone(self, backend: Backend) -> None:
        author = await backend.users.save(alice())
        post = await backend.posts.save(Post(id=None, author_id=author.id, title="hello"))
        async with backend.db.transaction():
            assert await backend.posts.delete(post.id)
            assert await backend.users.delete(author.id)
        assert await backend.users.count() == 0


class DescribeOtherConstraints:
    async def it_reports_a_check_constraint(self, sql_backend: Backend) -> None:
        with pytest.raises(CheckViolationError) as caught:
            await sql_backend.accounts.save(Account(id=None, owner="x", balance=-1))
        assert "balance_not_negative" in (caught.value.constraint or "")
        assert str(caught.value).startswith("check violation on accounts")

    async def it_reports_a_missing_required_column(self, sql_backend: Backend) -> None:
        with pytest.raises(NotNullViolationError) as caught:
            await sql_backend.users.save(User(id=None, email="x@example.com", name=None))  # type: ignore[arg-type]
        assert (caught.value.table, caught.value.columns) == ("users", ("name",))
        assert str(caught.value) == "not-null violation on users.name"


class DescribeTimestamps:
    async def it_stores_and_returns_aware_utc_timestamps(self, backend: Backend) -> None:
        saved = await backend.users.save(alice())
        assert saved.created_at is not None
        assert saved.created_at.utcoffset() is not None
        found = await backend.users.find_by_id(saved.id)
        assert found is not None
        assert found.created_at == saved.created_at
        assert found.created_at.tzinfo is not None

    async def it_keeps_the_stored_timestamp_when_an_update_leaves_it_empty(self, backend: Backend) -> None:
        saved = await backend.users.save(alice())
        updated = await backend.users.save(User(id=saved.id, email=saved.email, name="Alice B."))
        assert updated.created_at == saved.created_at
        found = await backend.users.find_by_id(saved.id)
        assert found == updated

    async def it_refuses_naive_datetimes(self, sql_backend: Backend) -> None:
        from datetime import datetime

        naive = datetime(2024, 1, 1, 12, 0)
        with pytest.raises(Exception, match="naive datetime 2024-01-01T12:00:00"):
            await sql_backend.users.save(User(id=None, email="n@example.com", name="N", created_at=naive))
