"""``@service``: a profile-agnostic component registered under its own class."""

from __future__ import annotations

from typing import TypeVar, overload

from dioxide._declare.registry import declare_service
from dioxide.scope import Scope

_C = TypeVar("_C", bound=type)


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
    declare_service(cls, scope)
    return cls


class _Decorator:
    __slots__ = ("_scope",)

    def __init__(self, scope: Scope) -> None:
        self._scope = scope

    def __call__(self, cls: _C, /) -> _C:
        declare_service(cls, self._scope)
        return cls


__all__ = ["service"]
