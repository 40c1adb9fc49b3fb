"""Read replicas on a real PostgreSQL primary with two streaming replicas (scripts/pg-cluster).

Which server answered is ``inet_server_port()``. Writes made "elsewhere" run in a fresh asyncio context, as
another request would, so that read-your-writes does not route the test's own reads to the primary; reads
that must not inherit the test's context run in a fresh context too.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from dioxide import Container, Profile, adapter
from dioxide.sqlalchemy import (
    DatabaseConfigError,
    DatabaseSettings,
    FakeDatabase,
    MirrorReadDatabase,
    ReadDatabase,
    ReplicaRouter,
    SQLAlchemyDatabase,
    WriteDatabase,
)
from dioxide.sqlalchemy.errors import ReadOnlyTransactionError, TransactionError
from dioxide.sqlalchemy.replicas import ReplicaPolicy, format_wal_position, parse_wal_position
from tests.database.app_example.domain import User
from tests.database.app_example.fakes import FakeUserRepository
from tests.database.backends import run_in_thread
from tests.database.conftest import PgCluster

T = TypeVar("T")
DATABASE = "dioxide_replicas"
FAST = ReplicaPolicy(max_lag=0.5, check_interval=0.1, cooldown=0.5, check_timeout=1.0)
SECRET = "r3plica-secret"


@pytest.fixture(scope="module")
def cluster(pg_cluster: PgCluster) -> PgCluster:
    """The session's cluster with this module's database and table, replicated to both replicas."""

    async def create() -> None:
        admin = await asyncpg.connect(host="127.0.0.1", port=pg_cluster.primary_port, user="postgres")
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            await admin.close()
        app = await asyncpg.connect(host="127.0.0.1", port=pg_cluster.primary_port, user="postgres", database=DATABASE)
        try:
            await app.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        finally:
            await app.close()
        for port in pg_cluster.replica_ports:
            await _until(lambda port=port: _replica_has_notes(port), 15)

    run_in_thread(create)
    return pg_cluster


@pytest.fixture(autouse=True)
def healthy(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every PostgreSQL test starts and ends with every node running and replaying."""
    if "cluster" not in request.fixturenames:
        yield
        return
    cluster: PgCluster = request.getfixturevalue("cluster")
    cluster.start()
    run_in_thread(lambda: set_replay(cluster, paused=False))
    yield
    cluster.start()
    run_in_thread(lambda: set_replay(cluster, paused=False))


async def _replica_has_notes(port: int) -> bool:
    try:
        connection = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database=DATABASE)
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        return bool(await connection.fetchval("SELECT to_regclass('notes') IS NOT NULL"))
    finally:
        await connection.close()


async def set_replay(cluster: PgCluster, *, paused: bool, ports: tuple[int, ...] | None = None) -> None:
    for port in cluster.replica_ports if ports is None else ports:
        connection = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
        try:
            await connection.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
        finally:
            await connection.close()


async def _until(check: Callable[[], Awaitable[bool]], within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {within} s: {check}")
        await asyncio.sleep(0.05)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    await _until(check, within)


def fresh(make: Callable[[], Awaitable[T]]) -> Awaitable[T]:
    """Run ``make()`` as another request would: in a task with an empty context."""

    async def run() -> T:
        return await make()

    return asyncio.create_task(run(), context=contextvars.Context())


def url(cluster: PgCluster, port: int) -> URL:
    return cluster.url(port, DATABASE)


@asynccontextmanager
async def router_for(
    cluster: PgCluster,
    replica_ports: list[int] | None = None,
    policy: ReplicaPolicy = FAST,
    *,
    extra: tuple[str, ...] = (),
) -> AsyncIterator[tuple[SQLAlchemyDatabase, ReplicaRouter]]:
    ports = list(cluster.replica_ports) if replica_ports is None else replica_ports
    replicas: list[str | URL] = [url(cluster, port) for port in ports]
    replicas += extra
    primary = SQLAlchemyDatabase(
        DatabaseSettings(url(cluster, cluster.primary_port), replica_urls=replicas, connect_timeout=2)
    )
    await primary.initialize()
    router = ReplicaRouter(primary, policy)
    try:
        await router.initialize()
        yield primary, router
    finally:
        await router.dispose()
        await primary.dispose()


async def write_note(primary: SQLAlchemyDatabase, body: str) -> None:
    async def write() -> None:
        async with primary.transaction() as session:
            await session.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})

    await fresh(write)


async def served(session: Any, body: str) -> tuple[int, int]:
    """(the port of the server that answered, how many notes with ``body`` it has)."""
    port = (await session.execute(text("SELECT inet_server_port()"))).scalar()
    count = (await session.execute(text("SELECT count(*) FROM notes WHERE body = :body"), {"body": body})).scalar()
    return int(port), int(count)


