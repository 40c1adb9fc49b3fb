"""Scan plans, scan statistics, lazy scanning (imports deferred until a resolution needs them, same observable
results as an eager scan) and strict scanning (a warning per import-time side effect)."""

from __future__ import annotations

import importlib
import sys
import warnings

import pytest

from dioxide import (
    AdapterNotFoundError,
    Container,
    Profile,
    ScanStats,
    SideEffectWarning,
)
from dioxide.scan_plan import AdapterInfo, ServiceInfo

from .conftest import imported

pytestmark = pytest.mark.usefixtures("packages")

LAZY_MODULES = [
    "lazypkg.clocks",
    "lazypkg.greeters",
    "lazypkg.mailers",
    "lazypkg.metrics",
    "lazypkg.ports",
    "lazypkg.services",
    "lazypkg.unrelated",
]


def _ports():  # type: ignore[no-untyped-def]
    """The ports module (it declares no component): importing it imports nothing else of the package."""
    ports = importlib.import_module("lazypkg.ports")
    assert imported("lazypkg") == ["lazypkg", "lazypkg.ports"]
    return ports


class DescribeScanPlan:
    def it_lists_modules_and_components_without_importing_anything(self) -> None:
        plan = Container().scan_plan("lazypkg")
        assert imported("lazypkg") == []
        assert plan.modules == ["lazypkg", *LAZY_MODULES], "the package itself first, as scan() imports it"
        assert plan.services == [
            ServiceInfo("GreetingService", "lazypkg.services"),
            ServiceInfo("Unrelated", "lazypkg.unrelated"),
        ]
        assert sorted((a.class_name, a.module) for a in plan.adapters) == [
            ("AuditPlugin", "lazypkg.clocks"),
            ("FakeClock", "lazypkg.clocks"),
            ("FakeGreeter", "lazypkg.greeters"),
            ("LoudGreeter", "lazypkg.greeters"),
            ("MetricsPlugin", "lazypkg.metrics"),
            ("SmtpMailer", "lazypkg.mailers"),
        ]
        assert all(isinstance(a, AdapterInfo) for a in plan.adapters)
        assert repr(plan) == "ScanPlan(modules=8, services=2, adapters=6)"

    def it_accepts_a_package_within_allowed_packages(self) -> None:
        plan = Container(allowed_packages=["lazy"]).scan_plan("lazypkg")
        assert len(plan.modules) == 8
        assert imported("lazypkg") == []


class DescribeScanStats:
    def it_counts_what_an_eager_scan_registered_and_imported(self) -> None:
        container = Container()
        stats = container.scan(package="lazypkg", profile=Profile.TEST, stats=True)
        assert isinstance(stats, ScanStats)
        assert stats.services_registered == 2
        assert stats.adapters_registered == 4  # FakeGreeter, FakeClock, and the two plugins
        assert stats.modules_imported == 8  # the package and its seven modules
        assert stats.duration_ms >= 0
        assert round(stats.duration_ms, 3) == stats.duration_ms
        assert imported("lazypkg") == ["lazypkg", *LAZY_MODULES]
        again = container.scan(package="lazypkg", profile=Profile.TEST, stats=True)
        assert again is not None
        assert again.services_registered == 0, "services registered before are not counted again"

    def it_returns_none_without_stats(self) -> None:
        assert Container().scan(package="lazypkg", profile=Profile.TEST) is None


