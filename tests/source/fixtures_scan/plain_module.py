"""A plain module, not a package: its plan is one module."""

from dioxide import service


@service
class PlainService:
    pass
