"""Turning graph problems into short, truthful errors.

Messages follow dioxide 2.x's terse format (a title line, two or three lines of facts, a docs link). The
dependency chain reads ``<requested> -> <implementation> -> <parameter>: <Type> -> ...``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dioxide._bindings import Binding, Kind, SharedKey, implementation_name, key_name
from dioxide._hints import Parameter
from dioxide.exceptions import (
    AdapterNotFoundError,
    CaptiveDependencyError,
    CircularDependencyError,
    ResolutionError,
    ScopeError,
    ServiceNotFoundError,
    missing_adapter_message,
)

if TYPE_CHECKING:
    from dioxide._graph import BindingGraph

NOTE_PREFIX = "dioxide: raised while resolving "


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a dependency chain: ``binding`` needs ``parameter`` (None for aliases and list members)."""

    binding: Binding
    parameter: Parameter | None


def chain_text(root: Hashable, hops: Sequence[Hop], last: Hashable) -> str:
    parts = [key_name(root)]
    for hop in hops:
        implementation = implementation_name(hop.binding)
        if hop.parameter is None:
            continue
        parts.append(implementation)
        parts.append(f"{hop.parameter.name}: {hop.parameter.annotation or key_name(last)}")
    return " -> ".join(parts)


def not_registered(graph: BindingGraph, key: Hashable) -> ResolutionError:
    name, profile = key_name(key), graph.profile
    if graph.is_port(key):
        error = AdapterNotFoundError(port=name, profile=profile, available_adapters=graph.others(key))
        hint = _port_hint(graph, key)
        if hint:
            error = AdapterNotFoundError(f"{error.message}\n  {hint}")
            error._record(port=name, profile=profile, available_adapters=graph.others(key))
        return error
    detail = _unregistered_class(key, graph.scanned)
    if detail is None:
        return ServiceNotFoundError(service=name, profile=profile)
    service_error = ServiceNotFoundError(f"Cannot resolve {name} in profile '{profile or 'none'}'\n  {detail}")
    service_error._record(service=name, profile=profile)
    return service_error


def _reason(graph: BindingGraph, key: Hashable) -> str:
    if graph.is_port(key):
        text = missing_adapter_message(key_name(key), graph.profile, graph.others(key))
        hint = _port_hint(graph, key)
        return f"{text}\n  {hint}" if hint else text
    return _unregistered_class(key, graph.scanned) or "Not registered (missing @service decorator)"


def _unregistered_class(key: Hashable, scanned: bool) -> str | None:
    """Why a decorated class is not registered: resolving an adapter class, or a service this container missed."""
    from dioxide.adapter import registrations_of

    if not isinstance(key, type):
        return None
    ports = list(dict.fromkeys(key_name(r.port) for r in registrations_of(key)))
    if ports:
        return f"{key.__name__} is an adapter: resolve its port ({', '.join(ports)}) instead"
    if "__dioxide_scope__" in vars(key) and not scanned:
        return (
            f"{key.__name__} is decorated with @service, but this container never scanned: use Container(profile=...)"
        )
    if "__dioxide_scope__" in vars(key):
        return (
            f"{key.__name__} is decorated with @service but this container did not register it "
            "(defined after the scan, or outside the scanned package)"
        )
    return None


def _port_hint(graph: BindingGraph, port: Hashable) -> str | None:
    """Point at the likely mistake: only multi-binding adapters, or a @service that implements the port."""
    members = graph.get(list[port])  # type: ignore[valid-type]
    if members is not None and members.members:
        names = ", ".join(implementation_name(b) for m in members.members if (b := graph.get(m)) is not None)
        return f"{key_name(port)} has multi-binding adapters ({names}): resolve list[{key_name(port)}]"
    required = [n for n in dir(port) if not n.startswith("_") and callable(getattr(port, n, None))]
    if not required:
        return None
    for binding in graph.visible():
        target = binding.target
        if (
            isinstance(target, type)
            and binding.key is target
            and all(callable(getattr(target, n, None)) for n in required)
        ):
            return (
                f"Hint: {target.__name__} is registered as @service but implements {key_name(port)}: "
                f"use @adapter.for_({key_name(port)}) instead"
            )
    return None


def missing_dependency(graph: BindingGraph, root: Hashable, hops: Sequence[Hop], missing: Hashable) -> ResolutionError:
    if not hops:
        return not_registered(graph, missing)
    first = hops[0].binding
    found = f"{implementation_name(first)} found for {key_name(root)} ({', '.join(sorted(first.profiles))})"
    message = f"Cannot resolve {chain_text(root, hops, missing)}\n  {found}\n  {key_name(missing)} missing: "
    message += _reason(graph, missing)
    error_type = AdapterNotFoundError if graph.is_port(root) else ServiceNotFoundError
    error = error_type(message)
    error._record(missing=key_name(missing), chain=[key_name(root), *(implementation_name(h.binding) for h in hops)])
    return error


def unreadable_annotation(root: Hashable, hops: Sequence[Hop], parameter: Parameter) -> ResolutionError:
    message = f"Cannot resolve {chain_text(root, hops, parameter.annotation)}\n  {parameter.problem}"
    return ServiceNotFoundError(message)


def cycle(keys: Sequence[Hashable]) -> CircularDependencyError:
    names = [key_name(k) for k in keys]
    error = CircularDependencyError(cycle=names)
    return error


def captive(path: Sequence[Binding]) -> CaptiveDependencyError:
    parent, child = path[0], path[-1]
    if len(path) == 2:
        return CaptiveDependencyError(
            parent=key_name(parent.key),
            parent_scope=parent.scope.value,
            child=key_name(child.key),
            child_scope=child.scope.value,
        )
    steps = " -> ".join(
        key_name(b.key) if b.kind is Kind.MULTI else f"{key_name(b.key)} ({b.scope.value.upper()})" for b in path
    )
    error = CaptiveDependencyError(
        f"Captive dependency: {steps}\n  SINGLETON cannot depend on REQUEST-scoped components, even through "
        "FACTORY ones"
    )
    error._record(
        parent=key_name(parent.key),
        parent_scope=parent.scope.value,
        child=key_name(child.key),
        child_scope="request",
    )
    return error


def request_outside_scope(key: Hashable) -> ScopeError:
    return ScopeError(component=key_name(key), required_scope="request")


def add_resolution_note(error: BaseException, chain: Sequence[Hashable], profile: str | None) -> None:
    """Attach (or extend) the note telling which resolution an exception escaped from."""
    names = [key_name(k) for k in chain if not isinstance(k, SharedKey)]
    error.__dioxide_chain__ = list(chain)  # type: ignore[attr-defined]
    text = f"{NOTE_PREFIX}{' -> '.join(names)} (profile '{profile or 'none'}')"
    notes: list[str] = getattr(error, "__notes__", [])
    for index, note in enumerate(notes):
        if note.startswith(NOTE_PREFIX):
            notes[index] = text
            return
    error.add_note(text)


__all__ = [
    "Hop",
    "add_resolution_note",
    "captive",
    "cycle",
    "missing_dependency",
    "not_registered",
    "request_outside_scope",
    "unreadable_annotation",
]
