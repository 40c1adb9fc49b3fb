"""``@service``: core logic, the same in every profile: a class, or a provider function of the type it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, overload

from dioxide._declare.registry import declare_service
from dioxide.scope import Scope

_C = TypeVar("_C", bound=type)
_P = ParamSpec("_P")
_R = TypeVar("_R")


@overload
def service(cls: _C, /) -> _C: ...


@overload
def service(function: Callable[_P, _R], /) -> Callable[_P, _R]: ...


@overload
def service(*, scope: Scope = Scope.SINGLETON) -> _Decorator: ...


def service(cls: object = None, /, *, scope: Scope = Scope.SINGLETON) -> object:
    """Mark a service: core logic, the same in every profile, injected by its constructor's type hints.

    Usable bare (``@service``) or with a scope (``@service(scope=Scope.FACTORY)``). On a function, the function
    is the service's provider: it provides the type its return annotation names (the yielded type, for a
    generator), and its parameters are injected like a constructor's.
    """
    if cls is None:
        return _Decorator(scope)
    declare_service(cls, scope)
    return cls


class _Decorator:
    __slots__ = ("_scope",)

    def __init__(self, scope: Scope) -> None:
        self._scope = scope

    @overload
    def __call__(self, cls: _C, /) -> _C: ...

    @overload
    def __call__(self, function: Callable[_P, _R], /) -> Callable[_P, _R]: ...

    def __call__(self, cls: object, /) -> object:
        declare_service(cls, self._scope)
        return cls


__all__ = ["service"]
