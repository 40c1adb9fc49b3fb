"""Lifetimes of the instances a container builds."""

from __future__ import annotations

from enum import Enum


class Scope(str, Enum):
    """How long an instance lives.

    - ``SINGLETON``: one instance per container, built on first use.
    - ``FACTORY``: a new instance on every resolution.
    - ``REQUEST``: one instance per scope (``container.create_scope()``); resolving it from the root
      container raises ``ScopeError``.
    """

    SINGLETON = "singleton"
    FACTORY = "factory"
    REQUEST = "request"


__all__ = ["Scope"]
