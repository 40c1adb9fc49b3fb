"""Errors (§3 and our differences): hierarchy, titles and docs links, rendering, the container's messages."""

from __future__ import annotations

from typing import Protocol

import pytest

from dioxide import (
    AdapterNotFoundError,
    AmbiguousAdapterError,
    CaptiveDependencyError,
    CircularDependencyError,
    Container,
    DioxideDeprecationWarning,
    DioxideError,
    Profile,
    ResolutionError,
    Scope,
    ScopeError,
    ServiceNotFoundError,
    SideEffectWarning,
    adapter,
    service,
)
from dioxide.exceptions import DOCS_BASE_URL

TROUBLESHOOTING = "https://dioxide.readthedocs.io/en/latest/troubleshooting"


class EmailPort(Protocol):
    def send(self, to: str) -> None: ...


def lines(error: BaseException) -> list[str]:
    return str(error).split("\n")


class DescribeHierarchy:
    def it_follows_the_reference_hierarchy(self) -> None:
        assert issubclass(DioxideError, Exception)
        assert issubclass(ResolutionError, DioxideError)
        assert issubclass(AdapterNotFoundError, ResolutionError)
        assert issubclass(ServiceNotFoundError, ResolutionError)
        assert issubclass(ScopeError, DioxideError)
        assert issubclass(CaptiveDependencyError, DioxideError)
        assert issubclass(SideEffectWarning, UserWarning)
        assert issubclass(DioxideDeprecationWarning, DeprecationWarning)

    def it_makes_the_precise_errors_subclasses_of_what_2x_raised(self) -> None:
        assert issubclass(CircularDependencyError, ServiceNotFoundError)
        assert issubclass(CircularDependencyError, DioxideError)
        assert issubclass(AmbiguousAdapterError, ValueError)
        assert issubclass(AmbiguousAdapterError, DioxideError)

    @pytest.mark.parametrize(
        ("error_type", "title", "url"),
        [
            (DioxideError, "Dioxide Error", f"{TROUBLESHOOTING}/index.html"),
            (ResolutionError, "Resolution Failed", f"{TROUBLESHOOTING}/index.html"),
            (AdapterNotFoundError, "Adapter Not Found", f"{TROUBLESHOOTING}/adapter-not-found.html"),
            (ServiceNotFoundError, "Service Not Found", f"{TROUBLESHOOTING}/service-not-found.html"),
            (ScopeError, "Scope Error", f"{TROUBLESHOOTING}/scope-error.html"),
            (CaptiveDependencyError, "Captive Dependency", f"{TROUBLESHOOTING}/captive-dependency.html"),
            (CircularDependencyError, "Circular Dependency", f"{TROUBLESHOOTING}/circular-dependency.html"),
        ],
    )
    def it_has_a_title_and_a_docs_url_per_class(self, error_type: type[DioxideError], title: str, url: str) -> None:
        assert error_type.title == title
        assert error_type.docs_url == url
        assert url.startswith(DOCS_BASE_URL)
        error = error_type("something happened")
        assert lines(error) == [f"{title}: something happened", "", f"-> See: {url}"]


