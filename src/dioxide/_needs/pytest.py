"""Imported first by every module that needs pytest."""

from dioxide._extras import require

require("pytest", "pytest", "testing")
