"""Imported first by every module that needs SQLAlchemy."""

from dioxide._extras import require

require("sqlalchemy", "SQLAlchemy", "sqlalchemy")
