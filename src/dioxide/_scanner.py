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
    import importlib.util

    from dioxide._strict import detect_side_effects, format_warning

    spec = importlib.util.find_spec(module_name)
    origin = spec.origin if spec is not None else None
    if origin is None or not origin.endswith(".py"):
        return
    with open(origin, encoding="utf-8") as handle:
        source = handle.read()
    for finding in detect_side_effects(source, origin):
        warnings.warn(format_warning(finding, module_name), SideEffectWarning, stacklevel=4)


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
    planned = _plan(graph, singles, multis, services)
    _check_captive(graph, planned)

    result = ScanResult()
    for binding in planned:
        if binding.key in graph.bindings and not isinstance(binding.key, MemberKey) and binding.kind is not Kind.MULTI:
            continue
        graph.bindings[binding.key] = binding
        result.registered.append(binding)
        if binding.visible and binding.kind is not Kind.MULTI:
            if binding.origin is Origin.SERVICE:
                result.services += 1
            else:
                result.adapters += 1
        elif binding.kind is Kind.MULTI:
            result.adapters += len(binding.members)
    graph.changed()
    _warn_orphan_lifecycles()
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
    planned: list[Binding] = []
    ports_per_class: dict[type, list[tuple[type, AdapterRegistration]]] = {}
    for port, found in singles.items():
        cls, registration = found[0]
        ports_per_class.setdefault(cls, []).append((port, registration))
    for cls, ports in ports_per_class.items():
        fresh = [(p, r) for p, r in ports if p not in graph.bindings]
        if len(fresh) > 1 and all(r.scope is not Scope.FACTORY for _, r in fresh):
            shared = SharedKey(cls)
            scope = fresh[0][1].scope
            profiles = frozenset().union(*(r.profiles for _, r in fresh))
            planned.append(Binding.for_class(shared, cls, scope, Origin.INTERNAL, profiles))
            for port, registration in fresh:
                planned.append(Binding(port, Kind.ALIAS, shared, scope, Origin.ADAPTER, profiles=registration.profiles))
            continue
        for port, registration in ports:
            planned.append(Binding.for_class(port, cls, registration.scope, Origin.ADAPTER, registration.profiles))
    for port, found in multis.items():
        ordered = sorted(found, key=lambda item: item[1].priority)
        members: list[Hashable] = []
        for cls, registration in ordered:
            member = MemberKey(port, cls)
            members.append(member)
            planned.append(Binding.for_class(member, cls, registration.scope, Origin.ADAPTER, registration.profiles))
        list_key: Hashable = list[port]  # type: ignore[valid-type]
        planned.append(Binding(list_key, Kind.MULTI, None, Scope.FACTORY, Origin.ADAPTER, members=tuple(members)))
    for cls in services:
        scope = getattr(cls, SCOPE_ATTRIBUTE, Scope.SINGLETON)
        planned.append(Binding.for_class(cls, cls, scope, Origin.SERVICE))
        implements = vars(cls).get(IMPLEMENTS_ATTRIBUTE)
        if isinstance(implements, type):
            planned.append(Binding(implements, Kind.ALIAS, cls, scope, Origin.SERVICE))
    return planned


def _check_captive(graph: BindingGraph, planned: list[Binding]) -> None:
    """The direct singleton -> request edges a scan can see; start() checks the rest, transitively."""
    known: dict[Hashable, Binding] = {b.key: b for b in planned}
    known.update(graph.bindings)  # earlier registrations win, as they will at registration
    for binding in planned:
        if binding.scope is not Scope.SINGLETON or binding.kind is not Kind.CLASS or not binding.visible:
            continue
        for parameter in binding.parameters:
            child = known.get(parameter.key) if parameter.key is not None else None
            if child is not None and child.scope is Scope.REQUEST:
                raise diagnostics.captive([binding, child])


def _warn_orphan_lifecycles() -> None:
    for cls in _lifecycle_registry:
        if cls not in _component_registry and cls not in _adapter_registry:
            warnings.warn(
                f"{cls.__name__} has @lifecycle but is not registered with @service or @adapter.for_(); "
                "its initialize() and dispose() will never be called",
                UserWarning,
                stacklevel=4,
            )


__all__ = ["ScanResult", "check_allowed", "import_package", "profile_matches", "register_scanned"]
