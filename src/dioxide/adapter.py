"""``@adapter.for_(Port, profile=...)``: an implementation of a port, active in some profiles."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from dioxide._registry import (
    MULTI_ATTRIBUTE,
    PORT_ATTRIBUTE,
    PRIORITY_ATTRIBUTE,
    PROFILE_ATTRIBUTE,
    REGISTRATIONS_ATTRIBUTE,
    SCOPE_ATTRIBUTE,
    OrderedRegistry,
    _component_registry,
    remember_defining_frame,
)
from dioxide.profile_enum import BUILTIN_PROFILE_VALUES, Profile, profile_value
from dioxide.scope import Scope

_C = TypeVar("_C", bound=type)

_adapter_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@adapter.for_``."""

_USAGE = "    @adapter.for_(EmailPort, profile=Profile.PRODUCTION)\n    class SendGridAdapter: ..."


@dataclass(frozen=True, slots=True)
class AdapterRegistration:
    """One ``@adapter.for_`` application; a class may implement several ports."""

    port: type
    profiles: frozenset[str]
    scope: Scope
    multi: bool
    priority: int


def normalize_profiles(profile: str | Iterable[str], *, warn: bool) -> frozenset[str]:
    """Lower-case a profile or a list of profiles into a frozenset of raw values."""
    values = [profile] if isinstance(profile, str) else list(profile)
    result: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"profile must be a Profile or str (or a list of them), got {value!r}")
        raw = profile_value(value)
        if warn and type(value) is str and raw in BUILTIN_PROFILE_VALUES:
            constant = str(Profile(raw))
            warnings.warn(
                f"Using string profile {value!r} is deprecated. Use Profile.{constant} instead.",
                DeprecationWarning,
                stacklevel=3,
            )
        result.add(raw)
    return frozenset(result)


def registrations_of(cls: type) -> tuple[AdapterRegistration, ...]:
    """The adapter registrations a class carries itself (inherited ones belong to the base class)."""
    own: tuple[AdapterRegistration, ...] = vars(cls).get(REGISTRATIONS_ATTRIBUTE, ())
    if own:
        return own
    if PORT_ATTRIBUTE in vars(cls):  # attributes set by hand, as some 2.x tests do
        return (
            AdapterRegistration(
                port=vars(cls)[PORT_ATTRIBUTE],
                profiles=frozenset(getattr(cls, PROFILE_ATTRIBUTE, frozenset({"*"}))),
                scope=getattr(cls, SCOPE_ATTRIBUTE, Scope.SINGLETON),
                multi=bool(getattr(cls, MULTI_ATTRIBUTE, False)),
                priority=int(getattr(cls, PRIORITY_ATTRIBUTE, 0)),
            ),
        )
    return ()


class AdapterDecorator:
    """The ``adapter`` object: use ``@adapter.for_(Port, ...)``; calling ``@adapter`` directly is an error."""

    def for_(
        self,
        port: type[Any],
        *,
        profile: str | Iterable[str] = Profile.ALL,
        scope: Scope = Scope.SINGLETON,
        multi: bool = False,
        priority: int = 0,
    ) -> Callable[[_C], _C]:
        """Declare the decorated class an implementation of ``port`` for the given profile(s).

        ``multi=True`` contributes to a ``list[Port]`` collection, ordered by ascending ``priority``.
        """
        if not isinstance(port, type):
            raise TypeError(f"@adapter.for_() expects a port class (a Protocol or ABC), got {port!r}. Usage:\n{_USAGE}")
        if not isinstance(scope, Scope):
            raise TypeError(f"@adapter.for_(scope=...) expects a Scope, got {scope!r}")
        profiles = normalize_profiles(profile, warn=True)
        registration = AdapterRegistration(port, profiles, scope, bool(multi), int(priority))

        def decorate(cls: _C) -> _C:
            if not isinstance(cls, type):
                raise TypeError(f"@adapter.for_() must be applied to a class, got {cls!r}. Usage:\n{_USAGE}")
            if cls in _component_registry and PORT_ATTRIBUTE not in vars(cls):
                raise TypeError(
                    f"{cls.__name__} is decorated with both @service and @adapter.for_(): pick one. "
                    "Use @adapter.for_(Port, profile=...) for implementations of a port and @service for "
                    "core logic."
                )
            previous = tuple(r for r in registrations_of(cls) if r.port is not port or r.profiles != profiles)
            setattr(cls, REGISTRATIONS_ATTRIBUTE, (*previous, registration))
            setattr(cls, PORT_ATTRIBUTE, port)
            setattr(cls, PROFILE_ATTRIBUTE, profiles)
            setattr(cls, SCOPE_ATTRIBUTE, scope)
            setattr(cls, MULTI_ATTRIBUTE, registration.multi)
            setattr(cls, PRIORITY_ATTRIBUTE, registration.priority)
            remember_defining_frame(cls)
            _adapter_registry.add(cls)
            return cls

        return decorate

    def __call__(self, *args: object, **kwargs: object) -> Any:
        raise TypeError(f"Use @adapter.for_(Port, profile=...) rather than @adapter. Usage:\n{_USAGE}")


adapter = AdapterDecorator()

__all__ = ["AdapterDecorator", "adapter"]
