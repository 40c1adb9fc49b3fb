"""Re-exports the main port, as real packages often do."""

from .ports import Repository

__all__ = ["Repository"]
