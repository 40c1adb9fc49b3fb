"""Problem records: what planning and validation found wrong, as plain data.

Planning never builds an exception: it returns these records, and ``dioxide._render.errors`` turns each into
the error users see. Keeping the facts apart from their wording lets one graph walk serve ``resolve`` (the first
problem, as its own exception type), ``validate()``/``start()`` (every problem at once) and introspection.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from dioxide._plan.bindings import Binding
from dioxide._plan.hints import Parameter


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a dependency chain: ``binding`` needs ``parameter`` (None for aliases and list members)."""

    binding: Binding
    parameter: Parameter | None


@dataclass(frozen=True, slots=True)
class NotRegistered:
    """Nothing is bound to ``key`` in the active profile."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class MissingDependency:
    """Building ``root`` reaches ``missing`` through ``hops``, and nothing is bound to it."""

    root: Hashable
    hops: tuple[Hop, ...]
    missing: Hashable


@dataclass(frozen=True, slots=True)
class UnreadableAnnotation:
    """A required parameter whose annotation could not be evaluated."""

    root: Hashable
    hops: tuple[Hop, ...]
    parameter: Parameter


@dataclass(frozen=True, slots=True)
class Uninjectable:
    """A required parameter dioxide never injects (``parameter.unfilled`` says why): the call would fail."""

    root: Hashable
    hops: tuple[Hop, ...]
    parameter: Parameter


@dataclass(frozen=True, slots=True)
class Cycle:
    """Components that depend on each other; ``keys`` starts and ends with the same key."""

    keys: tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class Captive:
    """A singleton that would hold a REQUEST-scoped component: ``path`` runs from the singleton to it."""

    path: tuple[Binding, ...]


@dataclass(frozen=True, slots=True)
class FactoryLifecycle:
    """A FACTORY-scoped ``@lifecycle`` component: its instances could never be initialized."""

    binding: Binding


@dataclass(frozen=True, slots=True)
class Reentrant:
    """``key`` was asked for again, in the same thread, while it was being built (a constructor resolving itself)."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class NotStarted:
    """An async SINGLETON provider asked for before the container started (it is built at start)."""

    key: Hashable
    function: object


@dataclass(frozen=True, slots=True)
class NotOpened:
    """An async REQUEST provider asked for in a scope that was not opened with ``with``/``async with``."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class NotGiven:
    """Request data (``container.declare_context``) that the scope was not given when it opened."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class OutsideScope:
    """A REQUEST-scoped component asked for outside a scope."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class AmbiguousAdapters:
    """Several single adapters claim ``port`` in ``profile``."""

    port: type
    classes: tuple[type, ...]
    profile: str | None


@dataclass(frozen=True, slots=True)
class DuplicateProviders:
    """Several ``@service`` declarations (classes or functions) provide ``key``."""

    key: Hashable
    providers: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class UnreadableProvider:
    """A ``@service`` function whose return annotation does not name a class (``reason`` says why)."""

    function: object
    reason: str


@dataclass(frozen=True, slots=True)
class MixedAdapters:
    """``port`` has both single and multi-binding adapters."""

    port: type
    singles: tuple[type, ...]
    multis: tuple[type, ...]


Problem = (
    NotRegistered
    | MissingDependency
    | UnreadableAnnotation
    | Uninjectable
    | Cycle
    | Captive
    | FactoryLifecycle
    | OutsideScope
    | NotStarted
    | NotOpened
    | NotGiven
    | Reentrant
    | AmbiguousAdapters
    | MixedAdapters
    | DuplicateProviders
    | UnreadableProvider
)

__all__ = [
    "AmbiguousAdapters",
    "Captive",
    "Cycle",
    "DuplicateProviders",
    "FactoryLifecycle",
    "Hop",
    "MissingDependency",
    "MixedAdapters",
    "NotGiven",
    "NotOpened",
    "NotRegistered",
    "NotStarted",
    "OutsideScope",
    "Problem",
    "Reentrant",
    "Uninjectable",
    "UnreadableAnnotation",
    "UnreadableProvider",
]
