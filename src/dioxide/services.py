"""``@service``: a profile-agnostic component registered under its own class."""

from __future__ import annotations

from typing import TypeVar, overload

from dioxide._registry import (
    PORT_ATTRIBUTE,
    PROFILE_ATTRIBUTE,
    SCOPE_ATTRIBUTE,
    _component_registry,
    remember_defining_frame,
)
from dioxide.scope import Scope

_C = TypeVar("_C", bound=type)

_USAGE = "    @service\n    class UserService:\n        def __init__(self, users: UserRepository) -> None: ..."


def _register(cls: type, scope: Scope) -> None:
    if not isinstance(cls, type):
        raise TypeError(f"@service must be applied to a class, got {cls!r}. Usage:\n{_USAGE}")
    if PORT_ATTRIBUTE in vars(cls):
        raise TypeError(
            f"{cls.__name__} is decorated with both @service and @adapter.for_(): pick one. "
            "Use @service for core logic and @adapter.for_(Port, profile=...) for implementations of a port."
        )
    if not isinstance(scope, Scope):
        raise TypeError(f"@service(scope=...) expects a Scope, got {scope!r}")
    setattr(cls, SCOPE_ATTRIBUTE, scope)
    setattr(cls, PROFILE_ATTRIBUTE, frozenset({"*"}))
    remember_defining_frame(cls)
    _component_registry.add(cls)


@overload
def service(cls: _C, /) -> _C: ...


@overload
def service(*, scope: Scope = Scope.SINGLETON) -> _Decorator: ...


def service(cls: _C | None = None, /, *, scope: Scope = Scope.SINGLETON) -> _C | _Decorator:
    """Mark a class as a service: core logic, the same in every profile, injected by its constructor hints.

    Usable bare (``@service``) or with a scope (``@service(scope=Scope.FACTORY)``).
    """
    if cls is None:
        return _Decorator(scope)
    _register(cls, scope)
    return cls


class _Decorator:
    __slots__ = ("_scope",)

    def __init__(self, scope: Scope) -> None:
        self._scope = scope

    def __call__(self, cls: _C, /) -> _C:
        _register(cls, self._scope)
        return cls


__all__ = ["service"]
