"""The errors of migrations at startup: ``MigrationError`` and the two cases callers tell apart.

``SchemaNotAtHeadError`` carries the revisions found and expected; ``MigrationLockTimeoutError`` says who held the
lock, so that the message can name the session to look at.
"""

from __future__ import annotations

from collections.abc import Sequence

from dioxide.sqlalchemy.errors import DatabaseError


class MigrationError(DatabaseError, RuntimeError):
    """Migrations could not run, or the schema is not the one this code expects."""


class SchemaNotAtHeadError(MigrationError):
    """The database is not at the head revision of the migration scripts (``current`` / ``heads``)."""

    def __init__(self, message: str, *, current: Sequence[str], heads: Sequence[str]) -> None:
        super().__init__(message)
        self.current: tuple[str, ...] = tuple(current)
        self.heads: tuple[str, ...] = tuple(heads)


class MigrationLockTimeoutError(MigrationError):
    """Another session held the migration lock for longer than the lock timeout."""

    def __init__(self, message: str, *, lock_id: int | None, waited: float, holder: str | None) -> None:
        super().__init__(message)
        self.lock_id = lock_id
        self.waited = waited
        self.holder = holder
