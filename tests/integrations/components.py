"""A singleton `Pool` and a REQUEST-scoped `Session` (which gets the pool), both `@lifecycle`, recording their
lifecycle, for the integration tests of every framework."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from dioxide import Scope, lifecycle, service


@dataclass
class Components:
    Pool: Any
    Session: Any
    pool_events: list[str] = field(default_factory=list)
    opened: list[Any] = field(default_factory=list)
    closed: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, into: list[Any], item: Any) -> None:
        with self.lock:
            into.append(item)


@pytest.fixture
def components() -> Components:
    recorded = Components(Pool=None, Session=None)

    @service
    @lifecycle
    class Pool:
        async def initialize(self) -> None:
            recorded.record(recorded.pool_events, "initialize")

        async def dispose(self) -> None:
            recorded.record(recorded.pool_events, "dispose")

    @service(scope=Scope.REQUEST)
    @lifecycle
    class Session:
        def __init__(self, pool: Pool) -> None:
            self.pool = pool
            self.open = False
            self.loop: asyncio.AbstractEventLoop | None = None

        async def initialize(self) -> None:
            self.open = True
            self.loop = asyncio.get_running_loop()
            recorded.record(recorded.opened, self)

        async def dispose(self) -> None:
            self.open = False
            recorded.record(recorded.closed, self)

    recorded.Pool, recorded.Session = Pool, Session
    return recorded
