"""dioxide.celery with real workers: two worker processes on the local Redis run sync and async scoped tasks, each
in a fresh scope disposed after it (even when the task raises), spread over both workers, and dispose their
container's singletons at warm shutdown. In-process (eager) tests cover misuse and a running event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery

import dioxide
import dioxide.celery
from dioxide import Container, Profile, Scope, ScopedContainer, service
from dioxide.celery import configure_dioxide, scoped_task, shutdown_dioxide
from tests.integrations.celery_config import (
    DB,
    HOST,
    PORT,
    PREFIX_VARIABLE,
    WORKER_VARIABLE,
    redis_or_skip,
    settings,
)
from tests.integrations.components import Components
from tests.integrations.scripts import REPO

STARTUP_TIMEOUT = 60
TASK_TIMEOUT = 30
SHUTDOWN_TIMEOUT = 30


@dataclass
class Workers:
    """Two workers on one private queue: 4 threads in one, 4 forked processes in the other; and a client app.

    The prefork worker configures (and starts) the container before it forks: its children inherit started
    singletons and open their scopes on a lifecycle loop of their own.
    """

    prefix: str
    client: Celery
    store: redis.Redis
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def send(self, name: str, *args: Any) -> Any:
        return self.client.send_task(name, args=args)

    def events(self) -> list[tuple[str, int, str]]:
        """``(event, worker pid, component token)`` in the order the workers recorded them."""
        raw = self.store.lrange(f"{self.prefix}:events", 0, -1)
        return [(event, int(pid), token) for event, pid, token in (item.decode().split() for item in raw)]

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.logs.iterdir()))

    def stop(self) -> list[int | None]:
        """Warm shutdown (SIGTERM) of every worker, waited for a bounded time; killed if it hangs."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.processes:
            try:
                codes.append(process.wait(SHUTDOWN_TIMEOUT))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(SHUTDOWN_TIMEOUT)
                codes.append(None)
        return codes


def _start_worker(name: str, pool: str, prefix: str, logs: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "celery", "-A", "tests.integrations.celery_worker_app", "worker",
        "-P", pool, "-c", "4", "-n", f"{name}@dioxide-test", "-l", "WARNING",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO), PREFIX_VARIABLE: prefix, WORKER_VARIABLE: name}
    with (logs / f"{name}.log").open("wb") as log:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    redis_or_skip()
    prefix = f"dioxide-test-{uuid.uuid4().hex}"
    client = Celery("dioxide_test_client")
    client.conf.update(settings(prefix))
    store = redis.Redis(host=HOST, port=PORT, db=DB)
    running = Workers(prefix, client, store, tmp_path_factory.mktemp("celery-logs"))
    try:
        running.processes = [
            _start_worker(name, pool, prefix, running.logs) for name, pool in (("w1", "threads"), ("w2", "prefork"))
        ]
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while store.llen(f"{prefix}:ready") < 2:
            assert all(p.poll() is None for p in running.processes), f"a worker exited:\n{running.log()}"
            assert time.monotonic() < deadline, f"the workers did not start in {STARTUP_TIMEOUT} s:\n{running.log()}"
            time.sleep(0.1)
        yield running
    finally:
        running.stop()
        client.close()
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
        store.close()


def _scope_events(workers: Workers, token: str) -> list[str]:
    return [event for event, _, seen in workers.events() if seen == token]


class DescribeWorkers:
    def it_runs_each_sync_task_in_a_fresh_scope_disposed_after_it(self, workers: Workers) -> None:
        results = [workers.send("dioxide_test.sync", label).get(timeout=TASK_TIMEOUT) for label in ("a", "b")]
        assert [r["label"] for r in results] == ["a", "b"]
        assert results[0]["session"] != results[1]["session"]
        for result in results:
            assert _scope_events(workers, result["session"]) == ["session-open", "session-close"]

    def it_runs_async_tasks_on_the_containers_loop(self, workers: Workers) -> None:
        results = [workers.send("dioxide_test.async", label).get(timeout=TASK_TIMEOUT) for label in ("a", "b")]
        assert results[0]["session"] != results[1]["session"]
        assert all(result["same_loop"] for result in results)
        for result in results:
            assert _scope_events(workers, result["session"]) == ["session-open", "session-close"]

    def it_disposes_the_request_components_when_the_task_raises(self, workers: Workers) -> None:
        with pytest.raises(ValueError, match="task failed"):
            workers.send("dioxide_test.fails").get(timeout=TASK_TIMEOUT)
        failed = [token for event, _, token in workers.events() if event == "failing-session"]
        assert len(failed) == 1
        assert _scope_events(workers, failed[0]) == ["session-open", "failing-session", "session-close"]

    def it_gives_each_of_8_concurrent_tasks_its_own_scope_across_both_workers(self, workers: Workers) -> None:
        pending = [workers.send("dioxide_test.together", 8) for _ in range(8)]
        results = [task.get(timeout=TASK_TIMEOUT) for task in pending]
        assert all(result["met"] for result in results), "the 8 tasks never ran at the same time"
        assert len({result["session"] for result in results}) == 8
        assert {result["worker"] for result in results} == {"w1", "w2"}  # 4 slots each: both took tasks
        forked = {result["pid"] for result in results if result["worker"] == "w2"}
        assert workers.processes[1].pid not in forked  # prefork: the scopes opened in the children
        for result in results:
            assert _scope_events(workers, result["session"]) == ["session-open", "session-close"]

    def it_disposes_each_workers_singletons_once_at_warm_shutdown(self, workers: Workers) -> None:
        assert workers.stop() == [0, 0], workers.log()
        pools = [(event, pid) for event, pid, _ in workers.events() if event.startswith("pool-")]
        assert {pid for _, pid in pools} == {process.pid for process in workers.processes}  # not in forked children
        for process in workers.processes:
            assert [event for event, pid in pools if pid == process.pid] == ["pool-initialize", "pool-dispose"]


