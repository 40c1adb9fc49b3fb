"""Errors of the database layer, in the terms a domain service can act on.

This module imports nothing from SQLAlchemy: services catch ``DuplicateError`` without depending on a driver,
and the in-memory fakes raise the very same classes as the real repositories.
"""

from __future__ import annotations

from collections.abc import Sequence


class DatabaseConfigError(ValueError):
    """A database setting is missing or malformed; ``variable`` names the environment variable, if any."""

    def __init__(self, message: str, *, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


class DatabaseNotInitializedError(RuntimeError):
    """The database was used before ``initialize()`` or after ``dispose()``."""


class DatabaseUnavailableError(ConnectionError):
    """The readiness check (``SELECT 1``) failed: the message names host and database, never the password."""


class TransactionError(RuntimeError):
    """A transaction was used in a way that cannot be honoured (wrong task, conflicting options...)."""


class RollbackOnlyError(TransactionError):
    """The transaction was rolled back instead of committed, because a failure inside it was swallowed.

    A block that joined the transaction failed; its exception was caught before reaching the outer block, but
    the work of the whole transaction is no longer trustworthy (on PostgreSQL it is aborted), so nothing is
    committed. Use ``savepoint()`` around work whose failure you intend to handle.
    """


class TransactionConflictError(TransactionError):
    """The database aborted the transaction to keep it serializable (serialization failure, deadlock, busy).

    Retrying the whole transaction is the remedy: see ``retry_on_conflict`` and ``run_in_transaction``.
    """

    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class ReadOnlyTransactionError(TransactionError):
    """A write was attempted inside a transaction opened with ``read_only=True``."""


class RepositoryError(Exception):
    """Base class of the errors repositories raise instead of driver errors."""


class ConstraintViolationError(RepositoryError):
    """A write broke an integrity constraint; ``table``, ``columns`` and ``constraint`` say which, when known.

    The columns and table come from the driver (PostgreSQL reports them, SQLite names the columns of unique
    and not-null violations) or from the repository's own mapping; ``constraint`` is the constraint's name when
    the database reports or declares one.
    """

    kind = "constraint"

    def __init__(
        self,
        message: str | None = None,
        *,
        table: str | None = None,
        columns: Sequence[str] = (),
        constraint: str | None = None,
    ) -> None:
        self.table = table
        self.columns: tuple[str, ...] = tuple(columns)
        self.constraint = constraint
        super().__init__(message or self._describe())

    def _describe(self) -> str:
        where = self.table or "a table"
        if self.columns:
            joined = ", ".join(self.columns)
            where += f".{joined}" if len(self.columns) == 1 else f".({joined})"
        return self._named(f"{self.kind} violation on {where}", "constraint")

    def _named(self, text: str, label: str) -> str:
        """``text``, followed by the constraint's name when it is known."""
        return f"{text} ({label} {self.constraint!r})" if self.constraint else text

    @property
    def _where(self) -> str:
        return self.table or "the table"


class DuplicateError(ConstraintViolationError):
    """A row with the same value(s) in a unique column (or primary key) already exists."""

    kind = "unique"

    def _describe(self) -> str:
        text = f"a row with the same {_columns_phrase(self.columns)} already exists in {self._where}"
        return self._named(text, "unique constraint")


class ReferenceViolationError(ConstraintViolationError):
    """A foreign-key constraint was violated (see the two subclasses)."""

    kind = "foreign key"


class MissingReferenceError(ReferenceViolationError):
    """The row refers (by foreign key) to a row that does not exist."""

    def _describe(self) -> str:
        text = f"{_columns_phrase(self.columns)} in {self._where} refers to a row that does not exist"
        return self._named(text, "foreign key")


class StillReferencedError(ReferenceViolationError):
    """The row cannot be deleted (or its key changed) because other rows still refer to it."""

    def _describe(self) -> str:
        return self._named(f"the row of {self._where} is still referenced by other rows", "foreign key")


class NotNullViolationError(ConstraintViolationError):
    """A required column was left empty."""

    kind = "not-null"


class CheckViolationError(ConstraintViolationError):
    """A CHECK constraint rejected the row."""

    kind = "check"


class MultipleResultsError(RepositoryError):
    """``find_one_by`` matched more than one row."""


def _columns_phrase(columns: Sequence[str]) -> str:
    if not columns:
        return "key"
    if len(columns) == 1:
        return columns[0]
    return "(" + ", ".join(columns) + ")"


__all__ = [
    "CheckViolationError",
    "ConstraintViolationError",
    "DatabaseConfigError",
    "DatabaseNotInitializedError",
    "DatabaseUnavailableError",
    "DuplicateError",
    "MissingReferenceError",
    "MultipleResultsError",
    "NotNullViolationError",
    "ReadOnlyTransactionError",
    "ReferenceViolationError",
    "RepositoryError",
    "RollbackOnlyError",
    "StillReferencedError",
    "TransactionConflictError",
    "TransactionError",
]
