"""Transaction scopes that travel with the asyncio context: join, savepoint, rollback-only.

One model, shared by ``SQLAlchemyDatabase`` and ``FakeDatabase`` so that the fake cannot drift:

* ``async with db.transaction():`` with no transaction active begins one (the *root*), commits it when the
  block ends normally and rolls it back when the block raises.
* Inside an active transaction, ``transaction()`` *joins* it: no new transaction, the same session. The
  current scope lives in a ``ContextVar``, so the repositories a service calls all share its transaction
  without passing sessions around.
* ``savepoint()`` (or ``transaction(savepoint=True)``) opens a savepoint inside the current transaction, or a
  root transaction when none is active. A failure inside it rolls back to the savepoint only.
* When a joined block fails and the caller swallows the error, the enclosing transaction (or savepoint) is
  marked *rollback-only*: its end rolls back and raises ``RollbackOnlyError`` instead of committing half-done
  work.
* A transaction belongs to the task that began it. A task started inside it inherits the context variable, but
  using the transaction from there raises ``TransactionError``: a session is not safe for concurrent use.

This module has no SQLAlchemy dependency; backends implement the four hooks of ``TransactionManager``.
"""

from __future__ import annotations

import abc
import asyncio
import itertools
import logging
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Final, Generic, TypeVar

from dioxide.sqlalchemy.errors import RollbackOnlyError, TransactionError

H = TypeVar("H")

logger = logging.getLogger("dioxide.sqlalchemy")

ISOLATION_LEVELS: Final = ("READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE")

_open_roots: ContextVar[int] = ContextVar("dioxide.sqlalchemy.open_transactions", default=0)
_manager_ids = itertools.count(1)


def normalize_isolation_level(level: str | None) -> str | None:
    """``"repeatable_read"`` -> ``"REPEATABLE READ"``; unknown names raise ``ValueError`` listing the valid ones."""
    if level is None:
        return None
    name = " ".join(level.replace("_", " ").upper().split())
    if name not in ISOLATION_LEVELS:
        raise ValueError(f"unknown isolation level {level!r}; use one of {', '.join(ISOLATION_LEVELS)}")
    return name


def in_any_transaction() -> bool:
    """Whether this context is inside a transaction of any database (retry helpers must not retry then)."""
    return _open_roots.get() > 0


class Scope(Generic[H]):
    """One real transaction or savepoint: what joined blocks share and mark rollback-only."""

    __slots__ = (
        "closed",
        "failure",
        "handle",
        "isolation_level",
        "marker",
        "parent",
        "read_only",
        "rollback_only",
        "task",
    )

    def __init__(
        self,
        handle: H,
        parent: Scope[H] | None,
        task: asyncio.Task[object] | None,
        isolation_level: str | None,
        read_only: bool,
        marker: object = None,
    ) -> None:
        self.handle = handle
        self.parent = parent
        self.task = task
        self.isolation_level = isolation_level
        self.read_only = read_only
        self.marker = marker  # the backend's savepoint object; None for a root transaction
        self.rollback_only = False
        self.failure: BaseException | None = None
        self.closed = False

    def mark_rollback_only(self, failure: BaseException) -> None:
        self.rollback_only = True
        if self.failure is None:
            self.failure = failure


class TransactionManager(abc.ABC, Generic[H]):
    """The transaction API (``transaction``, ``savepoint``, ``in_transaction``) over four backend hooks."""

    def __init__(self) -> None:
        self._scope_var: ContextVar[Scope[H] | None] = ContextVar(
            f"dioxide.sqlalchemy.transaction.{type(self).__name__}.{next(_manager_ids)}", default=None
        )

    def transaction(
        self, *, savepoint: bool = False, isolation_level: str | None = None, read_only: bool = False
    ) -> TransactionBlock[H]:
        """A block that begins a transaction, or joins the active one (a savepoint with ``savepoint=True``).

        ``isolation_level`` (``"READ COMMITTED"``, ``"REPEATABLE READ"``, ``"SERIALIZABLE"``...) and
        ``read_only`` apply when the block begins the transaction; joining a transaction that runs at another
        isolation level raises ``TransactionError``.
        """
        return TransactionBlock(self, savepoint, normalize_isolation_level(isolation_level), read_only, False)

    def savepoint(self) -> TransactionBlock[H]:
        """A savepoint inside the active transaction (a new transaction when none is active)."""
        return TransactionBlock(self, True, None, False, False)

    def in_transaction(self) -> bool:
        """Whether the current task is inside a transaction of this database."""
        return self._owned_scope() is not None

    def is_rollback_only(self) -> bool:
        """Whether the current transaction (or savepoint) will roll back instead of committing."""
        scope = self._owned_scope()
        return scope is not None and scope.rollback_only

    def _owned_scope(self) -> Scope[H] | None:
        scope = self._scope_var.get()
        if scope is None or scope.closed or scope.task is not asyncio.current_task():
            return None
        return scope

    @abc.abstractmethod
    async def _begin(self, isolation_level: str | None, read_only: bool, deferred: bool) -> H:
        """Begin a root transaction and return its handle (``deferred``: a read path that takes no write lock)."""

    @abc.abstractmethod
    async def _end(self, handle: H, commit: bool) -> None:
        """Commit or roll back a root transaction and release its resources, also when that fails."""

    @abc.abstractmethod
    async def _begin_savepoint(self, handle: H) -> object:
        """Open a savepoint in the transaction of ``handle``; return what ``_end_savepoint`` needs."""

    @abc.abstractmethod
    async def _end_savepoint(self, handle: H, marker: object, commit: bool) -> None:
        """Release (``commit``) or roll back to the savepoint."""

    async def _discard(self, handle: H, error: BaseException) -> None:
        """End a root transaction that ``error`` interrupted; backends may drop a connection it left unusable."""
        await self._end(handle, False)

    def _translate(self, error: BaseException) -> BaseException | None:
        """The domain error for a driver error leaving a block, or ``None`` to let it through unchanged."""
        return None


