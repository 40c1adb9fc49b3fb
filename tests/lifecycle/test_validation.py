"""Startup validation: start() (and validate()) check the active profile's whole graph before initializing
anything, and report every problem at once."""

from __future__ import annotations

from typing import Protocol

import pytest

from dioxide import (
    AdapterNotFoundError,
    CaptiveDependencyError,
    CircularDependencyError,
    Container,
    ContainerValidationError,
    DioxideError,
    Profile,
    ResolutionError,
    Scope,
    ScopeError,
    ServiceNotFoundError,
    adapter,
    lifecycle,
    service,
)

DOCS = "https://dioxide.readthedocs.io/en/latest/troubleshooting"


class DescribeValidationOnStart:
    async def it_names_every_missing_piece_in_one_error_before_any_initialize(self) -> None:
        events: list[str] = []

        class EmailPort(Protocol):
            def send(self, to: str) -> None: ...

        class CachePort(Protocol):
            def get(self, key: str) -> str: ...

        class QueuePort(Protocol):
            def push(self, item: str) -> None: ...

        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SendGridEmail:
            def send(self, to: str) -> None: ...

        @adapter.for_(CachePort, profile=[Profile.PRODUCTION, Profile.STAGING])
        class RedisCache:
            def get(self, key: str) -> str:
                return ""

        @adapter.for_(QueuePort, profile=Profile.TEST)
        class FakeQueue:
            def __init__(self, cache: CachePort) -> None:
                self.cache = cache

            def push(self, item: str) -> None: ...

        @service
        @lifecycle
        class Database:
            async def initialize(self) -> None:
                events.append("init Database")

            async def dispose(self) -> None:
                events.append("dispose Database")

        @service
        class Notifier:
            def __init__(self, db: Database, email: EmailPort, cache: CachePort) -> None:
                self.db = db

        container = Container(profile=Profile.TEST)
        with pytest.raises(ContainerValidationError) as caught:
            await container.start()
        error = caught.value

        assert events == []
        assert isinstance(error, ExceptionGroup)
        assert isinstance(error, ResolutionError)
        assert len(error.exceptions) == 2
        text = str(error)
        assert text.startswith("Invalid Container: 2 problems found in the container (profile 'test')\n")
        assert "No adapter for EmailPort in profile 'test'" in text
        assert "Registered: SendGridEmail (production)" in text
        assert "No adapter for CachePort in profile 'test'" in text
        assert "Registered: RedisCache (production, staging)" in text
        assert "  1. " in text
        assert "  2. " in text
        missing = sorted(e.context["missing"] for e in error.exceptions)
        assert missing == ["CachePort", "EmailPort"]

    async def it_reports_an_adapters_missing_dependency_as_an_adapter_error(self) -> None:
        class ClockPort(Protocol):
            def now(self) -> float: ...

        class TimezonePort(Protocol):
            def name(self) -> str: ...

        @adapter.for_(ClockPort, profile=Profile.TEST)
        class FakeClock:
            def __init__(self, zone: TimezonePort) -> None:
                self.zone = zone

            def now(self) -> float:
                return 0.0

        @adapter.for_(TimezonePort, profile=Profile.PRODUCTION)
        class SystemZone:
            def name(self) -> str:
                return "UTC"

        container = Container(profile=Profile.TEST)
        with pytest.raises(AdapterNotFoundError) as caught:
            await container.start()
        assert str(caught.value) == (
            "Adapter Not Found: Cannot resolve ClockPort -> FakeClock -> zone: TimezonePort\n"
            "  FakeClock found for ClockPort (test)\n"
            "  TimezonePort missing: No adapter for TimezonePort in profile 'test'\n"
            "  Registered: SystemZone (production)\n"
            "\n"
            f"-> See: {DOCS}/adapter-not-found.html"
        )

    async def it_lets_except_star_pick_each_kind_of_problem(self) -> None:
        class ClockPort(Protocol):
            def now(self) -> float: ...

        class TimezonePort(Protocol):
            def name(self) -> str: ...

        @adapter.for_(ClockPort, profile=Profile.TEST)
        class FakeClock:
            def __init__(self, zone: TimezonePort) -> None:
                self.zone = zone

            def now(self) -> float:
                return 0.0

        @service
        class Ping:
            def __init__(self, pong: Pong) -> None:
                self.pong = pong

        @service
        class Pong:
            def __init__(self, ping: Ping) -> None:
                self.ping = ping

        adapters: list[AdapterNotFoundError] = []
        cycles: list[CircularDependencyError] = []
        try:
            await Container(profile=Profile.TEST).start()
        except* AdapterNotFoundError as group:
            adapters.extend(group.exceptions)  # type: ignore[arg-type]
        except* CircularDependencyError as group:
            cycles.extend(group.exceptions)  # type: ignore[arg-type]
        assert len(adapters) == 1
        assert "TimezonePort missing: No adapter for TimezonePort in profile 'test'" in str(adapters[0])
        assert [c.cycle for c in cycles] == [["Ping", "Pong", "Ping"]]

    async def it_raises_a_single_problem_as_its_own_error_with_the_cycle_path(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Early:
            async def initialize(self) -> None:
                events.append("init Early")

            async def dispose(self) -> None:
                events.append("dispose Early")

        @service
        class Orders:
            def __init__(self, billing: Billing) -> None:
                self.billing = billing

        @service
        class Billing:
            def __init__(self, ledger: Ledger) -> None:
                self.ledger = ledger

        @service
        class Ledger:
            def __init__(self, orders: Orders) -> None:
                self.orders = orders

        with pytest.raises(CircularDependencyError) as caught:
            await Container(profile=Profile.TEST).start()
        assert not isinstance(caught.value, ExceptionGroup)
        assert isinstance(caught.value, ServiceNotFoundError)
        assert str(caught.value) == (
            "Circular Dependency: Circular dependency: Orders -> Billing -> Ledger -> Orders\n"
            "\n"
            f"-> See: {DOCS}/circular-dependency.html"
        )
        assert caught.value.cycle == ["Orders", "Billing", "Ledger", "Orders"]
        assert events == []

    async def it_finds_a_singleton_holding_a_request_component_through_factories(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service(scope=Scope.FACTORY)
        class AuditEntry:
            def __init__(self, context: RequestContext) -> None:
                self.context = context

        @service
        class AuditLog:
            def __init__(self, entry: AuditEntry) -> None:
                self.entry = entry

        container = Container(profile=Profile.TEST)
        with pytest.raises(CaptiveDependencyError) as caught:
            await container.start()
        assert str(caught.value) == (
            "Captive Dependency: Captive dependency: AuditLog (SINGLETON) -> AuditEntry (FACTORY) -> "
            "RequestContext (REQUEST)\n"
            "  SINGLETON cannot depend on REQUEST-scoped components, even through FACTORY ones\n"
            "\n"
            f"-> See: {DOCS}/captive-dependency.html"
        )
        assert caught.value.context["parent"] == "AuditLog"
        assert caught.value.context["child"] == "RequestContext"

    def it_refuses_a_direct_captive_dependency_already_at_scan(self) -> None:
        class SessionPort(Protocol):
            def user(self) -> str: ...

        @adapter.for_(SessionPort, profile=Profile.TEST, scope=Scope.REQUEST)
        class FakeSession:
            def user(self) -> str:
                return "alice"

        @service
        class Greeter:
            def __init__(self, session: SessionPort) -> None:
                self.session = session

        with pytest.raises(CaptiveDependencyError) as caught:
            Container(profile=Profile.TEST)
        assert str(caught.value) == (
            "Captive Dependency: Captive dependency: Greeter (SINGLETON) -> SessionPort (REQUEST)\n"
            "  SINGLETON cannot depend on REQUEST-scoped components\n"
            "\n"
            f"-> See: {DOCS}/captive-dependency.html"
        )

    async def it_refuses_a_factory_scoped_lifecycle_component(self) -> None:
        @service(scope=Scope.FACTORY)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        assert isinstance(container.resolve(Connection), Connection), "resolving it is fine; starting is not"
        with pytest.raises(ScopeError) as caught:
            await container.start()
        assert str(caught.value) == (
            "Scope Error: Connection is FACTORY-scoped and has @lifecycle: its instances could never be initialized\n"
            "  Use Scope.SINGLETON or Scope.REQUEST for @lifecycle components\n"
            "\n"
            f"-> See: {DOCS}/scope-error.html"
        )

    async def it_reports_an_unreadable_annotation(self) -> None:
        @service
        class Report:
            def __init__(self, source: DoesNotExist) -> None:  # type: ignore[name-defined]  # noqa: F821
                self.source = source

        with pytest.raises(ServiceNotFoundError) as caught:
            await Container(profile=Profile.TEST).start()
        assert str(caught.value) == (
            "Service Not Found: Cannot resolve Report -> Report -> source: DoesNotExist\n"
            "  annotation 'DoesNotExist' could not be evaluated: name 'DoesNotExist' is not defined\n"
            "\n"
            f"-> See: {DOCS}/service-not-found.html"
        )

    async def it_lists_problems_of_every_kind_together(self) -> None:
        events: list[str] = []

        class EmailPort(Protocol):
            def send(self, to: str) -> None: ...

        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service(scope=Scope.FACTORY)
        class AuditEntry:
            def __init__(self, context: RequestContext) -> None:
                self.context = context

        @service
        class AuditLog:
            def __init__(self, entry: AuditEntry) -> None:
                self.entry = entry

        @service
        class Ping:
            def __init__(self, pong: Pong) -> None:
                self.pong = pong

        @service
        class Pong:
            def __init__(self, ping: Ping) -> None:
                self.ping = ping

        @service
        class Mailer:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        @service(scope=Scope.FACTORY)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                pass

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append("init Pool")

            async def dispose(self) -> None:
                pass

        container = Container(profile=Profile.TEST)
        with pytest.raises(ContainerValidationError) as caught:
            await container.start()
        kinds = sorted(type(e).__name__ for e in caught.value.exceptions)
        assert kinds == ["CaptiveDependencyError", "CircularDependencyError", "ScopeError", "ServiceNotFoundError"]
        assert str(caught.value).startswith("Invalid Container: 4 problems found in the container (profile 'test')")
        assert all(isinstance(e, DioxideError) for e in caught.value.exceptions)
        assert events == []


class DescribeValidate:
    def it_passes_silently_on_a_sound_graph(self) -> None:
        class EmailPort(Protocol):
            def send(self, to: str) -> None: ...

        @adapter.for_(EmailPort, profile=Profile.TEST)
        class FakeEmail:
            def send(self, to: str) -> None: ...

        @service
        class Mailer:
            def __init__(self, email: EmailPort, sender: str = "noreply") -> None:
                self.email = email

        container = Container(profile=Profile.TEST)
        assert container.validate() is None
        assert isinstance(container.resolve(Mailer).email, FakeEmail)

    def it_builds_nothing(self) -> None:
        built: list[str] = []

        @service
        class Heavy:
            def __init__(self) -> None:
                built.append("Heavy")

        @service
        class User:
            def __init__(self, heavy: Heavy, missing: Missing) -> None:
                built.append("User")

        class Missing:
            pass

        container = Container(profile=Profile.TEST)
        with pytest.raises(ServiceNotFoundError) as caught:
            container.validate()
        assert "Missing missing: Not registered (missing @service decorator)" in str(caught.value)
        assert built == []

    def it_validates_the_active_profile_only(self) -> None:
        class EmailPort(Protocol):
            def send(self, to: str) -> None: ...

        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SendGridEmail:
            def __init__(self, api_key: ApiKey) -> None:
                self.api_key = api_key

            def send(self, to: str) -> None: ...

        class ApiKey:
            pass

        @adapter.for_(EmailPort, profile=Profile.TEST)
        class FakeEmail:
            def send(self, to: str) -> None: ...

        Container(profile=Profile.TEST).validate()
        with pytest.raises(AdapterNotFoundError, match="ApiKey missing: Not registered"):
            Container(profile=Profile.PRODUCTION).validate()
