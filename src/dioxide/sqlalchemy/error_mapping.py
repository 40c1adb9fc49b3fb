"""Turn driver errors into the domain errors of ``errors.py``, per dialect.

| situation | PostgreSQL (SQLSTATE) | SQLite (extended code) | MySQL/MariaDB (errno) | raised |
|---|---|---|---|---|
| unique / primary key | 23505 | CONSTRAINT_UNIQUE, _PRIMARYKEY | 1062 | ``DuplicateError`` |
| foreign key | 23503 | CONSTRAINT_FOREIGNKEY | 1451, 1452 | ``MissingReferenceError`` / ``StillReferencedError`` |
| not null | 23502 | CONSTRAINT_NOTNULL | 1048 | ``NotNullViolationError`` |
| check | 23514 | CONSTRAINT_CHECK | 3819 | ``CheckViolationError`` |
| serialization failure, deadlock | 40001, 40P01 | BUSY_SNAPSHOT, LOCKED | 1213 | ``TransactionConflictError`` |
| lock wait past ``DB_LOCK_TIMEOUT`` | 55P03 | BUSY (busy timeout) | 1205 | ``DatabaseTimeoutError`` |
| statement past ``DB_STATEMENT_TIMEOUT`` | 57014 | | 1969 (MariaDB), 3024 | ``DatabaseTimeoutError`` |
| write in a read-only transaction | 25006 | READONLY | 1792 | ``ReadOnlyTransactionError`` |

A timeout is not a conflict: retrying it at once would wait as long again, so ``retry_on_conflict`` leaves it
alone and the request answers "busy, retry later" (``DatabaseTimeoutError`` is a ``DatabaseUnavailableError``).
Lost connections and a full pool are told apart in ``availability``.

PostgreSQL drivers report the constraint, table and columns (asyncpg on the exception, psycopg in ``diag``).
SQLite reports table and columns for unique and not-null violations but not which foreign key failed, nor
constraint names: when a repository passes its table, missing facts are taken from the table's metadata.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint, Table, UniqueConstraint
from sqlalchemy import exc as sa_exc

from dioxide.sqlalchemy.errors import (
    CheckViolationError,
    ConstraintViolationError,
    DatabaseTimeoutError,
    DuplicateError,
    MissingReferenceError,
    NotNullViolationError,
    ReadOnlyTransactionError,
    StillReferencedError,
    TransactionConflictError,
)

_PG_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")
_SQLITE_COLUMNS = re.compile(r"constraint failed: (?P<columns>[^\n]+)")
_CONFLICT_SQLSTATES: Final = frozenset({"40001", "40P01"})
_TIMEOUT_SQLSTATES: Final = {"55P03": "lock timeout", "57014": "statement timeout"}
_MYSQL_TIMEOUTS: Final = {1205: "lock timeout", 1969: "statement timeout", 3024: "statement timeout"}


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the driver told about an error, whatever the driver."""

    sqlstate: str | None
    sqlite_code: str | None
    mysql_code: int | None
    message: str
    constraint: str | None
    table: str | None
    column: str | None
    detail: str | None


def translate_error(error: BaseException, *, table: Table | None = None, deleting: bool = False) -> Exception | None:
    """The domain error for ``error`` (a SQLAlchemy ``DBAPIError``), or ``None`` when it is not one we map.

    ``table`` (the repository's table) fills in what the driver does not report; ``deleting`` tells a
    foreign-key failure of a DELETE (the row is still referenced) from one of an INSERT/UPDATE on SQLite.
    """
    if not isinstance(error, sa_exc.DBAPIError) or error.orig is None:
        return None
    facts = _facts(error.orig)
    kind = _classify(facts)
    if kind is None:
        return None
    if kind == "conflict":
        return TransactionConflictError(
            "the database aborted the transaction to resolve a conflict with a concurrent one "
            f"({_describe_code(facts)}); retry the whole transaction",
            sqlstate=facts.sqlstate,
        )
    if kind == "read-only":
        return ReadOnlyTransactionError("cannot write inside a read-only transaction")
    if kind in ("lock timeout", "statement timeout"):
        return DatabaseTimeoutError(_timeout_message(kind, facts), sqlstate=facts.sqlstate)
    columns = _columns(facts, kind)
    table_name = table.name if table is not None else facts.table or _sqlite_table(facts)
    constraint = facts.constraint
    if kind == "unique":
        if constraint is None and table is not None:
            constraint = _unique_constraint_name(table, columns)
        return DuplicateError(table=table_name, columns=columns, constraint=constraint)
    if kind == "foreign key":
        still_referenced = _still_referenced(facts, deleting)
        if not still_referenced and not columns and table is not None:
            columns, constraint = _single_foreign_key(table, constraint)
        cls = StillReferencedError if still_referenced else MissingReferenceError
        return cls(table=table_name, columns=columns, constraint=constraint)
    if kind == "not null":
        return NotNullViolationError(table=table_name, columns=columns, constraint=constraint)
    if kind == "check":
        if constraint is None and facts.sqlite_code is not None:
            constraint = _after_colon(facts.message)
        return CheckViolationError(table=table_name, columns=(), constraint=constraint)
    return ConstraintViolationError(table=table_name, columns=columns, constraint=constraint)


def is_conflict(error: BaseException) -> bool:
    """Whether a driver error is a serialization failure, a deadlock or a busy database."""
    return (
        isinstance(error, sa_exc.DBAPIError) and error.orig is not None and _classify(_facts(error.orig)) == "conflict"
    )


