"""Pages of entities: offset pages for screens, keyset pages for walking a large table.

Keyset ("seek") pagination asks for the rows *after* the last one seen, ordered by a column and the primary
key: each page costs the same however deep, and rows inserted meanwhile neither repeat nor vanish, which
offset pagination cannot promise. The order column must be NOT NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

E = TypeVar("E")

Cursor: TypeAlias = tuple[Any, ...]
"""Where the next page starts: ``(id,)`` or ``(order value, id)``; pass ``page.next_cursor`` as ``after=``."""


@dataclass(frozen=True, slots=True)
class Page(Generic[E]):
    """One page of a keyset walk: its ``items`` and the cursor of the next page (``None`` after the last)."""

    items: list[E]
    next_cursor: Cursor | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive whole number, got {limit!r}")
    return limit


def check_offset(offset: int) -> int:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be a whole number >= 0, got {offset!r}")
    return offset


__all__ = ["Cursor", "Page"]