class DescribeRendering:
    def it_renders_context_suggestions_and_example_in_order(self) -> None:
        error = DioxideError("boom")
        returned = error.with_context(port="EmailPort", profile="test")
        assert returned is error
        assert error.with_suggestion("Add an adapter") is error
        assert error.with_suggestion("Or change the profile") is error
        assert error.with_example("@adapter.for_(EmailPort)\nclass Fake: ...") is error
        assert lines(error) == [
            "Dioxide Error: boom",
            "Context:",
            "  - port: EmailPort",
            "  - profile: test",
            "Suggestions:",
            "  - Add an adapter",
            "  - Or change the profile",
            "Example fix:",
            "    @adapter.for_(EmailPort)",
            "    class Fake: ...",
            "",
            f"-> See: {TROUBLESHOOTING}/index.html",
        ]
        assert error.context == {"port": "EmailPort", "profile": "test"}
        assert error.suggestions == ["Add an adapter", "Or change the profile"]
        assert error.example == "@adapter.for_(EmailPort)\nclass Fake: ..."
        assert error.message == "boom"

    def it_starts_with_empty_context_and_suggestions(self) -> None:
        error = ServiceNotFoundError("plain")
        assert error.context == {}
        assert error.suggestions == []
        assert error.example is None

    def it_shows_context_set_after_construction(self) -> None:
        """2.x code fills ``error.context`` after building the error; ``str()`` must show it."""
        error = DioxideError("boom")
        error.context["port"] = "EmailPort"
        assert lines(error)[:3] == ["Dioxide Error: boom", "Context:", "  - port: EmailPort"]
        replaced = ScopeError("outside a scope")
        replaced.context = {"component": "Session"}
        assert lines(replaced)[:3] == ["Scope Error: outside a scope", "Context:", "  - component: Session"]

    def it_shows_a_structured_fact_only_once_it_changed(self) -> None:
        error = ServiceNotFoundError(service="Plain", profile="test")
        assert "Context:" not in str(error), "the message already says the service and the profile"
        error.context["profile"] = "production"
        error.context["request_id"] = 42
        assert lines(error)[2:5] == ["Context:", "  - profile: production", "  - request_id: 42"]


class DescribeStructuredKeywords:
    def it_builds_the_missing_adapter_message_from_keywords(self) -> None:
        error = AdapterNotFoundError(
            port=EmailPort,
            profile="test",
            available_adapters=[("SendGrid", ["production"]), ("Ses", ["production", "staging"])],
        )
        assert lines(error)[:2] == [
            "Adapter Not Found: No adapter for EmailPort in profile 'test'",
            "  Registered: SendGrid (production), Ses (production, staging)",
        ]
        assert error.context["port"] == "EmailPort"
        assert error.context["profile"] == "test"
        assert error.context["available_adapters"] == [("SendGrid", ["production"]), ("Ses", ["production", "staging"])]

    def it_says_registered_none_without_adapters(self) -> None:
        error = AdapterNotFoundError(port="EmailPort", profile="test")
        assert lines(error)[1] == "  Registered: none"

    def it_builds_service_messages_from_keywords(self) -> None:
        plain = ServiceNotFoundError(service="Plain", profile="test")
        assert lines(plain)[:2] == [
            "Service Not Found: Cannot resolve Plain in profile 'test'",
            "  Not registered (missing @service decorator)",
        ]
        failed = ServiceNotFoundError(
            service="US",
            profile="test",
            dependencies=["email"],
            failed_dependency=("email", "EmailPort", "No adapter for EmailPort in profile 'test'"),
        )
        text = str(failed)
        assert "US" in text
        assert "email: EmailPort" in text
        assert "No adapter for EmailPort in profile 'test'" in text
        assert failed.context["service"] == "US"
        assert failed.context["profile"] == "test"
        assert failed.context["dependencies"] == ["email"]
        assert failed.context["failed_dependency"] == (
            "email",
            "EmailPort",
            "No adapter for EmailPort in profile 'test'",
        )

    def it_lists_the_dependencies_it_is_given(self) -> None:
        error = ServiceNotFoundError(service="Orders", profile="test", dependencies=["db: Database", "clock: Clock"])
        assert lines(error)[:2] == [
            "Service Not Found: Cannot resolve Orders in profile 'test'",
            "  Dependencies: db: Database, clock: Clock",
        ]
        assert lines(ServiceNotFoundError(service="Orders", profile="test", dependencies=[]))[1] == "  No dependencies"
        assert "Context:" not in str(error)

    def it_builds_scope_messages_from_keywords(self) -> None:
        error = ScopeError(component="RequestContext", required_scope="request")
        assert lines(error)[0] == "Scope Error: Cannot resolve RequestContext: REQUEST-scoped, requires active scope"
        assert error.context["component"] == "RequestContext"
        assert error.context["required_scope"] == "request"

    def it_builds_captive_messages_from_keywords(self) -> None:
        error = CaptiveDependencyError(parent="Cache", parent_scope="singleton", child="Ctx", child_scope="request")
        assert lines(error)[:2] == [
            "Captive Dependency: Captive dependency: Cache (SINGLETON) -> Ctx (REQUEST)",
            "  SINGLETON cannot depend on REQUEST-scoped components",
        ]
        assert (error.context["parent"], error.context["parent_scope"]) == ("Cache", "singleton")
        assert (error.context["child"], error.context["child_scope"]) == ("Ctx", "request")


