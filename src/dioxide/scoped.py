"""Request scopes (``ScopedContainer``), as ``dioxide.scoped`` exposed them."""

from __future__ import annotations

from dioxide._run.scope import ScopedContainer

__all__ = ["ScopedContainer"]
