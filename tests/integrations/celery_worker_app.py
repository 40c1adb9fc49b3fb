"""The Celery application the test workers run (``celery -A tests.integrations.celery_worker_app worker``).

Its components record their lifecycle in the Redis list ``<prefix>:events`` as ``"<event> <worker pid> <token>"``,
so that the test, in another process, sees which scope opened and closed where. Never imported by the test
process itself: its decorated classes would enter the test's registries.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

import redis
from celery import Celery
from celery.signals import worker_ready

from dioxide import Profile, Scope, ScopedContainer, lifecycle, service
from dioxide.celery import configure_dioxide, scoped_task
from tests.integrations.celery_config import DB, HOST, PORT, PREFIX_VARIABLE, WORKER_VARIABLE, settings

PREFIX = os.environ[PREFIX_VARIABLE]
store = redis.Redis(host=HOST, port=PORT, db=DB)


def record(event: str, component: Any) -> None:
    store.rpush(f"{PREFIX}:events", f"{event} {os.getpid()} {component.token}")


@service
@lifecycle
class Pool:
    def __init__(self) -> None:
        self.token = uuid.uuid4().hex

    async def initialize(self) -> None:
        record("pool-initialize", self)

    async def dispose(self) -> None:
        record("pool-dispose", self)


@service(scope=Scope.REQUEST)
@lifecycle
class Session:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.token = uuid.uuid4().hex
        self.loop: asyncio.AbstractEventLoop | None = None

    async def initialize(self) -> None:
        self.loop = asyncio.get_running_loop()
        record("session-open", self)

    async def dispose(self) -> None:
        record("session-close", self)


app = Celery("dioxide_test")
app.conf.update(settings(PREFIX))
configure_dioxide(app, profile=Profile.TEST)


@worker_ready.connect
def announce(sender: Any = None, **_: Any) -> None:
    store.rpush(f"{PREFIX}:ready", sender.hostname)


def describe(scope: ScopedContainer) -> dict[str, Any]:
    session = scope.resolve(Session)
    assert scope.resolve(Session) is session  # shared within the task
    # not current_task.request.hostname: Celery's task context is thread-local, and async tasks run on the
    # container's lifecycle loop
    return {"session": session.token, "pid": os.getpid(), "worker": os.environ[WORKER_VARIABLE]}


@scoped_task(app, name="dioxide_test.sync")
def sync_task(scope: ScopedContainer, label: str) -> dict[str, Any]:
    return {**describe(scope), "label": label}


@scoped_task(app, name="dioxide_test.async")
async def async_task(scope: ScopedContainer, label: str) -> dict[str, Any]:
    await asyncio.sleep(0)
    same_loop = scope.resolve(Session).loop is asyncio.get_running_loop()  # the container's loop, for both
    return {**describe(scope), "label": label, "same_loop": same_loop}


@scoped_task(app, name="dioxide_test.fails")
def failing_task(scope: ScopedContainer) -> None:
    record("failing-session", scope.resolve(Session))
    raise ValueError("task failed")


@scoped_task(app, name="dioxide_test.together")
def together_task(scope: ScopedContainer, parties: int) -> dict[str, Any]:
    """Wait (10 s at most) until ``parties`` tasks are running at once, each in its own scope."""
    facts = describe(scope)
    arrived = store.incr(f"{PREFIX}:arrived")
    deadline = time.monotonic() + 10
    while int(store.get(f"{PREFIX}:arrived") or 0) < parties and time.monotonic() < deadline:
        time.sleep(0.02)
    return {**facts, "arrived": arrived, "met": int(store.get(f"{PREFIX}:arrived") or 0) >= parties}
