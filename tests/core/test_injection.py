"""Resolution and constructor injection (§2.7, §2.8 and our differences 7): what is injected and what is not."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, Generic, Literal, Optional, Protocol, Self, TypeVar, Union

import pytest

from dioxide import Container, ContainerValidationError, Profile, Scope, ServiceNotFoundError, adapter, service

T = TypeVar("T")


class Port(Protocol):
    def run(self) -> str: ...


class Repository(Generic[T]):
    pass


SENTINEL = object()


def scanned(profile: Profile | None = None) -> Container:
    c = Container()
    c.scan(profile=profile)
    return c


class DescribeBasicResolution:
    def it_resolves_with_resolve_and_subscript_alike(self) -> None:
        @service
        class Svc:
            pass

        c = scanned()
        assert c.resolve(Svc) is c[Svc]
        assert isinstance(c[Svc], Svc)

    def it_caches_singletons_per_container_and_builds_factories_each_time(self) -> None:
        @service
        class Single:
            pass

        @service(scope=Scope.FACTORY)
        class Fresh:
            pass

        one, two = scanned(), scanned()
        assert one.resolve(Single) is one.resolve(Single)
        assert one.resolve(Single) is not two.resolve(Single)
        assert one.resolve(Fresh) is not one.resolve(Fresh)

    def it_shares_one_singleton_adapter_among_its_dependents(self) -> None:
        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        @service
        class A:
            def __init__(self, port: Port) -> None:
                self.port = port

        @service(scope=Scope.FACTORY)
        class B:
            def __init__(self, port: Port) -> None:
                self.port = port

        c = scanned()
        assert c.resolve(A).port is c.resolve(B).port is c.resolve(Port)

    def it_injects_a_dependency_chain(self) -> None:
        @service
        class Database:
            pass

        @service
        class Repo:
            def __init__(self, db: Database) -> None:
                self.db = db

        @service
        class UseCase:
            def __init__(self, repo: Repo, db: Database) -> None:
                self.repo = repo
                self.db = db

        c = scanned()
        use_case = c.resolve(UseCase)
        assert use_case.repo.db is use_case.db is c.resolve(Database)

    def it_does_not_autowire_undecorated_classes(self) -> None:
        class Undecorated:
            pass

        with pytest.raises(ServiceNotFoundError):
            scanned().resolve(Undecorated)

    def it_registers_adapters_under_their_port_only(self) -> None:
        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        c = scanned()
        assert isinstance(c.resolve(Port), Impl)
        with pytest.raises(ServiceNotFoundError):
            c.resolve(Impl)


class DescribeOptionalParameters:
    def it_injects_x_or_none_when_x_is_registered(self) -> None:
        @service
        class Cache:
            pass

        @service
        class Svc:
            def __init__(self, cache: Cache | None, other: Optional[Cache], third: Union[None, Cache]) -> None:  # noqa: RUF036,UP007,UP045
                self.cache, self.other, self.third = cache, other, third

        c = scanned()
        svc = c.resolve(Svc)
        assert svc.cache is c.resolve(Cache)
        assert svc.other is svc.cache
        assert svc.third is svc.cache

    def it_injects_x_or_none_with_a_default_when_x_is_registered(self) -> None:
        @service
        class Cache:
            pass

        @service
        class Svc:
            def __init__(self, cache: Cache | None = None) -> None:
                self.cache = cache

        c = scanned()
        assert c.resolve(Svc).cache is c.resolve(Cache)

    def it_passes_none_when_x_is_not_registered(self) -> None:
        class Cache:
            pass

        @service
        class Svc:
            def __init__(self, cache: Cache | None) -> None:
                self.cache = cache

        assert scanned().resolve(Svc).cache is None

    def it_uses_the_default_when_x_is_not_registered(self) -> None:
        class Cache:
            pass

        marker = Cache()

        @service
        class Svc:
            def __init__(self, cache: Cache | None = marker) -> None:
                self.cache = cache

        assert scanned().resolve(Svc).cache is marker

    def it_passes_none_for_an_unregistered_port_or_none(self) -> None:
        @service
        class Svc:
            def __init__(self, port: Port | None) -> None:
                self.port = port

        c = scanned(Profile.TEST)
        assert c.resolve(Svc).port is None

    def it_injects_a_port_or_none_in_the_profile_that_has_an_adapter(self) -> None:
        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        @service
        class Svc:
            def __init__(self, port: Port | None) -> None:
                self.port = port

        assert isinstance(Container(profile=Profile.TEST).resolve(Svc).port, Fake)
        assert Container(profile=Profile.PRODUCTION).resolve(Svc).port is None


class DescribeDefaults:
    def it_gives_a_class_typed_parameter_its_default_when_the_type_is_not_registered(self) -> None:
        class Clock:
            pass

        default_clock = Clock()

        @service
        class Svc:
            def __init__(self, clock: Clock = default_clock) -> None:
                self.clock = clock

        assert scanned().resolve(Svc).clock is default_clock

    def it_injects_a_class_typed_parameter_with_a_default_when_the_type_is_registered(self) -> None:
        @service
        class Clock:
            pass

        @service
        class Svc:
            def __init__(self, clock: Clock = None) -> None:  # type: ignore[assignment]
                self.clock = clock

        c = scanned()
        assert c.resolve(Svc).clock is c.resolve(Clock)

    def it_skips_unannotated_parameters_and_star_args(self) -> None:
        @service
        class Svc:
            def __init__(self, untyped=SENTINEL, *args: Port, **kwargs: Port) -> None:  # type: ignore[no-untyped-def]
                self.untyped, self.args, self.kwargs = untyped, args, kwargs

        svc = scanned().resolve(Svc)
        assert (svc.untyped, svc.args, svc.kwargs) == (SENTINEL, (), {})


PRIMITIVES = [str, int, float, bool, bytes, list, dict, set, tuple, frozenset, complex, bytearray, object, type]


class DescribeNeverInjected:
    @pytest.mark.parametrize("primitive", PRIMITIVES, ids=lambda t: t.__name__)
    def it_never_injects_a_primitive_even_when_registered(self, primitive: type) -> None:
        @service
        class Svc:
            def __init__(self, value: primitive = SENTINEL) -> None:  # type: ignore[valid-type,assignment]
                self.value = value

        c = Container()
        c.register_singleton(primitive, lambda: "registered")
        c.scan()
        assert c.resolve(Svc).value is SENTINEL

    @pytest.mark.parametrize(
        "annotation",
        [
            Literal["a", "b"],
            Callable[[], int],
            type[Port],
            Union[int, str],  # noqa: UP007
            dict[str, Port],
            set[Port],
            tuple[Port, ...],
            frozenset[Port],
            list[int],
            list[str],
            Repository[int],
            T,
        ],
        ids=repr,
    )
    def it_never_injects_special_forms_and_generic_aliases(self, annotation: Any) -> None:
        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        @service
        class Svc:
            def __init__(self, value: annotation = SENTINEL) -> None:  # type: ignore[valid-type]
                self.value = value

        assert scanned().resolve(Svc).value is SENTINEL

    def it_does_not_inject_a_union_of_two_registered_classes(self) -> None:
        @service
        class A:
            pass

        @service
        class B:
            pass

        @service
        class Svc:
            def __init__(self, either: A | B = SENTINEL) -> None:  # type: ignore[assignment]
                self.either = either

        assert scanned().resolve(Svc).either is SENTINEL


class DescribeRequiredButNeverInjected:
    """A required parameter dioxide never injects: 2.1 let the first resolve fail with Python's bare TypeError."""

    @pytest.mark.parametrize(
        ("annotation", "shown", "why"),
        [
            (str, "str", "str is a primitive type"),
            (Union[int, str], "int | str", "int | str is a Union: only X | None, of one component type, is injected"),  # noqa: UP007
            (dict[str, Port], "dict[str, Port]", "dict[str, Port] is a collection: only list[Port] is injected"),
            (set[Port], "set[Port]", "set[Port] is a collection: only list[Port] is injected"),
            (tuple[Port, ...], "tuple[Port, ...]", "tuple[Port, ...] is a collection: only list[Port] is injected"),
            (frozenset[Port], "frozenset[Port]", "frozenset[Port] is a collection: only list[Port] is injected"),
            (list[str], "list[str]", "list[str] is not a list of a component type"),
            (Literal["eu", "us"], "Literal['eu', 'us']", "Literal['eu', 'us'] is not a component class"),
            (42, "42", "42 is not a component class"),
        ],
        ids=repr,
    )
    def it_raises_service_not_found_naming_the_class_the_parameter_why_and_the_fix(
        self, annotation: Any, shown: str, why: str
    ) -> None:
        @service
        class Report:
            def __init__(self, title: annotation) -> None:  # type: ignore[valid-type]
                self.title = title

        with pytest.raises(ServiceNotFoundError) as caught:
            scanned().resolve(Report)
        assert type(caught.value) is ServiceNotFoundError
        assert str(caught.value).splitlines()[:3] == [
            f"Service Not Found: Cannot resolve Report -> Report -> title: {shown}",
            f"  Report requires title: {shown}, which dioxide never injects: {why}",
            "  Fix: give title a default, or make it a component (e.g. a @service settings class holding the value)",
        ]
        assert caught.value.context["class"] == "Report"
        assert caught.value.context["parameter"] == "title"

    def it_names_a_parameter_without_annotation_and_typing_self(self) -> None:
        @service
        class Node:
            def __init__(self, parent: Self, label) -> None:  # type: ignore[no-untyped-def]
                self.parent, self.label = parent, label

        with pytest.raises(ServiceNotFoundError) as caught:
            scanned().resolve(Node)
        text = str(caught.value)
        assert "  Node requires parent: Self, which dioxide never injects: Self is not a component class" in text
        assert "Also: Cannot resolve Node -> Node -> label\n" in text
        assert "    Node requires label, which dioxide never injects: it has no type annotation" in text

    def it_names_the_chain_when_a_dependency_has_such_a_parameter(self) -> None:
        @service
        class Mailer:
            def __init__(self, sender: str) -> None:
                self.sender = sender

        @service
        class Signup:
            def __init__(self, mailer: Mailer) -> None:
                self.mailer = mailer

        with pytest.raises(ServiceNotFoundError) as caught:
            scanned().resolve(Signup)
        assert str(caught.value).splitlines()[:2] == [
            "Service Not Found: Cannot resolve Signup -> Signup -> mailer: Mailer -> Mailer -> sender: str",
            "  Mailer requires sender: str, which dioxide never injects: str is a primitive type",
        ]

    async def it_is_reported_by_validate_and_start_with_the_other_problems(self) -> None:
        @service
        class Report:
            def __init__(self, title: str, port: Port) -> None:
                self.title = title

        container = scanned(Profile.TEST)
        for check in (container.validate, container.start):
            with pytest.raises(ContainerValidationError) as caught:
                result = check()
                if result is not None:
                    await result
            first, second = caught.value.exceptions
            assert "Report requires title: str, which dioxide never injects" in str(first)
            assert "port: Port\n  Report found for Report (*)\n  Port missing: No adapter for Port" in str(second)
        assert container.started is False

    def it_explains_it(self) -> None:
        @service
        class Report:
            def __init__(self, title: str, untyped) -> None:  # type: ignore[no-untyped-def]
                self.title = title

        assert scanned().explain(Report).splitlines()[1:] == [
            "Report (SINGLETON)",
            "+-- title: str (never injected, and required: no default)",
            "+-- untyped (never injected, and required: no default)",
        ]

    def it_leaves_a_constructor_with_a_declared_signature_to_fill_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """pydantic's BaseSettings shows its fields as required parameters, and reads them from the environment."""
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            database_url: str

        service(Settings)
        monkeypatch.setenv("DATABASE_URL", "sqlite://")
        container = scanned()
        container.validate()
        assert container.resolve(Settings).database_url == "sqlite://"


