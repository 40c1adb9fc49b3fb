"""Provider functions: ``@service`` and ``@adapter.for_`` on plain, async, generator and async generator functions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import pytest

from dioxide import (
    AmbiguousAdapterError,
    CaptiveDependencyError,
    CircularDependencyError,
    Container,
    Profile,
    ResolutionError,
    Scope,
    ScopeError,
    ServiceNotFoundError,
    adapter,
    lifecycle,
    service,
)


class Settings:
    def __init__(self, url: str) -> None:
        self.url = url


class Client:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


class Session:
    def __init__(self, client: Client) -> None:
        self.client = client


class Clock(Protocol):
    def now(self) -> int: ...


class FixedClock:
    def __init__(self, at: int = 42) -> None:
        self.at = at

    def now(self) -> int:
        return self.at


@pytest.fixture
def events() -> list[str]:
    return []


def declare_settings() -> None:
    @service
    def settings() -> Settings:
        return Settings("sqlite://")


class DescribePlainFunctions:
    def it_provides_a_singleton_keyed_by_its_return_annotation(self) -> None:
        calls: list[str] = []

        @service
        def settings() -> Settings:
            calls.append("built")
            return Settings("sqlite://")

        container = Container(profile=Profile.TEST)
        assert container.resolve(Settings) is container.resolve(Settings)
        assert container.resolve(Settings).url == "sqlite://"
        assert calls == ["built"]
        assert settings() is not container.resolve(Settings)  # the function itself stays a plain function

    def it_injects_its_parameters_as_a_constructor_s(self) -> None:
        declare_settings()

        @service(scope=Scope.FACTORY)
        def client(settings: Settings, retries: int = 3) -> Client:
            assert retries == 3
            return Client(settings)

        container = Container(profile=Profile.TEST)
        first, second = container.resolve(Client), container.resolve(Client)
        assert first is not second
        assert first.settings is second.settings is container.resolve(Settings)

    async def it_provides_a_request_scoped_component(self) -> None:
        declare_settings()

        @service
        def client(settings: Settings) -> Client:
            return Client(settings)

        @service(scope=Scope.REQUEST)
        def session(client: Client) -> Session:
            return Session(client)

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as one:
            first = one.resolve(Session)
            assert one.resolve(Session) is first
        async with container.create_scope() as two:
            assert two.resolve(Session) is not first
            assert two.resolve(Session).client is first.client
        with pytest.raises(ScopeError):
            container.resolve(Session)

    def it_implements_a_port_per_profile(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        def fixed_clock() -> FixedClock:
            return FixedClock(1)

        @adapter.for_(Clock, profile=Profile.PRODUCTION)
        def system_clock() -> FixedClock:
            return FixedClock(2)

        assert Container(profile=Profile.TEST).resolve(Clock).now() == 1  # type: ignore[type-abstract]
        assert Container(profile=Profile.PRODUCTION).resolve(Clock).now() == 2  # type: ignore[type-abstract]

    def it_contributes_to_a_multi_binding_in_priority_order(self) -> None:
        @adapter.for_(Clock, multi=True, priority=2)
        def late() -> FixedClock:
            return FixedClock(2)

        @adapter.for_(Clock, multi=True, priority=1)
        def early() -> FixedClock:
            return FixedClock(1)

        clocks = Container(profile=Profile.TEST).resolve(list[Clock])
        assert [clock.now() for clock in clocks] == [1, 2]

    def it_lists_an_adapter_function_among_the_adapters_of_its_port(self) -> None:
        @adapter.for_(Clock, profile=Profile.TEST)
        def fixed_clock() -> FixedClock:
            return FixedClock()

        container = Container(profile=Profile.TEST)
        assert "fixed_clock (profiles: test, active)" in container.debug()
        assert container.explain(Clock).splitlines()[1] == "Clock -> fixed_clock (SINGLETON, profile: test)"


class DescribeGenerators:
    def it_runs_the_code_after_yield_when_the_container_stops(self, events: list[str]) -> None:
        declare_settings()

        @service
        def client(settings: Settings) -> Iterator[Client]:
            events.append("open")
            yield Client(settings)
            events.append("close")

        with Container(profile=Profile.TEST) as container:
            assert isinstance(container.resolve(Client), Client)
            assert events == ["open"]
        assert events == ["open", "close"]

    def it_cleans_up_a_singleton_resolved_before_start_at_stop(self, events: list[str]) -> None:
        @service
        def client() -> Iterator[Client]:
            events.append("open")
            yield Client(Settings("x"))
            events.append("close")

        container = Container(profile=Profile.TEST)
        container.resolve(Client)
        with container:
            pass
        assert events == ["open", "close"]

    async def it_cleans_up_a_request_component_when_its_scope_exits(self, events: list[str]) -> None:
        declare_settings()

        @service
        def client(settings: Settings) -> Client:
            return Client(settings)

        @service(scope=Scope.REQUEST)
        def session(client: Client) -> Iterator[Session]:
            events.append("open")
            yield Session(client)
            events.append("close")

        container = Container(profile=Profile.TEST)
        for _ in range(2):
            async with container.create_scope() as scope:
                scope.resolve(Session)
            assert events[-1] == "close"
        with container.create_scope() as scope:
            scope.resolve(Session)
        assert events == ["open", "close"] * 3

    async def it_cleans_up_in_reverse_order_of_creation_with_lifecycle_components(self, events: list[str]) -> None:
        @service(scope=Scope.REQUEST)
        def settings() -> Iterator[Settings]:
            events.append("settings open")
            yield Settings("x")
            events.append("settings close")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Audit:
            def __init__(self, settings: Settings) -> None:
                self.settings = settings

            async def initialize(self) -> None:
                events.append("audit init")

            async def dispose(self) -> None:
                events.append("audit dispose")

        @service(scope=Scope.REQUEST)
        async def client(settings: Settings, audit: Audit) -> AsyncIterator[Client]:
            events.append("client open")
            yield Client(settings)
            events.append("client close")

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert scope.resolve(Client).settings is scope.resolve(Settings)
        assert events == [
            "settings open",
            "audit init",
            "client open",
            "client close",
            "audit dispose",
            "settings close",
        ]

    async def it_cleans_up_when_the_scope_ends_with_an_exception(self, events: list[str]) -> None:
        @service(scope=Scope.REQUEST)
        def settings() -> Iterator[Settings]:
            events.append("open")
            yield Settings("x")  # no try/finally: the code after the yield runs anyway
            events.append("close")

        container = Container(profile=Profile.TEST)
        with pytest.raises(ValueError, match="boom"):
            async with container.create_scope() as scope:
                scope.resolve(Settings)
                raise ValueError("boom")
        assert events == ["open", "close"]

    def it_refuses_a_generator_that_does_not_yield(self) -> None:
        @service
        def settings() -> Iterator[Settings]:
            return
            yield Settings("never")

        with pytest.raises(RuntimeError, match="the generator provider settings returned without yielding a value"):
            Container(profile=Profile.TEST).resolve(Settings)

    def it_reports_a_generator_that_yields_twice_at_stop(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        def settings() -> Iterator[Settings]:
            yield Settings("one")
            yield Settings("two")

        container = Container(profile=Profile.TEST)
        container.resolve(Settings)
        with caplog.at_level("ERROR", logger="dioxide"):
            container.__exit__(None, None, None)
        assert "the generator provider settings yielded more than once; it must yield one value" in caplog.text


class DescribeAsyncProviders:
    async def it_builds_an_async_singleton_when_the_container_starts(self, events: list[str]) -> None:
        declare_settings()

        @service
        async def client(settings: Settings) -> Client:
            await asyncio.sleep(0)
            events.append("built")
            return Client(settings)

        async with Container(profile=Profile.TEST) as container:
            assert events == ["built"]
            assert container.resolve(Client) is container.resolve(Client)
            assert container.resolve(Client).settings is container.resolve(Settings)

    def it_says_to_start_the_container_when_resolved_before(self) -> None:
        @service
        async def client() -> Client:
            return Client(Settings("x"))

        container = Container(profile=Profile.TEST)
        with pytest.raises(ResolutionError) as caught:
            container.resolve(Client)
        assert str(caught.value).startswith(
            "Resolution Failed: Cannot resolve Client yet: it is provided by the async function "
            "DescribeAsyncProviders.it_says_to_start_the_container_when_resolved_before.<locals>.client, which runs "
            "when the container starts\n"
            "  Start the container first: `async with container:` or `await container.start()` "
            "(`with container:` in synchronous code)"
        )

    def it_is_built_by_a_synchronous_with_too(self, events: list[str]) -> None:
        @service
        async def client() -> AsyncIterator[Client]:
            events.append("open")
            yield Client(Settings("x"))
            events.append("close")

        with Container(profile=Profile.TEST) as container:
            assert isinstance(container.resolve(Client), Client)
        assert events == ["open", "close"]

    async def it_builds_in_dependency_order_with_lifecycle_components(self, events: list[str]) -> None:
        @service
        @lifecycle
        class Database:
            async def initialize(self) -> None:
                events.append("database")

            async def dispose(self) -> None:
                events.append("database closed")

        @service
        async def client(database: Database) -> AsyncIterator[Client]:
            events.append("client")
            yield Client(Settings("x"))
            events.append("client closed")

        @service
        @lifecycle
        class Cache:
            def __init__(self, client: Client) -> None:
                self.client = client

            async def initialize(self) -> None:
                events.append("cache")

            async def dispose(self) -> None:
                events.append("cache closed")

        async with Container(profile=Profile.TEST):
            assert events == ["database", "client", "cache"]
        assert events[3:] == ["cache closed", "client closed", "database closed"]

    async def it_builds_an_async_request_component_when_the_scope_opens(self, events: list[str]) -> None:
        @service(scope=Scope.REQUEST)
        async def session() -> AsyncIterator[Session]:
            events.append("open")
            yield Session(Client(Settings("x")))
            events.append("close")

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            assert events == ["open"]
            assert scope.resolve(Session) is scope.resolve(Session)
        assert events == ["open", "close"]
        with pytest.raises(ResolutionError, match=r"Open the scope with `async with container\.create_scope"):
            container.create_scope().resolve(Session)

    async def it_rolls_back_what_started_when_an_async_provider_fails(self, events: list[str]) -> None:
        @service
        def settings() -> Iterator[Settings]:
            events.append("settings open")
            yield Settings("x")
            events.append("settings close")

        @service
        async def client(settings: Settings) -> Client:
            raise ConnectionError("no route")

        container = Container(profile=Profile.TEST)
        with pytest.raises(ConnectionError, match="no route") as caught:
            await container.start()
        assert events == ["settings open", "settings close"]
        assert "dioxide: raised while resolving Client (profile 'test')" in caught.value.__notes__


class DescribeDeclarationErrors:
    @pytest.mark.parametrize("kind", ["async function", "generator", "async generator"])
    def it_refuses_a_factory_scoped_async_or_generator_provider(self, kind: str) -> None:
        async def coroutine() -> Client: ...

        def generator() -> Iterator[Client]:
            yield Client(Settings("x"))

        async def async_generator() -> AsyncIterator[Client]:
            yield Client(Settings("x"))

        function = {"async function": coroutine, "generator": generator, "async generator": async_generator}[kind]
        with pytest.raises(TypeError) as caught:
            service(scope=Scope.FACTORY)(function)
        message = str(caught.value)
        assert "cannot be FACTORY-scoped: a FACTORY component is built on every resolve()" in message
        assert f"{'an' if kind[0] == 'a' else 'a'} {kind} cannot" in message
        assert (
            "Use Scope.SINGLETON (built once, when the container starts) or Scope.REQUEST (once per scope)" in message
        )

    def it_refuses_a_generator_annotated_with_what_it_yields(self) -> None:
        @service
        def settings() -> Settings:  # a generator must say Iterator[Settings]
            yield Settings("x")  # type: ignore[misc]

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST)
        assert "is a generator: annotate what it yields, -> Iterator[T], not -> Settings" in str(caught.value)

    def it_refuses_a_return_annotation_that_is_not_a_class(self) -> None:
        @service
        def count() -> int:
            return 1

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST)
        assert "provides int, which is not a class dioxide can inject" in str(caught.value)

    def it_refuses_two_services_for_one_type(self) -> None:
        @service
        class Store:
            pass

        @service
        def store() -> Store:
            return Store()

        with pytest.raises(AmbiguousAdapterError) as caught:
            Container(profile=Profile.TEST)
        assert "Several declarations provide Store:" in str(caught.value)
        assert "store (@service function)" in str(caught.value)

    def it_refuses_a_service_and_an_adapter_of_the_profile_for_one_type(self) -> None:
        @service
        class Settings:
            pass

        @adapter.for_(Settings, profile=Profile.TEST)
        def test_settings() -> Settings:
            return Settings()

        with pytest.raises(AmbiguousAdapterError) as caught:
            Container(profile=Profile.TEST)
        assert "Several declarations provide Settings:" in str(caught.value)
        assert "(@service class)" in str(caught.value)
        assert "test_settings (@adapter.for_ function)" in str(caught.value)
        assert Container(profile=Profile.PRODUCTION).resolve(Settings) is not None


class DescribeValidation:
    def it_reports_a_missing_parameter_with_its_chain(self) -> None:
        @service
        def client(settings: Settings) -> Client:
            return Client(settings)

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(Client)
        assert "Cannot resolve Client -> client -> settings: Settings" in str(caught.value)

    def it_reports_a_cycle_through_provider_functions(self) -> None:
        @service
        def settings(client: Client) -> Settings:
            return Settings("x")

        @service
        def client(settings: Settings) -> Client:
            return Client(settings)

        with pytest.raises(CircularDependencyError, match="Client -> Settings -> Client"):
            Container(profile=Profile.TEST).resolve(Client)

    def it_reports_a_singleton_holding_a_request_component(self) -> None:
        @service(scope=Scope.REQUEST)
        def settings() -> Settings:
            return Settings("x")

        @service
        def client(settings: Settings) -> Client:
            return Client(settings)

        with pytest.raises(CaptiveDependencyError) as caught:
            Container(profile=Profile.TEST).validate()
        assert "Client (SINGLETON) -> Settings (REQUEST)" in str(caught.value)
