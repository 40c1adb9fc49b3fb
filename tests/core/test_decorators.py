"""The decorators (§2.1, §2.2, §2.12 validation): the class attributes they set, the registries, their errors."""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import Protocol

import pytest

import dioxide
from dioxide import Container, Profile, Scope, adapter, lifecycle, service
from dioxide.adapter import AdapterDecorator, _adapter_registry
from dioxide.lifecycle import _lifecycle_registry


class EmailPort(Protocol):
    def send(self, to: str) -> None: ...


class Storage(ABC):
    @abstractmethod
    def put(self, key: str) -> None: ...


class DescribeService:
    def it_marks_a_bare_decorated_class_as_a_profile_agnostic_singleton(self) -> None:
        @service
        class UserService:
            pass

        assert UserService.__dioxide_scope__ is Scope.SINGLETON
        assert UserService.__dioxide_profiles__ == frozenset({"*"})
        assert UserService in dioxide._get_registered_components()

    def it_takes_a_scope_when_called_with_arguments(self) -> None:
        @service(scope=Scope.FACTORY)
        class Handler:
            pass

        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        assert Handler.__dioxide_scope__ is Scope.FACTORY
        assert RequestContext.__dioxide_scope__ is Scope.REQUEST
        assert {Handler, RequestContext} <= dioxide._get_registered_components()

    def it_returns_the_class_itself(self) -> None:
        class Plain:
            pass

        assert service(Plain) is Plain
        assert service(scope=Scope.FACTORY)(Plain) is Plain

    def it_registers_nothing_with_a_container_until_a_scan(self) -> None:
        c = Container()

        @service
        class Late:
            pass

        assert Late not in c.list_registered()
        c.scan()
        assert c.list_registered() == [Late]

    def it_rejects_a_function_that_provides_nothing(self) -> None:
        """2.x refused every function; functions are providers now, keyed by their return annotation."""

        def not_a_provider() -> None:
            pass

        with pytest.raises(TypeError) as caught:
            service(not_a_provider)
        assert str(caught.value) == (
            "@service on the function DescribeService.it_rejects_a_function_that_provides_nothing.<locals>."
            "not_a_provider: a provider function provides what its return annotation names, and it returns None. "
            "Annotate the type it provides, e.g. `def not_a_provider(...) -> Client:`, or decorate a class"
        )
        assert not_a_provider not in dioxide._get_registered_components()

    def it_rejects_a_function_without_a_return_annotation(self) -> None:
        with pytest.raises(
            TypeError, match=r"a provider function provides what its return annotation names, and it has none"
        ):
            service(scope=Scope.FACTORY)(lambda: None)

    def it_rejects_an_object_that_is_neither_a_class_nor_a_function(self) -> None:
        with pytest.raises(TypeError, match=r"@service must be applied to a class or a function, got 42") as caught:
            service(42)  # type: ignore[call-overload]
        assert "@service\n    class UserService" in str(caught.value)  # a short code hint

    def it_rejects_a_class_that_is_already_an_adapter(self) -> None:
        @adapter.for_(EmailPort)
        class SendGrid:
            def send(self, to: str) -> None: ...

        with pytest.raises(TypeError) as caught:
            service(SendGrid)
        message = str(caught.value)
        assert "SendGrid" in message
        assert "@service" in message
        assert "@adapter.for_()" in message
        assert "pick one" in message
        assert SendGrid not in dioxide._get_registered_components()


