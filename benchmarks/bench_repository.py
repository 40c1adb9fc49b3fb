"""The repository layer against the plain SQLAlchemy calls it wraps, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_repository.py [--iterations N] [--runs R] [--only sqlite|postgres]

Each case is warmed up, then times N operations per run, R runs, variants interleaved (plain, repository,
repository, plain, ...) so that drift hits both alike, and reports the best run's mean in microseconds per
operation:

* get by id, own transaction: ``repo.find_by_id(k)`` against ``async with factory.begin() as s: s.get(M, k)``
  plus ``to_domain()`` (on SQLite both begin with ``BEGIN DEFERRED``, the repository's read mode);
* get by id, in a transaction: the same inside one open transaction (session reused), distinct keys so every
  call reaches the database;
* insert, own transaction: ``repo.save(entity)`` against ``from_domain`` + ``add`` + ``flush`` + commit.

Both variants use the same engine (so the same SQLite transaction setup and PostgreSQL pool pre-ping).
PostgreSQL runs in a throw-away database on 127.0.0.1:5432, dropped at the end, with ``synchronous_commit``
off for the benchmark's connections: the wait for the disk at each commit varies by milliseconds and would
drown the microseconds measured. It is skipped when the server is unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dioxide.sqlalchemy import DatabaseSettings, SQLAlchemyDatabase, SQLAlchemyRepository, sqlite
from dioxide.sqlalchemy.testing import DEFAULT_ADMIN_URL, create_database, drop_database, postgres_reachable


@dataclass(frozen=True)
class Item:
    id: int | None
    name: str
    quantity: int


class Base(DeclarativeBase):
    pass


class ItemModel(Base):
    __tablename__ = "bench_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int]

    def to_domain(self) -> Item:
        return Item(id=self.id, name=self.name, quantity=self.quantity)

    @classmethod
    def from_domain(cls, item: Item) -> ItemModel:
        return cls(id=item.id, name=item.name, quantity=item.quantity)


class ItemRepository(SQLAlchemyRepository[Item, int]):
    model = ItemModel


class BenchDatabase(SQLAlchemyDatabase):
    def engine_options(self) -> dict[str, Any]:
        options = super().engine_options()
        if self.dialect_name == "postgresql":
            options["connect_args"] = {**options["connect_args"], "server_settings": {"synchronous_commit": "off"}}
        return options


Operation = Callable[[int], Awaitable[object]]


@dataclass
class Case:
    label: str
    plain: Operation
    repository: Operation
    transactional: bool = False  # run each timed batch inside one transaction


async def time_batch(db: SQLAlchemyDatabase, operation: Operation, start: int, count: int, in_tx: bool) -> float:
    gc.collect()
    if in_tx:
        async with db.transaction():
            began = time.perf_counter_ns()
            for key in range(start, start + count):
                await operation(key)
            return (time.perf_counter_ns() - began) / count
    began = time.perf_counter_ns()
    for key in range(start, start + count):
        await operation(key)
    return (time.perf_counter_ns() - began) / count


async def bench_backend(name: str, url: str | URL, iterations: int, runs: int) -> list[tuple[str, ...]]:
    db = BenchDatabase(DatabaseSettings(url, pool_size=2))
    await db.initialize()
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        repo = ItemRepository(db)
        factory = db.session_factory
        rows = iterations
        async with factory.begin() as session:
            session.add_all(ItemModel(name=f"item {k}", quantity=k) for k in range(1, rows + 1))

        # Like for like: on SQLite the repository reads in a BEGIN DEFERRED transaction (no write lock).
        read_options = {sqlite.BEGIN_OPTION: sqlite.DEFERRED} if db.dialect_name == "sqlite" else None

        async def plain_get(key: int) -> object:
            async with factory.begin() as session:
                if read_options:
                    await session.connection(execution_options=read_options)
                row = await session.get(ItemModel, 1 + key % rows)
                return None if row is None else row.to_domain()

        async def repo_get(key: int) -> object:
            return await repo.find_by_id(1 + key % rows)

        async def plain_get_in_tx(key: int) -> object:
            session = db.current_session()
            assert session is not None
            row = await session.get(ItemModel, 1 + key % rows)
            return None if row is None else row.to_domain()

        async def plain_insert(key: int) -> object:
            async with factory.begin() as session:
                row = ItemModel.from_domain(Item(id=None, name=f"new {key}", quantity=key))
                session.add(row)
                await session.flush()
                return row.to_domain()

        async def repo_insert(key: int) -> object:
            return await repo.save(Item(id=None, name=f"new {key}", quantity=key))

        cases = [
            Case("get by id (own transaction)", plain_get, repo_get),
            Case("get by id (inside a transaction)", plain_get_in_tx, repo_get, transactional=True),
            Case("insert (own transaction)", plain_insert, repo_insert),
        ]
        table: list[tuple[str, ...]] = []
        for case in cases:
            for operation in (case.plain, case.repository):  # warm up: pool, prepared statements, caches
                await time_batch(db, operation, 0, min(iterations, 200), case.transactional)
            best = {"plain": float("inf"), "repository": float("inf")}
            for run in range(runs):
                for variant in ("plain", "repository") if run % 2 == 0 else ("repository", "plain"):
                    operation = case.plain if variant == "plain" else case.repository
                    # keys rotate so that, inside a transaction, each call misses the identity map
                    mean = await time_batch(db, operation, run * iterations, iterations, case.transactional)
                    best[variant] = min(best[variant], mean)
            plain_us, repo_us = best["plain"] / 1000, best["repository"] / 1000
            overhead = (repo_us - plain_us) / plain_us * 100
            table.append((name, case.label, f"{plain_us:.1f}", f"{repo_us:.1f}", f"{overhead:+.1f}%"))
            print(f"  {name}: {case.label}: plain {plain_us:.1f} µs, repository {repo_us:.1f} µs", file=sys.stderr)
        return table
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    table: list[tuple[str, ...]] = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            table += await bench_backend("SQLite", url, args.iterations, args.runs)
    if args.only in (None, "postgres"):
        if await postgres_reachable(DEFAULT_ADMIN_URL):
            pg_url = await create_database(DEFAULT_ADMIN_URL, prefix="dioxide_bench_")
            try:
                table += await bench_backend("PostgreSQL", pg_url, args.iterations, args.runs)
            finally:
                await drop_database(pg_url, make_url(DEFAULT_ADMIN_URL))
        else:
            print("PostgreSQL is not reachable on 127.0.0.1:5432: skipped", file=sys.stderr)
    header = ("backend", "operation", "plain SQLAlchemy (µs/op)", "repository (µs/op)", "overhead")
    print(f"\n{args.iterations} operations per run, best of {args.runs} runs\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    asyncio.run(main())
