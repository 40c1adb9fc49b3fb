"""The public surface (§1): top-level names, absent names, module paths, registry helpers, ``deprecated``."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import warnings

import pytest

import dioxide
from dioxide import Container, service
from dioxide.exceptions import DioxideDeprecationWarning

TOP_LEVEL = {
    "Container",
    "ScopedContainer",
    "container",
    "reset_global_container",
    "service",
    "adapter",
    "lifecycle",
    "Profile",
    "Scope",
    "ScanStats",
    "deprecated",
    "fresh_container",
    "DioxideError",
    "ResolutionError",
    "AdapterNotFoundError",
    "ServiceNotFoundError",
    "ScopeError",
    "CaptiveDependencyError",
    "CircularDependencyError",
    "SideEffectWarning",
    "DioxideDeprecationWarning",
    "_clear_registry",
    "_get_registered_components",
    "__version__",
}


class DescribeTopLevel:
    def it_exports_the_reference_names(self) -> None:
        assert set(dioxide.__all__) >= TOP_LEVEL
        for name in dioxide.__all__:
            assert hasattr(dioxide, name), name

    def it_exports_no_removed_names(self) -> None:
        assert "component" not in dioxide.__all__
        assert "profile" not in dioxide.__all__

    def it_refuses_from_dioxide_import_component(self) -> None:
        with pytest.raises(ImportError):
            exec("from dioxide import component", {})

    def it_refuses_from_dioxide_import_profile(self) -> None:
        with pytest.raises(ImportError):
            exec("from dioxide import profile", {})

    @pytest.mark.parametrize("module", ["dioxide.decorators", "dioxide.profile"])
    def it_has_no_removed_modules(self, module: str) -> None:
        with pytest.raises(ImportError):
            importlib.import_module(module)

    def it_reads_the_version_from_the_installed_metadata(self) -> None:
        assert dioxide.__version__ == importlib.metadata.version("dioxide")

    def it_exposes_the_global_container_of_the_container_module(self) -> None:
        module = importlib.import_module("dioxide.container")
        assert dioxide.container is module.container
        assert isinstance(dioxide.container, Container)

    def it_keeps_scanned_containers_working_after_clear_registry(self) -> None:
        @service
        class Kept:
            pass

        c = Container()
        c.scan()
        dioxide._clear_registry()
        assert isinstance(c.resolve(Kept), Kept)
        assert dioxide._get_registered_components() == set()


class DescribeModulePaths:
    @pytest.mark.parametrize(
        ("module", "names"),
        [
            (
                "dioxide.container",
                [
                    "Container",
                    "ScopedContainer",
                    "ScopedContainerContextManager",
                    "container",
                    "reset_global_container",
                ],
            ),
            ("dioxide.adapter", ["AdapterDecorator", "adapter", "_adapter_registry"]),
            ("dioxide.services", ["service"]),
            ("dioxide.lifecycle", ["lifecycle", "_lifecycle_registry", "LifecycleProtocol"]),
            ("dioxide.scope", ["Scope"]),
            ("dioxide.profile_enum", ["Profile"]),
            (
                "dioxide.exceptions",
                [
                    "DOCS_BASE_URL",
                    "DioxideError",
                    "ResolutionError",
                    "AdapterNotFoundError",
                    "ServiceNotFoundError",
                    "ScopeError",
                    "CaptiveDependencyError",
                    "CircularDependencyError",
                    "SideEffectWarning",
                    "DioxideDeprecationWarning",
                ],
            ),
            ("dioxide.deprecation", ["deprecated"]),
            ("dioxide.scan_plan", ["ScanPlan", "ServiceInfo", "AdapterInfo", "build_scan_plan"]),
            ("dioxide.scan_stats", ["ScanStats"]),
            (
                "dioxide._registry",
                ["PROFILE_ATTRIBUTE", "_component_registry", "_clear_registry", "_get_registered_components"],
            ),
        ],
    )
    def it_has_the_reference_names(self, module: str, names: list[str]) -> None:
        loaded = importlib.import_module(module)
        missing = [name for name in names if not hasattr(loaded, name)]
        assert missing == []

    def it_re_exports_the_same_objects_at_top_level(self) -> None:
        pairs = [
            ("dioxide.adapter", "adapter"),
            ("dioxide.services", "service"),
            ("dioxide.lifecycle", "lifecycle"),
            ("dioxide.scope", "Scope"),
            ("dioxide.profile_enum", "Profile"),
            ("dioxide.scan_stats", "ScanStats"),
            ("dioxide.deprecation", "deprecated"),
            ("dioxide.exceptions", "ServiceNotFoundError"),
            ("dioxide._registry", "_clear_registry"),
        ]
        for module, name in pairs:
            assert getattr(importlib.import_module(module), name) is getattr(dioxide, name), name

    def it_names_the_profile_attribute(self) -> None:
        from dioxide._registry import PROFILE_ATTRIBUTE

        assert PROFILE_ATTRIBUTE == "__dioxide_profiles__"

    def it_has_the_docs_base_url(self) -> None:
        from dioxide.exceptions import DOCS_BASE_URL

        assert DOCS_BASE_URL == "https://dioxide.readthedocs.io/en/latest"

    def it_has_a_frozen_scan_stats_dataclass(self) -> None:
        stats = dioxide.ScanStats(services_registered=1, adapters_registered=2, modules_imported=3, duration_ms=0.5)
        assert [f.name for f in dataclasses.fields(stats)] == [
            "services_registered",
            "adapters_registered",
            "modules_imported",
            "duration_ms",
        ]
        with pytest.raises(dataclasses.FrozenInstanceError):
            stats.services_registered = 5  # type: ignore[misc]


class DescribeRegistries:
    def it_lets_tests_edit_the_adapter_registry_like_a_set(self) -> None:
        from dioxide.adapter import _adapter_registry

        class Thing:
            pass

        _adapter_registry.add(Thing)
        assert Thing in _adapter_registry
        _adapter_registry.discard(Thing)
        _adapter_registry.discard(Thing)  # absent: no error
        assert Thing not in _adapter_registry
        _adapter_registry.add(Thing)
        _adapter_registry.clear()
        assert len(_adapter_registry) == 0

    def it_clears_services_adapters_and_lifecycles(self) -> None:
        from typing import Protocol

        from dioxide import adapter, lifecycle
        from dioxide._registry import _component_registry
        from dioxide.adapter import _adapter_registry
        from dioxide.lifecycle import _lifecycle_registry

        class Port(Protocol):
            def go(self) -> None: ...

        @service
        @lifecycle
        class Svc:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        @adapter.for_(Port)
        class Impl:
            def go(self) -> None: ...

        assert (Svc in _component_registry, Impl in _adapter_registry, Svc in _lifecycle_registry) == (
            True,
            True,
            True,
        )
        dioxide._clear_registry()
        assert len(_component_registry) == len(_adapter_registry) == len(_lifecycle_registry) == 0

    def it_returns_a_copy_of_the_service_registry(self) -> None:
        from dioxide._registry import _component_registry

        @service
        class One:
            pass

        snapshot = dioxide._get_registered_components()
        assert snapshot == {One}
        snapshot.clear()
        snapshot.add(int)
        assert One in _component_registry
        assert int not in _component_registry
        assert dioxide._get_registered_components() == {One}


class DescribeDeprecated:
    def it_warns_with_since_removal_and_alternative(self) -> None:
        @dioxide.deprecated(since="2.0", removed_in="3.0", alternative="new_call()")
        def old_call(x: int) -> int:
            return x + 1

        with pytest.warns(DioxideDeprecationWarning) as record:
            assert old_call(1) == 2
        assert len(record) == 1
        message = str(record[0].message)
        assert "old_call" in message
        assert "is deprecated since v2.0 and will be removed in v3.0." in message
        assert message.endswith("Use new_call() instead.")
        assert record[0].filename == __file__  # stacklevel 2: the caller's line
        assert old_call.__name__ == "old_call"

    def it_omits_the_alternative_when_none_is_given(self) -> None:
        @dioxide.deprecated(since="1.1", removed_in="2.0")
        def legacy() -> None:
            pass

        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            legacy()
        assert len(record) == 1
        assert issubclass(record[0].category, DeprecationWarning)
        assert "Use " not in str(record[0].message)

    def it_is_used_by_no_dioxide_api(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DioxideDeprecationWarning)

            @service
            class Quiet:
                pass

            Container().scan()
