"""Errors of the database layer, in the terms a domain service can act on.

One root, ``DatabaseError``, and four families a caller tells apart:

| family | root | what to do |
|---|---|---|
| configuration | ``DatabaseConfigError`` | fix the environment; raised at startup |
| unavailability | ``DatabaseUnavailableError`` (``DatabaseTimeoutError``) | 503 with ``Retry-After`` |
| conflicts | ``TransactionConflictError`` | run the whole transaction again (``retry_on_conflict``) |
| constraints | ``ConstraintViolationError`` (``DuplicateError``...) | a domain error (the data says no) |

The older bases stay (``TransactionError``, ``RepositoryError``, ``MigrationError``...) as subclasses of the root,
and so do the builtin bases they had (``ValueError``, ``RuntimeError``, ``ConnectionError``), so existing
``except`` clauses keep working. This module imports nothing from SQLAlchemy: services catch ``DuplicateError``
without depending on a driver, and the in-memory fakes raise the very same classes as the real repositories.
"""

from __future__ import annotations

from collections.abc import Sequence


class DatabaseError(Exception):
    """The root of every error ``dioxide.sqlalchemy`` raises instead of a driver's."""


class DatabaseConfigError(DatabaseError, ValueError):
    """A database setting is missing or malformed; ``variable`` names the environment variable, if any."""

    def __init__(self, message: str, *, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


class DatabaseNotInitializedError(DatabaseError, RuntimeError):
    """The database was used before ``initialize()`` or after ``dispose()``."""


class DatabaseUnavailableError(DatabaseError, ConnectionError):
    """The database cannot serve the request now: it is down (``busy`` false) or busy (``busy`` true).

    Down: no connection could be made or the one in use broke. Busy: no pooled connection was free within the
    pool timeout, or a statement or lock wait ran out of time. Either way the request may succeed later:
    ``retry_after`` is a hint in seconds, for an HTTP ``Retry-After``. The message may name host and database
    (for the logs), never the password; show clients a generic text.
    """

    def __init__(self, message: str, *, busy: bool = False, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.busy = busy
        self.retry_after = retry_after


class DatabaseTimeoutError(DatabaseUnavailableError):
    """A statement ran longer than ``DB_STATEMENT_TIMEOUT``, or waited for a lock longer than ``DB_LOCK_TIMEOUT``.

    Not a ``TransactionConflictError`` on purpose: retrying at once would wait again, multiplying the time a
    request takes; the caller answers "busy, retry later" instead. ``busy`` is always true.
    """

    def __init__(self, message: str, *, sqlstate: str | None = None, retry_after: float = 1.0) -> None:
        super().__init__(message, busy=True, retry_after=retry_after)
        self.sqlstate = sqlstate


class TransactionError(DatabaseError, RuntimeError):
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


class RepositoryError(DatabaseError):
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
    "DatabaseError",
    "DatabaseNotInitializedError",
    "DatabaseTimeoutError",
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
