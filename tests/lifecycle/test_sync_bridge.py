"""The synchronous lifecycle (`with container:`, `with scope:`) runs on one long-lived loop per container: it works
when a loop is already running in the calling thread and from many threads at once, refuses (instead of
deadlocking) to be called from that loop's own thread, and stops its thread when the container stops, when the
container is garbage collected, and at interpreter exit."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from types import FrameType

import pytest

from dioxide import Container, Profile, Scope, lifecycle, service

REENTRANT = (
    "dioxide: the synchronous lifecycle (`with container:` / `with container.create_scope():` with "
    "@lifecycle components) was called from the container's own lifecycle loop (for example from an "
    "initialize() or dispose()); it would wait for itself forever: use `async with` there instead"
)


Event = tuple[str, asyncio.AbstractEventLoop, threading.Thread]


def _recording(scope: Scope, events: list[Event]) -> type:
    """A ``@lifecycle`` component of ``scope`` recording the loop and the thread of its initialize() and dispose()."""

    @service(scope=scope)
    @lifecycle
    class Recorded:
        async def initialize(self) -> None:
            events.append(("initialize", asyncio.get_running_loop(), threading.current_thread()))

        async def dispose(self) -> None:
            events.append(("dispose", asyncio.get_running_loop(), threading.current_thread()))

    return Recorded


class DescribeManyThreads:
    def it_gives_each_of_many_concurrent_scopes_its_own_initialized_component(self) -> None:
        threads = 8
        started = threading.Barrier(threads, timeout=10)
        events: list[tuple[str, int]] = []
        lock = threading.Lock()

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            async def initialize(self) -> None:
                await asyncio.sleep(0.01)  # keeps several scopes opening at the same time
                with lock:
                    events.append(("init", id(self)))

            async def dispose(self) -> None:
                await asyncio.sleep(0.01)
                with lock:
                    events.append(("dispose", id(self)))

        def request(container: Container) -> int:
            started.wait()
            with container.create_scope() as scope:
                session = scope.resolve(Session)
                assert scope.resolve(Session) is session
                assert ("init", id(session)) in events
                return id(session)

        with Container(profile=Profile.TEST) as container, ThreadPoolExecutor(threads) as pool:
            sessions = list(pool.map(request, [container] * threads, timeout=30))
        assert len(set(sessions)) == threads
        assert sorted(events) == sorted([("init", s) for s in sessions] + [("dispose", s) for s in sessions])

    def it_starts_the_container_once_when_threads_enter_it_together(self) -> None:
        threads = 8
        started = threading.Barrier(threads, timeout=10)
        initialized: list[int] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                await asyncio.sleep(0.01)
                initialized.append(id(self))

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)

        def enter() -> None:
            started.wait()
            container.__enter__()

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _: enter(), range(threads), timeout=30))
        container.__exit__(None, None, None)
        assert initialized == [id(container.resolve(Pool))]


class DescribeReentrance:
    def it_raises_instead_of_deadlocking_when_called_from_its_own_loop(self) -> None:
        _recording(Scope.REQUEST, [])

        @service
        @lifecycle
        class Warmup:
            def __init__(self) -> None:
                self.container: Container | None = None

            async def initialize(self) -> None:
                assert self.container is not None
                with self.container.create_scope():  # a sync scope on the loop that runs this initialize()
                    pass

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        container.resolve(Warmup).container = container
        with pytest.raises(RuntimeError) as caught:
            with container:
                pass
        assert str(caught.value) == REENTRANT
        assert not container.started


class DescribeLoopThread:
    async def it_runs_on_a_loop_thread_of_its_own_even_inside_a_running_loop_and_stops_it(self) -> None:
        events: list[Event] = []
        Pool = _recording(Scope.SINGLETON, events)

        with Container(profile=Profile.TEST) as container:
            assert container.resolve(Pool) is container.resolve(Pool)
            [(_, loop, thread)] = events
            assert loop is not asyncio.get_running_loop()  # this test's loop is running in this thread
            assert thread is not threading.current_thread()
            assert thread.is_alive()
        assert events[1] == ("dispose", loop, thread)
        assert not thread.is_alive()
        assert loop.is_closed()

    def it_starts_a_new_loop_when_the_container_is_entered_again(self) -> None:
        events: list[Event] = []
        _recording(Scope.SINGLETON, events)

        container = Container(profile=Profile.TEST)
        with container:
            pass
        container.reset()
        with container:
            pass
        first, second = events[0][1], events[2][1]
        assert [event for event, _, _ in events] == ["initialize", "dispose"] * 2
        assert first is not second
        assert first.is_closed()
        assert second.is_closed()

    def it_stops_the_loop_thread_when_the_container_is_garbage_collected(self) -> None:
        events: list[Event] = []
        _recording(Scope.REQUEST, events)

        container = Container(profile=Profile.TEST)
        with container.create_scope():
            pass
        collected = weakref.ref(container)
        del container
        gc.collect()
        assert collected() is None
        assert not events[0][2].is_alive()


class DescribeInterruption:
    def it_cancels_the_lifecycle_when_the_waiting_caller_is_interrupted(self, alarm: None) -> None:
        cancelled = threading.Event()

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            async def initialize(self) -> None:
                try:
                    await asyncio.sleep(30)
                except asyncio.CancelledError:
                    cancelled.set()
                    raise

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        with pytest.raises(_Interrupted), container.create_scope():
            pass
        assert cancelled.wait(5)  # the initialize() left behind on the container's loop was cancelled
        with container:  # leaving the container stops its loop
            pass


class _Interrupted(Exception):
    pass


@pytest.fixture
def alarm() -> Iterator[None]:
    """Raise ``_Interrupted`` in the main thread 0.2 s from now, as a Ctrl-C would."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise _Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class DescribeInterpreterExit:
    def it_lets_an_atexit_handler_stop_the_container_then_stops_the_loop(self) -> None:
        script = textwrap.dedent(
            """
            import atexit, asyncio, threading
            from dioxide import Container, Profile, lifecycle, service

            @service
            @lifecycle
            class Pool:
                async def initialize(self) -> None:
                    print("init", flush=True)

                async def dispose(self) -> None:
                    await asyncio.sleep(0.01)
                    print("dispose", flush=True)

            container = Container(profile=Profile.TEST)
            container.__enter__()
            atexit.register(container.__exit__, None, None, None)
            print("threads", sum(t.name == "dioxide-lifecycle" for t in threading.enumerate()), flush=True)
            """
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split("\n") == ["init", "threads 1", "dispose", ""]
        assert done.stderr == ""


class DescribeFork:
    @pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
    def it_starts_a_loop_of_its_own_in_a_forked_child(self) -> None:
        Session = _recording(Scope.REQUEST, [])

        def child(container: Container, answer: Connection) -> None:
            with container.create_scope() as scope:
                scope.resolve(Session)
            answer.send(os.getpid())

        context = multiprocessing.get_context("fork")
        with Container(profile=Profile.TEST) as container:  # the parent's loop thread is running
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=child, args=(container, send))
            process.start()
            try:
                assert receive.poll(30), "the forked child's scope never opened (waiting on the parent's loop)"
                assert receive.recv() == process.pid
            finally:
                process.join(10)
                if process.is_alive():
                    process.kill()
                    process.join(10)
            assert process.exitcode == 0
