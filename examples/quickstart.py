"""A port, a production adapter, a fake, a service: the seed's style in one file.

Run it with ``.venv/bin/python examples/quickstart.py`` (``PROFILE=test`` for the fake): the PROFILE
environment variable picks the adapter; the service does not change. ``make run`` starts the reference
application (examples/app) instead.
"""

from __future__ import annotations

import asyncio
import os
from typing import Protocol

from dioxide import Container, Profile, adapter, lifecycle, service


class GreetingStore(Protocol):
    """Port: where greetings are kept."""

    async def save(self, text: str) -> int: ...

    async def count(self) -> int: ...


@adapter.for_(GreetingStore, profile=[Profile.PRODUCTION, Profile.DEVELOPMENT])
@lifecycle
class FileGreetingStore:
    """Production adapter: appends greetings to a file, opened at startup and closed at shutdown."""

    def __init__(self) -> None:
        self.path = os.environ.get("GREETINGS_FILE", "greetings.txt")
        self.lines = 0

    async def initialize(self) -> None:
        self.lines = await asyncio.to_thread(self._count_lines)
        print(f"[store] opened {self.path} ({self.lines} greetings so far)")

    async def dispose(self) -> None:
        print(f"[store] closed {self.path}")

    async def save(self, text: str) -> int:
        await asyncio.to_thread(self._append, text)
        self.lines += 1
        return self.lines

    def _count_lines(self) -> int:
        if not os.path.exists(self.path):
            return 0
        with open(self.path, encoding="utf-8") as handle:
            return sum(1 for _ in handle)

    def _append(self, text: str) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")

    async def count(self) -> int:
        return self.lines


@adapter.for_(GreetingStore, profile=Profile.TEST)
class FakeGreetingStore:
    """Fake: keeps greetings in memory, for tests."""

    def __init__(self) -> None:
        self.saved: list[str] = []

    async def save(self, text: str) -> int:
        self.saved.append(text)
        return len(self.saved)

    async def count(self) -> int:
        return len(self.saved)


@service
class Greeter:
    """Core logic: depends on the port, never on an adapter."""

    def __init__(self, store: GreetingStore) -> None:
        self.store = store

    async def greet(self, name: str) -> str:
        number = await self.store.save(f"Hello, {name}!")
        return f"Hello, {name}! (greeting #{number})"


async def main() -> None:
    profile = Profile(os.environ.get("PROFILE", "development"))
    async with Container(profile=profile) as container:
        greeter = container.resolve(Greeter)
        print(f"profile={profile!r} store={type(greeter.store).__name__}")
        for name in ("Ada", "Grace"):
            print(await greeter.greet(name))


if __name__ == "__main__":
    asyncio.run(main())
