"""HTTP answers for database failures, on a FastAPI (or Starlette) application: 503 with ``Retry-After``, never 500.

``add_database_error_handlers(app)`` installs two exception handlers:

* ``DatabaseUnavailableError`` (the database is down or busy, a statement or lock wait timed out): 503 with a
  ``Retry-After`` header and a body that says "busy" or "unavailable" and nothing else. The error itself, which
  may name the host and the database, goes to the log.
* any other unhandled exception: 500 with ``Connection: close``. Uvicorn closes the connection after an
  unhandled error; without the header a client reusing the keep-alive connection finds it reset.

Only Starlette is imported; FastAPI applications are Starlette applications.
"""

from __future__ import annotations

import dioxide._needs.starlette  # noqa: F401  (first: without starlette, the ImportError names the extra)

# isort: split

import logging
import math
from typing import Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dioxide.sqlalchemy.errors import DatabaseUnavailableError

logger = logging.getLogger("dioxide.sqlalchemy")

BUSY_DETAIL: Final = "the database is busy; retry later"
UNAVAILABLE_DETAIL: Final = "the database is unavailable; retry later"
INTERNAL_DETAIL: Final = "internal server error"


def add_database_error_handlers(app: Starlette, *, close_on_error: bool = True) -> None:
    """Answer ``DatabaseUnavailableError`` with 503 and ``Retry-After``; other errors with 500 and no keep-alive.

    ``close_on_error=False`` leaves unhandled errors to the application's own handler.
    """
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
    if close_on_error:
        app.add_exception_handler(Exception, internal_error)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """503, ``Retry-After`` from the error (whole seconds, at least 1), a body without any detail of the database."""
    if not isinstance(error, DatabaseUnavailableError):
        raise error
    busy = error.busy
    logger.warning("%s %s: 503, %s", request.method, request.url.path, error)
    retry_after = max(1, math.ceil(error.retry_after))
    detail = BUSY_DETAIL if busy else UNAVAILABLE_DETAIL
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": str(retry_after)})


async def internal_error(request: Request, error: Exception) -> Response:
    """500 with ``Connection: close``: the server drops the connection after an unhandled error anyway."""
    return JSONResponse({"detail": INTERNAL_DETAIL}, status_code=500, headers={"Connection": "close"})


__all__ = ["add_database_error_handlers", "database_unavailable", "internal_error"]
