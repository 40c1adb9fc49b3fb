"""dioxide: dependency injection for hexagonal architecture (ports, adapters, profiles, lifecycles)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dioxide._fresh import fresh_container
from dioxide._registry import _clear_registry, _get_registered_components
from dioxide.adapter import adapter
from dioxide.container import Container, ScopedContainer, container, reset_global_container
from dioxide.deprecation import deprecated
from dioxide.exceptions import (
    AdapterNotFoundError,
    AmbiguousAdapterError,
    CaptiveDependencyError,
    CircularDependencyError,
    ContainerValidationError,
    DioxideDeprecationWarning,
    DioxideError,
    LifecycleError,
    ResolutionError,
    ScopeError,
    ServiceNotFoundError,
    SideEffectWarning,
)
from dioxide.lifecycle import lifecycle
from dioxide.profile_enum import Profile
from dioxide.scan_stats import ScanStats
from dioxide.scope import Scope
from dioxide.services import service

if TYPE_CHECKING:
    from dioxide.scan_plan import AdapterInfo, ScanPlan, ServiceInfo


_SCAN_PLAN_NAMES = ("ScanPlan", "ServiceInfo", "AdapterInfo")


def __getattr__(name: str) -> object:
    """Names that are slow to import come on first use: ``__version__`` and the scan-plan types."""
    if name in _SCAN_PLAN_NAMES:
        from dioxide import scan_plan

        value = getattr(scan_plan, name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("dioxide")
        except PackageNotFoundError:  # a source tree that was never installed
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'dioxide' has no attribute {name!r}")


__all__ = [
    "AdapterInfo",
    "AdapterNotFoundError",
    "AmbiguousAdapterError",
    "CaptiveDependencyError",
    "CircularDependencyError",
    "Container",
    "ContainerValidationError",
    "DioxideDeprecationWarning",
    "DioxideError",
    "LifecycleError",
    "Profile",
    "ResolutionError",
    "ScanPlan",
    "ScanStats",
    "Scope",
    "ScopeError",
    "ScopedContainer",
    "ServiceInfo",
    "ServiceNotFoundError",
    "SideEffectWarning",
    "__version__",
    "_clear_registry",
    "_get_registered_components",
    "adapter",
    "container",
    "deprecated",
    "fresh_container",
    "lifecycle",
    "reset_global_container",
    "service",
]
