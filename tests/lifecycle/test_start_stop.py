"""Container lifecycle: start() initializes singleton @lifecycle components in dependency order, stop() disposes
them in reverse; failures roll back, every dispose gets its turn, and start()/stop() are idempotent."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Protocol

import pytest

import dioxide
from dioxide import (
    Container,
    LifecycleError,
    Profile,
    Scope,
    adapter,
    lifecycle,
    service,
)


class DescribeStart:
    async def it_initializes_in_dependency_order_whatever_the_registration_order(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Api:
            def __init__(self, repo: Repo) -> None:
                self.repo = repo

            async def initialize(self) -> None:
                events.append("init Api")

            async def dispose(self) -> None:
                events.append("dispose Api")

        @service
        @lifecycle
        class Repo:
            def __init__(self, db: Db) -> None:
                self.db = db

            async def initialize(self) -> None:
                events.append("init Repo")

            async def dispose(self) -> None:
                events.append("dispose Repo")

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                events.append("init Db")

            async def dispose(self) -> None:
                events.append("dispose Db")

        container = Container(profile=Profile.TEST)
        await container.start()
        assert events == ["init Db", "init Repo", "init Api"]
        await container.stop()
        assert events == ["init Db", "init Repo", "init Api", "dispose Api", "dispose Repo", "dispose Db"]

    async def it_orders_through_components_without_lifecycle(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Api:
            def __init__(self, middle: Middle) -> None:
                self.middle = middle

            async def initialize(self) -> None:
                events.append("init Api")

            async def dispose(self) -> None:
                events.append("dispose Api")

        @service
        class Middle:
            def __init__(self, pool: PoolPort) -> None:
                self.pool = pool

        class PoolPort(Protocol):
            def acquire(self) -> str: ...

        @adapter.for_(PoolPort, profile=Profile.TEST)
        @lifecycle
        class FakePool:
            def acquire(self) -> str:
                return "conn"

            async def initialize(self) -> None:
                events.append("init FakePool")

            async def dispose(self) -> None:
                events.append("dispose FakePool")

        async with Container(profile=Profile.TEST) as container:
            assert events == ["init FakePool", "init Api"]
            assert container.resolve(Api).middle.pool is container.resolve(PoolPort)
        assert events[2:] == ["dispose Api", "dispose FakePool"]

    async def it_breaks_ties_by_registration_order(self) -> None:
        events: list[str] = []

        def component(name: str) -> type:
            @lifecycle
            class Component:
                async def initialize(self) -> None:
                    events.append(f"init {name}")

                async def dispose(self) -> None:
                    events.append(f"dispose {name}")

            Component.__name__ = Component.__qualname__ = name
            return service(Component)

        for name in ("Charlie", "Alpha", "Bravo"):
            component(name)

        async with Container(profile=Profile.TEST):
            assert events == ["init Charlie", "init Alpha", "init Bravo"]
        assert events[3:] == ["dispose Bravo", "dispose Alpha", "dispose Charlie"]

    async def it_constructs_each_component_just_before_its_initialize(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class First:
            def __init__(self) -> None:
                events.append("new First")

            async def initialize(self) -> None:
                events.append("init First")

            async def dispose(self) -> None:
                events.append("dispose First")

        @service
        @lifecycle
        class Second:
            def __init__(self, first: First) -> None:
                events.append(f"new Second (First initialized: {'init First' in events})")

            async def initialize(self) -> None:
                events.append("init Second")

            async def dispose(self) -> None:
                events.append("dispose Second")

        container = Container(profile=Profile.TEST)
        assert events == []
        await container.start()
        assert events == ["new First", "init First", "new Second (First initialized: True)", "init Second"]
        await container.stop()

    async def it_initializes_the_instances_that_resolve_returns(self) -> None:
        @service
        @lifecycle
        class Cache:
            def __init__(self) -> None:
                self.ready = False

            async def initialize(self) -> None:
                self.ready = True

            async def dispose(self) -> None:
                self.ready = False

        container = Container(profile=Profile.TEST)
        before = container.resolve(Cache)
        assert before.ready is False
        async with container:
            assert container.resolve(Cache) is before
            assert before.ready is True
        assert before.ready is False

    async def it_does_nothing_the_second_time(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

        container = Container(profile=Profile.TEST)
        await container.start()
        await container.start()
        assert events == ["init"]
        await container.stop()
        assert events == ["init", "dispose"]

    async def it_ignores_request_and_non_lifecycle_components(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class PerRequest:
            async def initialize(self) -> None:
                events.append("init PerRequest")

            async def dispose(self) -> None:
                events.append("dispose PerRequest")

        @service
        class Plain:
            def __init__(self) -> None:
                events.append("new Plain")

        async with Container(profile=Profile.TEST):
            assert events == []
        assert events == []

    async def it_lets_a_constructor_exception_propagate_as_itself(self) -> None:
        @service
        @lifecycle
        class Settings:
            def __init__(self) -> None:
                raise ValueError("DATABASE_URL missing")

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        with pytest.raises(ValueError, match=r"^DATABASE_URL missing") as caught:
            await container.start()
        assert "dioxide: raised while resolving Settings (profile 'test')" in caught.value.__notes__


class DescribeResolvedBeforeStart:
    """2.x hands out a singleton @lifecycle component before start() with no sign that it is not initialized."""

    async def it_still_resolves_it_and_logs_one_warning_per_component(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                self.ready = True

            async def dispose(self) -> None:
                pass

        @service
        class Repository:
            def __init__(self, pool: Pool) -> None:
                self.pool = pool

        container = Container(profile=Profile.TEST)
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            repository = container.resolve(Repository)  # builds Pool on the way
            assert container.resolve(Pool) is repository.pool
            container.reset()
            container.resolve(Pool)  # a new instance, the same component: no second warning
        assert caplog.messages == [
            "Pool (@lifecycle) was resolved before the container started: its initialize() has not run. Start the "
            "container first (`async with container:`, `with container:` or `await container.start()`)"
        ]
        assert not hasattr(repository.pool, "ready")
        async with container:
            assert container.resolve(Pool).ready is True, "start() initializes the instance handed out before"

    async def it_stays_quiet_once_started_and_while_starting(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        @service
        class Plain:
            pass

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            container = Container(profile=Profile.TEST)
            container.resolve(Plain)  # not @lifecycle
            async with container:
                container.resolve(Pool)
        assert caplog.messages == []


class DescribeInitializeFailure:
    async def it_disposes_what_was_initialized_in_reverse_and_raises_the_original_error(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                events.append("init Db")

            async def dispose(self) -> None:
                events.append("dispose Db")

        @service
        @lifecycle
        class Repo:
            def __init__(self, db: Db) -> None:
                self.db = db

            async def initialize(self) -> None:
                events.append("init Repo")

            async def dispose(self) -> None:
                events.append("dispose Repo")

        @service
        @lifecycle
        class Api:
            def __init__(self, repo: Repo) -> None:
                self.repo = repo

            async def initialize(self) -> None:
                events.append("init Api")
                raise ConnectionError("broker unreachable")

            async def dispose(self) -> None:
                events.append("dispose Api")

        container = Container(profile=Profile.TEST)
        with pytest.raises(ConnectionError, match=r"^broker unreachable") as caught:
            await container.start()
        assert events == ["init Db", "init Repo", "init Api", "dispose Repo", "dispose Db"]
        assert caught.value.__notes__ == [
            "dioxide: Api.initialize() failed; components started before it were disposed"
        ]
        await container.stop()
        assert events[-1] == "dispose Db", "stop() after a failed start must not dispose anything again"
        assert len(events) == 5

    async def it_notes_rollback_failures_on_the_original_error(self) -> None:
        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise OSError("socket already gone")

        @service
        @lifecycle
        class Api:
            def __init__(self, db: Db) -> None:
                self.db = db

            async def initialize(self) -> None:
                raise ConnectionError("broker unreachable")

            async def dispose(self) -> None:
                pass

        with pytest.raises(ConnectionError, match=r"^broker unreachable") as caught:
            await Container(profile=Profile.TEST).start()
        assert caught.value.__notes__ == [
            "dioxide: Api.initialize() failed; components started before it were disposed",
            "dioxide: while rolling back, OSError('socket already gone') was raised too",
        ]

    async def it_leaves_no_task_and_no_connection_behind(self) -> None:
        """A real TCP server and a real connection opened in initialize(), then a later component fails."""
        tasks_before = asyncio.all_tasks()

        class ServerPort(Protocol):
            port: int

        @adapter.for_(ServerPort, profile=Profile.TEST)
        @lifecycle
        class EchoServer:
            instance: EchoServer | None = None

            async def initialize(self) -> None:
                async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                    writer.write(await reader.readline())
                    await reader.read()  # until the client closes
                    writer.close()

                self.server = await asyncio.start_server(handle, "127.0.0.1", 0)
                self.port = self.server.sockets[0].getsockname()[1]
                EchoServer.instance = self

            async def dispose(self) -> None:
                self.server.close()
                await self.server.wait_closed()

        @service
        @lifecycle
        class Client:
            instance: Client | None = None

            def __init__(self, server: ServerPort) -> None:
                self.server = server

            async def initialize(self) -> None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.server.port)
                self.writer.write(b"ping\n")
                assert await self.reader.readline() == b"ping\n"
                Client.instance = self

            async def dispose(self) -> None:
                self.writer.close()
                await self.writer.wait_closed()

        @service
        @lifecycle
        class Consumer:
            def __init__(self, client: Client) -> None:
                self.client = client

            async def initialize(self) -> None:
                raise ConnectionRefusedError("queue unreachable")

            async def dispose(self) -> None:
                raise AssertionError("the failing component is not disposed")

        container = Container(profile=Profile.TEST)
        with pytest.raises(ConnectionRefusedError, match="queue unreachable"):
            await container.start()

        server, client = EchoServer.instance, Client.instance
        assert server is not None
        assert client is not None
        assert not server.server.is_serving()
        assert server.server.sockets == ()
        assert client.writer.is_closing()
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", server.port)
        for _ in range(50):  # the server's handler task ends once it has read the client's EOF
            if asyncio.all_tasks() == tasks_before:
                break
            await asyncio.sleep(0.01)
        assert asyncio.all_tasks() == tasks_before

    async def it_disposes_what_was_initialized_when_the_start_is_cancelled(self) -> None:
        events: list[str] = []
        entered = asyncio.Event()

        @service
        @lifecycle
        class Fast:
            async def initialize(self) -> None:
                events.append("init Fast")

            async def dispose(self) -> None:
                events.append("dispose Fast")

        @service
        @lifecycle
        class Slow:
            def __init__(self, fast: Fast) -> None:
                self.fast = fast

            async def initialize(self) -> None:
                events.append("init Slow")
                entered.set()
                await asyncio.Event().wait()  # never set

            async def dispose(self) -> None:
                events.append("dispose Slow")

        container = Container(profile=Profile.TEST)
        task = asyncio.create_task(container.start())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert events == ["init Fast", "init Slow", "dispose Fast"]
        await container.stop()
        assert events == ["init Fast", "init Slow", "dispose Fast"]


def three_layers(events: list[str]) -> None:
    """Db <- Cache <- Api, all @lifecycle singletons; Api's and Db's dispose() raise."""

    @service
    @lifecycle
    class Db:
        async def initialize(self) -> None:
            pass

        async def dispose(self) -> None:
            events.append("dispose Db")
            raise ValueError("db close failed")

    @service
    @lifecycle
    class Cache:
        def __init__(self, db: Db) -> None:
            self.db = db

        async def initialize(self) -> None:
            pass

        async def dispose(self) -> None:
            events.append("dispose Cache")

    @service
    @lifecycle
    class Api:
        def __init__(self, cache: Cache) -> None:
            self.cache = cache

        async def initialize(self) -> None:
            pass

        async def dispose(self) -> None:
            events.append("dispose Api")
            raise KeyError("api close failed")


class DescribeStop:
    async def it_runs_every_dispose_logs_each_failure_and_returns(self, caplog: pytest.LogCaptureFixture) -> None:
        """As in 2.x, a failed cleanup does not fail the shutdown: each is logged with its traceback."""
        events: list[str] = []
        three_layers(events)
        container = Container(profile=Profile.TEST)
        await container.start()
        with caplog.at_level(logging.ERROR, logger="dioxide"):
            await container.stop()

        assert events == ["dispose Api", "dispose Cache", "dispose Db"]
        assert container.started is False
        assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
            ("dioxide", logging.ERROR, "Error disposing component Api: KeyError('api close failed')"),
            ("dioxide", logging.ERROR, "Error disposing component Db: ValueError('db close failed')"),
        ]
        tracebacks = [r.exc_info for r in caplog.records]
        assert [type(info[1]) for info in tracebacks if info is not None] == [KeyError, ValueError]
        assert all(info is not None and info[2] is not None for info in tracebacks)

    async def it_raises_the_failures_together_when_asked(self) -> None:
        events: list[str] = []
        three_layers(events)
        container = Container(profile=Profile.TEST)
        await container.start()
        with pytest.raises(LifecycleError) as caught:
            await container.stop(raise_errors=True)

        assert events == ["dispose Api", "dispose Cache", "dispose Db"]
        error = caught.value
        assert isinstance(error, ExceptionGroup)
        assert [type(e) for e in error.exceptions] == [KeyError, ValueError]
        assert error.exceptions[0].__notes__ == ["dioxide: raised by Api.dispose()"]
        assert error.exceptions[1].__notes__ == ["dioxide: raised by Db.dispose()"]
        text = str(error)
        assert text.startswith("Lifecycle Error: 2 component(s) failed to dispose while stopping the container\n")
        assert "  - KeyError: 'api close failed'\n  - ValueError: db close failed" in text

    async def it_raises_them_by_default_in_a_strict_container(self) -> None:
        events: list[str] = []
        three_layers(events)
        strict = Container(profile=Profile.TEST, raise_dispose_errors=True)
        await strict.start()
        with pytest.raises(LifecycleError) as caught:
            await strict.stop()
        assert len(caught.value.exceptions) == 2
        await strict.start()
        await strict.stop(raise_errors=False)  # the call's choice wins
        assert events == ["dispose Api", "dispose Cache", "dispose Db"] * 2

    async def it_can_be_caught_with_except_star(self) -> None:
        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise ValueError("db close failed")

        container = Container(profile=Profile.TEST)
        await container.start()
        caught: list[Exception] = []
        try:
            await container.stop(raise_errors=True)
        except* ValueError as group:
            caught.extend(group.exceptions)
        assert [str(e) for e in caught] == ["db close failed"]

    async def it_does_nothing_the_second_time(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose")
                raise ValueError("once")

        container = Container(profile=Profile.TEST, raise_dispose_errors=True)
        await container.start()
        with pytest.raises(LifecycleError):
            await container.stop()
        await container.stop()
        assert events == ["dispose"]

    async def it_cancels_a_dispose_that_never_returns_logs_it_and_moves_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Db")

        @service
        @lifecycle
        class Broker:
            def __init__(self, db: Db) -> None:
                self.db = db

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                try:
                    await asyncio.Event().wait()  # a peer that never answers
                finally:
                    events.append("Broker.dispose cancelled")

        for strict in (False, True):
            events.clear()
            caplog.clear()
            container = Container(profile=Profile.TEST, dispose_timeout=0.05, raise_dispose_errors=strict)
            await container.start()
            with caplog.at_level(logging.ERROR, logger="dioxide"):
                try:
                    await asyncio.wait_for(container.stop(), timeout=10)  # bounded even if the timeout were ignored
                except LifecycleError as error:
                    assert strict
                    [stuck] = error.exceptions
                    assert type(stuck) is TimeoutError
                    assert str(stuck) == "Broker.dispose() did not return within 0.05 s; it was cancelled"
                    assert stuck.__notes__ == ["dioxide: raised by Broker.dispose()"]
                else:
                    assert not strict
            assert events == ["Broker.dispose cancelled", "dispose Db"]
            assert caplog.messages == ["dispose() of Broker did not return within 0.05 s: cancelled, moving on"]

    @pytest.mark.parametrize("dispose_timeout", [30.0, None])
    async def it_disposes_components_that_wait_in_dispose(
        self, dispose_timeout: float | None, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A dispose() that awaits gets its results and its failures through, timeout armed or not."""
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                await asyncio.sleep(0)
                events.append(await asyncio.sleep(0.001, result="pool flushed"))
                events.append(await asyncio.to_thread(lambda: "pool closed"))

        @service
        @lifecycle
        class Broker:
            def __init__(self, pool: Pool) -> None:
                self.pool = pool

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                await asyncio.sleep(0)
                raise OSError("broker gone")

        container = Container(profile=Profile.TEST, dispose_timeout=dispose_timeout)
        await container.start()
        with caplog.at_level(logging.ERROR, logger="dioxide"):
            await container.stop()
        assert events == ["pool flushed", "pool closed"]
        assert caplog.messages == ["Error disposing component Broker: OSError('broker gone')"]

    async def it_tells_a_timeout_dispose_raised_itself_from_a_stuck_one(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        @lifecycle
        class Client:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise TimeoutError("server did not acknowledge the close")

        container = Container(profile=Profile.TEST, dispose_timeout=5)
        await container.start()
        with caplog.at_level(logging.ERROR, logger="dioxide"):
            await container.stop()
        assert caplog.messages == [
            "Error disposing component Client: TimeoutError('server did not acknowledge the close')"
        ]

    def it_waits_30_seconds_by_default_and_refuses_a_timeout_that_is_not_positive(self) -> None:
        assert inspect.signature(Container).parameters["dispose_timeout"].default == 30.0
        for bad in (0, -1.5):
            with pytest.raises(ValueError) as caught:
                Container(dispose_timeout=bad)
            assert str(caught.value) == (f"dispose_timeout must be a positive number of seconds or None, got {bad!r}")
        Container(dispose_timeout=None)  # no limit

    async def it_does_nothing_without_a_start(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

        container = Container(profile=Profile.TEST)
        container.resolve(Db)
        await container.stop()
        assert events == []


class DescribeAsyncWith:
    async def it_yields_the_container_itself(self) -> None:
        container = Container(profile=Profile.TEST)
        async with container as entered:
            assert entered is container

    async def it_logs_dispose_failures_when_the_body_succeeded(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        @lifecycle
        class Db:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise ValueError("db close failed")

        with caplog.at_level(logging.ERROR, logger="dioxide"):
            async with Container(profile=Profile.TEST):
                pass
        assert caplog.messages == ["Error disposing component Db: ValueError('db close failed')"]
        with pytest.raises(LifecycleError, match="1 component\\(s\\) failed to dispose while stopping the container"):
            async with Container(profile=Profile.TEST, raise_dispose_errors=True):
                pass

    async def it_keeps_the_body_exception_and_notes_dispose_failures_on_it(self) -> None:
        events: list[str] = []
        three_layers(events)

        for strict in (False, True):  # a strict container does not replace the body's exception either
            events.clear()
            with pytest.raises(RuntimeError, match=r"^request failed") as caught:
                async with Container(profile=Profile.TEST, raise_dispose_errors=strict):
                    raise RuntimeError("request failed")
            assert type(caught.value) is RuntimeError
            assert str(caught.value) == "request failed"
            assert events == ["dispose Api", "dispose Cache", "dispose Db"]
            assert caught.value.__notes__ == [
                "dioxide: while stopping the container, a dispose() also failed: KeyError('api close failed')",
                "dioxide: while stopping the container, a dispose() also failed: ValueError('db close failed')",
            ]


class DescribeReset:
    async def it_still_disposes_instances_initialized_before_the_reset(self) -> None:
        events: list[str] = []
        counter = iter(range(1, 10))

        @service
        @lifecycle
        class Pool:
            def __init__(self) -> None:
                self.number = next(counter)

            async def initialize(self) -> None:
                events.append(f"init {self.number}")

            async def dispose(self) -> None:
                events.append(f"dispose {self.number}")

        container = Container(profile=Profile.TEST)
        await container.start()
        first = container.resolve(Pool)
        container.reset()
        assert container.resolve(Pool) is not first
        await container.stop()
        assert events == ["init 1", "dispose 1"]

    async def it_initializes_new_instances_on_the_next_start_and_disposes_both(self) -> None:
        events: list[str] = []
        counter = iter(range(1, 10))

        @service
        @lifecycle
        class Pool:
            def __init__(self) -> None:
                self.number = next(counter)

            async def initialize(self) -> None:
                events.append(f"init {self.number}")

            async def dispose(self) -> None:
                events.append(f"dispose {self.number}")

        container = Container(profile=Profile.TEST)
        await container.start()
        container.reset()
        await container.start()
        assert events == ["init 1", "init 2"]
        assert container.resolve(Pool).number == 2
        await container.stop()
        assert events == ["init 1", "init 2", "dispose 2", "dispose 1"]
        await container.stop()
        assert len(events) == 4

    async def it_keeps_registered_instances(self) -> None:
        class Config:
            pass

        config = Config()
        container = Container()
        container.register_instance(Config, config)
        container.reset()
        assert container.resolve(Config) is config


class DescribeSyncLifecycle:
    def it_runs_start_and_stop_from_sync_code(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append(f"init (loop running: {_loop_running()})")

            async def dispose(self) -> None:
                events.append("dispose")

        container = Container(profile=Profile.TEST)
        with container as entered:
            assert entered is container
            assert events == ["init (loop running: True)"]
            assert container.resolve(Pool) is container.resolve(Pool)
        assert events == ["init (loop running: True)", "dispose"]

    def it_runs_request_scopes_on_the_same_private_loop(self) -> None:
        loops: list[object] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                loops.append(asyncio.get_running_loop())

            async def dispose(self) -> None:
                loops.append(asyncio.get_running_loop())

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            async def initialize(self) -> None:
                loops.append(asyncio.get_running_loop())

            async def dispose(self) -> None:
                loops.append(asyncio.get_running_loop())

        with Container(profile=Profile.TEST) as container, container.create_scope() as scope:
            assert isinstance(scope.resolve(Session), Session)
        assert len(loops) == 4
        assert len({id(loop) for loop in loops}) == 1

    def it_logs_dispose_failures_from_sync_code_or_raises_them_when_strict(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise ValueError("close failed")

        with caplog.at_level(logging.ERROR, logger="dioxide"), Container(profile=Profile.TEST):
            pass
        assert caplog.messages == ["Error disposing component Pool: ValueError('close failed')"]
        with pytest.raises(LifecycleError) as caught, Container(profile=Profile.TEST, raise_dispose_errors=True):
            pass
        assert [str(e) for e in caught.value.exceptions] == ["close failed"]


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class DescribeMultiBindingLifecycle:
    async def it_initializes_and_disposes_singleton_members(self) -> None:
        events: list[str] = []

        class Plugin(Protocol):
            def name(self) -> str: ...

        @adapter.for_(Plugin, multi=True, priority=2)
        @lifecycle
        class Audit:
            def name(self) -> str:
                return "audit"

            async def initialize(self) -> None:
                events.append("init Audit")

            async def dispose(self) -> None:
                events.append("dispose Audit")

        @adapter.for_(Plugin, multi=True, priority=1)
        @lifecycle
        class Metrics:
            def name(self) -> str:
                return "metrics"

            async def initialize(self) -> None:
                events.append("init Metrics")

            async def dispose(self) -> None:
                events.append("dispose Metrics")

        @service
        @lifecycle
        class Host:
            def __init__(self, plugins: list[Plugin]) -> None:
                self.plugins = plugins

            async def initialize(self) -> None:
                events.append(f"init Host with {[p.name() for p in self.plugins]}")

            async def dispose(self) -> None:
                events.append("dispose Host")

        container = Container(profile=Profile.TEST)
        async with container:
            assert sorted(events[:2]) == ["init Audit", "init Metrics"]
            assert events[2] == "init Host with ['metrics', 'audit']"
            members, injected = container.resolve(list[Plugin]), container.resolve(Host).plugins
            assert [id(m) for m in members] == [id(p) for p in injected], "singleton members are shared"
        assert events[3] == "dispose Host"
        assert sorted(events[4:]) == ["dispose Audit", "dispose Metrics"]
        assert len(events) == 6


class DescribeSharedAndManualComponents:
    async def it_initializes_an_adapter_serving_two_ports_once(self) -> None:
        events: list[str] = []

        class Reader(Protocol):
            def read(self) -> str: ...

        class Writer(Protocol):
            def write(self, value: str) -> None: ...

        @adapter.for_(Reader, profile=Profile.TEST)
        @adapter.for_(Writer, profile=Profile.TEST)
        @lifecycle
        class MemoryStore:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

            def read(self) -> str:
                return ""

            def write(self, value: str) -> None: ...

        async with Container(profile=Profile.TEST) as container:
            assert container.resolve(Reader) is container.resolve(Writer)
            assert events == ["init"]
        assert events == ["init", "dispose"]

    async def it_initializes_a_registered_lifecycle_instance(self) -> None:
        events: list[str] = []

        @lifecycle
        class Preconfigured:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

        container = Container()
        instance = Preconfigured()
        container.register_instance(Preconfigured, instance)
        async with container:
            assert container.resolve(Preconfigured) is instance
            assert events == ["init"]
        assert events == ["init", "dispose"]


class DescribeGlobalContainer:
    async def it_still_disposes_after_reset_global_container(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

        shared = dioxide.container
        shared.scan(profile=Profile.TEST)
        await shared.start()
        dioxide.reset_global_container()
        assert dioxide.container is shared
        assert shared.active_profile is None
        assert len(shared) == 0
        await shared.stop()
        assert events == ["init", "dispose"]

    def it_warns_again_about_an_unstarted_component_after_reset_global_container(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        shared = dioxide.container
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            for _ in range(2):
                shared.scan(profile=Profile.TEST)
                shared.resolve(Pool)
                dioxide.reset_global_container()  # a fresh container (the same object): a fresh warning
        assert [m.split(" ")[0] for m in caplog.messages] == ["Pool", "Pool"]
