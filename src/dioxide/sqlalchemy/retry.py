"""Retry a whole transaction when the database aborts it to stay consistent (serialization, deadlock).

Under ``SERIALIZABLE`` or ``REPEATABLE READ`` isolation, PostgreSQL aborts one of two conflicting transactions
(SQLSTATE 40001), and any isolation level can end in a deadlock (40P01); the remedy is to run the transaction
again. Retrying is only correct around the *outermost* transaction: inside one, the work already done is lost
with it, so the helpers run the function once and let the error reach the outer level.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, Protocol, TypeVar, overload

from dioxide.sqlalchemy.errors import TransactionConflictError
from dioxide.sqlalchemy.transactions import in_any_transaction

P = ParamSpec("P")
T = TypeVar("T")
H_co = TypeVar("H_co", covariant=True)

logger = logging.getLogger("dioxide.sqlalchemy")


class _Transactional(Protocol[H_co]):
    def transaction(
        self, *, savepoint: bool = ..., isolation_level: str | None = ..., read_only: bool = ...
    ) -> Any: ...


def is_retryable(error: BaseException) -> bool:
    """Whether ``error`` (or an error it was raised from) is a transaction conflict worth a retry."""
    from dioxide.sqlalchemy.error_mapping import is_conflict

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TransactionConflictError) or is_conflict(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def backoff_delay(attempt: int, base_delay: float, max_delay: float) -> float:
    """Exponential backoff with jitter: a random delay in [d/2, d], d = base * 2**(attempt-1), capped."""
    ceiling = min(max_delay, base_delay * (2 ** (attempt - 1)))
    return random.uniform(ceiling / 2, ceiling)


@overload
def retry_on_conflict(
    function: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[T]]: ...


@overload
def retry_on_conflict(
    function: None = None, *, attempts: int = 5, base_delay: float = 0.01, max_delay: float = 0.5
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]: ...


def retry_on_conflict(
    function: Callable[P, Awaitable[T]] | None = None,
    *,
    attempts: int = 5,
    base_delay: float = 0.01,
    max_delay: float = 0.5,
) -> Any:
    """Decorate an async function that opens its own transaction: rerun it on a conflict, ``attempts`` times.

    Between attempts it sleeps with jittered exponential backoff. Called while a transaction is already active
    in the context it runs once (the outer transaction is the one to retry). After the last attempt the last
    error propagates, with a note saying how many attempts were made.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")

    def decorate(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            if in_any_transaction():
                return await func(*args, **kwargs)
            attempt = 1
            while True:
                try:
                    return await func(*args, **kwargs)
                except Exception as error:
                    if not is_retryable(error):
                        raise
                    if attempt >= attempts:
                        error.add_note(f"gave up after {attempts} attempts (transaction conflicts)")
                        raise
                    delay = backoff_delay(attempt, base_delay, max_delay)
                    logger.info(
                        "transaction conflict in %s (attempt %d of %d), retrying in %.3f s: %s",
                        getattr(func, "__qualname__", func),
                        attempt,
                        attempts,
                        delay,
                        type(error).__name__,
                    )
                    await asyncio.sleep(delay)
                    attempt += 1

        return wrapper

    if function is not None:
        return decorate(function)
    return decorate


async def run_in_transaction(
    db: _Transactional[Any],
    work: Callable[[Any], Awaitable[T]],
    *,
    attempts: int = 5,
    isolation_level: str | None = None,
    read_only: bool = False,
    base_delay: float = 0.01,
    max_delay: float = 0.5,
) -> T:
    """Run ``work(session)`` in a transaction of ``db``, retried as a whole on conflicts (see above)."""

    async def once() -> T:
        async with db.transaction(isolation_level=isolation_level, read_only=read_only) as handle:
            return await work(handle)

    retrying = retry_on_conflict(attempts=attempts, base_delay=base_delay, max_delay=max_delay)
    return await retrying(once)()


__all__ = ["backoff_delay", "is_retryable", "retry_on_conflict", "run_in_transaction"]