class TransactionBlock(Generic[H]):
    """The async context manager behind ``transaction()``, ``savepoint()`` and ``reading()``; use it once."""

    __slots__ = (
        "_deferred",
        "_depth_token",
        "_isolation_level",
        "_joined",
        "_manager",
        "_read_only",
        "_savepoint",
        "_scope",
        "_token",
    )

    def __init__(
        self,
        manager: TransactionManager[H],
        savepoint: bool,
        isolation_level: str | None,
        read_only: bool,
        deferred: bool,
    ) -> None:
        self._manager = manager
        self._savepoint = savepoint
        self._isolation_level = isolation_level
        self._read_only = read_only
        self._deferred = deferred
        self._scope: Scope[H] | None = None
        self._joined = False
        self._token: Token[Scope[H] | None] | None = None
        self._depth_token: Token[int] | None = None

    async def __aenter__(self) -> H:
        if self._scope is not None:
            raise TransactionError("a transaction block can be entered only once; call transaction() again")
        manager = self._manager
        current = manager._scope_var.get()
        task = asyncio.current_task()
        if current is not None and not current.closed:
            if current.task is not task:
                raise TransactionError(
                    f"the current transaction belongs to task {_task_name(current.task)}, not to "
                    f"{_task_name(task)}: a task started inside a transaction cannot use it (a session is not "
                    "safe for concurrent use). Await the work in the owning task (for a time limit use "
                    "asyncio.timeout(), not wait_for(), which runs it in a new task before Python 3.12), or "
                    "start the task with a fresh context (asyncio.create_task(..., "
                    "context=contextvars.Context())) so that it opens its own transaction"
                )
            if not self._savepoint:
                self._check_join(current)
                self._scope = current
                self._joined = True
                return current.handle
            marker = await manager._begin_savepoint(current.handle)
            scope = Scope(current.handle, current, task, current.isolation_level, current.read_only, marker)
        else:
            try:
                handle = await manager._begin(self._isolation_level, self._read_only, self._deferred)
            except Exception as error:
                self._raise_translated(error)
                raise
            scope = Scope(handle, None, task, self._isolation_level, self._read_only)
            self._depth_token = _open_roots.set(_open_roots.get() + 1)
        self._scope = scope
        self._token = manager._scope_var.set(scope)
        return scope.handle

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        scope = self._scope
        if scope is None:
            return
        if self._joined:
            if exc is not None:
                scope.mark_rollback_only(exc)
                self._raise_translated(exc)
            return
        self._restore_context(scope)
        scope.closed = True
        if exc is None:
            await self._finish_normally(scope)
            return
        try:
            if scope.parent is None:
                await self._manager._discard(scope.handle, exc)
            else:
                await self._finish(scope, commit=False)
        except BaseException as cleanup_error:
            if scope.parent is not None:
                scope.parent.mark_rollback_only(cleanup_error)
            logger.warning("rolling back after %s failed too: %r", type(exc).__name__, cleanup_error)
            if isinstance(exc, Exception):
                exc.add_note(f"rolling back also failed: {cleanup_error!r}")
        self._raise_translated(exc)
        return

    async def _finish_normally(self, scope: Scope[H]) -> None:
        if scope.rollback_only:
            await self._finish(scope, commit=False)
            failure = scope.failure
            what = "savepoint" if scope.parent is not None else "transaction"
            raise RollbackOnlyError(
                f"the {what} was rolled back, not committed: a block inside it failed with "
                f"{type(failure).__name__}: {failure} and the error was swallowed. Let the error propagate, "
                "or wrap the work whose failure you handle in db.savepoint()"
            ) from failure
        try:
            await self._finish(scope, commit=True)
        except BaseException as error:
            if scope.parent is not None:
                scope.parent.mark_rollback_only(error)
            self._raise_translated(error)
            raise

    async def _finish(self, scope: Scope[H], *, commit: bool) -> None:
        if scope.parent is None:
            await self._manager._end(scope.handle, commit)
        else:
            await self._manager._end_savepoint(scope.handle, scope.marker, commit)

    def _check_join(self, current: Scope[H]) -> None:
        wanted = self._isolation_level
        if wanted is not None and wanted != current.isolation_level:
            running = current.isolation_level or "the database's default level"
            raise TransactionError(
                f"cannot run this block at isolation level {wanted}: it joins the current transaction, which "
                f"runs at {running}. Choose the isolation level where the outermost transaction begins"
            )

    def _restore_context(self, scope: Scope[H]) -> None:
        var = self._manager._scope_var
        if self._token is not None:
            try:
                var.reset(self._token)
            except (ValueError, RuntimeError):  # exited in another context than the one that entered
                var.set(scope.parent)
        if self._depth_token is not None:
            try:
                _open_roots.reset(self._depth_token)
            except (ValueError, RuntimeError):
                _open_roots.set(max(0, _open_roots.get() - 1))

    def _raise_translated(self, error: BaseException) -> None:
        if isinstance(error, Exception):
            translated = self._manager._translate(error)
            if translated is not None:
                raise translated from error


def _task_name(task: asyncio.Task[object] | None) -> str:
    return repr(task.get_name()) if task is not None else "<no task>"


__all__ = [
    "ISOLATION_LEVELS",
    "Scope",
    "TransactionBlock",
    "TransactionManager",
    "in_any_transaction",
    "normalize_isolation_level",
]