class DescribeLazyScan:
    def it_imports_nothing_at_scan_time(self) -> None:
        container = Container()
        assert container.scan(package="lazypkg", profile=Profile.TEST, lazy=True, stats=True) is None
        assert imported("lazypkg") == []

    def it_imports_only_the_modules_a_resolution_needs(self) -> None:
        container = Container()
        container.scan(package="lazypkg", profile=Profile.TEST, lazy=True)
        ports = _ports()
        greeter = container.resolve(ports.Greeter)
        assert greeter.greet("ada") == "hello ada"
        assert type(greeter).__name__ == "FakeGreeter"
        assert imported("lazypkg") == ["lazypkg", "lazypkg.greeters", "lazypkg.ports"]
        assert container.resolve(ports.Clock).now() == 0
        assert imported("lazypkg") == ["lazypkg", "lazypkg.clocks", "lazypkg.greeters", "lazypkg.ports"]

    def it_gives_the_same_instances_as_an_eager_scan(self) -> None:
        lazy = Container()
        lazy.scan(package="lazypkg", profile=Profile.TEST, lazy=True)
        ports = _ports()
        greeter = lazy.resolve(ports.Greeter)
        services = sys.modules.get("lazypkg.services")
        assert services is None, "a port's resolution does not import the services"
        service_type = importlib.import_module("lazypkg.services").GreetingService
        service = lazy.resolve(service_type)
        assert service.greeter is greeter
        assert lazy.resolve(service_type) is service
        assert service.welcome("bob") == "hello bob"

        eager = Container()
        eager.scan(package="lazypkg", profile=Profile.TEST)
        assert type(eager.resolve(ports.Greeter)) is type(greeter)
        assert eager.resolve(service_type).greeter is eager.resolve(ports.Greeter)
        assert [p.name() for p in lazy.resolve(list[ports.Plugin])] == ["audit", "metrics"]
        assert [p.name() for p in eager.resolve(list[ports.Plugin])] == ["audit", "metrics"]

    def it_gives_the_same_errors_as_an_eager_scan(self) -> None:
        lazy = Container()
        lazy.scan(package="lazypkg", profile=Profile.TEST, lazy=True)
        ports = _ports()
        with pytest.raises(AdapterNotFoundError) as lazy_error:
            lazy.resolve(ports.Mailer)

        eager = Container()
        eager.scan(package="lazypkg", profile=Profile.TEST)
        with pytest.raises(AdapterNotFoundError) as eager_error:
            eager.resolve(ports.Mailer)
        assert str(lazy_error.value) == str(eager_error.value)
        assert str(lazy_error.value).startswith(
            "Adapter Not Found: No adapter for Mailer in profile 'test'\n  Registered: SmtpMailer (production)"
        )

    def it_honours_the_profile_given_to_the_lazy_scan(self) -> None:
        container = Container()
        container.scan(package="lazypkg", profile=Profile.PRODUCTION, lazy=True)
        ports = _ports()
        assert container.resolve(ports.Greeter).greet("ada") == "HELLO ADA"
        assert container.active_profile == Profile.PRODUCTION

    async def it_imports_everything_when_the_container_starts(self) -> None:
        container = Container()
        container.scan(package="lazypkg", profile=Profile.TEST, lazy=True)
        assert imported("lazypkg") == []
        async with container:
            assert imported("lazypkg") == ["lazypkg", *LAZY_MODULES]
            assert len(container) == 5

    def it_enforces_allowed_packages(self) -> None:
        with pytest.raises(ValueError) as caught:
            Container(allowed_packages=["myapp."]).scan(package="lazypkg", lazy=True)
        assert str(caught.value) == "Package 'lazypkg' is not in allowed_packages list. Allowed prefixes: ['myapp.']"

    def it_refuses_an_unknown_package_at_scan_time(self) -> None:
        with pytest.raises(ImportError, match=r"^Package 'no_such_lazy_package' not found$"):
            Container().scan(package="no_such_lazy_package", lazy=True)


class DescribeStrictScan:
    def it_warns_once_per_module_level_call_and_still_imports(self) -> None:
        container = Container()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            container.scan(package="strictpkg", profile=Profile.TEST, strict=True)
        side_effects = [str(w.message) for w in caught if issubclass(w.category, SideEffectWarning)]
        assert side_effects == [
            "Potential side effect in `strictpkg.effects` (line 17): Module-level call: `load_config()`\n"
            "  Suggestion: Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block",
            "Potential side effect in `strictpkg.effects` (line 18): Module-level call: `load_config()`\n"
            "  Suggestion: Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block",
        ]
        assert imported("strictpkg") == ["strictpkg", "strictpkg.clean", "strictpkg.effects"]
        effects = sys.modules["strictpkg.effects"]
        assert effects.CALLS == ["load_config", "load_config"]
        assert container.resolve(effects.Configured).config == {"url": "sqlite://"}

    def it_does_not_warn_without_strict(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SideEffectWarning)
            Container().scan(package="strictpkg", profile=Profile.TEST)
        assert "strictpkg.effects" in sys.modules

    def it_can_be_turned_into_errors_by_a_warnings_filter(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SideEffectWarning)
            with pytest.raises(SideEffectWarning, match="Module-level call: `load_config\\(\\)`"):
                Container().scan(package="strictpkg", profile=Profile.TEST, strict=True)
        assert "strictpkg.effects" not in sys.modules, "the warning comes before the module is imported"
