"""The server's entry point: ``uvicorn --factory examples.app.main:build_app`` (what ``make run`` starts).

A factory rather than a module-level ``app``, so that importing the package (dioxide's scan does) builds no
application and configures no logging.
"""

import logging
import os

from fastapi import FastAPI

from examples.app.api import create_app


def build_app() -> FastAPI:
    """Log the application's own messages (database ready, migrations...) next to uvicorn's, then build it."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(), format="%(levelname)s:     %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # dioxide logs what the migrations did, in one line
    return create_app()