@pytest.fixture
def eager(components: Components) -> Iterator[Celery]:
    app = Celery("dioxide_eager")
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    configure_dioxide(app, profile=Profile.TEST)
    yield app
    shutdown_dioxide(app)


class DescribeInProcess:
    async def it_works_in_a_thread_whose_event_loop_is_running(self, eager: Celery, components: Components) -> None:
        @scoped_task(eager)
        def sync_task(scope: ScopedContainer) -> int:
            return id(scope.resolve(components.Session))

        @scoped_task(eager)
        async def async_task(scope: ScopedContainer) -> int:
            await asyncio.sleep(0)
            return id(scope.resolve(components.Session))

        assert sync_task.delay().get() != async_task.delay().get()
        assert len(components.closed) == 2

    def it_sets_the_2x_attribute_and_disposes_the_singletons_once(self, eager: Celery, components: Components) -> None:
        assert eager.dioxide_container is dioxide.container  # type: ignore[attr-defined]
        shutdown_dioxide(eager)
        shutdown_dioxide(eager)
        assert components.pool_events == ["initialize", "dispose"]

    def it_hides_the_scope_from_the_tasks_signature(self, eager: Celery, components: Components) -> None:
        @scoped_task(eager, name="dioxide_eager.add")
        def add(scope: ScopedContainer, x: int, y: int = 1) -> int:
            return x + y

        assert add.name == "dioxide_eager.add"
        assert add.delay(2).get() == 3
        with pytest.raises(TypeError):
            add.delay()  # Celery checks the arguments against (x, y=1)

    def it_passes_the_scope_before_the_task_when_bound(self, eager: Celery, components: Components) -> None:
        @scoped_task(eager, bind=True, name="dioxide_eager.bound")
        def bound(scope: ScopedContainer, task: Any, x: int) -> tuple[bool, str, int]:
            return isinstance(scope, ScopedContainer), task.name, x

        assert bound.delay(4).get() == (True, "dioxide_eager.bound", 4)

    def it_stops_with_the_worker_of_its_app_only(self, components: Components) -> None:
        from celery.signals import worker_shutdown

        app, other = Celery("dioxide_mine"), Celery("dioxide_other")
        container = Container()
        configure_dioxide(app, profile=Profile.TEST, container=container)
        worker_shutdown.send(sender=type("Worker", (), {"app": other})())
        assert container.started
        worker_shutdown.send(sender=type("Worker", (), {"app": app})())
        assert not container.started
        assert components.pool_events == ["initialize", "dispose"]


class DescribeMisuse:
    def it_explains_a_task_of_an_unconfigured_app(self) -> None:
        app = Celery("dioxide_unconfigured")
        app.conf.task_always_eager = True
        app.conf.task_eager_propagates = True

        @scoped_task(app)
        def task(scope: ScopedContainer) -> None:
            pass

        with pytest.raises(RuntimeError) as caught:
            task.delay()
        assert str(caught.value).startswith("dioxide container not configured for this Celery app.")

    def it_gives_a_request_component_the_running_task_s_request(self, eager: Celery) -> None:
        from celery.app.task import Context

        @service(scope=Scope.REQUEST)
        class TaskInfo:
            def __init__(self, request: Context) -> None:
                self.task = request.task
                self.args = request.args

        eager.dioxide_container.scan(profile=Profile.TEST)  # type: ignore[attr-defined]  # TaskInfo came later

        @scoped_task(eager, name="dioxide_eager.describe")
        def describe(scope: ScopedContainer, value: int) -> list[object]:
            info = scope.resolve(TaskInfo)
            return [info.task, info.args]

        assert describe.delay(7).get() == ["dioxide_eager.describe", [7]]
