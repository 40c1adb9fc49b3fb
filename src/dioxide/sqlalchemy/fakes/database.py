"""``FakeDatabase``: an in-memory ``DatabasePort`` whose transactions behave like PostgreSQL's.

It runs on the same transaction core as ``SQLAlchemyDatabase`` (join, savepoints, rollback-only, one owner
task), and its isolation model mirrors PostgreSQL's default, READ COMMITTED with row locks:

* **Writes are private until commit** (copy-on-write): the first write of a transaction to a table copies that
  table's committed rows; commit publishes the copies, rollback drops them. Stored entities are never mutated
  in place (repositories store and return deep copies), so a copied dict is a complete snapshot.
* **Writers are serialised** by one database-wide lock, taken at a transaction's first write or
  ``for_update`` read (at begin for ``REPEATABLE READ``/``SERIALIZABLE``) and held until it ends. Unique and
  foreign-key checks therefore see every committed row, as the real constraints do, and a transfer that reads
  ``for_update`` cannot lose an update.
* **Reads never wait**: they see committed data plus the transaction's own writes.

A task that holds the lock and waits for another task that needs it would wait forever; after
``lock_timeout`` seconds the waiter gets a ``TransactionError`` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

from dioxide.sqlalchemy.errors import ReadOnlyTransactionError, TransactionError
from dioxide.sqlalchemy.transactions import TransactionBlock, TransactionManager

_LOCK_AT_BEGIN = frozenset({"REPEATABLE READ", "SERIALIZABLE"})


class FakeTable:
    """One table of the fake: committed rows by key, the key sequence and the constraints to enforce."""

    __slots__ = ("id_field", "name", "next_id", "references", "rows", "unique")

    def __init__(
        self,
        name: str,
        *,
        id_field: str,
        unique: tuple[tuple[str | None, tuple[str, ...]], ...],
        references: Mapping[str, str],
    ) -> None:
        self.name = name
        self.id_field = id_field
        self.unique = unique
        self.references = dict(references)
        self.rows: dict[Any, Any] = {}
        self.next_id = 1

    def same_shape(self, other: FakeTable) -> bool:
        return (self.id_field, self.unique, self.references) == (other.id_field, other.unique, other.references)


class FakeTransaction:
    """The handle a fake transaction yields (a ``Session``): its private copies of the tables it wrote.

    ``commit()`` publishes the copies and ``rollback()`` drops them, as on an ``AsyncSession``; a transaction
    block does that itself when it ends, so code rarely calls them.
    """

    __slots__ = ("_db", "_locked", "_working", "read_only")

    def __init__(self, db: FakeDatabase, read_only: bool) -> None:
        self._db = db
        self._working: dict[str, dict[Any, Any]] = {}
        self._locked = False
        self.read_only = read_only

    async def commit(self) -> None:
        self._finish(True)

    async def rollback(self) -> None:
        self._finish(False)

    async def close(self) -> None:
        """Roll back what was not committed; the handle can still be used, as a closed ``AsyncSession`` can."""
        self._finish(False)

    def in_transaction(self) -> bool:
        return self._locked or bool(self._working)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    def rows(self, table: FakeTable) -> Mapping[Any, Any]:
        """The rows this transaction sees: its own copy if it wrote the table, else the committed rows."""
        working = self._working.get(table.name)
        return table.rows if working is None else working

    async def write_rows(self, table: FakeTable) -> dict[Any, Any]:
        """The transaction's private copy of ``table``, taking the write lock first."""
        if self.read_only:
            raise ReadOnlyTransactionError("cannot write inside a read-only transaction")
        await self.lock()
        working = self._working.get(table.name)
        if working is None:
            working = self._working[table.name] = dict(table.rows)
        return working

    async def lock(self) -> None:
        """Take the database's write lock (once) until this transaction ends, like ``SELECT ... FOR UPDATE``."""
        if not self._locked:
            await self._db._acquire()
            self._locked = True

    def _snapshot(self) -> dict[str, dict[Any, Any]]:
        return {name: dict(rows) for name, rows in self._working.items()}

    def _restore(self, snapshot: dict[str, dict[Any, Any]]) -> None:
        self._working = snapshot

    def _finish(self, commit: bool) -> None:
        if commit:
            for name, rows in self._working.items():
                self._db.tables[name].rows = rows
        self._working = {}
        if self._locked:
            self._locked = False
            self._db._release()


