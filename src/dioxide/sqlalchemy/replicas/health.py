"""Replica health: what the checks found about each replica, and the checks themselves.

A replica is in rotation while it answers and lags at most ``max_lag``. A check connects to it, reads
``pg_is_in_recovery()`` and ``pg_last_wal_replay_lsn()``, and measures its lag against the samples of the primary's
WAL position the router takes at each round (other dialects get the connection check only). A replica that fails a
check, or a read, leaves the rotation for ``cooldown`` seconds at least, with one log line per transition.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import logging
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy.engine import URL

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.masking import mask_url, scrub, url_password
from dioxide.sqlalchemy.replicas.policy import ReplicaPolicy
from dioxide.sqlalchemy.replicas.wal import format_wal_position, parse_wal_position, primary_wal_position

logger = logging.getLogger("dioxide.sqlalchemy.replicas")

_REPLICA_STATE: Final = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8"
)


@dataclass(frozen=True, slots=True)
class ReplicaStatus:
    """One replica as the router sees it now (for health endpoints and logs; the URL is masked)."""

    url: str
    in_rotation: bool
    reachable: bool
    lag: float | None  # seconds behind the primary; None when unknown
    replay_position: str | None  # WAL position replayed, as ``pg_last_wal_replay_lsn()`` shows it
    excluded_for: float  # seconds before it may return to rotation
    error: str | None


class Replica:
    """A replica's node and what the last checks found."""

    __slots__ = (
        "announced",
        "caught_up_at",
        "error",
        "excluded_until",
        "lag",
        "node",
        "password",
        "reachable",
        "replay",
        "url",
    )

    def __init__(self, node: SQLAlchemyDatabase, url: URL) -> None:
        self.node = node
        self.url = mask_url(url)
        self.password = url_password(url)
        self.reachable = False
        self.excluded_until = 0.0
        self.lag: float | None = None
        self.replay: int | None = None
        self.caught_up_at = -math.inf  # monotonic time of the newest primary sample this replica has replayed
        self.error: str | None = None
        self.announced: Literal["in", "out"] | None = None  # what was logged last: one line per transition

    def in_rotation(self, now: float) -> bool:
        return self.reachable and now >= self.excluded_until

    def status(self, now: float) -> ReplicaStatus:
        return ReplicaStatus(
            url=self.url,
            in_rotation=self.in_rotation(now),
            reachable=self.reachable,
            lag=self.lag,
            replay_position=None if self.replay is None else format_wal_position(self.replay),
            excluded_for=max(0.0, self.excluded_until - now),
            error=self.error,
        )

    async def check(self, policy: ReplicaPolicy, samples: deque[tuple[float, int]]) -> None:
        """Connect, read the recovery state and replay position, and put the replica in or out of rotation."""
        try:
            async with asyncio.timeout(policy.check_timeout), self.node.engine.connect() as connection:
                if self.node.dialect_name == "postgresql":
                    row: tuple[Any, ...] = tuple((await connection.exec_driver_sql(_REPLICA_STATE)).one())
                    in_recovery, replayed, replay_age = bool(row[0]), row[1], row[2]
                else:
                    await connection.exec_driver_sql("SELECT 1")
                    in_recovery, replayed, replay_age = False, None, None
        except Exception as error:
            self.reachable = False
            self.exclude_after_error("unreachable", error, policy)
            return
        now = time.monotonic()
        self.reachable = True
        self.error = None
        self.replay = parse_wal_position(str(replayed)) if in_recovery and replayed else None
        self.lag = self._lag(samples, replay_age, now) if in_recovery else 0.0
        if self.lag is not None and self.lag > policy.max_lag:
            self.exclude(f"lags {self.lag:.1f} s behind the primary (max {policy.max_lag:g} s)", policy.cooldown)
        elif self.in_rotation(now) and self.announced != "in":
            self.announced = "in"
            logger.info("read replica %s is in rotation (lag %s)", self.url, _seconds(self.lag))

    def _lag(self, samples: deque[tuple[float, int]], replay_age: float | None, now: float) -> float | None:
        """Seconds since the oldest primary sample the replica has not replayed (0 when it has them all)."""
        replayed = self.replay
        if replayed is None or not samples:
            return None
        behind_since: float | None = None
        for sampled_at, position in samples:
            if position <= replayed:
                self.caught_up_at = max(self.caught_up_at, sampled_at)
            elif behind_since is None:
                behind_since = sampled_at
        if behind_since is None:
            return 0.0
        lag = now - behind_since
        if behind_since == samples[0][0] and replay_age is not None:
            lag = max(lag, replay_age)  # behind every sample: how far is unknown, the last replay time tells
        return lag

    def exclude(self, reason: str, cooldown: float) -> None:
        """Out of rotation for ``cooldown`` seconds at least; logged once per transition."""
        now = time.monotonic()
        self.excluded_until = now + cooldown
        self.error = reason
        if self.announced != "out":
            self.announced = "out"
            logger.warning(
                "read replica %s %s: out of rotation for %g s at least, reads go to other replicas or the primary",
                self.url,
                reason,
                cooldown,
            )

    def exclude_after_error(self, what: str, error: BaseException, policy: ReplicaPolicy) -> None:
        """Out of rotation because of ``error``; ``what`` says when it happened (``"refused a read"``...)."""
        self.exclude(f"{what}: {self.failure(error, policy.check_timeout)}", policy.cooldown)

    def failure(self, error: BaseException, check_timeout: float) -> str:
        """What went wrong, for the logs and ``ReplicaStatus.error``, without the replica's password."""
        cause = getattr(error, "orig", None) or error
        if isinstance(error, TimeoutError):
            return f"no answer within {check_timeout:g} s"
        return scrub(f"{type(cause).__name__}: {cause}".strip(), [self.password])


async def primary_position(primary: SQLAlchemyDatabase, check_timeout: float) -> int | None:
    """The primary's WAL position now, for the lag samples; ``None`` when not PostgreSQL or on failure."""
    if primary.dialect_name != "postgresql":
        return None
    try:
        async with asyncio.timeout(check_timeout), primary.engine.connect() as connection:
            position = await primary_wal_position(connection)
    except Exception as error:
        logger.debug("could not sample the primary's WAL position: %r", error)
        return None
    return None if position is None else parse_wal_position(position)


def prune_samples(samples: deque[tuple[float, int]], policy: ReplicaPolicy, now: float) -> None:
    """Drop the samples too old to matter for ``max_lag``, keeping the newest."""
    horizon = now - (policy.max_lag + 2 * policy.check_interval)
    while len(samples) > 1 and samples[0][0] < horizon:
        samples.popleft()


def _seconds(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f} s"