class DescribeContainerMessages:
    def it_lists_adapters_of_other_profiles_for_a_missing_adapter(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SG:
            def send(self, to: str) -> None: ...

        with pytest.raises(AdapterNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(EmailPort)
        assert lines(caught.value) == [
            "Adapter Not Found: No adapter for EmailPort in profile 'test'",
            "  Registered: SG (production)",
            "",
            f"-> See: {TROUBLESHOOTING}/adapter-not-found.html",
        ]
        assert caught.value.context["available_adapters"] == [("SG", ["production"])]

    def it_says_none_when_no_adapter_exists_for_a_port(self) -> None:
        with pytest.raises(AdapterNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(EmailPort)
        assert lines(caught.value)[:2] == [
            "Adapter Not Found: No adapter for EmailPort in profile 'test'",
            "  Registered: none",
        ]

    def it_reports_an_unregistered_service_with_the_profile(self) -> None:
        class Plain:
            pass

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(Plain)
        assert lines(caught.value) == [
            "Service Not Found: Cannot resolve Plain in profile 'test'",
            "  Not registered (missing @service decorator)",
            "",
            f"-> See: {TROUBLESHOOTING}/service-not-found.html",
        ]

    def it_says_profile_none_without_an_active_profile(self) -> None:
        with pytest.raises(ServiceNotFoundError) as caught:
            Container().resolve(int)
        assert lines(caught.value)[0] == "Service Not Found: Cannot resolve int in profile 'none'"

    def it_reads_the_container_not_the_decorators_for_an_unscanned_container(self) -> None:
        @service
        class Decorated:
            pass

        with pytest.raises(ServiceNotFoundError) as caught:
            Container().resolve(Decorated)
        first, second = lines(caught.value)[:2]
        assert first == "Service Not Found: Cannot resolve Decorated in profile 'none'"
        assert "missing @service decorator" not in second  # it has the decorator: this container missed it
        assert (
            second
            == "  Decorated is decorated with @service, but this container never scanned: use Container(profile=...)"
        )

    def it_says_when_a_scanned_container_missed_a_decorated_service(self) -> None:
        container = Container(profile=Profile.TEST)

        @service
        class Late:
            pass

        with pytest.raises(ServiceNotFoundError) as caught:
            container.resolve(Late)
        assert lines(caught.value)[1] == (
            "  Late is decorated with @service but this container did not register it "
            "(defined after the scan, or outside the scanned package)"
        )

    def it_reports_a_transitive_missing_adapter_with_the_chain(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SG:
            def send(self, to: str) -> None: ...

        @service
        class US:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(US)
        assert lines(caught.value) == [
            "Service Not Found: Cannot resolve US -> US -> email: EmailPort",
            "  US found for US (*)",
            "  EmailPort missing: No adapter for EmailPort in profile 'test'",
            "  Registered: SG (production)",
            "",
            f"-> See: {TROUBLESHOOTING}/service-not-found.html",
        ]
        assert not isinstance(caught.value, AdapterNotFoundError)

    def it_names_every_hop_of_a_longer_chain(self) -> None:
        class UserRepository(Protocol):
            def get(self) -> None: ...

        class Database:
            pass

        @adapter.for_(UserRepository, profile=Profile.TEST)
        class SqlRepo:
            def __init__(self, db: Database) -> None:
                self.db = db

            def get(self) -> None: ...

        @service
        class UserService:
            def __init__(self, users: UserRepository) -> None:
                self.users = users

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(UserService)
        first = lines(caught.value)[0]
        assert first == (
            "Service Not Found: Cannot resolve UserService -> UserService -> users: UserRepository -> SqlRepo -> "
            "db: Database"
        )
        assert "  Database missing: Not registered (missing @service decorator)" in lines(caught.value)
        assert len(lines(caught.value)) <= 6

    def it_raises_adapter_not_found_for_a_port_whose_adapter_has_a_missing_dependency(self) -> None:
        class Database:
            pass

        @adapter.for_(EmailPort, profile=Profile.TEST)
        class Smtp:
            def __init__(self, db: Database) -> None:
                self.db = db

            def send(self, to: str) -> None: ...

        with pytest.raises(AdapterNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(EmailPort)
        assert lines(caught.value)[:3] == [
            "Adapter Not Found: Cannot resolve EmailPort -> Smtp -> db: Database",
            "  Smtp found for EmailPort (test)",
            "  Database missing: Not registered (missing @service decorator)",
        ]

    def it_keeps_the_common_messages_terse(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SG:
            def send(self, to: str) -> None: ...

        @service
        class US:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        @service(scope=Scope.REQUEST)
        class Req:
            pass

        c = Container(profile=Profile.TEST)
        caught: dict[str, DioxideError] = {}
        for name, key in [("adapter", EmailPort), ("service", US), ("scope", Req), ("plain", int)]:
            try:
                c.resolve(key)
            except DioxideError as error:
                caught[name] = error

        @service
        class Captor:
            def __init__(self, req: Req) -> None:
                self.req = req

        try:
            Container(profile=Profile.TEST)
        except CaptiveDependencyError as error:
            caught["captive"] = error

        assert set(caught) == {"adapter", "service", "scope", "plain", "captive"}
        for name in ("adapter", "scope", "captive"):
            assert len(lines(caught[name])) <= 4, name
        for name in ("service", "plain"):
            assert len(lines(caught[name])) <= 6, name
        for error in caught.values():
            text = str(error)
            assert "Hint:" not in text
            assert "Example fix:" not in text
            assert lines(error)[-1].startswith(f"-> See: {TROUBLESHOOTING}/")
            assert error.context.get("example") is None

    def it_reports_the_container_profile_in_messages(self) -> None:
        with pytest.raises(AdapterNotFoundError, match=r"in profile 'eu-west'"):
            Container(profile=Profile("EU-West")).resolve(EmailPort)


class DescribeScopeErrors:
    def it_refuses_a_request_scoped_service_in_the_root_container(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        c = Container()
        c.scan()
        with pytest.raises(ScopeError) as caught:
            c.resolve(RequestContext)
        assert lines(caught.value) == [
            "Scope Error: Cannot resolve RequestContext: REQUEST-scoped, requires active scope",
            "",
            f"-> See: {TROUBLESHOOTING}/scope-error.html",
        ]
        assert caught.value.context == {"component": "RequestContext", "required_scope": "request"}

    def it_refuses_a_port_whose_adapter_is_request_scoped(self) -> None:
        @adapter.for_(EmailPort, scope=Scope.REQUEST)
        class PerRequest:
            def send(self, to: str) -> None: ...

        c = Container()
        c.scan()
        with pytest.raises(ScopeError, match=r"Cannot resolve EmailPort: REQUEST-scoped"):
            c.resolve(EmailPort)

    def it_refuses_a_factory_that_needs_a_request_scoped_component(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service(scope=Scope.FACTORY)
        class Handler:
            def __init__(self, ctx: RequestContext) -> None:
                self.ctx = ctx

        c = Container()
        c.scan()
        with pytest.raises(ScopeError, match=r"Cannot resolve RequestContext: REQUEST-scoped"):
            c.resolve(Handler)

    def it_rejects_a_singleton_service_holding_a_request_component_at_scan(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service
        class Cache:
            def __init__(self, ctx: RequestContext) -> None:
                self.ctx = ctx

        c = Container()
        with pytest.raises(CaptiveDependencyError) as caught:
            c.scan()
        assert lines(caught.value) == [
            "Captive Dependency: Captive dependency: Cache (SINGLETON) -> RequestContext (REQUEST)",
            "  SINGLETON cannot depend on REQUEST-scoped components",
            "",
            f"-> See: {TROUBLESHOOTING}/captive-dependency.html",
        ]
        assert caught.value.context == {
            "parent": "Cache",
            "parent_scope": "singleton",
            "child": "RequestContext",
            "child_scope": "request",
        }
        assert len(c) == 0  # raised before anything was registered

    def it_rejects_a_singleton_adapter_holding_a_request_component_at_scan(self) -> None:
        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @adapter.for_(EmailPort)
        class Smtp:
            def __init__(self, ctx: RequestContext) -> None:
                self.ctx = ctx

            def send(self, to: str) -> None: ...

        with pytest.raises(CaptiveDependencyError, match=r"\(SINGLETON\) -> RequestContext \(REQUEST\)"):
            Container().scan()

    def it_rejects_a_singleton_holding_a_port_with_a_request_adapter_at_scan(self) -> None:
        @adapter.for_(EmailPort, scope=Scope.REQUEST)
        class PerRequest:
            def send(self, to: str) -> None: ...

        @service
        class Notifier:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        with pytest.raises(CaptiveDependencyError, match=r"Notifier \(SINGLETON\) -> EmailPort \(REQUEST\)"):
            Container().scan()


class DescribeCycles:
    def it_names_a_two_cycle(self) -> None:
        @service
        class A:
            def __init__(self, b: B) -> None:
                self.b = b

        @service
        class B:
            def __init__(self, a: A) -> None:
                self.a = a

        c = Container()
        c.scan()  # no error before the first resolve
        with pytest.raises(CircularDependencyError) as caught:
            c.resolve(A)
        assert lines(caught.value) == [
            "Circular Dependency: Circular dependency: A -> B -> A",
            "",
            f"-> See: {TROUBLESHOOTING}/circular-dependency.html",
        ]
        assert isinstance(caught.value, ServiceNotFoundError)
        with pytest.raises(CircularDependencyError, match=r"B -> A -> B"):
            c.resolve(B)

    def it_names_a_three_cycle(self) -> None:
        @service
        class A:
            def __init__(self, b: B) -> None:
                self.b = b

        @service(scope=Scope.FACTORY)
        class B:
            def __init__(self, c: C) -> None:
                self.c = c

        @service
        class C:
            def __init__(self, a: A) -> None:
                self.a = a

        c = Container()
        c.scan()
        with pytest.raises(CircularDependencyError) as caught:
            c.resolve(A)
        assert "Circular dependency: A -> B -> C -> A" in str(caught.value)

    def it_names_a_self_cycle(self) -> None:
        @service
        class Narcissus:
            def __init__(self, me: Narcissus) -> None:
                self.me = me

        c = Container()
        c.scan()
        with pytest.raises(CircularDependencyError, match=r"Circular dependency: Narcissus -> Narcissus\n"):
            c.resolve(Narcissus)

    def it_names_the_cycle_reached_from_outside_it(self) -> None:
        @service
        class Entry:
            def __init__(self, a: A) -> None:
                self.a = a

        @service
        class A:
            def __init__(self, b: B | None) -> None:
                self.b = b

        @service
        class B:
            def __init__(self, a: A) -> None:
                self.a = a

        c = Container()
        c.scan()
        with pytest.raises(CircularDependencyError) as caught:
            c.resolve(Entry)
        assert "Circular dependency: A -> B -> A" in str(caught.value)
        with pytest.raises(ServiceNotFoundError):  # catchable as what 2.x raised
            c.resolve(Entry)

    def it_names_a_cycle_through_a_port(self) -> None:
        @adapter.for_(EmailPort)
        class Smtp:
            def __init__(self, svc: Mailer) -> None:
                self.svc = svc

            def send(self, to: str) -> None: ...

        @service
        class Mailer:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        c = Container()
        c.scan()
        with pytest.raises(CircularDependencyError, match=r"Mailer -> EmailPort -> Mailer"):
            c.resolve(Mailer)
