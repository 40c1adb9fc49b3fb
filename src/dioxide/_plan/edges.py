"""Edges: how one binding gets each of its dependencies, decided once per plan."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum

from dioxide._plan.hints import Parameter


class Mode(Enum):
    BIND = "bind"  # resolve the target key
    NONE = "none"  # optional and not registered: pass None
    DEFAULT = "default"  # not injected: the parameter's default applies
    EMPTY = "empty"  # a multi-binding with no members: pass []
    MISSING = "missing"  # required and not registered
    UNREADABLE = "unreadable"  # the annotation could not be evaluated and there is no default
    UNINJECTABLE = "uninjectable"  # required, and of a kind dioxide never injects (a str, a Union, ...)


@dataclass(frozen=True, slots=True)
class Edge:
    parameter: Parameter | None
    mode: Mode
    target: Hashable | None = None


__all__ = ["Edge", "Mode"]
