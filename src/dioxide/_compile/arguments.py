"""How a constructor or a provider function is called: which values go positionally, which by keyword.

Positional while the parameters allow it (a call with positional arguments is cheaper), keywords after the
first parameter left to its default; a positional-only parameter after a skipped one gets the skipped ones'
defaults passed explicitly. Shared by the generated providers and the singleton builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from dioxide._plan.edges import Edge
from dioxide._plan.hints import KEYWORD_ONLY, POSITIONAL_ONLY, Parameter

V = TypeVar("V")


def arrange(
    edges: Sequence[Edge], values: Sequence[V | None], default: Callable[[Parameter], V]
) -> tuple[list[V], list[tuple[str, V]]]:
    """The positional values and the ``(name, value)`` keywords; ``None`` values are left to their default."""
    positional: list[V] = []
    keywords: list[tuple[str, V]] = []
    skipped: list[Parameter] = []
    in_order = True
    for edge, value in zip(edges, values, strict=True):
        parameter = edge.parameter
        if parameter is None:
            continue
        if value is None:
            if parameter.kind is not KEYWORD_ONLY:
                in_order = False
                skipped.append(parameter)
            continue
        if parameter.kind is POSITIONAL_ONLY and not in_order and all(p.has_default for p in skipped):
            positional.extend(default(p) for p in skipped)
            skipped.clear()
            in_order = True
        if parameter.kind is not KEYWORD_ONLY and in_order:
            positional.append(value)
        else:
            keywords.append((parameter.name, value))
    return positional, keywords


__all__ = ["arrange"]
