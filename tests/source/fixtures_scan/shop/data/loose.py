"""In a directory without ``__init__.py``: not part of the package walk."""

from dioxide import service


@service
class NotWalked:
    pass
