"""The classes every scenario resolves (standard library only).

A takes a B in its constructor and B takes a C: plain classes with typed ``__init__``. Each scenario
asks for a fresh set, so that no framework's registry or cache leaks from one scenario into the next.
The hints are real class objects (this module does not use ``from __future__ import annotations``),
so frameworks that read them with ``typing.get_type_hints`` find classes defined inside a function.
"""

from typing import Any


def make_chain() -> tuple[type[Any], type[Any], type[Any]]:
    """Return fresh classes ``(A, B, C)`` with ``A(b: B)`` and ``B(c: C)``."""

    class C:
        def __init__(self) -> None:
            self.ready = True

    class B:
        def __init__(self, c: C) -> None:
            self.c = c

    class A:
        def __init__(self, b: B) -> None:
            self.b = b

    return A, B, C


def _extra_init(self) -> None:  # type: ignore[no-untyped-def]  # no hint on self: some frameworks read them all
    self.ready = True


def make_extra_classes(count: int = 1000) -> list[type[Any]]:
    """Return ``count`` unrelated classes made with ``type()``, to fill a container's registry."""
    return [type(f"Extra{i:04d}", (), {"__init__": _extra_init, "__module__": __name__}) for i in range(count)]
