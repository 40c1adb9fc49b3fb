from __future__ import annotations

from dioxide import service


@service
class Unrelated:
    pass
