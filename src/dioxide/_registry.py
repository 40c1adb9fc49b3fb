"""dioxide 2.x's private registry module, kept for the tests and tools that import it."""

from __future__ import annotations

from dioxide._declare.registry import PROFILE_ATTRIBUTE
from dioxide._declare.registry import clear_registries as _clear_registry
from dioxide._declare.registry import registered_services as _get_registered_components
from dioxide._declare.registry import service_registry as _component_registry

__all__ = ["PROFILE_ATTRIBUTE", "_clear_registry", "_component_registry", "_get_registered_components"]
