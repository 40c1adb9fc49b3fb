"""Imported first by every module that needs Starlette (FastAPI's foundation)."""

from dioxide._extras import require

require("starlette", "Starlette (FastAPI)", "fastapi")