class FakeDatabase(TransactionManager[FakeTransaction]):
    """A ``DatabasePort`` for tests: real transaction semantics, no SQL.

    Register it for ``DatabasePort`` in the test profile and give the fake repositories the same instance (the
    container injects it into their ``db`` parameter).
    """

    def __init__(self, *, lock_timeout: float = 10.0) -> None:
        super().__init__()
        self.lock_timeout = lock_timeout
        self.tables: dict[str, FakeTable] = {}
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._holder: asyncio.Task[Any] | None = None
        self.query_listeners: list[Callable[[str], None]] = []

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(table.rows)}" for name, table in self.tables.items())
        return f"FakeDatabase({sizes})"

    async def initialize(self) -> None:
        """Nothing to open: present so the fake can stand in for a lifecycle adapter."""

    async def dispose(self) -> None:
        """Nothing to close."""

    async def get_session(self) -> FakeTransaction:
        """A transaction of the caller's own, outside the context's: ``commit()`` publishes its writes.

        Fake repositories do not see it (they use the context's transaction); it is there so that the fake is a
        complete ``DatabasePort``.
        """
        return FakeTransaction(self, read_only=False)

    def reading(self) -> TransactionBlock[FakeTransaction]:
        """For reads: joins the active transaction, else a short one (reads take no lock anyway)."""
        return TransactionBlock(self, False, None, False, True)

    def current_session(self) -> None:
        """The fake has no SQL session (for symmetry with ``SQLAlchemyDatabase``)."""
        return

    def note_query(self, statement: str) -> None:
        """Called by fake repositories once per operation (``"find_by_id users"``), as a database sees a statement.

        ``dioxide.sqlalchemy.testing.count_queries(fake)`` listens, so that N+1 patterns show on the fake too.
        """
        for listener in self.query_listeners:
            listener(statement)

    def table(
        self,
        name: str,
        *,
        id_field: str = "id",
        unique: tuple[tuple[str | None, tuple[str, ...]], ...] = (),
        references: Mapping[str, str] | None = None,
    ) -> FakeTable:
        """The table called ``name``, created on first use; later uses must declare the same constraints."""
        wanted = FakeTable(name, id_field=id_field, unique=unique, references=references or {})
        existing = self.tables.setdefault(name, wanted)
        if existing is not wanted and not existing.same_shape(wanted):
            raise ValueError(f"fake table {name!r} is already declared with other key or constraints")
        return existing

    def clear(self) -> None:
        """Empty every table and restart the key sequences (between tests)."""
        self.ensure_idle("clear()")
        for table in self.tables.values():
            table.rows = {}
            table.next_id = 1

    def ensure_idle(self, what: str) -> None:
        """Refuse direct data changes (``seed``, ``clear``) while a transaction holds the write lock."""
        if self._holder is not None:
            raise TransactionError(f"{what} while a transaction of task {self._holder.get_name()!r} is writing")

    async def _acquire(self) -> None:
        lock = self._loop_lock()
        try:
            async with asyncio.timeout(self.lock_timeout):
                await lock.acquire()
        except TimeoutError:
            holder = self._holder.get_name() if self._holder is not None else "?"
            raise TransactionError(
                f"FakeDatabase: waited {self.lock_timeout:g} s for the write lock held by task {holder!r}. "
                "The fake serialises writing transactions; a task that waits, inside a transaction, for "
                "another task that writes would deadlock"
            ) from None
        self._holder = asyncio.current_task()

    def _release(self) -> None:
        self._holder = None
        if self._lock is not None and self._lock.locked():
            self._lock.release()

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop, self._holder = asyncio.Lock(), loop, None
        return self._lock

    async def _begin(self, isolation_level: str | None, read_only: bool, deferred: bool) -> FakeTransaction:
        transaction = FakeTransaction(self, read_only)
        if isolation_level in _LOCK_AT_BEGIN and not read_only:
            await transaction.lock()
        return transaction

    async def _end(self, handle: FakeTransaction, commit: bool) -> None:
        handle._finish(commit)

    async def _begin_savepoint(self, handle: FakeTransaction) -> object:
        return handle._snapshot()

    async def _end_savepoint(self, handle: FakeTransaction, marker: object, commit: bool) -> None:
        if not commit:
            assert isinstance(marker, dict)
            handle._restore(marker)


__all__ = ["FakeDatabase", "FakeTable", "FakeTransaction"]