class DescribeAdapterFor:
    def it_sets_the_metadata_attributes_with_their_defaults(self) -> None:
        @adapter.for_(EmailPort)
        class SendGrid:
            def send(self, to: str) -> None: ...

        assert SendGrid.__dioxide_port__ is EmailPort
        assert SendGrid.__dioxide_profiles__ == frozenset({"*"})
        assert SendGrid.__dioxide_scope__ is Scope.SINGLETON
        assert SendGrid.__dioxide_multi__ is False
        assert SendGrid.__dioxide_priority__ == 0
        assert SendGrid in _adapter_registry
        assert SendGrid not in dioxide._get_registered_components()

    def it_sets_the_given_profile_scope_multi_and_priority(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.TEST, scope=Scope.FACTORY, multi=True, priority=7)
        class Fake:
            def send(self, to: str) -> None: ...

        assert Fake.__dioxide_profiles__ == frozenset({"test"})
        assert Fake.__dioxide_scope__ is Scope.FACTORY
        assert Fake.__dioxide_multi__ is True
        assert Fake.__dioxide_priority__ == 7

    def it_lower_cases_profiles_and_collapses_duplicates(self) -> None:
        @adapter.for_(EmailPort, profile=[Profile.TEST, Profile("TEST"), Profile("Eu-West"), "eu-WEST"])
        class Fake:
            def send(self, to: str) -> None: ...

        assert Fake.__dioxide_profiles__ == frozenset({"test", "eu-west"})

    def it_accepts_an_abc_as_port(self) -> None:
        @adapter.for_(Storage)
        class Disk(Storage):
            def put(self, key: str) -> None: ...

        assert Disk.__dioxide_port__ is Storage

    def it_rejects_a_port_that_is_not_a_class_before_seeing_the_class(self) -> None:
        with pytest.raises(TypeError, match=r"the port argument must be a class") as caught:
            adapter.for_("EmailPort")  # type: ignore[arg-type]
        assert "@adapter.for_(EmailPort, profile=Profile.PRODUCTION)" in str(caught.value)

    def it_rejects_what_is_neither_a_class_nor_a_function(self) -> None:
        """2.x refused functions too; they are provider functions now (see tests/providers)."""
        with pytest.raises(TypeError, match=r"must be applied to a class or a function, got 42"):
            adapter.for_(EmailPort)(42)  # type: ignore[type-var]

    def it_rejects_a_class_that_is_already_a_service(self) -> None:
        @service
        class Mailer:
            def send(self, to: str) -> None: ...

        with pytest.raises(TypeError) as caught:
            adapter.for_(EmailPort)(Mailer)
        message = str(caught.value)
        assert "Mailer" in message
        assert "pick one" in message
        assert Mailer not in _adapter_registry
        assert not hasattr(Mailer, "__dioxide_port__")

    def it_refuses_being_called_directly(self) -> None:
        assert isinstance(adapter, AdapterDecorator)
        with pytest.raises(TypeError, match=r"adapter\.for_"):

            @adapter  # type: ignore[operator]
            class Wrong:
                pass

    def it_can_implement_several_ports(self) -> None:
        class SmsPort(Protocol):
            def text(self) -> None: ...

        @adapter.for_(EmailPort)
        @adapter.for_(SmsPort)
        class Gateway:
            def send(self, to: str) -> None: ...

            def text(self) -> None: ...

        c = Container()
        c.scan()
        assert isinstance(c.resolve(EmailPort), Gateway)
        assert isinstance(c.resolve(SmsPort), Gateway)


