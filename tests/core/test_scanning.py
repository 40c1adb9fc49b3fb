"""``Container(profile=)`` and ``scan()`` (§2.5, §2.6): profiles, packages, stats, logs, precedence, validation."""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Protocol

import pytest

from dioxide import (
    AdapterNotFoundError,
    AmbiguousAdapterError,
    Container,
    Profile,
    ScanStats,
    Scope,
    adapter,
    lifecycle,
    service,
)


class Port(Protocol):
    def run(self) -> str: ...


class DescribeProfiles:
    def it_activates_the_adapter_of_the_active_profile(self) -> None:
        @adapter.for_(Port, profile=Profile.PRODUCTION)
        class Real:
            def run(self) -> str:
                return "real"

        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        assert type(Container(profile=Profile.PRODUCTION).resolve(Port)) is Real
        assert type(Container(profile=Profile.TEST).resolve(Port)) is Fake

    def it_lower_cases_the_container_profile(self) -> None:
        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        c = Container(profile="TEST")
        assert c.active_profile == Profile.TEST
        assert isinstance(c.active_profile, Profile)
        assert type(c.resolve(Port)) is Fake

    def it_supports_custom_profiles_and_profile_lists(self) -> None:
        @adapter.for_(Port, profile=[Profile("eu-west"), Profile("Canary")])
        class Regional:
            def run(self) -> str:
                return "regional"

        assert type(Container(profile="EU-WEST").resolve(Port)) is Regional
        assert type(Container(profile=Profile("canary")).resolve(Port)) is Regional
        with pytest.raises(AdapterNotFoundError):
            Container(profile=Profile.PRODUCTION).resolve(Port)

    def it_activates_default_adapters_and_services_in_every_profile(self) -> None:
        @adapter.for_(Port)
        class Everywhere:
            def run(self) -> str:
                return "all"

        @service
        class Svc:
            def __init__(self, port: Port) -> None:
                self.port = port

        for profile in (Profile.PRODUCTION, Profile.TEST, Profile("custom")):
            c = Container(profile=profile)
            assert type(c.resolve(Svc).port) is Everywhere

    def it_makes_profile_all_activate_only_components_declared_for_all(self) -> None:
        class Other(Protocol):
            def other(self) -> None: ...

        @adapter.for_(Port, profile=Profile.PRODUCTION)
        class ProdOnly:
            def run(self) -> str:
                return "prod"

        @adapter.for_(Other, profile=Profile.ALL)
        class Shared:
            def other(self) -> None: ...

        @service
        class Svc:
            pass

        c = Container(profile=Profile.ALL)
        assert c.active_profile == Profile.ALL
        assert isinstance(c.resolve(Svc), Svc)
        assert type(c.resolve(Other)) is Shared
        assert not c.is_registered(Port)
        with pytest.raises(AdapterNotFoundError):
            c.resolve(Port)

    def it_scans_eagerly_in_the_constructor(self) -> None:
        @service
        class Before:
            pass

        c = Container(profile=Profile.TEST)

        @service
        class After:
            pass

        assert c.is_registered(Before)
        assert not c.is_registered(After)

    def it_keeps_the_current_profile_when_scanning_without_one(self) -> None:
        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        c = Container(profile=Profile.TEST)

        @service
        class Later:
            def __init__(self, port: Port) -> None:
                self.port = port

        c.scan()
        assert c.active_profile == Profile.TEST
        assert type(c.resolve(Later).port) is Fake

    def it_has_no_profile_before_any_scan(self) -> None:
        c = Container()
        assert c.active_profile is None
        c.scan()
        assert c.active_profile is None


