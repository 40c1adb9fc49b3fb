"""Every test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function, so that nothing leaks from one test to the
next. ``FakeClock`` is the plain replacement the override tests hand to ``container.override(Clock, ...)``.
"""

from __future__ import annotations

import dataclasses

from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)


@dataclasses.dataclass(frozen=True)
class FakeClock:
    """A stand-in for the tests' ``Clock`` port that tells which one it is (equal when the names are)."""

    name: str

    def now(self) -> int:
        return 0
