"""The container (dioxide 2.x's module): ``Container``, its scopes, and the global container."""

from __future__ import annotations

from dioxide._plan.hints import PRIMITIVE_TYPES
from dioxide._run.container import Container, container, reset_global_container
from dioxide._run.scope import ScopedContainer

ScopedContainerContextManager = ScopedContainer

_PRIMITIVE_TYPES = PRIMITIVE_TYPES
"""The annotations never injected (dioxide 2.x exposed this set here)."""

__all__ = [
    "Container",
    "ScopedContainer",
    "ScopedContainerContextManager",
    "container",
    "reset_global_container",
]
