"""WAL positions: the tokens of read-your-writes (``write_token()`` / ``read_after()``) and replica progress.

A position is PostgreSQL's LSN (``16/B374D848``), handled as an integer so that positions compare.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

# The insert position: it covers every commit that has returned, also with synchronous_commit = off.
_PRIMARY_POSITION: Final = "SELECT pg_current_wal_insert_lsn()::text"
_LSN = re.compile(r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")


def parse_wal_position(token: str) -> int:
    """``"16/B374D848"`` (a PostgreSQL LSN, as ``write_token()`` returns) as an integer; ``ValueError`` if not one."""
    text = token.strip()
    if not _LSN.match(text):
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        raise ValueError(f"not a WAL position token: {shown!r} (expected like '16/B374D848')")
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


async def primary_wal_position(connection: AsyncConnection) -> str | None:
    """The primary's WAL position now, as ``pg_current_wal_insert_lsn()`` shows it (for tokens and lag samples)."""
    position = (await connection.exec_driver_sql(_PRIMARY_POSITION)).scalar()
    return None if position is None else str(position)


def format_wal_position(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"
