"""Down or busy: which failures mean the database cannot serve now, as opposed to a bad statement or bad data.

* busy: no pooled connection was free within ``DB_POOL_TIMEOUT``, or the server refuses new connections
  (SQLSTATE 53300); the database works, the instance is overloaded;
* down: a connection could not be made, or broke (refused, reset, SQLSTATE class 08, server shutting down
  57P01-57P03), or the server did not answer at all within the client's timeout (a frozen server).

``SQLAlchemyDatabase`` turns these into ``DatabaseUnavailableError``; statement and lock timeouts, which the
server reports itself, are ``DatabaseTimeoutError`` (see ``error_mapping``).
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
from typing import Final, Literal

from sqlalchemy import exc as sa_exc

from dioxide.sqlalchemy.errors import DatabaseError, DatabaseUnavailableError

Availability = Literal["busy", "down", "no answer"]

_DOWN_SQLSTATES: Final = ("08", "57P01", "57P02", "57P03")
_BUSY_SQLSTATES: Final = frozenset({"53300"})  # too many connections


def unavailability(error: BaseException) -> Availability | None:
    """``"busy"``, ``"down"`` or ``"no answer"`` when ``error`` (or what caused it) says so; else ``None``."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _classify(current)
        if found is not None:
            return found
        current = current.__cause__
    if isinstance(error, DatabaseUnavailableError):  # already translated, and its cause told nothing more
        return "busy" if error.busy else "down"
    return None


def breaks_connection(error: BaseException) -> bool:
    """Whether the connection in use may be mid-protocol (cancelled, timed out, lost): close it, never reuse it."""
    return isinstance(error, asyncio.CancelledError) or unavailability(error) in ("down", "no answer")


def _classify(error: BaseException) -> Availability | None:
    if isinstance(error, DatabaseError):  # ours (some are ConnectionErrors): what caused it decides
        return None
    if isinstance(error, sa_exc.TimeoutError):  # the pool's: no connection free in time
        return "busy"
    if isinstance(error, TimeoutError):  # the driver's own timeout: the server did not answer
        return "no answer"
    if isinstance(error, sa_exc.DBAPIError):
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        if isinstance(state, str):
            if state in _BUSY_SQLSTATES:
                return "busy"
            if state.startswith(_DOWN_SQLSTATES):
                return "down"
        return "down" if error.connection_invalidated else None
    if isinstance(error, OSError | sa_exc.DisconnectionError):
        return "down"
    return None


__all__ = ["Availability", "breaks_connection", "unavailability"]
