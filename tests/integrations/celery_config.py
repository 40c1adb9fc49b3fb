"""Where the Celery tests meet their workers: Redis on 127.0.0.1:6379, database 13, every key under a prefix of
its own (``DIOXIDE_CELERY_PREFIX``), so that concurrent runs of the suite on this machine never share a queue."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest

HOST, PORT, DB = "127.0.0.1", 6379, 13
URL = f"redis://{HOST}:{PORT}/{DB}"
PREFIX_VARIABLE = "DIOXIDE_CELERY_PREFIX"
WORKER_VARIABLE = "DIOXIDE_CELERY_WORKER"  # the worker's name, inherited by its forked children


def settings(prefix: str) -> dict[str, Any]:
    """The Celery configuration of the workers and of the test's client, for one run."""
    keys = {"global_keyprefix": f"{prefix}:"}
    return {
        "broker_url": URL,
        "result_backend": URL,
        "broker_transport_options": keys,
        "result_backend_transport_options": keys,
        "task_default_queue": prefix,
        "task_acks_late": True,  # with prefetch 1: a worker holds no more tasks than it has threads
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
    }


def redis_or_skip() -> None:
    """Skip without a Redis server, or fail when ``DIOXIDE_REQUIRE_POSTGRES=1`` (CI) requires the services."""
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return
    except OSError:
        pass
    message = f"Redis is not reachable on {HOST}:{PORT}"
    if os.environ.get("DIOXIDE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message}, and DIOXIDE_REQUIRE_POSTGRES=1 requires it (run scripts/ensure-services)")
    pytest.skip(message)
