"""Column type and clock for timezone-aware timestamps on every backend.

``DateTime(timezone=True)`` keeps the offset on PostgreSQL, but SQLite has no timestamp type and hands back
naive datetimes. ``AwareDateTime`` stores UTC and always returns aware UTC datetimes, and refuses naive ones
(whose meaning depends on the machine): use ``utcnow()`` instead of the deprecated ``datetime.utcnow()``.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (a column default and the fakes' clock)."""
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp column that accepts only aware datetimes and returns them in UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} for a timezone-aware column: use datetime.now(UTC) or "
                "dioxide.sqlalchemy.utcnow()"
            )
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = ["AwareDateTime", "utcnow"]
