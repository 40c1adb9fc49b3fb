"""A PostgreSQL primary with one streaming replica (``scripts/pg-cluster``), and helpers to hurt it.

The cluster lives in a temporary directory on free ports of 127.0.0.1 and is destroyed at the end (a frozen node
is thawed first). ``stop``/``start`` take a node down and back; ``freeze``/``thaw`` SIGSTOP and SIGCONT its
processes, so that it accepts connections and never answers, as a hung server does.
"""

from __future__ import annotations

import asyncio
import contextvars
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import URL, make_url

from tests.app.support import ROOT, require_or_skip

T = TypeVar("T")
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"


@dataclass(frozen=True)
class Cluster:
    directory: str
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "postgres") -> URL:
        return make_url(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}")

    def run(self, command: str, *arguments: str) -> None:
        subprocess.run([str(PG_CLUSTER), command, self.directory, *arguments], check=True, timeout=60)

    def stop(self, node: str) -> None:
        self.run("stop", node)

    def start(self) -> None:
        """Start every stopped node and wait until the replica streams again."""
        self.run("start")

    def freeze(self, node: str) -> None:
        self.run("freeze", node)

    def thaw(self, node: str) -> None:
        self.run("thaw", node)

    async def on_replica(self, statement: str, database: str = "postgres") -> None:
        connection = await asyncpg.connect(host="127.0.0.1", port=self.replica_port, user="postgres", database=database)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def replica_has_database(self, database: str) -> bool:
        try:
            await self.on_replica("SELECT 1", database)
        except asyncpg.InvalidCatalogNameError:
            return False
        return True


def start_cluster() -> Iterator[Cluster]:
    directory = tempfile.mkdtemp(prefix="bank-pg-")
    try:
        result = subprocess.run(
            [str(PG_CLUSTER), "start", directory, "--replicas", "1"], capture_output=True, text=True, timeout=90
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        result = subprocess.CompletedProcess([], 1, "", str(error))
    try:
        if result.returncode != 0:
            require_or_skip(f"cannot start a PostgreSQL primary with a replica: {result.stderr.strip()[-500:]}")
        values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
        yield Cluster(directory, int(values["PRIMARY_PORT"]), int(values["REPLICA_PORTS"]))
    finally:
        subprocess.run([str(PG_CLUSTER), "destroy", directory], capture_output=True, timeout=60)


async def fresh(request: Coroutine[Any, Any, T]) -> T:
    """Run one request as a server would: in its own task, with a fresh context (no earlier write in it)."""
    return await asyncio.get_running_loop().create_task(request, context=contextvars.Context())


async def eventually(probe: Callable[[], Awaitable[bool]], what: str, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g} s: {what}")
        await asyncio.sleep(0.05)
