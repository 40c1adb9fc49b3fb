"""Running ``initialize()`` and ``dispose()``: in order, with rollback, and without losing a failure.

The same runner serves the root container (singletons) and request scopes. Its guarantees: components are
initialized one at a time in dependency order; if one fails (or the start is cancelled), everything already
initialized is disposed in reverse order before the original error propagates; ``stop()`` disposes in
reverse order, gives every component its turn even when some fail or hang, and returns every failure.

What a failure then does is the container's dispose policy: by default it is logged and stopping returns
normally (as in dioxide 2.x, where shutdown must not fail because a cleanup did); strict containers raise
them together. A failing body of ``async with`` keeps its own exception, with the failures as notes.
"""

from __future__ import annotations

import inspect
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from dataclasses import dataclass
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from dioxide.exceptions import LifecycleError

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("dioxide")

_T = TypeVar("_T")

DEFAULT_DISPOSE_TIMEOUT: Final = 30.0


@dataclass(frozen=True, slots=True)
class DisposePolicy:
    """What stopping does with a ``dispose()`` that fails or hangs; one per container, shared by its scopes.

    ``timeout``: seconds one ``dispose()`` may take before it is cancelled, logged and counted as failed (None:
    wait forever). ``raise_errors``: raise the failures as a ``LifecycleError`` instead of only logging them.
    """

    timeout: float | None = DEFAULT_DISPOSE_TIMEOUT
    raise_errors: bool = False

    def __post_init__(self) -> None:
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError(f"dispose_timeout must be a positive number of seconds or None, got {self.timeout!r}")


class LifecycleRunner:
    """The components one container (or one scope) has initialized, newest last."""

    def __init__(self, dispose_timeout: float | None = DEFAULT_DISPOSE_TIMEOUT) -> None:
        self.started: list[tuple[str, Any]] = []
        self.dispose_timeout = dispose_timeout

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
                if inspect.iscoroutine(component):  # an async provider: built by awaiting it
                    await component
                    continue
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
        """Dispose in reverse order; every component gets its turn, even after one hangs; failures are returned.

        The timeout is armed only for a ``dispose()`` that suspends: arming a timer costs microseconds per
        component on every scope exit, and most ``dispose()`` calls return without ever waiting. So each
        coroutine is stepped once here, and only one still waiting on something is awaited under the timer.
        """
        failures: list[Exception] = []
        timed = self.dispose_timeout is not None
        while self.started:
            name, component = self.started.pop()
            awaitable = component.dispose()
            if timed and type(awaitable) is CoroutineType:  # what `async def dispose` returns
                try:
                    waiting = awaitable.send(None)
                except StopIteration:
                    continue
                except Exception as error:
                    failures.append(_logged(name, error))
                    continue
                awaitable = _Rest(awaitable, waiting)
            failure = await self._finish(name, awaitable)
            if failure is not None:
                failures.append(failure)
        return failures

    async def _finish(self, name: str, awaitable: Awaitable[Any]) -> Exception | None:
        """Await (the rest of) one ``dispose()``, under the timeout if there is one."""
        timeout = self.dispose_timeout
        if timeout is None:
            try:
                await awaitable
            except Exception as error:
                return _logged(name, error)
            return None
        import asyncio

        deadline = asyncio.timeout(timeout)
        try:
            async with deadline:
                await awaitable
        except Exception as error:
            if not deadline.expired():
                return _logged(name, error)
            stuck = TimeoutError(f"{name}.dispose() did not return within {timeout:g} s; it was cancelled")
            logger.error("dispose() of %s did not return within %g s: cancelled, moving on", name, timeout)
            stuck.add_note(f"dioxide: raised by {name}.dispose()")
            return stuck
        return None


class _Rest:
    """The rest of a coroutine already stepped to its first suspension, to be awaited once (``yield from``).

    What the coroutine yields goes to the task running us, and what the task sends or throws (a result, a
    cancellation) goes back to the coroutine, exactly as if it were awaited from the start.
    """

    __slots__ = ("_coroutine", "_waiting")

    def __init__(self, coroutine: Coroutine[Any, Any, Any], waiting: Any) -> None:
        self._coroutine = coroutine
        self._waiting = waiting

    def __await__(self) -> Generator[Any, Any, Any]:
        coroutine, waiting = self._coroutine, self._waiting
        while True:
            try:
                sent = yield waiting
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as thrown:  # a cancellation, most often: the coroutine handles it
                try:
                    waiting = coroutine.throw(thrown)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                waiting = coroutine.send(sent)
            except StopIteration as stop:
                return stop.value