class DescribeParameterKinds:
    def it_injects_positional_only_parameters(self) -> None:
        @service
        class A:
            pass

        @service
        class B:
            pass

        @service
        class Svc:
            def __init__(self, a: A, b: B, /) -> None:
                self.a, self.b = a, b

        c = scanned()
        svc = c.resolve(Svc)
        assert (svc.a, svc.b) == (c.resolve(A), c.resolve(B))

    def it_keeps_a_skipped_positional_only_default_in_place(self) -> None:
        @service
        class A:
            pass

        @service
        class Svc:
            def __init__(self, retries: int = 3, a: A | None = None, /) -> None:
                self.retries, self.a = retries, a

        c = scanned()
        svc = c.resolve(Svc)
        assert svc.retries == 3
        assert svc.a is c.resolve(A)

    def it_injects_keyword_only_parameters(self) -> None:
        @service
        class A:
            pass

        @service
        class Svc:
            def __init__(self, *, a: A, label: str = "x") -> None:
                self.a, self.label = a, label

        c = scanned()
        assert c.resolve(Svc).a is c.resolve(A)
        assert c.resolve(Svc).label == "x"

    def it_injects_the_parameters_after_a_skipped_one_in_the_middle(self) -> None:
        @service
        class A:
            pass

        @service
        class B:
            pass

        @service
        class Svc:
            def __init__(self, a: A, timeout: float = 1.5, b: B | None = None, *, c: A) -> None:
                self.a, self.timeout, self.b, self.c = a, timeout, b, c

        c = scanned()
        svc = c.resolve(Svc)
        assert svc.a is c.resolve(A)
        assert svc.timeout == 1.5
        assert svc.b is c.resolve(B)
        assert svc.c is c.resolve(A)

    def it_injects_a_dataclass(self) -> None:
        @service
        class A:
            pass

        @service
        @dataclasses.dataclass
        class Settings:
            a: A
            name: str = "app"
            retries: int = dataclasses.field(default=2)

        c = scanned()
        settings = c.resolve(Settings)
        assert settings == Settings(a=c.resolve(A))
        assert (settings.name, settings.retries) == ("app", 2)

    def it_injects_through_an_inherited_constructor(self) -> None:
        @service
        class A:
            pass

        class Base:
            def __init__(self, a: A) -> None:
                self.a = a

        @service
        class Child(Base):
            pass

        c = scanned()
        assert c.resolve(Child).a is c.resolve(A)

    def it_builds_a_pydantic_settings_service_bare(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from pydantic_settings import BaseSettings

        @service
        class AppConfig(BaseSettings):
            database_url: str = "sqlite://"
            debug: bool = False

        monkeypatch.setenv("DATABASE_URL", "postgresql://db/app")
        monkeypatch.setenv("DEBUG", "true")

        @service
        class UsesConfig:
            def __init__(self, config: AppConfig) -> None:
                self.config = config

        c = scanned()
        config = c.resolve(UsesConfig).config
        assert config is c.resolve(AppConfig)
        assert config.database_url == "postgresql://db/app"
        assert config.debug is True

    def it_builds_a_pydantic_settings_service_with_a_required_field_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from pydantic import ValidationError
        from pydantic_settings import BaseSettings

        @service
        class Secrets(BaseSettings):
            api_key: str

        monkeypatch.delenv("API_KEY", raising=False)
        c = scanned()
        with pytest.raises(ValidationError):  # pydantic's own error, not a dioxide one
            c.resolve(Secrets)
        monkeypatch.setenv("API_KEY", "s3cret")
        assert c.resolve(Secrets).api_key == "s3cret"


class DescribeStringAnnotations:
    def it_resolves_a_forward_reference_to_a_class_defined_later_in_the_function(self) -> None:
        @service
        class First:
            def __init__(self, later: Later, quoted: Later | None) -> None:
                self.later, self.quoted = later, quoted

        @service
        class Later:
            pass

        c = scanned()
        assert c.resolve(First).later is c.resolve(Later)
        assert c.resolve(First).quoted is c.resolve(Later)

    def it_remembers_the_defining_function_after_it_returned(self) -> None:
        def define() -> tuple[type, type]:
            @service
            class Outer:
                def __init__(self, inner: Inner) -> None:
                    self.inner = inner

            @service
            class Inner:
                pass

            return Outer, Inner

        outer_cls, inner_cls = define()
        c = scanned()
        results: list[Any] = []
        worker = threading.Thread(target=lambda: results.append(c.resolve(outer_cls)))  # an unrelated call stack
        worker.start()
        worker.join()
        assert isinstance(results[0].inner, inner_cls)

    def it_resolves_module_level_names(self) -> None:
        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        @service
        class Svc:
            def __init__(self, port: Port) -> None:  # Port is a module global, a string here
                self.port = port

        assert isinstance(scanned().resolve(Svc).port, Impl)

    def it_reports_an_unreadable_annotation_without_a_default_as_not_found(self) -> None:
        @service
        class Broken:
            def __init__(self, thing: DoesNotExist) -> None:  # type: ignore[name-defined]  # noqa: F821
                self.thing = thing

        with pytest.raises(ServiceNotFoundError) as caught:
            scanned().resolve(Broken)
        assert "DoesNotExist" in str(caught.value)
        assert "Broken" in str(caught.value)

    def it_uses_the_default_for_an_unreadable_annotation_with_one(self) -> None:
        @service
        class Tolerant:
            def __init__(self, thing: DoesNotExist = SENTINEL) -> None:  # type: ignore[name-defined]  # noqa: F821
                self.thing = thing

        assert scanned().resolve(Tolerant).thing is SENTINEL


class DescribeMultiBindings:
    def it_resolves_a_list_of_port_in_priority_order(self) -> None:
        @adapter.for_(Port, multi=True, priority=2)
        class Second:
            def run(self) -> str:
                return "second"

        @adapter.for_(Port, multi=True, priority=1)
        class First:
            def run(self) -> str:
                return "first"

        c = scanned()
        assert [p.run() for p in c.resolve(list[Port])] == ["first", "second"]
        assert [type(p) for p in c[list[Port]]] == [First, Second]

    def it_injects_a_list_of_port_parameter(self) -> None:
        @adapter.for_(Port, multi=True)
        class Plugin:
            def run(self) -> str:
                return "plugin"

        @service
        class Host:
            def __init__(self, plugins: list[Port]) -> None:
                self.plugins = plugins

        c = scanned()
        assert [type(p) for p in c.resolve(Host).plugins] == [Plugin]

    def it_gives_an_empty_list_for_a_port_without_multi_adapters(self) -> None:
        class Unknown(Protocol):
            def x(self) -> None: ...

        @service
        class Host:
            def __init__(self, plugins: list[Unknown]) -> None:
                self.plugins = plugins

        c = scanned()
        assert c.resolve(Host).plugins == []
        assert c.resolve(list[Unknown]) == []
        assert c[list[Unknown]] == []
        assert c.resolve(list[Unknown]) is not c.resolve(list[Unknown])

    def it_caches_members_per_their_scope_and_builds_a_new_list_each_time(self) -> None:
        @adapter.for_(Port, multi=True)
        class Kept:
            def run(self) -> str:
                return "kept"

        @adapter.for_(Port, multi=True, scope=Scope.FACTORY, priority=1)
        class Fresh:
            def run(self) -> str:
                return "fresh"

        c = scanned()
        first, second = c.resolve(list[Port]), c.resolve(list[Port])
        assert first is not second
        assert first[0] is second[0]
        assert first[1] is not second[1]

    def it_counts_one_key_per_multi_binding_port(self) -> None:
        @adapter.for_(Port, multi=True)
        class A:
            def run(self) -> str:
                return "a"

        @adapter.for_(Port, multi=True)
        class B:
            def run(self) -> str:
                return "b"

        @service
        class Svc:
            pass

        c = scanned()
        assert len(c) == 2
        assert set(c.list_registered()) == {list[Port], Svc}
        assert c.is_registered(list[Port])
        assert not c.is_registered(Port)


class DescribeSharedAdapterInstances:
    def it_shares_one_instance_among_the_ports_of_one_class(self) -> None:
        class Reader(Protocol):
            def read(self) -> str: ...

        class Writer(Protocol):
            def write(self, value: str) -> None: ...

        @adapter.for_(Reader, profile=Profile.TEST)
        @adapter.for_(Writer, profile=Profile.TEST)
        class InMemory:
            def read(self) -> str:
                return "x"

            def write(self, value: str) -> None: ...

        c = Container(profile=Profile.TEST)
        assert c.resolve(Reader) is c.resolve(Writer)
        assert len(c) == 2

    def it_does_not_share_factory_scoped_instances(self) -> None:
        class Reader(Protocol):
            def read(self) -> str: ...

        class Writer(Protocol):
            def write(self, value: str) -> None: ...

        @adapter.for_(Reader, scope=Scope.FACTORY)
        @adapter.for_(Writer, scope=Scope.FACTORY)
        class InMemory:
            def read(self) -> str:
                return "x"

            def write(self, value: str) -> None: ...

        c = scanned()
        assert c.resolve(Reader) is not c.resolve(Writer)
        assert c.resolve(Reader) is not c.resolve(Reader)
