"""Count the SQL statements a block of code sends, to catch N+1 query patterns in tests.

Statements are counted through SQLAlchemy's ``before_cursor_execute`` event, and only those issued from the
block's own asyncio context (and tasks started inside it), so concurrent tests on the same engine do not
disturb the count. Transaction control (BEGIN, COMMIT, SAVEPOINT, SET TRANSACTION...) is left out unless
asked for: it varies by driver and is not what N+1 is about. On a ``FakeDatabase`` each repository operation
counts as one statement (``"find_by_id users"``), so the same assertion runs in both profiles.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.fakes.database import FakeDatabase
from dioxide.sqlalchemy.ports import DatabasePort

_CONTROL_PREFIXES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET TRANSACTION", "PRAGMA QUERY_ONLY")
_active: ContextVar[tuple[QueryLog, ...]] = ContextVar("dioxide.sqlalchemy.query_logs", default=())


@dataclass(eq=False)
class QueryLog:
    """The statements counted so far."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        lines = [f"{self.count} statement(s):"]
        lines.extend(f"  {number}. {' '.join(sql.split())}" for number, sql in enumerate(self.statements, 1))
        return "\n".join(lines)


@contextmanager
def count_queries(
    target: DatabasePort | AsyncEngine, *, include_transaction_control: bool = False
) -> Iterator[QueryLog]:
    """``with count_queries(db) as log: ...`` then inspect ``log.count`` and ``log.statements``."""
    log = QueryLog()

    def record(statement: str) -> None:
        if log not in _active.get():
            return
        if not include_transaction_control and statement.lstrip().upper().startswith(_CONTROL_PREFIXES):
            return
        log.statements.append(statement)

    def on_cursor(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record(statement)

    stop: Callable[[], None]
    if isinstance(target, FakeDatabase):
        target.query_listeners.append(record)
        stop = partial(target.query_listeners.remove, record)
    else:
        engine = _engine(target).sync_engine
        event.listen(engine, "before_cursor_execute", on_cursor)
        stop = partial(event.remove, engine, "before_cursor_execute", on_cursor)
    token = _active.set((*_active.get(), log))
    try:
        yield log
    finally:
        stop()
        _active.reset(token)


def _engine(target: DatabasePort | AsyncEngine) -> AsyncEngine:
    if isinstance(target, AsyncEngine):
        return target
    if isinstance(target, SQLAlchemyDatabase):
        return target.engine
    raise TypeError(
        f"count_queries() counts the statements of a SQLAlchemyDatabase, an AsyncEngine or a FakeDatabase, got "
        f"{type(target).__name__}"
    )


@contextmanager
def assert_max_queries(target: DatabasePort | AsyncEngine, expected: int) -> Iterator[QueryLog]:
    """Fail (``AssertionError`` listing the statements) when the block sends more than ``expected``."""
    with count_queries(target) as log:
        yield log
    if log.count > expected:
        raise AssertionError(f"expected at most {expected} SQL statement(s), got {log}")


__all__ = ["QueryLog", "assert_max_queries", "count_queries"]
