"""Introspection: repr, len, list_registered, is_registered, active_profile, get_adapters_for, debug, explain,
graph and scan_plan (section 2.15)."""

from __future__ import annotations

import io
from typing import Protocol

import pytest

from dioxide import Container, Profile, Scope, adapter, lifecycle, service


class EmailPort(Protocol):
    def send(self, to: str) -> None: ...


class Plugin(Protocol):
    def run(self) -> None: ...


def _declare_app() -> dict[str, type]:
    """A small application: a port with adapters in two profiles, a multi-binding, services, and a cycle."""

    @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
    class SendGridEmail:
        def send(self, to: str) -> None: ...

    @adapter.for_(EmailPort, profile=Profile.TEST)
    @lifecycle
    class FakeEmail:
        async def initialize(self) -> None: ...

        async def dispose(self) -> None: ...

        def send(self, to: str) -> None: ...

    @adapter.for_(Plugin, multi=True, priority=2)
    class AuditPlugin:
        def run(self) -> None: ...

    @adapter.for_(Plugin, multi=True, priority=1)
    class MetricsPlugin:
        def run(self) -> None: ...

    @service
    class UserRepository:
        def __init__(self, email: EmailPort, table: str = "users") -> None:
            self.email = email

    @service(scope=Scope.FACTORY)
    class Notifier:
        def __init__(self, users: UserRepository, plugins: list[Plugin]) -> None:
            self.users = users

    return {
        "SendGridEmail": SendGridEmail,
        "FakeEmail": FakeEmail,
        "AuditPlugin": AuditPlugin,
        "MetricsPlugin": MetricsPlugin,
        "UserRepository": UserRepository,
        "Notifier": Notifier,
    }


class DescribeCounts:
    def it_reprs_an_unscanned_container_with_no_profile(self) -> None:
        container = Container()
        assert repr(container) == "Container(profile=None, ports=0, services=0)"
        assert len(container) == 0
        assert container.is_empty() is True
        assert container.list_registered() == []
        assert container.active_profile is None

    def it_counts_ports_and_services_with_one_entry_per_multi_binding(self) -> None:
        app = _declare_app()
        container = Container(profile=Profile.TEST)
        assert repr(container) == "Container(profile=Profile.TEST, ports=2, services=2)"
        assert len(container) == 4
        assert container.is_empty() is False
        assert container.list_registered() == [EmailPort, list[Plugin], app["UserRepository"], app["Notifier"]]

    def it_tells_what_is_registered(self) -> None:
        app = _declare_app()

        class Unknown:
            pass

        container = Container(profile=Profile.TEST)
        assert container.is_registered(EmailPort) is True
        assert container.is_registered(app["UserRepository"]) is True
        assert container.is_registered(list[Plugin]) is True
        assert container.is_registered(Plugin) is False
        assert container.is_registered(Unknown) is False
        assert container.is_registered(app["FakeEmail"]) is False, "adapters are registered under their port"

    def it_counts_manual_registrations(self) -> None:
        class Config:
            pass

        container = Container()
        container.register_instance(Config, Config())
        assert len(container) == 1
        assert container.list_registered() == [Config]
        assert repr(container) == "Container(profile=None, ports=0, services=1)"

    def it_gives_the_active_profile_as_a_profile(self) -> None:
        container = Container(profile="Staging")
        assert container.active_profile == Profile.STAGING
        assert isinstance(container.active_profile, Profile)
        assert repr(container.active_profile) == "Profile.STAGING"
        custom = Container(profile="eu-west")
        assert custom.active_profile == "eu-west"
        assert repr(custom) == "Container(profile=Profile('eu-west'), ports=0, services=0)"


class DescribeGetAdaptersFor:
    def it_maps_every_profile_to_its_adapter_whatever_the_active_profile(self) -> None:
        app = _declare_app()

        @adapter.for_(EmailPort, profile="eu-west")
        class EuEmail:
            def send(self, to: str) -> None: ...

        container = Container(profile=Profile.TEST)
        assert container.get_adapters_for(EmailPort) == {
            Profile.PRODUCTION: app["SendGridEmail"],
            Profile.TEST: app["FakeEmail"],
            Profile("eu-west"): EuEmail,
        }
        assert Container().get_adapters_for(EmailPort) == container.get_adapters_for(EmailPort)

    def it_lists_an_adapter_once_per_profile_it_declares(self) -> None:
        class CachePort(Protocol):
            def get(self, key: str) -> str: ...

        @adapter.for_(CachePort, profile=[Profile.PRODUCTION, Profile.STAGING])
        class RedisCache:
            def get(self, key: str) -> str:
                return ""

        assert Container().get_adapters_for(CachePort) == {Profile.PRODUCTION: RedisCache, Profile.STAGING: RedisCache}

    def it_is_empty_for_a_port_without_adapters(self) -> None:
        class Lonely(Protocol):
            def x(self) -> None: ...

        assert Container(profile=Profile.TEST).get_adapters_for(Lonely) == {}


