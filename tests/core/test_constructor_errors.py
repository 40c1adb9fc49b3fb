"""Deliberate difference 1: an exception from a constructor or factory reaches the caller as itself, with a note."""

from __future__ import annotations

import dataclasses
from typing import Protocol

import pytest

from dioxide import Container, DioxideError, Profile, Scope, adapter, service

PREFIX = "dioxide: raised while resolving "


class Database(Protocol):
    def query(self) -> str: ...


class UserRepository(Protocol):
    def get(self) -> str: ...


def dioxide_notes(error: BaseException) -> list[str]:
    return [note for note in getattr(error, "__notes__", []) if note.startswith("dioxide:")]


class DescribeConstructorExceptions:
    def it_keeps_the_type_message_and_object_and_notes_the_chain(self) -> None:
        raised: list[Exception] = []

        @adapter.for_(Database, profile=Profile.TEST)
        class BrokenDatabase:
            def __init__(self) -> None:
                error = ValueError("DATABASE_URL missing")
                raised.append(error)
                raise error

            def query(self) -> str:
                return ""

        @adapter.for_(UserRepository, profile=Profile.TEST)
        class SqlUserRepository:
            def __init__(self, db: Database) -> None:
                self.db = db

            def get(self) -> str:
                return ""

        @service
        class UserService:
            def __init__(self, users: UserRepository) -> None:
                self.users = users

        c = Container(profile=Profile.TEST)
        with pytest.raises(ValueError) as caught:
            c.resolve(UserService)
        assert caught.type is ValueError
        assert str(caught.value) == "DATABASE_URL missing"
        assert caught.value is raised[0]
        assert not isinstance(caught.value, DioxideError)
        notes = dioxide_notes(caught.value)
        assert len(notes) == 1
        assert notes[0].startswith(PREFIX)
        assert "UserService -> UserRepository -> Database" in notes[0]
        assert "'test'" in notes[0]

    def it_notes_the_direct_resolution(self) -> None:
        @service
        class Fragile:
            def __init__(self) -> None:
                raise RuntimeError("cannot start")

        c = Container()
        c.scan()
        with pytest.raises(RuntimeError, match="cannot start") as caught:
            c.resolve(Fragile)
        assert dioxide_notes(caught.value) == [f"{PREFIX}Fragile (profile 'none')"]

    def it_keeps_a_key_error_a_key_error(self) -> None:
        @service(scope=Scope.FACTORY)
        class Lookup:
            def __init__(self) -> None:
                raise KeyError("missing-setting")

        @service
        class Consumer:
            def __init__(self, lookup: Lookup) -> None:
                self.lookup = lookup

        c = Container()
        c.scan()
        with pytest.raises(KeyError) as caught:
            c.resolve(Consumer)
        assert caught.type is KeyError
        assert caught.value.args == ("missing-setting",)
        assert "Consumer -> Lookup" in dioxide_notes(caught.value)[0]

    def it_notes_a_manual_factory_that_raises(self) -> None:
        class Settings:
            pass

        @service
        class App:
            def __init__(self, settings: Settings) -> None:
                self.settings = settings

        c = Container(profile=Profile.TEST)
        c.register_singleton(Settings, lambda: 1 / 0)
        c.scan()
        with pytest.raises(ZeroDivisionError) as caught:
            c.resolve(App)
        notes = dioxide_notes(caught.value)
        assert len(notes) == 1
        assert notes[0].startswith(PREFIX)
        assert "App -> Settings" in notes[0]
        with pytest.raises(ZeroDivisionError):
            c.resolve(Settings)

    def it_notes_a_failure_three_levels_deep_through_factories_and_singletons(self) -> None:
        class Engine:
            pass

        def make_engine() -> Engine:
            raise ConnectionError("database is down")

        @service
        class Pool:  # singleton
            def __init__(self, engine: Engine) -> None:
                self.engine = engine

        @service(scope=Scope.FACTORY)
        class Session:
            def __init__(self, pool: Pool) -> None:
                self.pool = pool

        @service(scope=Scope.FACTORY)
        class Repo:
            def __init__(self, session: Session) -> None:
                self.session = session

        @service
        class Api:  # singleton
            def __init__(self, repo: Repo) -> None:
                self.repo = repo

        c = Container(profile=Profile.TEST)
        c.register_transient_factory(Engine, make_engine)
        c.scan()
        with pytest.raises(ConnectionError, match="database is down") as caught:
            c.resolve(Api)
        notes = dioxide_notes(caught.value)
        assert len(notes) == 1
        assert "Api -> Repo -> Session -> Pool -> Engine" in notes[0]
        assert "'test'" in notes[0]

    def it_notes_an_exception_from_a_dataclass_post_init(self) -> None:
        @service
        @dataclasses.dataclass
        class Config:
            url: str = ""

            def __post_init__(self) -> None:
                if not self.url:
                    raise ValueError("url is required")

        @service
        class Client:
            def __init__(self, config: Config) -> None:
                self.config = config

        c = Container()
        c.scan()
        with pytest.raises(ValueError, match="url is required") as caught:
            c.resolve(Client)
        assert "Client -> Config" in dioxide_notes(caught.value)[0]

    def it_does_not_cache_a_failed_singleton(self) -> None:
        attempts: list[int] = []

        @service
        class Flaky:
            def __init__(self) -> None:
                attempts.append(1)
                if len(attempts) == 1:
                    raise OSError("first try fails")

        c = Container()
        c.scan()
        with pytest.raises(OSError, match="first try fails"):
            c.resolve(Flaky)
        instance = c.resolve(Flaky)
        assert isinstance(instance, Flaky)
        assert c.resolve(Flaky) is instance
        assert len(attempts) == 2

    def it_keeps_user_notes_and_adds_one_dioxide_note(self) -> None:
        @service(scope=Scope.FACTORY)
        class Inner:
            def __init__(self) -> None:
                error = LookupError("nope")
                error.add_note("user note")
                raise error

        @service(scope=Scope.FACTORY)
        class Middle:
            def __init__(self, inner: Inner) -> None:
                self.inner = inner

        @service
        class Outer:
            def __init__(self, middle: Middle) -> None:
                self.middle = middle

        c = Container()
        c.scan()
        with pytest.raises(LookupError) as caught:
            c.resolve(Outer)
        assert caught.value.__notes__[0] == "user note"
        assert len(dioxide_notes(caught.value)) == 1
        assert "Outer -> Middle -> Inner" in dioxide_notes(caught.value)[0]
