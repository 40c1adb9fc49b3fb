"""Manual registration (§2.10, §2.11), ``reset()`` and the global container (§2.14)."""

from __future__ import annotations

import functools
import importlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import pytest

import dioxide
from dioxide import Container, Profile, Scope, adapter, service


class EmailPort(Protocol):
    def send(self, to: str) -> None: ...


class Storage(ABC):
    @abstractmethod
    def put(self, key: str) -> None: ...


class Config:
    def __init__(self, url: str = "sqlite://") -> None:
        self.url = url


class DescribeRegisterInstance:
    def it_returns_the_very_object(self) -> None:
        config = Config("postgresql://x")
        c = Container()
        c.register_instance(Config, config)
        assert c.resolve(Config) is config
        assert c[Config] is config
        assert c.is_registered(Config)
        assert c.list_registered() == [Config]
        assert len(c) == 1

    def it_checks_the_type_of_an_instance_for_a_class(self) -> None:
        class Other:
            pass

        c = Container()
        with pytest.raises(TypeError) as caught:
            c.register_instance(Config, Other())  # type: ignore[arg-type]
        assert str(caught.value) == "instance must be of type 'Config', got 'Other'"
        assert not c.is_registered(Config)

    def it_accepts_a_subclass_instance_for_a_class(self) -> None:
        class DevConfig(Config):
            pass

        c = Container()
        dev = DevConfig()
        c.register_instance(Config, dev)
        assert c.resolve(Config) is dev

    def it_duck_types_a_protocol_port(self) -> None:
        class NotDeclared:  # does not inherit EmailPort, but has its methods
            def send(self, to: str) -> None: ...

        c = Container()
        instance = NotDeclared()
        c.register_instance(EmailPort, instance)
        assert c.resolve(EmailPort) is instance

    def it_rejects_an_object_missing_a_port_method(self) -> None:
        class Silent:
            def receive(self) -> None: ...

        class NotCallable:
            send = "not a method"

        c = Container()
        with pytest.raises(TypeError) as caught:
            c.register_instance(EmailPort, Silent())  # type: ignore[arg-type]
        assert str(caught.value) == "instance must be of type 'EmailPort', got 'Silent'"
        with pytest.raises(TypeError, match=r"got 'NotCallable'"):
            c.register_instance(EmailPort, NotCallable())  # type: ignore[arg-type]

    def it_duck_types_an_abc_port(self) -> None:
        class Duck:
            def put(self, key: str) -> None: ...

        class Goose:
            pass

        c = Container()
        duck = Duck()
        c.register_instance(Storage, duck)  # type: ignore[type-abstract]
        assert c.resolve(Storage) is duck  # type: ignore[type-abstract]
        with pytest.raises(TypeError, match=r"instance must be of type 'Storage', got 'Goose'"):
            Container().register_instance(Storage, Goose())  # type: ignore[type-abstract]

    def it_pins_a_config_before_the_scan(self) -> None:
        from pydantic_settings import BaseSettings

        @service
        class AppConfig(BaseSettings):
            database_url: str = "sqlite://default"

        @adapter.for_(EmailPort, profile=Profile.TEST)
        class Fake:
            def __init__(self, config: AppConfig) -> None:
                self.config = config

            def send(self, to: str) -> None: ...

        pinned = AppConfig(database_url="sqlite://pinned")
        c = Container()
        c.register_instance(AppConfig, pinned)
        c.scan(profile=Profile.TEST)
        assert c.resolve(EmailPort).config is pinned  # type: ignore[attr-defined]
        assert c.resolve(AppConfig) is pinned


class DescribeFactories:
    def it_calls_a_registered_class_with_no_arguments_on_every_resolve(self) -> None:
        class Impl:
            instances = 0

            def __init__(self) -> None:
                Impl.instances += 1

        c = Container()
        c.register_class(EmailPort, Impl)  # type: ignore[arg-type]
        first, second = c.resolve(EmailPort), c.resolve(EmailPort)
        assert isinstance(first, Impl)
        assert first is not second
        assert Impl.instances == 2

    def it_injects_nothing_into_a_registered_class(self) -> None:
        @service
        class Dep:
            pass

        class NeedsDep:
            def __init__(self, dep: Dep) -> None:
                self.dep = dep

        c = Container()
        c.scan()
        c.register_class(NeedsDep, NeedsDep)
        with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'dep'"):
            c.resolve(NeedsDep)

    @pytest.mark.parametrize("method", ["register_singleton_factory", "register_singleton"])
    def it_calls_a_singleton_factory_once(self, method: str) -> None:
        calls: list[int] = []

        def make() -> Config:
            calls.append(1)
            return Config("made")

        c = Container()
        getattr(c, method)(Config, make)
        assert c.resolve(Config) is c.resolve(Config)
        assert c.resolve(Config).url == "made"
        assert calls == [1]

    @pytest.mark.parametrize("method", ["register_transient_factory", "register_factory"])
    def it_calls_a_transient_factory_every_time(self, method: str) -> None:
        calls: list[int] = []

        def make() -> Config:
            calls.append(1)
            return Config()

        c = Container()
        getattr(c, method)(Config, make)
        assert c.resolve(Config) is not c.resolve(Config)
        assert len(calls) == 2

    @pytest.mark.parametrize("method", ["register_singleton_factory", "register_transient_factory"])
    def it_refuses_an_async_or_generator_factory_even_wrapped(self, method: str) -> None:
        async def make_async() -> Config:
            return Config()

        def make_generator() -> Iterator[Config]:
            yield Config()

        async def make_async_generator() -> AsyncIterator[Config]:
            yield Config()

        @functools.wraps(make_async)
        def wrapped(*args: object) -> object:
            return make_async()

        c = Container()
        for factory in (make_async, make_generator, make_async_generator, wrapped):
            with pytest.raises(TypeError) as caught:
                getattr(c, method)(Config, factory)
            assert str(caught.value).startswith(
                f"{method}(Config, {factory.__qualname__}): factories are called synchronously, with no "
                "arguments: an async function or a generator cannot be one. Decorate it instead"
            )
        assert not c.is_registered(Config)

    def it_injects_manual_registrations_into_scanned_components(self) -> None:
        @service
        class Repo:
            def __init__(self, config: Config) -> None:
                self.config = config

        c = Container()
        c.register_singleton(Config, lambda: Config("manual"))
        c.scan()
        assert c.resolve(Repo).config is c.resolve(Config)
        assert c.resolve(Repo).config.url == "manual"


