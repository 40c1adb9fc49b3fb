"""dioxide: dependency injection for hexagonal architecture (ports, adapters, profiles, lifecycles)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("dioxide")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
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
    "ScanStats",
    "Scope",
    "ScopeError",
    "ScopedContainer",
    "ServiceNotFoundError",
    "SideEffectWarning",
    "__version__",
    "_clear_registry",
    "_get_registered_components",
    "adapter",
    "container",
    "deprecated",
    "lifecycle",
    "reset_global_container",
    "service",
]
