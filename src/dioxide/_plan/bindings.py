"""Bindings: what a container knows about each key, decided once (at scan or registration).

A binding says how to build the value for a key (construct a class with injection, call a zero-argument
factory, return an instance, alias another key, or collect a multi-binding list) and how long it lives.
"""

from __future__ import annotations

import abc
import typing
from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from dioxide._declare.registry import Style, has_lifecycle
from dioxide._plan.hints import Parameter, constructor_parameters
from dioxide.scope import Scope


class Kind(Enum):
    CLASS = "class"  # construct target, injecting its constructor parameters
    FUNCTION = "function"  # call target, a provider function, injecting its parameters (see Binding.style)
    FACTORY = "factory"  # call target() with no arguments
    INSTANCE = "instance"  # return target as is
    ALIAS = "alias"  # the value of another key (one adapter class implementing several ports)
    MULTI = "multi"  # a list of member keys, in priority order
    CONTEXT = "context"  # request data: the value a scope was given when it opened (create_scope(context=...))


class Origin(Enum):
    SERVICE = "service"
    ADAPTER = "adapter"
    MANUAL = "manual"
    OVERRIDE = "override"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class MemberKey:
    """The hidden key of one multi-binding member, or of an adapter class shared by several ports."""

    port: Hashable
    implementation: Any  # a class, or a provider function

    def __repr__(self) -> str:
        return f"{_key_name(self.port)}[{self.implementation.__name__}]"


@dataclass(frozen=True, slots=True)
class SharedKey:
    """The hidden key of an adapter class bound to several ports, so that they share one instance."""

    implementation: Any  # a class, or a provider function

    def __repr__(self) -> str:
        return f"{self.implementation.__name__}(shared)"


@dataclass(eq=False, slots=True)
class Binding:
    key: Any
    kind: Kind
    target: Any
    scope: Scope
    origin: Origin
    lifecycle: bool = False
    profiles: frozenset[str] = frozenset({"*"})
    members: tuple[Hashable, ...] = ()
    parameters: tuple[Parameter, ...] = field(default=())
    style: Style = Style.VALUE  # for a FUNCTION: how it gives its value (returned, yielded, awaited)

    @classmethod
    def for_class(
        cls,
        key: Hashable,
        implementation: type,
        scope: Scope,
        origin: Origin,
        profiles: frozenset[str] = frozenset({"*"}),
    ) -> Binding:
        return cls(
            key=key,
            kind=Kind.CLASS,
            target=implementation,
            scope=scope,
            origin=origin,
            lifecycle=has_lifecycle(implementation),
            profiles=profiles,
            parameters=constructor_parameters(implementation),
        )

    @classmethod
    def for_function(
        cls,
        key: Hashable,
        function: Any,
        scope: Scope,
        origin: Origin,
        parameters: tuple[Parameter, ...],
        style: Style,
        profiles: frozenset[str] = frozenset({"*"}),
    ) -> Binding:
        return cls(key, Kind.FUNCTION, function, scope, origin, profiles=profiles, parameters=parameters, style=style)

    @property
    def calls(self) -> bool:
        """Whether building it calls the target with injected parameters (a class or a provider function)."""
        return self.kind is Kind.CLASS or self.kind is Kind.FUNCTION

    @property
    def implementation(self) -> Any:
        """The class (or factory) that produces the value, for messages and introspection."""
        return self.target

    @property
    def visible(self) -> bool:
        """Whether users registered this key (hidden member and shared keys, and request data, are not listed)."""
        return self.kind is not Kind.CONTEXT and not isinstance(self.key, (MemberKey, SharedKey))


def key_name(key: object) -> str:
    return _key_name(key)


def _key_name(key: object) -> str:
    if typing.get_origin(key) is list:
        (item,) = typing.get_args(key)
        return f"list[{_key_name(item)}]"
    if isinstance(key, type):
        return key.__name__
    if isinstance(key, (MemberKey, SharedKey)):  # hidden keys read as the class (or function) they build
        return str(key.implementation.__name__)
    return repr(key)


def implementation_name(binding: Binding) -> str:
    target = binding.target
    if binding.kind is Kind.ALIAS:
        return _key_name(target)
    if binding.kind is Kind.MULTI or binding.kind is Kind.CONTEXT:
        return _key_name(binding.key)
    if binding.kind is Kind.INSTANCE:
        return type(target).__name__
    return getattr(target, "__name__", None) or type(target).__name__


def is_port(key: object) -> bool:
    """A Protocol or an ABC: something adapters implement rather than a concrete service."""
    if not isinstance(key, type):
        return False
    if getattr(key, "_is_protocol", False):
        return True
    if key is abc.ABC:
        return False
    return abc.ABC in key.__bases__ or bool(getattr(key, "__abstractmethods__", None))


__all__ = [
    "Binding",
    "Kind",
    "MemberKey",
    "Origin",
    "SharedKey",
    "implementation_name",
    "is_port",
    "key_name",
]