class DescribeProfileDeprecation:
    @pytest.mark.parametrize(
        ("raw", "constant"),
        [
            ("production", "PRODUCTION"),
            ("Production", "PRODUCTION"),
            ("test", "TEST"),
            ("development", "DEVELOPMENT"),
            ("staging", "STAGING"),
            ("CI", "CI"),
            ("*", "ALL"),
        ],
    )
    def it_warns_for_a_raw_built_in_string_pointing_at_the_caller(self, raw: str, constant: str) -> None:
        with pytest.warns(DeprecationWarning, match=r"^Using string profile") as record:
            adapter.for_(EmailPort, profile=raw)
        assert len(record) == 1
        warning = record[0]
        assert str(warning.message) == f"Using string profile {raw!r} is deprecated. Use Profile.{constant} instead."
        assert warning.category is DeprecationWarning
        assert warning.filename == __file__

    def it_warns_once_per_raw_string_in_a_list(self) -> None:
        with pytest.warns(DeprecationWarning, match=r"^Using string profile") as record:
            adapter.for_(EmailPort, profile=["test", Profile.PRODUCTION, "staging"])
        assert [str(w.message) for w in record] == [
            "Using string profile 'test' is deprecated. Use Profile.TEST instead.",
            "Using string profile 'staging' is deprecated. Use Profile.STAGING instead.",
        ]
        assert all(w.filename == __file__ for w in record)

    def it_does_not_warn_for_profile_instances_or_custom_strings(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")

            @adapter.for_(EmailPort, profile=[Profile.PRODUCTION, Profile("test"), "eu-west", "Canary"])
            class Quiet:
                def send(self, to: str) -> None: ...

        assert Quiet.__dioxide_profiles__ == frozenset({"production", "test", "eu-west", "canary"})

    def it_does_not_warn_for_container_or_scan_profile_strings(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            c = Container(profile="production")
            c.scan(profile="test")
        assert c.active_profile == Profile.TEST


class DescribeLifecycleDecorator:
    def it_marks_and_registers_a_valid_class(self) -> None:
        @lifecycle
        class Db:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        assert Db._dioxide_lifecycle is True
        assert Db in _lifecycle_registry

    # The exact wording (the class's __name__, not its __qualname__) is checked in test_found_bugs.py.
    def it_requires_initialize_first(self) -> None:
        class Nothing:
            pass

        with pytest.raises(TypeError) as caught:
            lifecycle(Nothing)  # type: ignore[type-var]
        assert str(caught.value).endswith("Nothing must implement initialize() method")

    def it_requires_initialize_to_be_async(self) -> None:
        class SyncInit:
            def initialize(self) -> None: ...

            def dispose(self) -> None: ...

        with pytest.raises(TypeError) as caught:
            lifecycle(SyncInit)  # type: ignore[type-var]
        assert str(caught.value).endswith("SyncInit.initialize() must be async")

    def it_then_requires_dispose(self) -> None:
        class NoDispose:
            async def initialize(self) -> None: ...

        with pytest.raises(TypeError) as caught:
            lifecycle(NoDispose)  # type: ignore[type-var]
        assert str(caught.value).endswith("NoDispose must implement dispose() method")

    def it_then_requires_dispose_to_be_async(self) -> None:
        class SyncDispose:
            async def initialize(self) -> None: ...

            def dispose(self) -> None: ...

        with pytest.raises(TypeError) as caught:
            lifecycle(SyncDispose)  # type: ignore[type-var]
        assert str(caught.value).endswith("SyncDispose.dispose() must be async")
        assert SyncDispose not in _lifecycle_registry

    def it_is_order_independent_with_service(self) -> None:
        @service
        @lifecycle
        class Inner:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        @lifecycle
        @service
        class Outer:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        for cls in (Inner, Outer):
            assert cls._dioxide_lifecycle is True
            assert cls.__dioxide_scope__ is Scope.SINGLETON
            assert cls in dioxide._get_registered_components()


class DescribeDecoratorMisuse:
    """Misuse says what went wrong and how to write it, with the user's own names (as dioxide 2.1 did)."""

    def it_refuses_a_bare_adapter_on_a_class_naming_the_class(self) -> None:
        with pytest.raises(TypeError) as caught:

            @adapter  # type: ignore[operator]
            class SmtpEmail:
                pass

        assert str(caught.value) == (
            "@adapter cannot be used directly: name the port it implements, @adapter.for_(YourPort, profile=...). "
            "Usage:\n    @adapter.for_(YourPort, profile=Profile.PRODUCTION)\n    class SmtpEmail: ..."
        )

    def it_refuses_a_bare_adapter_on_a_function(self) -> None:
        def make_email() -> object:
            return object()

        with pytest.raises(TypeError, match=r"@adapter cannot be used directly") as caught:
            adapter(make_email)
        assert "    def make_email(...) -> YourImplementation: ..." in str(caught.value)

    def it_refuses_a_port_that_is_not_a_class_saying_what_it_got(self) -> None:
        with pytest.raises(TypeError) as caught:
            adapter.for_(42)  # type: ignore[arg-type]
        assert str(caught.value).startswith(
            "@adapter.for_(): the port argument must be a class (a Protocol or an ABC), got 42 (a int)."
        )

    @pytest.mark.parametrize("profile", [None, 42])
    def it_says_what_a_profile_must_be(self, profile: object) -> None:
        with pytest.raises(TypeError) as caught:
            adapter.for_(EmailPort, profile=profile)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"profile must be a Profile or a str, or a list of them (Profile.ALL: every profile), got {profile!r}"
        )