async def read_here(reads: ReplicaRouter, body: str, how: str = "reading") -> tuple[int, int]:
    async with getattr(reads, how)() as session:
        return await served(session, body)


async def read_elsewhere(reads: ReplicaRouter, body: str, how: str = "reading") -> tuple[int, int]:
    return await fresh(lambda: read_here(reads, body, how))


def unique() -> str:
    return uuid.uuid4().hex


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DescribeRouting:
    async def it_reads_from_the_replicas_which_see_the_primarys_writes(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (primary, reads):
            body = unique()
            await write_note(primary, body)

            async def both_replicas_serve_it() -> bool:
                answers = [await read_elsewhere(reads, body) for _ in range(6)]
                return {port for port, _ in answers} == set(cluster.replica_ports) and all(
                    count == 1 for _, count in answers
                )

            await eventually(both_replicas_serve_it)
            assert [status.in_rotation for status in reads.replica_status()] == [True, True]

    async def it_joins_the_transaction_of_the_primary(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (primary, reads):
            body = unique()
            async with primary.transaction() as session:
                await session.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
                async with reads.reading() as read_session:
                    assert read_session is session
                    assert await served(read_session, body) == (cluster.primary_port, 1)  # not committed yet

    async def it_joins_the_current_read_block(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (_, reads), reads.reading() as outer:
            async with reads.reading() as inner:
                assert inner is outer
                assert (await served(inner, "x"))[0] in cluster.replica_ports

    async def it_honours_an_explicit_primary_or_replica(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (primary, reads):
            assert (await read_elsewhere(reads, "x", "primary"))[0] == cluster.primary_port
            async with primary.transaction() as session:
                await session.execute(text("INSERT INTO notes (body) VALUES ('explicit')"))
            assert (await read_here(reads, "x", "reading"))[0] == cluster.primary_port  # read-your-writes
            assert (await read_here(reads, "x", "replica"))[0] in cluster.replica_ports  # stale is accepted

    async def it_refuses_writes_on_every_path(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (_, reads):
            for how in ("reading", "primary"):
                with pytest.raises(ReadOnlyTransactionError):
                    async with getattr(reads, how)() as session:
                        await session.execute(text("INSERT INTO notes (body) VALUES ('no')"))


class DescribeReadYourWrites:
    async def it_reads_its_writes_while_replay_is_paused(self, cluster: PgCluster) -> None:
        patient = ReplicaPolicy(max_lag=60, check_interval=0.1, cooldown=0.5, check_timeout=1.0)
        async with router_for(cluster, policy=patient) as (primary, reads):
            await set_replay(cluster, paused=True)
            body = unique()
            async with primary.transaction() as session:
                await session.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
            assert await read_here(reads, body) == (cluster.primary_port, 1)  # same context: the primary
            stale_port, stale_count = await read_elsewhere(reads, body)  # another request: a replica, behind
            assert (stale_port in cluster.replica_ports, stale_count) == (True, 0)

            token = await reads.write_token()
            assert token is not None
            assert format_wal_position(parse_wal_position(token)) == token

            async def after_token() -> tuple[int, int]:
                reads.read_after(token)
                return await read_here(reads, body)

            assert await fresh(after_token) == (cluster.primary_port, 1)  # no replica has replayed it

            await set_replay(cluster, paused=False)

            async def token_read_on_a_replica() -> bool:
                port, count = await fresh(after_token)
                return port in cluster.replica_ports and count == 1

            async def own_read_back_on_a_replica() -> bool:
                port, count = await read_here(reads, body)
                return port in cluster.replica_ports and count == 1

            await eventually(token_read_on_a_replica)
            await eventually(own_read_back_on_a_replica)  # once a replica has replayed past the write

    async def it_refuses_a_token_taken_inside_a_transaction(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (primary, reads), primary.transaction():
            with pytest.raises(TransactionError, match="after the commit"):
                await reads.write_token()


class DescribeHealth:
    async def it_takes_lagging_replicas_out_of_rotation_and_back(self, cluster: PgCluster) -> None:
        first, second = cluster.replica_ports
        async with router_for(cluster) as (primary, reads):
            await set_replay(cluster, paused=True, ports=(first,))
            body = unique()
            await write_note(primary, body)

            async def only_the_second_serves() -> bool:
                statuses = reads.replica_status()
                answers = [await read_elsewhere(reads, body) for _ in range(4)]
                return (
                    not statuses[0].in_rotation
                    and (statuses[0].lag or 0) > FAST.max_lag
                    and all(answer == (second, 1) for answer in answers)
                )

            await eventually(only_the_second_serves)
            assert "lags" in (reads.replica_status()[0].error or "")

            await set_replay(cluster, paused=True, ports=(second,))
            later = unique()
            await write_note(primary, later)

            async def the_primary_serves() -> bool:
                answers = [await read_elsewhere(reads, later) for _ in range(4)]
                return all(answer == (cluster.primary_port, 1) for answer in answers)

            await eventually(the_primary_serves)
            assert not any(status.in_rotation for status in reads.replica_status())

            await set_replay(cluster, paused=False)

            async def both_replicas_serve_again() -> bool:
                answers = [await read_elsewhere(reads, later) for _ in range(6)]
                return {port for port, _ in answers} == {first, second} and all(count == 1 for _, count in answers)

            await eventually(both_replicas_serve_again)

    async def it_falls_back_when_replicas_stop_and_returns_to_them(
        self, cluster: PgCluster, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The monitor sleeps through this test: the reads themselves find the dead replicas."""
        caplog.set_level(logging.WARNING, logger="dioxide.sqlalchemy.replicas")
        sleepy = ReplicaPolicy(max_lag=5, check_interval=3600, cooldown=0.5, check_timeout=1.0)
        second = cluster.replica_ports[1]
        async with router_for(cluster, policy=sleepy) as (primary, reads):
            body = unique()
            await write_note(primary, body)
            await eventually(lambda: _all_replicas_serve(reads, cluster, body))

            cluster.stop("replica1")
            answers = [await read_elsewhere(reads, body) for _ in range(20)]  # no read fails
            assert {port for port, _ in answers} == {second}
            assert all(count == 1 for _, count in answers)
            status = reads.replica_status()[0]
            assert not status.in_rotation
            assert "refused a read" in (status.error or "")

            cluster.stop("replica2")
            answers = [await read_elsewhere(reads, body) for _ in range(10)]
            assert answers == [(cluster.primary_port, 1)] * 10
            assert caplog.text.count("refused a read") == 2  # one line per replica, not one per read

            cluster.start()

            async def back_after_a_check() -> bool:
                await reads.check_replicas()
                return await _all_replicas_serve(reads, cluster, body)

            await eventually(back_after_a_check)

    async def it_reruns_a_read_on_the_primary_when_its_replica_fails_midway(self, cluster: PgCluster) -> None:
        async with router_for(cluster) as (_, reads):
            ports: list[int] = []

            async def work(session: Any) -> int:
                port = int((await session.execute(text("SELECT inet_server_port()"))).scalar())
                ports.append(port)
                if port != cluster.primary_port:  # the replica's connection dies during the read
                    await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
                return port

            assert await fresh(lambda: reads.read(work)) == cluster.primary_port
            assert ports[0] in cluster.replica_ports
            failed = reads.replica_status()[cluster.replica_ports.index(ports[0])]
            assert not failed.in_rotation

    async def it_starts_and_serves_with_a_dead_replica_among_several(
        self, cluster: PgCluster, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        dead = f"postgresql+asyncpg://postgres:{SECRET}@127.0.0.1:{closed_port()}/{DATABASE}"
        first = cluster.replica_ports[0]
        async with router_for(cluster, [first], extra=(dead,)) as (primary, reads):
            alive, gone = reads.replica_status()
            assert (alive.in_rotation, gone.in_rotation, gone.reachable) == (True, False, False)
            assert "unreachable" in (gone.error or "")
            body = unique()
            await write_note(primary, body)
            await eventually(lambda: _serves(reads, body, {first}))
            answers = [await read_elsewhere(reads, body) for _ in range(20)]
            assert answers == [(first, 1)] * 20
            assert "***" in gone.url
            assert SECRET not in repr(reads.replica_status()) + repr(reads)
        assert SECRET not in caplog.text
        assert "out of rotation" in caplog.text


async def _serves(reads: ReplicaRouter, body: str, ports: set[int]) -> bool:
    answers = [await read_elsewhere(reads, body) for _ in range(4)]
    return all(port in ports and count == 1 for port, count in answers)


async def _all_replicas_serve(reads: ReplicaRouter, cluster: PgCluster, body: str) -> bool:
    answers = [await read_elsewhere(reads, body) for _ in range(6)]
    return {port for port, _ in answers} == set(cluster.replica_ports) and all(count == 1 for _, count in answers)


class DescribeMirror:
    async def it_reads_from_the_primary_without_replicas(self, tmp_path: Path) -> None:
        primary = SQLAlchemyDatabase(DatabaseSettings(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"))
        await primary.initialize()
        reads = ReplicaRouter(primary, FAST)
        await reads.initialize()
        try:
            async with primary.transaction() as session:
                await session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
                await session.execute(text("INSERT INTO notes (body) VALUES ('one')"))
            async with reads.reading() as session:
                assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar() == 1
            with pytest.raises(ReadOnlyTransactionError):
                async with reads.reading() as session:
                    await session.execute(text("INSERT INTO notes (body) VALUES ('two')"))
            assert await reads.write_token() is None
            assert await reads.read(lambda s: _count(s)) == 1
        finally:
            await reads.dispose()
            await primary.dispose()

    async def it_mirrors_a_fake_database_in_tests(self) -> None:
        db = FakeDatabase()
        users = FakeUserRepository(db)
        reads = MirrorReadDatabase(db)
        await users.save(User(id=None, email="a@example.com", name="A"))
        async with reads.reading():
            assert await users.count() == 1
        with pytest.raises(ReadOnlyTransactionError):
            async with reads.reading():
                await users.save(User(id=None, email="b@example.com", name="B"))
        async with db.transaction(), reads.reading():  # inside a write transaction: joins it
            await users.save(User(id=None, email="c@example.com", name="C"))
        assert await users.count() == 2
        assert await reads.write_token() is None

    async def it_needs_a_sql_primary(self) -> None:
        with pytest.raises(TypeError, match="MirrorReadDatabase"):
            ReplicaRouter(FakeDatabase(), FAST)


async def _count(session: Any) -> int:
    return int((await session.execute(text("SELECT count(*) FROM notes"))).scalar())


class DescribeContainer:
    async def it_wires_write_and_read_ports_per_profile(self, cluster: PgCluster, clean_registry: None) -> None:
        @adapter.for_(WriteDatabase, profile=Profile.PRODUCTION)
        class Primary(SQLAlchemyDatabase):
            pass

        @adapter.for_(ReadDatabase, profile=Profile.PRODUCTION)
        class Reads(ReplicaRouter):
            pass

        @adapter.for_(WriteDatabase, profile=Profile.TEST)
        class TestPrimary(FakeDatabase):
            pass

        @adapter.for_(ReadDatabase, profile=Profile.TEST)
        class TestReads(MirrorReadDatabase):
            pass

        container = Container()
        container.register_instance(
            DatabaseSettings,
            DatabaseSettings(url(cluster, cluster.primary_port), replica_urls=[url(cluster, cluster.replica_ports[0])]),
        )
        container.register_instance(ReplicaPolicy, FAST)
        container.scan(profile=Profile.PRODUCTION)
        async with container:
            reads = container.resolve(ReadDatabase)
            assert isinstance(reads, Reads)
            assert reads.primary_database is container.resolve(WriteDatabase)
            assert reads.policy is FAST
            assert (await read_elsewhere(reads, "x"))[0] == cluster.replica_ports[0]
        assert reads._monitor_task is None  # disposed with the container

        async with Container(profile=Profile.TEST) as test_container:
            test_reads = test_container.resolve(ReadDatabase)
            assert isinstance(test_reads, TestReads)
            assert test_reads.db is test_container.resolve(WriteDatabase)


class DescribeSettings:
    def it_reads_the_policy_from_the_environment(self) -> None:
        policy = ReplicaPolicy.from_env(
            {
                "DB_REPLICA_MAX_LAG": "2.5",
                "DB_REPLICA_CHECK_INTERVAL": "0.5",
                "DB_REPLICA_COOLDOWN": "30",
                "DB_REPLICA_CHECK_TIMEOUT": "1",
            }
        )
        assert policy == ReplicaPolicy(max_lag=2.5, check_interval=0.5, cooldown=30, check_timeout=1)
        assert ReplicaPolicy.from_env({}) == ReplicaPolicy()

    @pytest.mark.parametrize(
        ("variable", "value", "expected"),
        [
            ("DB_REPLICA_MAX_LAG", "lots", "DB_REPLICA_MAX_LAG must be a number of seconds, got 'lots'"),
            ("DB_REPLICA_COOLDOWN", "-1", "DB_REPLICA_COOLDOWN must be a positive number of seconds"),
        ],
    )
    def it_names_a_bad_variable(self, variable: str, value: str, expected: str) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            ReplicaPolicy.from_env({variable: value})
        assert expected in str(caught.value)
        assert caught.value.variable == variable

    def it_checks_wal_position_tokens(self) -> None:
        assert parse_wal_position("16/B374D848") == (0x16 << 32) | 0xB374D848
        assert format_wal_position(parse_wal_position("0/3000060")) == "0/3000060"
        for bad in ("", "16", "x/1", "1/2/3", "0/" + "F" * 9):
            with pytest.raises(ValueError, match="not a WAL position token"):
                parse_wal_position(bad)
        MirrorReadDatabase(FakeDatabase()).read_after(None)
        with pytest.raises(ValueError):
            MirrorReadDatabase(FakeDatabase()).read_after("garbage")
