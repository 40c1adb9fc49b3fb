"""Types shared by the public signatures."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeVar

T = TypeVar("T")

ComponentType: TypeAlias = "type[T] | Callable[..., T]"
"""What ``resolve`` accepts: a class, including a Protocol or an ABC (ports are abstract by nature).

A plain ``type[T]`` makes mypy reject abstract classes ("Only concrete class can be given", type-abstract);
the ``Callable`` arm lets ports through while still inferring ``T`` from the class.
"""

__all__ = ["ComponentType", "T"]
