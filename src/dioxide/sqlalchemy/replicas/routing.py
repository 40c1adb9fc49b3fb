"""The routing state a ``ReplicaRouter`` shares with its read blocks: which replicas a read may use now.

The router owns the replicas' lifecycle (open, check, close); a read block only needs to choose among them, so it
is handed this object and nothing of the router. Per context: the time of the last write through the primary,
the ``read_after()`` position, and the node the enclosing read block runs on.
"""

from __future__ import annotations

import itertools
import time
from contextvars import ContextVar
from typing import Literal

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseNotInitializedError
from dioxide.sqlalchemy.replicas.health import Replica
from dioxide.sqlalchemy.replicas.policy import ReplicaPolicy

Mode = Literal["auto", "primary", "replica"]

_ids = itertools.count(1)


class Routing:
    """One router's replicas and routing state; ``owner`` names the router in messages."""

    __slots__ = ("_after", "_rotation", "_wrote_at", "current", "owner", "policy", "primary", "replicas", "started")

    def __init__(self, owner: str, primary: SQLAlchemyDatabase, policy: ReplicaPolicy, replicas: list[Replica]) -> None:
        self.owner = owner
        self.primary = primary
        self.policy = policy
        self.replicas = replicas
        self.started = False
        suffix = f"{owner}.{next(_ids)}"  # context variables are never freed: one set per router, named apart
        self._wrote_at: ContextVar[float | None] = ContextVar(f"dioxide.replicas.wrote.{suffix}", default=None)
        self._after: ContextVar[int | None] = ContextVar(f"dioxide.replicas.after.{suffix}", default=None)
        self.current: ContextVar[SQLAlchemyDatabase | None] = ContextVar(
            f"dioxide.replicas.node.{suffix}", default=None
        )
        self._rotation = itertools.count()

    def require_started(self) -> None:
        if not self.started:
            raise DatabaseNotInitializedError(
                f"{self.owner} is not initialized: start the container (async with container) or await "
                "initialize() after the primary's"
            )

    def note_write(self) -> None:
        """A commit listener of the primary: this context's reads stay on the primary until a replica catches up."""
        self._wrote_at.set(time.monotonic())

    def read_after(self, position: int | None) -> None:
        self._after.set(position)

    def candidates(self, mode: Mode) -> list[Replica]:
        """The replicas a read block may try, in order (rotated, so that reads spread)."""
        now = time.monotonic()
        pool = [replica for replica in self.replicas if replica.in_rotation(now)]
        if mode == "auto":
            wrote_at = self._wrote_at.get()
            if wrote_at is not None:
                pool = [replica for replica in pool if replica.caught_up_at > wrote_at]
            after = self._after.get()
            if after is not None:
                pool = [replica for replica in pool if replica.replay is not None and replica.replay >= after]
        if len(pool) > 1:
            start = next(self._rotation) % len(pool)
            pool = pool[start:] + pool[:start]
        return pool

    def replica_of(self, node: SQLAlchemyDatabase | None) -> Replica | None:
        return next((replica for replica in self.replicas if replica.node is node), None)
