"""When a replica may serve reads: ``ReplicaPolicy``, its lag limit and check timings, from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from dioxide.sqlalchemy.settings import check_seconds, parse_seconds

DB_REPLICA_MAX_LAG: Final = "DB_REPLICA_MAX_LAG"
DB_REPLICA_CHECK_INTERVAL: Final = "DB_REPLICA_CHECK_INTERVAL"
DB_REPLICA_COOLDOWN: Final = "DB_REPLICA_COOLDOWN"
DB_REPLICA_CHECK_TIMEOUT: Final = "DB_REPLICA_CHECK_TIMEOUT"


@dataclass(frozen=True, slots=True)
class ReplicaPolicy:
    """When a replica is used: at most ``max_lag`` seconds behind, checked every ``check_interval``.

    A replica that fails a check or lags too much stays out of rotation for at least ``cooldown`` seconds; a
    check (and a replica's connect) gives up after ``check_timeout``. ``from_env()`` reads
    ``DB_REPLICA_MAX_LAG`` (5), ``DB_REPLICA_CHECK_INTERVAL`` (1), ``DB_REPLICA_COOLDOWN`` (10) and
    ``DB_REPLICA_CHECK_TIMEOUT`` (2).
    """

    max_lag: float = 5.0
    check_interval: float = 1.0
    cooldown: float = 10.0
    check_timeout: float = 2.0

    def __post_init__(self) -> None:
        for name, variable in (
            ("max_lag", DB_REPLICA_MAX_LAG),
            ("check_interval", DB_REPLICA_CHECK_INTERVAL),
            ("cooldown", DB_REPLICA_COOLDOWN),
            ("check_timeout", DB_REPLICA_CHECK_TIMEOUT),
        ):
            object.__setattr__(self, name, check_seconds(getattr(self, name), variable))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReplicaPolicy:
        env = os.environ if environ is None else environ
        return cls(
            max_lag=parse_seconds(env, DB_REPLICA_MAX_LAG, 5.0),
            check_interval=parse_seconds(env, DB_REPLICA_CHECK_INTERVAL, 1.0),
            cooldown=parse_seconds(env, DB_REPLICA_COOLDOWN, 10.0),
            check_timeout=parse_seconds(env, DB_REPLICA_CHECK_TIMEOUT, 2.0),
        )