class DescribeDebug:
    def it_summarises_profile_services_and_adapters_as_2x_prints_them(self) -> None:
        """2.x's header and blank lines; services and each port's adapters sorted by name."""
        _declare_app()
        container = Container(profile=Profile.TEST)
        text = container.debug()
        assert text == "\n".join(
            [
                "=== dioxide Container Debug ===",
                "Active Profile: test",
                "",
                "Services (2):",
                "  - Notifier (FACTORY)",
                "  - UserRepository (SINGLETON)",
                "",
                "Adapters by Port:",
                "  EmailPort:",
                "    - FakeEmail (profiles: test, lifecycle, active)",
                "    - SendGridEmail (profiles: production)",
                "  Plugin:",
                "    - AuditPlugin (profiles: *, active)",
                "    - MetricsPlugin (profiles: *, active)",
            ]
        )

    def it_writes_exactly_the_returned_text_to_a_file_and_prints_nothing(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _declare_app()
        container = Container(profile=Profile.TEST)
        buffer = io.StringIO()
        text = container.debug(file=buffer)
        assert buffer.getvalue() == text
        assert not text.endswith("\n")
        assert capsys.readouterr().out == ""

    def it_says_none_without_a_profile(self) -> None:
        assert Container().debug().splitlines()[:4] == [
            "=== dioxide Container Debug ===",
            "Active Profile: none",
            "",
            "Services (0):",
        ]


class DescribeExplain:
    def it_draws_the_dependency_tree(self) -> None:
        app = _declare_app()
        container = Container(profile=Profile.TEST)
        lines = container.explain(app["UserRepository"]).splitlines()
        assert lines == [
            "=== Resolution: UserRepository ===",
            "UserRepository (SINGLETON)",
            "+-- email: EmailPort -> FakeEmail (SINGLETON, lifecycle, profile: test)",
            "+-- table: str (not injected: default used)",
        ]

    def it_shows_the_adapter_of_the_active_profile(self) -> None:
        app = _declare_app()
        text = Container(profile=Profile.PRODUCTION).explain(app["UserRepository"])
        assert "+-- email: EmailPort -> SendGridEmail (SINGLETON, profile: production)" in text.splitlines()

    def it_indents_grandchildren_under_a_bar(self) -> None:
        app = _declare_app()
        lines = Container(profile=Profile.TEST).explain(app["Notifier"]).splitlines()
        assert lines[:4] == [
            "=== Resolution: Notifier ===",
            "Notifier (FACTORY)",
            "+-- users: UserRepository (SINGLETON)",
            "|   +-- email: EmailPort -> FakeEmail (SINGLETON, lifecycle, profile: test)",
        ]
        assert any(line.startswith("+-- plugins: list[Plugin]") for line in lines)

    def it_marks_a_cycle(self) -> None:
        @service
        class Ping:
            def __init__(self, pong: Pong) -> None:
                self.pong = pong

        @service
        class Pong:
            def __init__(self, ping: Ping) -> None:
                self.ping = ping

        assert Container(profile=Profile.TEST).explain(Ping).splitlines() == [
            "=== Resolution: Ping ===",
            "Ping (SINGLETON)",
            "+-- pong: Pong (SINGLETON)",
            "    +-- ping: Ping (circular reference)",
        ]

    def it_tells_a_missing_adapter_and_an_unknown_type(self) -> None:
        class SmsPort(Protocol):
            def text(self, to: str) -> None: ...

        @adapter.for_(SmsPort, profile=Profile.PRODUCTION)
        class Twilio:
            def text(self, to: str) -> None: ...

        @service
        class Alerts:
            def __init__(self, sms: SmsPort) -> None:
                self.sms = sms

        class Unknown:
            pass

        container = Container(profile=Profile.TEST)
        assert container.explain(SmsPort) == "=== Resolution: SmsPort ===\nSmsPort (no adapter for profile: test)"
        assert container.explain(Alerts).splitlines()[-1] == "+-- sms: SmsPort (no adapter for profile: test)"
        assert container.explain(Unknown) == "Unknown is not registered."

    def it_says_a_port_without_an_adapter_in_any_profile_is_not_registered(self) -> None:
        class PushPort(Protocol):
            def push(self, to: str) -> None: ...

        assert Container(profile=Profile.TEST).explain(PushPort) == "PushPort is not registered."


class DescribeGraph:
    def it_draws_mermaid_by_default_with_quoted_labels_showing_the_scope(self) -> None:
        _declare_app()
        container = Container(profile=Profile.TEST)
        text = container.graph()
        assert text == container.graph("mermaid")
        lines = text.splitlines()
        assert lines[0] == "graph TD"
        for expected in (
            "    subgraph Services",
            '        UserRepository["UserRepository<br/>SINGLETON"]',
            '        Notifier["Notifier<br/>FACTORY"]',
            "    subgraph Ports",
            '        EmailPort{{"EmailPort"}}',
            '        Plugin{{"Plugin"}}',
            "    subgraph Adapters",
            '        FakeEmail_impl["FakeEmail<br/>SINGLETON"]',
            "    UserRepository --> EmailPort",
            "    Notifier --> UserRepository",
            "    Notifier --> Plugin",
            "    EmailPort -.-> FakeEmail_impl",
            "    Plugin -.-> MetricsPlugin_impl",
            "    Plugin -.-> AuditPlugin_impl",
        ):
            assert expected in lines
        assert "SendGridEmail" not in text
        body = [line for line in lines if line != "    end"]
        assert len(body) == len(set(body)), "no duplicated node or edge"

    def it_keeps_a_name_with_brackets_or_quotes_inside_its_label(self) -> None:
        """Unquoted, ``Cache[str]`` ended the node's label at its first bracket and broke the diagram."""

        container = Container()
        container.register_instance(dict[str, int], {})  # any key type: a generic alias is named with brackets
        Quoted = type('Say"hi"', (), {})
        container.register_instance(Quoted, Quoted())
        lines = container.graph().splitlines()
        assert '        dict_str__int_["dict[str, int]<br/>SINGLETON"]' in lines
        assert '        Say_hi_["Say#quot;hi#quot;<br/>SINGLETON"]' in lines
        dot = container.graph("dot").splitlines()
        assert '        Say_hi_ [label="Say\\"hi\\"\\nSINGLETON", shape=box];' in dot

    def it_draws_dot_with_ports_as_diamonds(self) -> None:
        _declare_app()
        lines = Container(profile=Profile.TEST).graph("dot").splitlines()
        assert lines[0] == "digraph Container {"
        assert lines[-1] == "}"
        for expected in (
            "    subgraph cluster_services {",
            '        label="Services";',
            '        UserRepository [label="UserRepository\\nSINGLETON", shape=box];',
            "    subgraph cluster_ports {",
            '        EmailPort [label="EmailPort", shape=diamond];',
            "    subgraph cluster_adapters {",
            '        FakeEmail_impl [label="FakeEmail\\nSINGLETON", shape=box];',
            "    UserRepository -> EmailPort;",
            "    EmailPort -> FakeEmail_impl [style=dashed];",
        ):
            assert expected in lines

    def it_falls_back_to_mermaid_for_any_other_format(self) -> None:
        _declare_app()
        container = Container(profile=Profile.TEST)
        assert container.graph("svg") == container.graph("mermaid")
        assert container.graph("") == container.graph()


class DescribeScanPlan:
    def it_refuses_a_package_outside_allowed_packages(self) -> None:
        with pytest.raises(ValueError) as caught:
            Container(allowed_packages=["myapp"]).scan_plan("otherapp")
        assert str(caught.value) == "Package 'otherapp' is not in allowed_packages list. Allowed prefixes: ['myapp']"

    def it_refuses_an_unknown_package(self) -> None:
        with pytest.raises(ImportError) as caught:
            Container().scan_plan("no_such_package_for_dioxide_tests")
        assert str(caught.value) == "Package 'no_such_package_for_dioxide_tests' not found"
