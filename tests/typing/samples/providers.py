"""Forms users write with provider functions and manual registration; lines marked ``# error`` must be flagged."""

from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from dioxide import Container, Profile, Scope, adapter, service


class Settings:
    url = "sqlite://"


class Client:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


class Clock(Protocol):
    def now(self) -> int: ...


class FixedClock:
    def now(self) -> int:
        return 42


@service
def settings() -> Settings:
    return Settings()


@service
async def client(settings: Settings) -> AsyncIterator[Client]:
    yield Client(settings)


@service(scope=Scope.REQUEST)
def session(client: Client) -> Iterator[Client]:
    yield client


@adapter.for_(Clock, profile=Profile.TEST)
def clock() -> FixedClock:
    return FixedClock()


async def make_settings() -> Settings:
    return Settings()


def settings_generator() -> Iterator[Settings]:
    yield Settings()


def plain_settings() -> Settings:
    return Settings()


container = Container(profile=Profile.TEST)
configured: Settings = container.resolve(Settings)
now: int = container.resolve(Clock).now()
clocks: list[Clock] = container.resolve(list[Clock])
container.register_instance(Clock, FixedClock())
container.register_class(Clock, FixedClock)
container.register_singleton_factory(Settings, plain_settings)
container.register_transient_factory(Clock, FixedClock)
assert settings() is not configured
container.register_singleton_factory(Settings, make_settings)  # error
container.register_transient_factory(Settings, make_settings)  # error
container.register_singleton_factory(Settings, settings_generator)  # error
container.register_transient_factory(Settings, settings_generator)  # error
