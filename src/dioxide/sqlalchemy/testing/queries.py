"""Count the SQL statements a block of code sends, to catch N+1 query patterns in tests.

Statements are counted through SQLAlchemy's ``before_cursor_execute`` event, and only those issued from the
block's own asyncio context (and tasks started inside it), so concurrent tests on the same engine do not
disturb the count. Transaction control (BEGIN, COMMIT, SAVEPOINT, SET TRANSACTION...) is left out unless
asked for: it varies by driver and is not what N+1 is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from dioxide.sqlalchemy.database import SQLAlchemyDatabase

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
    target: SQLAlchemyDatabase | AsyncEngine, *, include_transaction_control: bool = False
) -> Iterator[QueryLog]:
    """``with count_queries(db) as log: ...`` then inspect ``log.count`` and ``log.statements``."""
    engine = (target.engine if isinstance(target, SQLAlchemyDatabase) else target).sync_engine
    log = QueryLog()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if log not in _active.get():
            return
        if not include_transaction_control and statement.lstrip().upper().startswith(_CONTROL_PREFIXES):
            return
        log.statements.append(statement)

    token = _active.set((*_active.get(), log))
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)
        _active.reset(token)


@contextmanager
def assert_max_queries(target: SQLAlchemyDatabase | AsyncEngine, expected: int) -> Iterator[QueryLog]:
    """Fail (``AssertionError`` listing the statements) when the block sends more than ``expected``."""
    with count_queries(target) as log:
        yield log
    if log.count > expected:
        raise AssertionError(f"expected at most {expected} SQL statement(s), got {log}")


__all__ = ["QueryLog", "assert_max_queries", "count_queries"]