def _logged(name: str, error: Exception) -> Exception:
    logger.error("Error disposing component %s: %r", name, error, exc_info=error)
    error.add_note(f"dioxide: raised by {name}.dispose()")
    return error


def raise_failures(failures: list[Exception], what: str) -> None:
    if failures:
        raise LifecycleError(f"{len(failures)} component(s) failed to dispose while {what}", failures)


def report_failures(failures: list[Exception], exc: BaseException | None, what: str, *, raise_errors: bool) -> None:
    """After the failures were logged: notes on the body's exception if it raised, else the group if strict."""
    if exc is None:
        if raise_errors:
            raise_failures(failures, what)
        return
    for failure in failures:
        exc.add_note(f"dioxide: while {what}, a dispose() also failed: {failure!r}")


class SyncBridge:
    """One long-lived event loop per container, in a daemon thread, for the synchronous lifecycle.

    ``with container:`` and ``with scope:`` run their async ``initialize()``/``dispose()`` here, through
    ``asyncio.run_coroutine_threadsafe``: so they work whether or not a loop is running in the calling
    thread, and from many threads at once (each call is one task on the same loop, where the container's
    singletons were initialized). The thread starts on first need and stops with ``close()``, when the
    container stops, when the bridge is garbage collected, or at interpreter exit. A process forked from
    one whose bridge was running (a pre-forking server or worker pool) starts its own loop on first need.
    """

    __slots__ = ("__weakref__", "_finalizer", "_lock", "_loop", "_thread")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def run(self, factory: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Run the coroutine ``factory()`` makes on the bridge's loop and wait for its result.

        If the caller is interrupted while waiting, the coroutine is cancelled (its rollback still runs).
        """
        import asyncio

        loop = self._running_loop()
        future = asyncio.run_coroutine_threadsafe(factory(), loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            loop, thread = self._loop, self._thread
            if loop is None or thread is None or not thread.is_alive():  # not alive: in a forked child
                if self._finalizer is not None:
                    self._finalizer.detach()  # the parent's loop: its wake-up pipe is the parent's too
                loop, thread = self._loop, self._thread = _start_loop_thread()
                # also runs at interpreter exit, after atexit handlers registered later (an integration's)
                self._finalizer = weakref.finalize(self, _stop_loop_thread, loop, thread)
        if threading.current_thread() is thread:
            raise RuntimeError(_REENTRANT)
        return loop

    def close(self) -> None:
        """Stop the loop and its thread (a later ``run()`` starts new ones); waits a bounded time."""
        with self._lock:
            if self._thread is threading.current_thread():
                raise RuntimeError(_REENTRANT)
            finalizer, self._finalizer = self._finalizer, None
            self._loop = self._thread = None
        if finalizer is not None:
            finalizer()


_REENTRANT = (
    "dioxide: the synchronous lifecycle (`with container:` / `with container.create_scope():` with "
    "@lifecycle components) was called from the container's own lifecycle loop (for example from an "
    "initialize() or dispose()); it would wait for itself forever: use `async with` there instead"
)
_STOP_TIMEOUT = 10.0


def _start_loop_thread() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    import asyncio

    ready = threading.Event()
    box: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        with asyncio.Runner() as runner:  # on exit: remaining tasks cancelled, async generators closed
            box.append(runner.get_loop())
            ready.set()
            runner.get_loop().run_forever()

    thread = threading.Thread(target=serve, name="dioxide-lifecycle", daemon=True)
    thread.start()
    ready.wait()
    return box[0], thread


def _stop_loop_thread(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    if not loop.is_closed():
        try:
            loop.call_soon_threadsafe(loop.stop)
        except RuntimeError:  # closed in between
            pass
    if thread is not threading.current_thread():
        thread.join(_STOP_TIMEOUT)


__all__ = [
    "DEFAULT_DISPOSE_TIMEOUT",
    "DisposePolicy",
    "LifecycleRunner",
    "SyncBridge",
    "raise_failures",
    "report_failures",
]