class DescribeAmbiguity:
    def it_rejects_two_adapters_for_one_port_in_one_profile(self) -> None:
        @adapter.for_(Port, profile=Profile.TEST)
        class First:
            def run(self) -> str:
                return "1"

        @adapter.for_(Port, profile=Profile.TEST)
        class Second:
            def run(self) -> str:
                return "2"

        c = Container()
        with pytest.raises(AmbiguousAdapterError) as caught:
            c.scan(profile=Profile.TEST)
        assert isinstance(caught.value, ValueError)
        assert (
            "Ambiguous adapter registration for port Port for profile 'test': multiple adapters found "
            "(First, Second). Only one adapter per port+profile combination is allowed."
        ) in str(caught.value)
        assert len(c) == 0  # nothing registered

    def it_treats_profile_all_plus_a_specific_profile_as_ambiguous(self) -> None:
        @adapter.for_(Port)
        class Default:
            def run(self) -> str:
                return "default"

        @adapter.for_(Port, profile=Profile.TEST)
        class Specific:
            def run(self) -> str:
                return "test"

        with pytest.raises(ValueError, match=r"multiple adapters found \(Default, Specific\)"):
            Container(profile=Profile.TEST)
        assert type(Container(profile=Profile.PRODUCTION).resolve(Port)) is Default

    def it_takes_every_adapter_without_a_profile_so_per_profile_ports_are_ambiguous(self) -> None:
        @adapter.for_(Port, profile=Profile.PRODUCTION)
        class Real:
            def run(self) -> str:
                return "real"

        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        with pytest.raises(ValueError) as caught:
            Container().scan()
        text = str(caught.value)
        assert "Ambiguous adapter registration for port Port: multiple adapters found (Real, Fake)." in text
        assert "for profile" not in text

    def it_rejects_a_port_with_single_and_multi_adapters(self) -> None:
        @adapter.for_(Port)
        class Single:
            def run(self) -> str:
                return "s"

        @adapter.for_(Port, multi=True)
        class PluginA:
            def run(self) -> str:
                return "a"

        @adapter.for_(Port, multi=True, priority=1)
        class PluginB:
            def run(self) -> str:
                return "b"

        with pytest.raises(ValueError) as caught:
            Container().scan()
        assert (
            "Port Port has both single adapters (Single) and multi-binding adapters (PluginA, PluginB). "
            "A port must be either single-binding OR multi-binding, not both."
        ) in str(caught.value)


class DescribePrecedence:
    def it_lets_a_manual_registration_before_the_scan_win(self) -> None:
        @adapter.for_(Port)
        class Scanned:
            def run(self) -> str:
                return "scanned"

        class Manual:
            def run(self) -> str:
                return "manual"

        manual = Manual()
        c = Container()
        c.register_instance(Port, manual)
        stats = c.scan(stats=True)
        assert c.resolve(Port) is manual
        assert stats is not None
        assert stats.adapters_registered == 0  # the skipped duplicate is not counted

    def it_keeps_the_first_scan_when_rescanning_with_another_profile(self) -> None:
        @adapter.for_(Port, profile=Profile.PRODUCTION)
        class Real:
            def run(self) -> str:
                return "real"

        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        c = Container(profile=Profile.TEST)
        c.scan(profile=Profile.PRODUCTION)
        assert c.active_profile == Profile.PRODUCTION
        assert type(c.resolve(Port)) is Fake

    def it_is_idempotent_when_rescanning(self) -> None:
        @service
        class Svc:
            pass

        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        c = Container()
        first = c.scan(stats=True)
        svc, impl = c.resolve(Svc), c.resolve(Port)
        second = c.scan(stats=True)
        assert first is not None
        assert second is not None
        assert (first.services_registered, first.adapters_registered) == (1, 1)
        assert (second.services_registered, second.adapters_registered) == (0, 0)
        assert len(c) == 2
        assert c.resolve(Svc) is svc
        assert c.resolve(Port) is impl

    def it_honours_dioxide_implements_on_a_service(self) -> None:
        class Greeter(Protocol):
            def greet(self) -> str: ...

        @service
        class English:
            def greet(self) -> str:
                return "hello"

        English.__dioxide_implements__ = Greeter  # type: ignore[attr-defined]
        c = Container()
        c.scan()
        assert c.resolve(Greeter) is c.resolve(English)
        assert c.resolve(Greeter).greet() == "hello"


class DescribeReturnValueAndStats:
    def it_returns_none_without_stats(self) -> None:
        @service
        class Svc:
            pass

        assert Container().scan() is None

    def it_counts_new_services_and_adapters(self) -> None:
        class Other(Protocol):
            def other(self) -> None: ...

        @service
        class A:
            pass

        @service
        class B:
            pass

        @adapter.for_(Port, profile=Profile.TEST)
        class Fake:
            def run(self) -> str:
                return "fake"

        @adapter.for_(Other, profile=Profile.PRODUCTION)
        class ProdOther:
            def other(self) -> None: ...

        stats = Container().scan(profile=Profile.TEST, stats=True)
        assert isinstance(stats, ScanStats)
        assert stats.services_registered == 2
        assert stats.adapters_registered == 1
        assert stats.modules_imported == 0  # no package
        assert stats.duration_ms >= 0
        assert stats.duration_ms == round(stats.duration_ms, 3)


