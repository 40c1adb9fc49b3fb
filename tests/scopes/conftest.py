"""Every test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function, so that nothing leaks from one test to the
next; ``request_lifecycle`` declares the one component several tests share the shape of.
"""

from __future__ import annotations

from dioxide import Scope, lifecycle, service
from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)


def request_lifecycle(events: list[str]) -> type:
    """A REQUEST-scoped @lifecycle ``Session`` recording ``"init"`` and ``"dispose"`` in ``events``."""

    @service(scope=Scope.REQUEST)
    @lifecycle
    class Session:
        async def initialize(self) -> None:
            events.append("init")

        async def dispose(self) -> None:
            events.append("dispose")

    return Session
