"""Request scopes: REQUEST components cached per scope, FACTORY new each time, SINGLETON from the root, and
REQUEST-scoped @lifecycle components initialized before use and disposed at scope exit."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Protocol

import pytest

from dioxide import (
    Container,
    LifecycleError,
    Profile,
    Scope,
    ScopedContainer,
    ScopeError,
    adapter,
    lifecycle,
    service,
)
from tests.scopes.conftest import request_lifecycle

DOCS = "https://dioxide.readthedocs.io/en/latest/troubleshooting"


class DescribeScopeResolution:
    async def it_caches_request_components_per_scope(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as first:
            assert isinstance(first, ScopedContainer)
            one = first.resolve(RequestContext)
            assert first.resolve(RequestContext) is one
            assert first[RequestContext] is one
        async with container.create_scope() as second:
            assert second.resolve(RequestContext) is not one

    async def it_shares_a_request_component_between_its_dependents_in_one_scope(self) -> None:
        @service(scope=Scope.REQUEST)
        class UnitOfWork:
            pass

        @service(scope=Scope.REQUEST)
        class Orders:
            def __init__(self, uow: UnitOfWork) -> None:
                self.uow = uow

        @service(scope=Scope.FACTORY)
        class Payments:
            def __init__(self, uow: UnitOfWork) -> None:
                self.uow = uow

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert scope.resolve(Orders).uow is scope.resolve(Payments).uow is scope.resolve(UnitOfWork)

    async def it_builds_factory_components_every_time(self) -> None:
        @service(scope=Scope.FACTORY)
        class Command:
            pass

        async with Container(profile=Profile.TEST).create_scope() as scope:
            assert scope.resolve(Command) is not scope.resolve(Command)

    async def it_takes_singletons_from_the_root(self) -> None:
        @service
        class Settings:
            pass

        @service(scope=Scope.REQUEST)
        class Handler:
            def __init__(self, settings: Settings) -> None:
                self.settings = settings

        container = Container(profile=Profile.TEST)
        root_settings = container.resolve(Settings)
        async with container.create_scope() as one, container.create_scope() as two:
            assert one.resolve(Settings) is root_settings
            assert one.resolve(Handler).settings is root_settings
            assert two.resolve(Handler).settings is root_settings
            assert one.resolve(Handler) is not two.resolve(Handler)

    async def it_skips_primitives_and_honours_defaults_like_the_root(self) -> None:
        @service(scope=Scope.REQUEST)
        class Pagination:
            def __init__(self, page: int = 1, label: str = "all", extra: dict[str, int] | None = None) -> None:
                self.page = page
                self.label = label
                self.extra = extra

        async with Container(profile=Profile.TEST).create_scope() as scope:
            pagination = scope.resolve(Pagination)
        assert (pagination.page, pagination.label, pagination.extra) == (1, "all", None)

    async def it_honours_the_profile_for_request_scoped_ports(self) -> None:
        class SessionPort(Protocol):
            def user(self) -> str: ...

        @adapter.for_(SessionPort, profile=Profile.PRODUCTION, scope=Scope.REQUEST)
        class CookieSession:
            def user(self) -> str:
                return "from cookie"

        @adapter.for_(SessionPort, profile=Profile.TEST, scope=Scope.REQUEST)
        class FakeSession:
            def user(self) -> str:
                return "alice"

        @service(scope=Scope.REQUEST)
        class Greeter:
            def __init__(self, session: SessionPort) -> None:
                self.session = session

        async with Container(profile=Profile.TEST).create_scope() as scope:
            greeter = scope.resolve(Greeter)
            assert type(greeter.session) is FakeSession
            assert greeter.session is scope.resolve(SessionPort)
        async with Container(profile=Profile.PRODUCTION).create_scope() as scope:
            assert scope.resolve(Greeter).session.user() == "from cookie"

    async def it_injects_optional_dependencies_as_at_the_root(self) -> None:
        class TracerPort(Protocol):
            def trace(self) -> str: ...

        class MetricsPort(Protocol):
            def count(self) -> int: ...

        @adapter.for_(TracerPort, profile=Profile.TEST)
        class FakeTracer:
            def trace(self) -> str:
                return "t"

        @service(scope=Scope.REQUEST)
        class Handler:
            def __init__(self, tracer: TracerPort | None, metrics: MetricsPort | None) -> None:
                self.tracer = tracer
                self.metrics = metrics

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            handler = scope.resolve(Handler)
        assert handler.tracer is container.resolve(TracerPort)
        assert handler.metrics is None

    def it_refuses_request_components_at_the_root(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service(scope=Scope.FACTORY)
        class Handler:
            def __init__(self, context: RequestContext) -> None:
                self.context = context

        container = Container(profile=Profile.TEST)
        with pytest.raises(ScopeError) as caught:
            container.resolve(RequestContext)
        assert str(caught.value) == (
            "Scope Error: Cannot resolve RequestContext: REQUEST-scoped, requires active scope\n"
            "\n"
            f"-> See: {DOCS}/scope-error.html"
        )
        with pytest.raises(ScopeError, match="Cannot resolve RequestContext: REQUEST-scoped, requires active scope"):
            container.resolve(Handler)

    async def it_raises_not_found_errors_inside_a_scope_as_at_the_root(self) -> None:
        class Unregistered:
            pass

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            with pytest.raises(Exception) as in_scope:
                scope.resolve(Unregistered)
        with pytest.raises(Exception) as at_root:
            container.resolve(Unregistered)
        assert type(in_scope.value) is type(at_root.value)
        assert str(in_scope.value) == str(at_root.value)
        assert "Cannot resolve Unregistered in profile 'test'" in str(in_scope.value)


class DescribeScopeObject:
    async def it_has_a_uuid4_scope_id_unique_per_scope(self) -> None:
        container = Container(profile=Profile.TEST)
        async with container.create_scope() as one, container.create_scope() as two:
            assert len(one.scope_id) == 36
            assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", one.scope_id)
            assert one.scope_id == one.scope_id
            assert one.scope_id != two.scope_id

    async def it_knows_its_parent_and_profile(self) -> None:
        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert scope.parent is container
            assert scope.active_profile == Profile.TEST
            assert repr(scope) == "ScopedContainer(profile=Profile.TEST, parent=Container)"

    async def it_refuses_nested_scopes(self) -> None:
        async with Container(profile=Profile.TEST).create_scope() as scope:
            with pytest.raises(ScopeError) as caught:
                scope.create_scope()
        assert str(caught.value) == (f"Scope Error: Nested scopes not supported\n\n-> See: {DOCS}/scope-error.html")

    async def it_is_a_truthy_container_compared_by_identity(self) -> None:
        container = Container(profile=Profile.TEST)
        async with container.create_scope() as one, container.create_scope() as two:
            assert bool(one) is True
            assert one != two
            assert len({one, two}) == 2

    def it_works_with_a_sync_with(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        container = Container(profile=Profile.TEST)
        with container.create_scope() as scope:
            context = scope.resolve(RequestContext)
            assert scope.resolve(RequestContext) is context
        with container.create_scope() as other:
            assert other.resolve(RequestContext) is not context


class DescribeRequestLifecycle:
    async def it_initializes_before_use_and_disposes_after_in_reverse_dependency_order(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                self.connection = connection
                self.open = False

            async def initialize(self) -> None:
                events.append("init Transaction")
                self.open = True

            async def dispose(self) -> None:
                events.append("dispose Transaction")
                self.open = False

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                events.append("dispose Connection")

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert events == ["init Connection", "init Transaction"]
            transaction = scope.resolve(Transaction)
            assert transaction.open is True
            events.append("use")
            assert scope.resolve(Connection) is transaction.connection
        assert events == ["init Connection", "init Transaction", "use", "dispose Transaction", "dispose Connection"]
        assert transaction.open is False

    async def it_disposes_in_order_also_when_the_request_raises(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                events.append("dispose Connection")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                self.connection = connection

            async def initialize(self) -> None:
                events.append("init Transaction")

            async def dispose(self) -> None:
                events.append("dispose Transaction")

        container = Container(profile=Profile.TEST)
        with pytest.raises(LookupError, match="order 42 not found") as caught:
            async with container.create_scope() as scope:
                scope.resolve(Transaction)
                events.append("use")
                raise LookupError("order 42 not found")
        assert events == ["init Connection", "init Transaction", "use", "dispose Transaction", "dispose Connection"]
        assert not hasattr(caught.value, "__notes__")

    async def it_notes_dispose_failures_on_the_request_exception(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Connection")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                self.connection = connection

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Transaction")
                raise OSError("rollback failed")

        with pytest.raises(LookupError) as caught:
            async with Container(profile=Profile.TEST).create_scope():
                raise LookupError("order 42 not found")
        assert type(caught.value) is LookupError
        assert events == ["dispose Transaction", "dispose Connection"]
        assert caught.value.__notes__ == [
            "dioxide: while closing a scope, a dispose() also failed: OSError('rollback failed')"
        ]

    async def it_logs_dispose_failures_when_the_request_succeeded_or_raises_them_when_strict(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class First:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose First")
                raise ValueError("first")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Second:
            def __init__(self, first: First) -> None:
                self.first = first

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                events.append("dispose Second")
                raise ValueError("second")

        with caplog.at_level(logging.ERROR, logger="dioxide"):
            async with Container(profile=Profile.TEST).create_scope():
                pass
        assert events == ["dispose Second", "dispose First"]
        assert caplog.messages == [
            "Error disposing component Second: ValueError('second')",
            "Error disposing component First: ValueError('first')",
        ]
        events.clear()
        with pytest.raises(LifecycleError) as caught:
            async with Container(profile=Profile.TEST, raise_dispose_errors=True).create_scope():
                pass
        assert events == ["dispose Second", "dispose First"]
        assert [str(e) for e in caught.value.exceptions] == ["second", "first"]
        assert str(caught.value).startswith("Lifecycle Error: 2 component(s) failed to dispose while closing a scope")

    def it_cancels_a_dispose_that_never_returns_at_a_synchronous_exit(self, caplog: pytest.LogCaptureFixture) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Stream:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                try:
                    await asyncio.Event().wait()
                finally:
                    events.append("Stream.dispose cancelled")

        with caplog.at_level(logging.ERROR, logger="dioxide"):
            with Container(profile=Profile.TEST, dispose_timeout=0.05).create_scope() as scope:
                scope.resolve(Stream)
        assert events == ["Stream.dispose cancelled"]
        assert caplog.messages == ["dispose() of Stream did not return within 0.05 s: cancelled, moving on"]

    async def it_rolls_back_when_an_initialize_fails_at_scope_entry(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                events.append("dispose Connection")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                self.connection = connection

            async def initialize(self) -> None:
                raise TimeoutError("lock wait timeout")

            async def dispose(self) -> None:
                events.append("dispose Transaction")

        body_ran = False
        with pytest.raises(TimeoutError, match="lock wait timeout") as caught:
            async with Container(profile=Profile.TEST).create_scope():
                body_ran = True
        assert body_ran is False
        assert events == ["init Connection", "dispose Connection"]
        assert caught.value.__notes__ == [
            "dioxide: Transaction.initialize() failed; components started before it were disposed"
        ]

    async def it_gives_each_scope_its_own_initialized_instances(self) -> None:
        events: list[str] = []
        numbers = iter(range(1, 10))

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            def __init__(self) -> None:
                self.number = next(numbers)

            async def initialize(self) -> None:
                events.append(f"init {self.number}")

            async def dispose(self) -> None:
                events.append(f"dispose {self.number}")

        container = Container(profile=Profile.TEST)

        async def request() -> int:
            async with container.create_scope() as scope:
                await asyncio.sleep(0)
                return scope.resolve(Session).number

        assert sorted(await asyncio.gather(request(), request())) == [1, 2]
        assert sorted(events) == ["dispose 1", "dispose 2", "init 1", "init 2"]
        assert events.index("init 1") < events.index("dispose 1")
        assert events.index("init 2") < events.index("dispose 2")

    async def it_does_not_touch_singleton_lifecycle_components(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append("init Pool")

            async def dispose(self) -> None:
                events.append("dispose Pool")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Session:
            def __init__(self, pool: Pool) -> None:
                self.pool = pool

            async def initialize(self) -> None:
                events.append("init Session")

            async def dispose(self) -> None:
                events.append("dispose Session")

        async with Container(profile=Profile.TEST) as container:
            async with container.create_scope() as scope:
                assert scope.resolve(Session).pool is container.resolve(Pool)
            assert events == ["init Pool", "init Session", "dispose Session"]
        assert events[-1] == "dispose Pool"

    def it_runs_the_request_lifecycle_from_a_sync_with(self) -> None:
        events: list[str] = []
        Session = request_lifecycle(events)

        container = Container(profile=Profile.TEST)
        with pytest.raises(KeyError), container.create_scope() as scope:
            assert events == ["init"]
            scope.resolve(Session)
            raise KeyError("boom")
        assert events == ["init", "dispose"]

    async def it_runs_the_request_lifecycle_from_a_sync_with_inside_a_running_loop(self) -> None:
        events: list[str] = []
        Session = request_lifecycle(events)

        with Container(profile=Profile.TEST).create_scope() as scope:
            assert events == ["init"]
            assert scope.resolve(Session) is scope.resolve(Session)
        assert events == ["init", "dispose"]


class DescribeMultiBindingsInScopes:
    async def it_caches_request_members_per_scope_and_singleton_members_at_the_root(self) -> None:
        class Plugin(Protocol):
            def name(self) -> str: ...

        @adapter.for_(Plugin, multi=True, priority=1)
        class Shared:
            def name(self) -> str:
                return "shared"

        @adapter.for_(Plugin, multi=True, priority=2, scope=Scope.REQUEST)
        class PerRequest:
            def name(self) -> str:
                return "per-request"

        @adapter.for_(Plugin, multi=True, priority=3, scope=Scope.FACTORY)
        class Fresh:
            def name(self) -> str:
                return "fresh"

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as one:
            a, b = one.resolve(list[Plugin]), one.resolve(list[Plugin])
        async with container.create_scope() as two:
            c = two.resolve(list[Plugin])
        assert [p.name() for p in a] == ["shared", "per-request", "fresh"]
        assert a[0] is b[0] is c[0]
        assert a[1] is b[1]
        assert a[1] is not c[1]
        assert a[2] is not b[2]
        with pytest.raises(ScopeError, match="REQUEST-scoped, requires active scope"):
            container.resolve(list[Plugin])

    async def it_runs_the_lifecycle_of_request_members_per_scope(self) -> None:
        events: list[str] = []

        class Listener(Protocol):
            def handle(self) -> str: ...

        @adapter.for_(Listener, multi=True, priority=1, scope=Scope.REQUEST)
        @lifecycle
        class AuditListener:
            async def initialize(self) -> None:
                events.append("init Audit")

            async def dispose(self) -> None:
                events.append("dispose Audit")

            def handle(self) -> str:
                return "audit"

        @adapter.for_(Listener, multi=True, priority=2, scope=Scope.REQUEST)
        @lifecycle
        class MailListener:
            async def initialize(self) -> None:
                events.append("init Mail")

            async def dispose(self) -> None:
                events.append("dispose Mail")

            def handle(self) -> str:
                return "mail"

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert events == ["init Audit", "init Mail"]
            assert [listener.handle() for listener in scope.resolve(list[Listener])] == ["audit", "mail"]
        assert events == ["init Audit", "init Mail", "dispose Mail", "dispose Audit"]
