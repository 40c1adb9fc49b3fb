"""Types shared by the public signatures."""

from __future__ import annotations

from typing import TypeAlias, TypeVar, final

T = TypeVar("T")


@final
class AnyPort:
    """Never passed: its only role is to make ``ComponentType`` a union (see there)."""


ComponentType: TypeAlias = "type[T] | AnyPort"
"""What ``resolve`` and the registration methods accept: a class, including a Protocol or an ABC.

A plain ``type[T]`` makes mypy reject abstract classes ("Only concrete class can be given", type-abstract), and
ports are abstract by nature; mypy makes that check only where the parameter is exactly ``type[T]``, so a union
with a class nobody passes lets ports through, while ``T`` is still inferred from the class alone (a value or a
factory of another type is then an error, as it should be).
"""

__all__ = ["AnyPort", "ComponentType", "T"]