class DescribeLogsAndWarnings:
    def it_logs_when_a_profile_matches_zero_components(self, caplog: pytest.LogCaptureFixture) -> None:
        @adapter.for_(Port, profile=Profile.PRODUCTION)
        class Real:
            def run(self) -> str:
                return "real"

        with caplog.at_level(logging.WARNING):
            Container(profile=Profile("nobody"))
        assert (
            "Profile 'nobody' matched zero components. Verify @adapter.for_() decorators are correctly applied."
            in caplog.messages
        )

    def it_does_not_log_when_components_match(self, caplog: pytest.LogCaptureFixture) -> None:
        @service
        class Svc:
            pass

        with caplog.at_level(logging.DEBUG):
            Container(profile=Profile.TEST)
        assert not any("matched zero components" in m for m in caplog.messages)

    def it_warns_at_construction_about_a_profile_no_decorator_declares(self, caplog: pytest.LogCaptureFixture) -> None:
        @adapter.for_(Port, profile=[Profile.PRODUCTION, "eu-west"])
        class Real:
            def run(self) -> str:
                return "real"

        @service
        class Svc:  # something matches: the zero-components message stays quiet, this one does not
            pass

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            container = Container(profile="prodution")
        assert caplog.messages == [
            "Profile 'prodution' is not declared by any decorator seen so far, so only profile-agnostic components "
            "(@service, Profile.ALL adapters) are active. Known profiles: ci, development, eu-west, production, "
            "staging, test. Did you mean 'production'?"
        ]
        assert container.active_profile == "prodution", "a warning, not a refusal"
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            Container(profile="qwertyuiop")
        assert caplog.messages[0].endswith("Known profiles: ci, development, eu-west, production, staging, test.")

    def it_accepts_built_in_and_declared_profiles_quietly(self, caplog: pytest.LogCaptureFixture) -> None:
        @adapter.for_(Port, profile="EU-West")
        class Real:
            def run(self) -> str:
                return "real"

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            Container(profile="eu-west")
            Container(profile=Profile("Eu-West"))
            Container(profile=Profile.CI)  # nothing declares it, but it is a built-in
            Container().scan(profile="later")  # only construction checks: a scan may name a package's own
        assert not any("not declared" in message for message in caplog.messages)

    def it_knows_the_profiles_of_adapter_provider_functions(self, caplog: pytest.LogCaptureFixture) -> None:
        class Real:
            def run(self) -> str:
                return "real"

        @adapter.for_(Port, profile="eu-west")
        def real() -> Real:
            return Real()

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            container = Container(profile="eu-west")
        assert container.resolve(Port).run() == "real"
        assert not any("not declared" in message for message in caplog.messages)

    def it_does_not_use_warnings_for_a_zero_match(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Container(profile=Profile.STAGING)

    def it_warns_about_an_orphan_lifecycle_class(self) -> None:
        @lifecycle
        class Orphan:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        @service
        @lifecycle
        class Registered:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        with pytest.warns(UserWarning, match="has @lifecycle but is not registered") as record:
            Container().scan()
        messages = [str(w.message) for w in record]
        assert len(messages) == 1
        assert messages[0].startswith("Orphan has @lifecycle but is not registered with @service or @adapter.for_()")
        assert record[0].filename == __file__


class DescribePackageScanning:
    def it_imports_the_package_and_registers_its_components_for_the_profile(self, scanpkg: str) -> None:
        c = Container()
        stats = c.scan(package=scanpkg, profile=Profile.TEST, stats=True)

        from scanpkg.adapters.fakes import FakeClock, FakeNotifier
        from scanpkg.ports import Clock, Notifier
        from scanpkg.services import Greeter

        assert stats == ScanStats(
            services_registered=1, adapters_registered=2, modules_imported=6, duration_ms=stats.duration_ms
        )
        assert set(c.list_registered()) == {Notifier, Clock, Greeter}
        greeter = c.resolve(Greeter)
        assert type(greeter.notifier) is FakeNotifier
        assert type(c.resolve(Clock)) is FakeClock
        greeter.greet("ada")
        assert c.resolve(Notifier).sent == ["hello ada"]  # type: ignore[attr-defined]

    def it_logs_and_skips_a_module_that_fails_to_import(self, scanpkg: str, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING):
            stats = Container().scan(package=scanpkg, profile=Profile.PRODUCTION, stats=True)
        assert stats is not None
        assert stats.modules_imported == 6  # the package, 5 modules; not the broken one
        assert "scanpkg.broken" not in sys.modules
        failures = [r for r in caplog.records if "scanpkg.broken" in r.getMessage()]
        assert len(failures) == 1
        assert failures[0].levelno == logging.WARNING
        assert "fails on purpose" in failures[0].getMessage()

    def it_uses_the_profile_for_package_components(self, scanpkg: str) -> None:
        c = Container()
        c.scan(package=scanpkg, profile=Profile.PRODUCTION)
        from scanpkg.adapters.production import SmtpNotifier
        from scanpkg.ports import Clock, Notifier

        assert type(c.resolve(Notifier)) is SmtpNotifier
        with pytest.raises(AdapterNotFoundError) as caught:
            c.resolve(Clock)
        assert "Registered: FakeClock (edge, test)" in str(caught.value)

    def it_scans_a_sub_package_only(self, scanpkg: str) -> None:
        c = Container()
        stats = c.scan(package=f"{scanpkg}.adapters", profile=Profile("edge"), stats=True)
        from scanpkg.ports import Clock

        assert stats is not None
        assert stats.modules_imported == 3  # adapters, adapters.fakes, adapters.production
        assert c.list_registered() == [Clock]

    def it_counts_a_plain_module_as_one(self, scanpkg: str) -> None:
        stats = Container().scan(package=f"{scanpkg}.services", stats=True)
        assert stats is not None
        assert stats.modules_imported == 1
        assert stats.services_registered == 1

    def it_filters_classes_by_module_prefix(self, scanpkg: str) -> None:
        @service
        class Outside:
            pass

        c = Container()
        c.scan(package=scanpkg, profile=Profile.TEST)
        assert not c.is_registered(Outside)
        c.scan(profile=Profile.TEST)
        assert c.is_registered(Outside)

    def it_finds_ambiguity_inside_the_package_without_a_profile(self, scanpkg: str) -> None:
        with pytest.raises(AmbiguousAdapterError, match=r"port Notifier: multiple adapters found"):
            Container().scan(package=scanpkg)

    @pytest.mark.parametrize("package", ["dioxide_no_such_package", "scanpkg.no_such_module"])
    def it_raises_import_error_for_a_missing_package(self, scanpkg: str, package: str) -> None:
        with pytest.raises(ImportError) as caught:
            Container().scan(package=package)
        assert str(caught.value) == f"Package '{package}' not found"


class DescribeAllowedPackages:
    def it_rejects_a_package_outside_the_allowed_prefixes(self) -> None:
        c = Container(allowed_packages=["myapp", "scanpkg"])
        with pytest.raises(ValueError) as caught:
            c.scan(package="os")
        assert str(caught.value) == (
            "Package 'os' is not in allowed_packages list. Allowed prefixes: ['myapp', 'scanpkg']"
        )

    def it_accepts_a_package_by_plain_prefix(self, scanpkg: str) -> None:
        c = Container(allowed_packages=["scan"])
        stats = c.scan(package=f"{scanpkg}.services", stats=True)
        assert stats is not None
        assert stats.services_registered == 1

    def it_does_not_restrict_a_scan_without_a_package(self) -> None:
        @service
        class Svc:
            pass

        c = Container(allowed_packages=["myapp"])
        c.scan()
        assert c.is_registered(Svc)


class DescribeMultiBindingScan:
    def it_orders_by_priority_and_keeps_declaration_order_for_ties(self) -> None:
        @adapter.for_(Port, multi=True, priority=5)
        class Late:
            def run(self) -> str:
                return "late"

        @adapter.for_(Port, multi=True, priority=-1)
        class Early:
            def run(self) -> str:
                return "early"

        @adapter.for_(Port, multi=True)
        class TieOne:
            def run(self) -> str:
                return "tie1"

        @adapter.for_(Port, multi=True)
        class TieTwo:
            def run(self) -> str:
                return "tie2"

        c = Container()
        c.scan()
        assert [p.run() for p in c.resolve(list[Port])] == ["early", "tie1", "tie2", "late"]

    def it_includes_only_the_active_profile(self) -> None:
        @adapter.for_(Port, multi=True, profile=Profile.TEST)
        class TestOnly:
            def run(self) -> str:
                return "test"

        @adapter.for_(Port, multi=True, profile=Profile.PRODUCTION)
        class ProdOnly:
            def run(self) -> str:
                return "prod"

        @adapter.for_(Port, multi=True, priority=9)
        class Always:
            def run(self) -> str:
                return "all"

        assert [p.run() for p in Container(profile=Profile.TEST)[list[Port]]] == ["test", "all"]
        assert [p.run() for p in Container(profile=Profile.PRODUCTION)[list[Port]]] == ["prod", "all"]

    def it_scopes_the_captive_check_to_direct_dependencies_at_scan(self) -> None:
        @service(scope=Scope.REQUEST)
        class Req:
            pass

        @service(scope=Scope.FACTORY)
        class Transient:
            def __init__(self, req: Req) -> None:
                self.req = req

        c = Container()
        c.scan()  # FACTORY -> REQUEST is fine
        assert c.is_registered(Transient)
