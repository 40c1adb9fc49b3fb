"""Running ``initialize()`` and ``dispose()``: in order, with rollback, and without losing a failure.

The same runner serves the root container (singletons) and request scopes. Its guarantees: components are
initialized one at a time in dependency order; if one fails (or the start is cancelled), everything already
initialized is disposed in reverse order before the original error propagates; ``stop()`` disposes in
reverse order, gives every component its turn even when some fail, and returns every failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from dioxide.exceptions import LifecycleError

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("dioxide")

_T = TypeVar("_T")


class LifecycleRunner:
    """The components one container (or one scope) has initialized, newest last."""

    def __init__(self) -> None:
        self.started: list[tuple[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.started)

    async def start(self, components: Iterable[tuple[str, Callable[[], Any]]]) -> None:
        """Build and initialize each component in order; on any failure, dispose what started, newest first.

        A failure may come from a constructor, an ``initialize()`` or a cancellation: in every case the
        components already initialized are disposed before the original exception propagates.
        """
        step = "starting"
        try:
            for name, build in components:
                step = f"building {name}"
                component = build()
                step = f"{name}.initialize()"
                await component.initialize()
                self.started.append((name, component))
        except BaseException as error:
            if self.started:
                error.add_note(f"dioxide: {step} failed; components started before it were disposed")
            for failure in await self.stop():
                error.add_note(f"dioxide: while rolling back, {failure!r} was raised too")
            raise

    async def stop(self) -> list[Exception]:
        """Dispose in reverse order; every component gets its turn; the failures are returned."""
        failures: list[Exception] = []
        while self.started:
            name, component = self.started.pop()
            try:
                await component.dispose()
            except Exception as error:
                logger.error("Error disposing component %s: %r", name, error, exc_info=error)
                error.add_note(f"dioxide: raised by {name}.dispose()")
                failures.append(error)
        return failures


def raise_failures(failures: list[Exception], what: str) -> None:
    if failures:
        raise LifecycleError(f"{len(failures)} component(s) failed to dispose while {what}", failures)


def report_failures(failures: list[Exception], exc: BaseException | None, what: str) -> None:
    """Raise dispose failures as a group, or, when the body already raised, attach them to its exception."""
    if exc is None:
        raise_failures(failures, what)
        return
    for failure in failures:
        exc.add_note(f"dioxide: while {what}, a dispose() also failed: {failure!r}")


def start_sync(start: Callable[[], Coroutine[Any, Any, None]], runner: asyncio.Runner | None = None) -> asyncio.Runner:
    """Run ``start`` on ``runner`` (or on a new runner, closed again if ``start`` fails); returns the runner."""
    import asyncio

    owned = runner is None
    active = runner if runner is not None else asyncio.Runner()
    try:
        run_sync(active, start)
    except BaseException:
        if owned:
            active.close()
        raise
    return active


def stop_sync(runner: asyncio.Runner, stop: Callable[[], Coroutine[Any, Any, None]], *, close: bool) -> None:
    try:
        run_sync(runner, stop)
    finally:
        if close:
            runner.close()


def run_sync(runner: asyncio.Runner, factory: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a lifecycle coroutine from synchronous code, refusing to nest inside a running loop."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return runner.run(factory())
    raise RuntimeError(
        "dioxide: the synchronous lifecycle (`with container:` / `with container.create_scope():` with "
        "@lifecycle components) cannot run inside a running event loop; use `async with` instead"
    )


__all__ = ["LifecycleRunner", "raise_failures", "report_failures", "run_sync", "start_sync", "stop_sync"]
