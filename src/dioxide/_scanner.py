"""Scanning: from decorated classes to a container's bindings, for one profile.

This is where the decisions are made once: which adapter serves each port in the active profile, which
scope each component has, what each constructor needs (hints are read here). Errors a scan can detect
without resolving anything (ambiguous adapters, a singleton directly holding a request-scoped component)
are raised before anything is registered.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
import warnings
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from types import ModuleType

from dioxide import _diagnostics as diagnostics
from dioxide._bindings import Binding, Kind, MemberKey, Origin, SharedKey
from dioxide._graph import BindingGraph
from dioxide._registry import IMPLEMENTS_ATTRIBUTE, SCOPE_ATTRIBUTE, _component_registry
from dioxide.adapter import AdapterRegistration, _adapter_registry, registrations_of
from dioxide.exceptions import AmbiguousAdapterError, SideEffectWarning
from dioxide.lifecycle import _lifecycle_registry
from dioxide.scope import Scope

logger = logging.getLogger("dioxide")


@dataclass
class ScanResult:
    services: int = 0
    adapters: int = 0
    modules: int = 0
    registered: list[Binding] = field(default_factory=list)


def check_allowed(package: str, allowed: list[str] | None) -> None:
    if allowed is not None and not any(package.startswith(prefix) for prefix in allowed):
        raise ValueError(f"Package '{package}' is not in allowed_packages list. Allowed prefixes: {allowed}")


def import_package(name: str, *, strict: bool) -> int:
    """Import a package and all its submodules; returns how many modules were imported.

    Submodules that fail to import are logged and skipped. With ``strict``, each module's source is checked
    for import-time side effects (a ``SideEffectWarning`` each) before it is imported.
    """
    if strict:
        _warn_side_effects(name)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (name == error.name or name.startswith(error.name + ".")):
            raise ImportError(f"Package '{name}' not found") from error
        raise
    return 1 + _import_submodules(module, strict=strict)


def _import_submodules(package: ModuleType, *, strict: bool) -> int:
    path = getattr(package, "__path__", None)
    if path is None:
        return 0
    count = 0
    for info in pkgutil.iter_modules(path, prefix=package.__name__ + "."):
        if strict:
            _warn_side_effects(info.name)
        try:
            module = importlib.import_module(info.name)
        except Exception as error:
            logger.warning("Failed to import module %s during scan: %r", info.name, error)
            continue
        count += 1
        if info.ispkg:
            count += _import_submodules(module, strict=strict)
    return count


def _warn_side_effects(module_name: str) -> None:
    from dioxide._source.strict import side_effect_messages  # ast machinery only for strict scans

    for message in side_effect_messages(module_name):
        warnings.warn(message, SideEffectWarning, stacklevel=user_stacklevel())


def profile_matches(profiles: frozenset[str], active: str | None) -> bool:
    return active is None or "*" in profiles or active in profiles


def _in_package(cls: type, package: str | None) -> bool:
    return package is None or cls.__module__.startswith(package)


def register_scanned(graph: BindingGraph, *, package: str | None, profile: str | None) -> ScanResult:
    """Register the decorated classes (of ``package``, or all) active in ``profile``; first registration wins."""
    singles: dict[type, list[tuple[type, AdapterRegistration]]] = {}
    multis: dict[type, list[tuple[type, AdapterRegistration]]] = {}
    for cls in _adapter_registry:
        if not _in_package(cls, package):
            continue
        for registration in registrations_of(cls):
            graph.adapters_seen.setdefault(registration.port, {})[cls] = registration.profiles
            if profile_matches(registration.profiles, profile):
                target = multis if registration.multi else singles
                target.setdefault(registration.port, []).append((cls, registration))
    services = [
        cls
        for cls in _component_registry
        if _in_package(cls, package) and profile_matches(getattr(cls, "__dioxide_profiles__", frozenset("*")), profile)
    ]
    _check_conflicts(singles, multis, profile)
    graph.scanned = True
    planned = _plan(graph, singles, multis, services)
    _check_captive(graph, planned)

    result = ScanResult()
    for binding in planned:
        existing = graph.bindings.get(binding.key)
        if existing is not None and (binding.kind is not Kind.MULTI or existing.members == binding.members):
            continue  # first registration wins; an unchanged multi-binding list is not new
        added = binding.members if existing is None else tuple(m for m in binding.members if m not in existing.members)
        graph.bindings[binding.key] = binding
        result.registered.append(binding)
        if binding.kind is Kind.MULTI:
            result.adapters += len(added)
        elif binding.visible and binding.kind is not Kind.ALIAS:
            if binding.origin is Origin.SERVICE:
                result.services += 1
            else:
                result.adapters += 1
        elif binding.visible and binding.origin is Origin.ADAPTER:
            result.adapters += 1
    graph.changed()
    _warn_orphan_lifecycles(graph)
    return result


def _check_conflicts(
    singles: dict[type, list[tuple[type, AdapterRegistration]]],
    multis: dict[type, list[tuple[type, AdapterRegistration]]],
    profile: str | None,
) -> None:
    where = f" for profile '{profile}'" if profile is not None else ""
    for port, found in singles.items():
        classes = list(dict.fromkeys(cls for cls, _ in found))
        if len(classes) > 1:
            names = ", ".join(cls.__name__ for cls in classes)
            raise AmbiguousAdapterError(
                f"Ambiguous adapter registration for port {port.__name__}{where}: multiple adapters found "
                f"({names}). Only one adapter per port+profile combination is allowed."
            )
        if port in multis:
            single_names = ", ".join(cls.__name__ for cls in classes)
            multi_names = ", ".join(cls.__name__ for cls, _ in multis[port])
            raise AmbiguousAdapterError(
                f"Port {port.__name__} has both single adapters ({single_names}) and multi-binding adapters "
                f"({multi_names}). A port must be either single-binding OR multi-binding, not both."
            )


def _plan(
    graph: BindingGraph,
    singles: dict[type, list[tuple[type, AdapterRegistration]]],
    multis: dict[type, list[tuple[type, AdapterRegistration]]],
    services: Iterable[type],
) -> list[Binding]:
    """The bindings a scan adds: adapters (one instance per class across its ports), multi lists, services."""
    planned: list[Binding] = []
    fresh_singles = {port: found[0] for port, found in singles.items() if port not in graph.bindings}
    uses: dict[type, list[AdapterRegistration]] = {}
    for cls, registration in fresh_singles.values():
        uses.setdefault(cls, []).append(registration)
    for found in multis.values():
        for cls, registration in found:
            uses.setdefault(cls, []).append(registration)
    shared: dict[type, SharedKey] = {}
    for cls, registrations in uses.items():
        scopes = {r.scope for r in registrations}
        if len(registrations) > 1 and len(scopes) == 1 and Scope.FACTORY not in scopes:
            shared[cls] = SharedKey(cls)
            profiles = frozenset().union(*(r.profiles for r in registrations))
            planned.append(Binding.for_class(shared[cls], cls, registrations[0].scope, Origin.INTERNAL, profiles))

    def adapter_binding(key: Hashable, cls: type, registration: AdapterRegistration) -> Binding:
        if cls in shared:
            return Binding(
                key, Kind.ALIAS, shared[cls], registration.scope, Origin.ADAPTER, profiles=registration.profiles
            )
        return Binding.for_class(key, cls, registration.scope, Origin.ADAPTER, registration.profiles)

    for port, (cls, registration) in fresh_singles.items():
        planned.append(adapter_binding(port, cls, registration))
    for port, found in multis.items():
        list_key: Hashable = list[port]  # type: ignore[valid-type]
        existing = graph.bindings.get(list_key)
        members: list[Hashable] = list(existing.members) if existing is not None else []
        for cls, registration in sorted(found, key=lambda item: item[1].priority):
            member: Hashable = MemberKey(port, cls)
            if member not in members:
                members.append(member)
                planned.append(adapter_binding(member, cls, registration))
        priority: dict[Hashable, int] = {MemberKey(port, cls): r.priority for cls, r in found}
        for known in members:
            if known not in priority and (binding := graph.bindings.get(known)) is not None:
                priority[known] = _priority_of(binding, port)
        members.sort(key=lambda m: priority.get(m, 0))
        planned.append(Binding(list_key, Kind.MULTI, None, Scope.FACTORY, Origin.ADAPTER, members=tuple(members)))
    for cls in services:
        scope = getattr(cls, SCOPE_ATTRIBUTE, Scope.SINGLETON)
        planned.append(Binding.for_class(cls, cls, scope, Origin.SERVICE))
        implements = vars(cls).get(IMPLEMENTS_ATTRIBUTE)
        if isinstance(implements, type):
            planned.append(Binding(implements, Kind.ALIAS, cls, scope, Origin.SERVICE))
    return planned


def _priority_of(binding: Binding, port: Hashable) -> int:
    cls = binding.target.implementation if binding.kind is Kind.ALIAS else binding.target
    return next((r.priority for r in registrations_of(cls) if r.port is port and r.multi), 0)


def _check_captive(graph: BindingGraph, planned: list[Binding]) -> None:
    """The direct singleton -> request edges a scan can see; start() checks the rest, transitively."""
    known: dict[Hashable, Binding] = {b.key: b for b in planned}
    known.update(graph.bindings)  # earlier registrations win, as they will at registration
    for binding in planned:
        if binding.scope is not Scope.SINGLETON or binding.kind is not Kind.CLASS:
            continue
        for parameter in binding.parameters:
            child = known.get(parameter.key) if parameter.key is not None else None
            if child is not None and child.scope is Scope.REQUEST:
                raise diagnostics.captive([binding, child])


def _warn_orphan_lifecycles(graph: BindingGraph) -> None:
    registered = {b.target if b.kind is Kind.CLASS else type(b.target) for b in graph.bindings.values()}
    for cls in _lifecycle_registry:
        if cls not in _component_registry and cls not in _adapter_registry and cls not in registered:
            warnings.warn(
                f"{cls.__name__} has @lifecycle but is not registered with @service or @adapter.for_(); "
                "its initialize() and dispose() will never be called",
                UserWarning,
                stacklevel=user_stacklevel(),
            )


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside dioxide."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("dioxide"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


__all__ = ["ScanResult", "check_allowed", "import_package", "profile_matches", "register_scanned"]
