"""A package with one service, for ``configure_dioxide(packages=...)``."""

from __future__ import annotations

from dioxide import service


@service
class OnlyHere:
    pass