class DescribeDuplicates:
    @pytest.mark.parametrize(
        ("method", "value"),
        [
            ("register_instance", Config()),
            ("register_class", Config),
            ("register_singleton_factory", Config),
            ("register_singleton", Config),
            ("register_transient_factory", Config),
            ("register_factory", Config),
        ],
    )
    def it_refuses_a_second_registration_of_a_key(self, method: str, value: object) -> None:
        c = Container()
        c.register_instance(Config, Config("first"))
        with pytest.raises(KeyError) as caught:
            getattr(c, method)(Config, value)
        assert caught.value.args == ("Duplicate provider registration: Config",)
        assert c.resolve(Config).url == "first"

    def it_refuses_registering_a_scanned_key_after_the_scan(self) -> None:
        @service
        class AppConfig:
            pass

        @adapter.for_(EmailPort)
        class Smtp:
            def send(self, to: str) -> None: ...

        c = Container()
        c.scan()
        with pytest.raises(KeyError, match="Duplicate provider registration: AppConfig"):
            c.register_instance(AppConfig, AppConfig())
        with pytest.raises(KeyError, match="Duplicate provider registration: EmailPort"):
            c.register_singleton(EmailPort, Smtp)


class DescribeReset:
    def it_forgets_built_singletons_and_keeps_registrations(self) -> None:
        made: list[int] = []

        @service
        class Single:
            pass

        class Made:
            pass

        def make() -> Made:
            made.append(1)
            return Made()

        config = Config()
        c = Container()
        c.register_instance(Config, config)
        c.register_singleton(Made, make)
        c.scan()
        single, built = c.resolve(Single), c.resolve(Made)
        count = len(c)
        c.reset()
        assert len(c) == count
        assert c.resolve(Single) is not single
        assert c.resolve(Made) is not built
        assert len(made) == 2
        assert c.resolve(Config) is config
        assert c.resolve(Single) is c.resolve(Single)

    def it_rebuilds_singletons_with_their_dependencies(self) -> None:
        @service
        class Dep:
            pass

        @service
        class Top:
            def __init__(self, dep: Dep) -> None:
                self.dep = dep

        c = Container()
        c.scan()
        before = c.resolve(Top)
        c.reset()
        after = c.resolve(Top)
        assert after is not before
        assert after.dep is c.resolve(Dep)
        assert after.dep is not before.dep

    def it_rebuilds_singleton_multi_binding_members(self) -> None:
        class Plugin(Protocol):
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True)
        class One:
            def run(self) -> None: ...

        c = Container()
        c.scan()
        before = c.resolve(list[Plugin])[0]
        assert c.resolve(list[Plugin])[0] is before
        c.reset()
        assert c.resolve(list[Plugin])[0] is not before

    def it_keeps_the_profile(self) -> None:
        c = Container(profile=Profile.TEST)
        c.reset()
        assert c.active_profile == Profile.TEST


class DescribeGlobalContainer:
    def it_is_one_container_object_everywhere(self) -> None:
        module = importlib.import_module("dioxide.container")
        assert dioxide.container is module.container
        from dioxide import container

        assert container is module.container
        assert isinstance(container, Container)

    def it_works_like_any_container(self) -> None:
        @service
        class Svc:
            pass

        dioxide.container.scan(profile=Profile.TEST)
        assert dioxide.container.active_profile == Profile.TEST
        assert dioxide.container.resolve(Svc) is dioxide.container[Svc]

    def it_is_reset_in_place(self) -> None:
        @service
        class Svc:
            pass

        class Plugin(Protocol):
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True)
        class One:
            def run(self) -> None: ...

        original = dioxide.container
        original.register_instance(Config, Config())
        original.scan(profile=Profile.TEST)
        original.resolve(Svc)
        assert len(original) == 3
        dioxide.reset_global_container()
        assert dioxide.container is original
        assert importlib.import_module("dioxide.container").container is original
        assert original.active_profile is None
        assert len(original) == 0
        assert original.list_registered() == []
        assert original.resolve(list[Plugin]) == []  # multi-bindings are gone too
        with pytest.raises(dioxide.ServiceNotFoundError):
            original.resolve(Svc)
        original.scan()
        assert isinstance(original.resolve(Svc), Svc)

    def it_does_not_clear_the_decorator_registries(self) -> None:
        @service
        class Svc:
            pass

        dioxide.reset_global_container()
        assert Svc in dioxide._get_registered_components()

    def it_lets_a_request_scoped_service_wait_for_a_scope(self) -> None:
        @service(scope=Scope.REQUEST)
        class Ctx:
            pass

        dioxide.container.scan()
        with pytest.raises(dioxide.ScopeError):
            dioxide.container.resolve(Ctx)