def _facts(orig: BaseException) -> _Facts:
    cause = orig.__cause__
    diag = getattr(orig, "diag", None)
    sqlstate = _first_str(
        getattr(orig, "sqlstate", None), getattr(orig, "pgcode", None), getattr(cause, "sqlstate", None)
    )
    args = getattr(orig, "args", ())
    return _Facts(
        sqlstate=sqlstate,
        sqlite_code=_first_str(getattr(orig, "sqlite_errorname", None)),
        mysql_code=args[0] if args and isinstance(args[0], int) and not isinstance(args[0], bool) else None,
        message=str(orig),
        constraint=_first_str(getattr(cause, "constraint_name", None), getattr(diag, "constraint_name", None)),
        table=_first_str(getattr(cause, "table_name", None), getattr(diag, "table_name", None)),
        column=_first_str(getattr(cause, "column_name", None), getattr(diag, "column_name", None)),
        detail=_first_str(getattr(cause, "detail", None), getattr(diag, "message_detail", None)),
    )


def _classify(facts: _Facts) -> str | None:
    state = facts.sqlstate
    if state is not None:
        return {
            "23505": "unique",
            "23503": "foreign key",
            "23502": "not null",
            "23514": "check",
            "25006": "read-only",
            **_TIMEOUT_SQLSTATES,
        }.get(state, "conflict" if state in _CONFLICT_SQLSTATES else "constraint" if state[:2] == "23" else None)
    if facts.sqlite_code is not None or facts.message.startswith(("UNIQUE constraint", "FOREIGN KEY constraint")):
        return _classify_sqlite(facts.sqlite_code or "", facts.message)
    if facts.mysql_code is not None:
        return {
            1062: "unique",
            1451: "foreign key",
            1452: "foreign key",
            1048: "not null",
            3819: "check",
            1792: "read-only",
            1213: "conflict",
            **_MYSQL_TIMEOUTS,
        }.get(facts.mysql_code)
    return None


def _classify_sqlite(code: str, message: str) -> str | None:
    if code in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY") or message.startswith("UNIQUE"):
        return "unique"
    if code == "SQLITE_CONSTRAINT_FOREIGNKEY" or message.startswith("FOREIGN KEY"):
        return "foreign key"
    if code == "SQLITE_CONSTRAINT_NOTNULL":
        return "not null"
    if code == "SQLITE_CONSTRAINT_CHECK":
        return "check"
    if code.startswith("SQLITE_CONSTRAINT"):
        return "constraint"
    if code in ("SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED") or code.startswith("SQLITE_LOCKED_"):
        return "conflict"  # a read transaction that cannot become a writer: only a retry from the start helps
    if code.startswith("SQLITE_BUSY"):
        return "lock timeout"  # another connection held the write lock for longer than the busy timeout
    if code.startswith("SQLITE_READONLY"):
        return "read-only"
    return None


def _columns(facts: _Facts, kind: str) -> tuple[str, ...]:
    if facts.detail:
        match = _PG_KEY.search(facts.detail)
        if match:
            return tuple(part.strip().strip('"') for part in match.group("columns").split(","))
    if facts.column:
        return (facts.column,)
    if facts.sqlite_code is not None or facts.sqlstate is None:
        match = _SQLITE_COLUMNS.search(facts.message)
        if match and kind in ("unique", "not null"):
            return tuple(part.strip().rsplit(".", 1)[-1] for part in match.group("columns").split(","))
    return ()


def _sqlite_table(facts: _Facts) -> str | None:
    match = _SQLITE_COLUMNS.search(facts.message)
    if match and "." in match.group("columns"):
        return match.group("columns").split(",")[0].strip().rsplit(".", 1)[0]
    return None


def _still_referenced(facts: _Facts, deleting: bool) -> bool:
    if facts.detail:
        if "still referenced" in facts.detail:
            return True
        if "not present" in facts.detail:
            return False
    if facts.mysql_code is not None:
        return facts.mysql_code == 1451
    return deleting


def _unique_constraint_name(table: Table, columns: tuple[str, ...]) -> str | None:
    wanted = set(columns)
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
            continue
        if {column.name for column in constraint.columns} == wanted:
            return _name(constraint.name)
    for index in table.indexes:
        if index.unique and {column.name for column in index.columns} == wanted:
            return _name(index.name)
    return None


def _single_foreign_key(table: Table, constraint: str | None) -> tuple[tuple[str, ...], str | None]:
    keys = [c for c in table.constraints if isinstance(c, ForeignKeyConstraint)]
    if len(keys) != 1:
        return (), constraint
    (key,) = keys
    return tuple(key.column_keys), constraint or _name(key.name)


def _name(name: object) -> str | None:
    return name if isinstance(name, str) and name else None


def _after_colon(message: str) -> str | None:
    _, _, rest = message.partition(":")
    return rest.strip() or None


def _timeout_message(kind: str, facts: _Facts) -> str:
    waited = "waited for a lock longer than" if kind == "lock timeout" else "ran longer than"
    setting = "DB_LOCK_TIMEOUT" if kind == "lock timeout" else "DB_STATEMENT_TIMEOUT"
    return f"the database is busy: a statement {waited} {setting} ({_describe_code(facts)}); retry later"


def _describe_code(facts: _Facts) -> str:
    if facts.sqlstate is not None:
        name = {
            "40001": "serialization failure",
            "40P01": "deadlock detected",
            "55P03": "lock not available",
            "57014": "statement canceled",
        }.get(facts.sqlstate, "conflict")
        return f"{name}, SQLSTATE {facts.sqlstate}"
    if facts.sqlite_code is not None:
        return f"SQLite {facts.sqlite_code}"
    if facts.mysql_code is not None:
        return f"MySQL error {facts.mysql_code}"
    return "conflict"


def _first_str(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return None


__all__ = ["is_conflict", "translate_error"]
