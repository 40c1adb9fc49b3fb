"""Generator providers: the value is what they yield; the code after the ``yield`` runs when their scope ends.

The generated providers call ``enter``/``enter_async`` with the generator a provider function returned: it is
advanced to its ``yield``, and a cleanup is recorded with the owner of the scope (the container for a singleton,
the request scope for a REQUEST component). The cleanup is an object with an async ``dispose()``, so the
lifecycle runner disposes generator providers and ``@lifecycle`` components in one reverse order. The code after
the ``yield`` runs even when the scope ends with an exception: the generator is resumed, not thrown into.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, Final

Track = Callable[[str, Any], None]

SCOPE_CLEANUPS: Final = "dioxide.cleanups"
"""The key of a request scope's list of cleanups, in the scope's dict (no component is keyed by a string)."""


class GeneratorCleanup:
    """Runs the code after the ``yield`` of a generator provider."""

    __slots__ = ("generator", "name")

    def __init__(self, name: str, generator: Generator[Any, Any, Any]) -> None:
        self.name = name
        self.generator = generator

    async def dispose(self) -> None:
        try:
            next(self.generator)
        except StopIteration:
            return
        self.generator.close()
        raise RuntimeError(f"the generator provider {self.name} yielded more than once; it must yield one value")


class AsyncGeneratorCleanup:
    """Runs the code after the ``yield`` of an async generator provider."""

    __slots__ = ("generator", "name")

    def __init__(self, name: str, generator: AsyncGenerator[Any, Any]) -> None:
        self.name = name
        self.generator = generator

    async def dispose(self) -> None:
        try:
            await anext(self.generator)
        except StopAsyncIteration:
            return
        await self.generator.aclose()
        raise RuntimeError(f"the generator provider {self.name} yielded more than once; it must yield one value")


def _first(name: str, generator: Generator[Any, Any, Any]) -> Any:
    try:
        return next(generator)
    except StopIteration:
        raise RuntimeError(f"the generator provider {name} returned without yielding a value") from None


async def _first_async(name: str, generator: AsyncGenerator[Any, Any]) -> Any:
    try:
        return await anext(generator)
    except StopAsyncIteration:
        raise RuntimeError(f"the generator provider {name} returned without yielding a value") from None


def entering(track: Track) -> Callable[[Generator[Any, Any, Any], str], Any]:
    """``enter(generator, name)`` for the container's singletons: their cleanups go to ``track``."""

    def enter(generator: Generator[Any, Any, Any], name: str) -> Any:
        value = _first(name, generator)
        track(name, GeneratorCleanup(name, generator))
        return value

    return enter


def entering_async(track: Track) -> Callable[[AsyncGenerator[Any, Any], str], Any]:
    async def enter_async(generator: AsyncGenerator[Any, Any], name: str) -> Any:
        value = await _first_async(name, generator)
        track(name, AsyncGeneratorCleanup(name, generator))
        return value

    return enter_async


def enter_in(generator: Generator[Any, Any, Any], name: str, scope: dict[Any, Any]) -> Any:
    """``enter`` for a REQUEST component: its cleanup goes to the scope's list, run when the scope closes."""
    value = _first(name, generator)
    scope.setdefault(SCOPE_CLEANUPS, []).append((name, GeneratorCleanup(name, generator)))
    return value


async def enter_async_in(generator: AsyncGenerator[Any, Any], name: str, scope: dict[Any, Any]) -> Any:
    value = await _first_async(name, generator)
    scope.setdefault(SCOPE_CLEANUPS, []).append((name, AsyncGeneratorCleanup(name, generator)))
    return value


__all__ = [
    "SCOPE_CLEANUPS",
    "AsyncGeneratorCleanup",
    "GeneratorCleanup",
    "Track",
    "enter_async_in",
    "enter_in",
    "entering",
    "entering_async",
]
