"""Scanning: from the decorated classes to the bindings a container adds, for one profile.

This is where the decisions are made once: which adapter serves each port in the active profile, which scope
each component has, what each constructor needs (hints are read here). It reads the declarations and the
container's current bindings and returns what to add; it changes nothing itself. Problems a scan can detect
without resolving anything (ambiguous adapters, a singleton directly holding a request-scoped component) come
back as records, and then nothing is to be added.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dioxide._declare.registry import (
    AdapterRegistration,
    ProviderRegistration,
    adapter_registry,
    implemented_port,
    lifecycle_registry,
    provider_registrations,
    provider_registry,
    registrations_of,
    service_profiles,
    service_registry,
    service_scope,
)
from dioxide._plan.bindings import Binding, Kind, MemberKey, Origin, SharedKey
from dioxide._plan.hints import provider_signature
from dioxide._plan.problems import (
    AmbiguousAdapters,
    Captive,
    DuplicateProviders,
    MixedAdapters,
    Problem,
    UnreadableProvider,
)
from dioxide.scope import Scope

Registration = AdapterRegistration | ProviderRegistration
_Found = dict[type, list[tuple[Any, Registration]]]


@dataclass
class ScanOutcome:
    """What one scan adds: new bindings (or a multi-binding list that grew), in order, and what it saw."""

    bindings: list[Binding] = field(default_factory=list)
    sightings: list[tuple[type, Any, frozenset[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    services: int = 0
    adapters: int = 0


def profile_matches(profiles: frozenset[str], active: str | None) -> bool:
    return active is None or "*" in profiles or active in profiles


def _in_package(declared: Any, package: str | None) -> bool:
    return package is None or str(declared.__module__).startswith(package)


def plan_scan(existing: Mapping[Hashable, Binding], *, package: str | None, profile: str | None) -> ScanOutcome:
    """The decorated classes (of ``package``, or all) active in ``profile``; earlier registrations win."""
    outcome = ScanOutcome()
    singles: _Found = {}
    multis: _Found = {}
    for cls in adapter_registry:
        if not _in_package(cls, package):
            continue
        for registration in registrations_of(cls):
            outcome.sightings.append((registration.port, cls, registration.profiles))
            if profile_matches(registration.profiles, profile):
                target = multis if registration.multi else singles
                target.setdefault(registration.port, []).append((cls, registration))
    functions: list[tuple[Any, ProviderRegistration]] = []
    for function in provider_registry:
        if not _in_package(function, package):
            continue
        for provided in provider_registrations(function):
            if provided.port is None:
                if profile_matches(provided.profiles, profile):
                    functions.append((function, provided))
                continue
            outcome.sightings.append((provided.port, function, provided.profiles))
            if profile_matches(provided.profiles, profile):
                target = multis if provided.multi else singles
                target.setdefault(provided.port, []).append((function, provided))
    services = [
        cls for cls in service_registry if _in_package(cls, package) and profile_matches(service_profiles(cls), profile)
    ]
    outcome.problems = _conflicts(singles, multis, profile)
    service_bindings = _service_functions(functions, services, singles, outcome.problems)
    if outcome.problems:
        return outcome
    planned = _plan(existing, singles, multis, services) + service_bindings
    captive = _captive(existing, planned)
    if captive is not None:
        outcome.problems = [captive]
        return outcome
    for binding in planned:
        current = existing.get(binding.key)
        if current is not None and (binding.kind is not Kind.MULTI or current.members == binding.members):
            continue  # first registration wins; an unchanged multi-binding list is not new
        added = binding.members if current is None else tuple(m for m in binding.members if m not in current.members)
        outcome.bindings.append(binding)
        if binding.kind is Kind.MULTI:
            outcome.adapters += len(added)
        elif binding.visible and binding.kind is not Kind.ALIAS:
            if binding.origin is Origin.SERVICE:
                outcome.services += 1
            else:
                outcome.adapters += 1
        elif binding.visible and binding.origin is Origin.ADAPTER:
            outcome.adapters += 1
    return outcome


def _conflicts(singles: _Found, multis: _Found, profile: str | None) -> list[Problem]:
    for port, found in singles.items():
        classes = tuple(dict.fromkeys(cls for cls, _ in found))
        if len(classes) > 1:
            return [AmbiguousAdapters(port, classes, profile)]
        if port in multis:
            return [MixedAdapters(port, classes, tuple(cls for cls, _ in multis[port]))]
    return []


def _service_functions(
    functions: list[tuple[Any, ProviderRegistration]], classes: list[type], singles: _Found, problems: list[Problem]
) -> list[Binding]:
    """``@service`` functions: each keyed by the class its return annotation names, which no other declares.

    A service and an adapter of the active profile may not provide one type either: which should win would
    be a guess (the test profile replaces a component with ``container.override()``, or with adapters of a
    port that the service depends on).
    """
    providers: dict[Hashable, list[object]] = {cls: [cls] for cls in classes}
    bindings: list[Binding] = []
    for function, registration in functions:
        signature = provider_signature(function, registration.style)
        key = signature.provides
        if key is None:
            reason = signature.problem or f"{function.__qualname__} has no return annotation"
            problems.append(UnreadableProvider(function, reason))
            continue
        providers.setdefault(key, []).append(function)
        parameters, style = signature.parameters, registration.style
        bindings.append(Binding.for_function(key, function, registration.scope, Origin.SERVICE, parameters, style))
    for port, found in singles.items():
        if port in providers:
            providers[port].extend(declared for declared, _ in found)
    problems.extend(DuplicateProviders(key, tuple(found)) for key, found in providers.items() if len(found) > 1)
    return bindings


def _plan(
    existing: Mapping[Hashable, Binding], singles: _Found, multis: _Found, services: Iterable[type]
) -> list[Binding]:
    """The bindings a scan adds: adapters (one instance per class across its ports), multi lists, services."""
    planned: list[Binding] = []
    fresh_singles = {port: found[0] for port, found in singles.items() if port not in existing}
    uses: dict[Any, list[Registration]] = {}
    for cls, registration in fresh_singles.values():
        uses.setdefault(cls, []).append(registration)
    for found in multis.values():
        for cls, registration in found:
            uses.setdefault(cls, []).append(registration)
    shared: dict[Any, SharedKey] = {}
    for cls, registrations in uses.items():
        scopes = {r.scope for r in registrations}
        if len(registrations) > 1 and len(scopes) == 1 and Scope.FACTORY not in scopes:
            shared[cls] = SharedKey(cls)
            profiles = frozenset().union(*(r.profiles for r in registrations))
            planned.append(_implementation(shared[cls], cls, registrations[0], Origin.INTERNAL, profiles))

    def adapter_binding(key: Hashable, cls: Any, registration: Registration) -> Binding:
        if cls in shared:
            return Binding(
                key, Kind.ALIAS, shared[cls], registration.scope, Origin.ADAPTER, profiles=registration.profiles
            )
        return _implementation(key, cls, registration, Origin.ADAPTER, registration.profiles)

    for port, (cls, registration) in fresh_singles.items():
        planned.append(adapter_binding(port, cls, registration))
    for port, found in multis.items():
        list_key: Hashable = list[port]  # type: ignore[valid-type]
        current = existing.get(list_key)
        members: list[Hashable] = list(current.members) if current is not None else []
        for cls, registration in sorted(found, key=lambda item: item[1].priority):
            member: Hashable = MemberKey(port, cls)
            if member not in members:
                members.append(member)
                planned.append(adapter_binding(member, cls, registration))
        priority: dict[Hashable, int] = {MemberKey(port, cls): r.priority for cls, r in found}
        for known in members:
            if known not in priority and (binding := existing.get(known)) is not None:
                priority[known] = _priority_of(binding, port)
        members.sort(key=lambda m: priority.get(m, 0))
        planned.append(Binding(list_key, Kind.MULTI, None, Scope.FACTORY, Origin.ADAPTER, members=tuple(members)))
    for cls in services:
        scope = service_scope(cls)
        planned.append(Binding.for_class(cls, cls, scope, Origin.SERVICE))
        implements = implemented_port(cls)
        if implements is not None:
            planned.append(Binding(implements, Kind.ALIAS, cls, scope, Origin.SERVICE))
    return planned


def _implementation(
    key: Hashable, declared: Any, registration: Registration, origin: Origin, profiles: frozenset[str]
) -> Binding:
    """The binding of an adapter: its class, or its provider function (keyed by the port, whatever it returns)."""
    if isinstance(registration, ProviderRegistration):
        parameters = provider_signature(declared, registration.style).parameters
        return Binding.for_function(
            key, declared, registration.scope, origin, parameters, registration.style, profiles=profiles
        )
    return Binding.for_class(key, declared, registration.scope, origin, profiles)


def _priority_of(binding: Binding, port: Hashable) -> int:
    declared = binding.target.implementation if binding.kind is Kind.ALIAS else binding.target
    registrations: tuple[Registration, ...] = (*registrations_of(declared), *provider_registrations(declared))
    return next((r.priority for r in registrations if r.port is port and r.multi), 0)


def _captive(existing: Mapping[Hashable, Binding], planned: list[Binding]) -> Captive | None:
    """The direct singleton -> request edges a scan can see; start() checks the rest, transitively."""
    known: dict[Hashable, Binding] = {b.key: b for b in planned}
    known.update(existing)  # earlier registrations win, as they will at registration
    for binding in planned:
        if binding.scope is not Scope.SINGLETON or not binding.calls:
            continue
        for parameter in binding.parameters:
            child = known.get(parameter.key) if parameter.key is not None else None
            if child is not None and child.scope is Scope.REQUEST:
                return Captive((binding, child))
    return None


def orphan_lifecycles(bindings: Iterable[Binding]) -> list[type]:
    """``@lifecycle`` classes that no decorator or registration makes a component: never initialized."""
    registered = {b.target if b.kind is Kind.CLASS else type(b.target) for b in bindings}
    return [
        cls
        for cls in lifecycle_registry
        if cls not in service_registry and cls not in adapter_registry and cls not in registered
    ]


__all__ = ["ScanOutcome", "orphan_lifecycles", "plan_scan", "profile_matches"]
