"""Answers to "what is registered, and how is X built?": text for humans, graphs for diagrams.

Everything here reads the container's own bindings (what it scanned and registered), never the global
decorator registries, so the answers match what ``resolve`` will do.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable
from typing import IO, TYPE_CHECKING

from dioxide._bindings import Binding, Kind, implementation_name, key_name
from dioxide._graph import BindingGraph, Mode
from dioxide.adapter import _adapter_registry, registrations_of
from dioxide.profile_enum import Profile

if TYPE_CHECKING:
    from dioxide.container import Container


def _scope_label(binding: Binding) -> str:
    label = binding.scope.value.upper()
    return f"{label}, lifecycle" if binding.lifecycle else label


def adapters_for(port: type) -> dict[Profile, type]:
    """Every profile's adapter for ``port`` among all decorated classes (for multi-bindings: the first)."""
    found: dict[Profile, tuple[int, type]] = {}
    for cls in _adapter_registry:
        for registration in registrations_of(cls):
            if registration.port is not port:
                continue
            for profile in sorted(registration.profiles):
                current = found.get(Profile(profile))
                if current is None or registration.priority < current[0]:
                    found[Profile(profile)] = (registration.priority, cls)
    return {profile: cls for profile, (_, cls) in found.items()}


def debug(container: Container, file: IO[str] | None = None) -> str:
    graph = container._graph
    lines = ["=== dioxide container ===", f"Active Profile: {graph.profile or 'none'}"]
    services = [b for b in graph.visible() if not graph.is_port(b.key) and b.kind is not Kind.MULTI]
    lines.append(f"Services ({len(services)}):")
    lines.extend(f"  - {key_name(b.key)} ({_scope_label(b)})" for b in services)
    lines.append("Adapters by Port:")
    for port in sorted(graph.adapters_seen, key=key_name):
        lines.append(f"  {key_name(port)}:")
        active = _active_implementations(graph, port)
        for cls, profiles in graph.adapters_seen[port].items():
            marks = ", lifecycle" if getattr(cls, "_dioxide_lifecycle", False) is True else ""
            marks += ", active" if cls in active else ""
            lines.append(f"    - {cls.__name__} (profiles: {', '.join(sorted(profiles))}{marks})")
    text = "\n".join(lines)
    if file is not None:
        file.write(text + "\n")
    return text


def _active_implementations(graph: BindingGraph, port: Hashable) -> set[object]:
    binding = graph.get(port)
    if binding is None:
        binding = graph.get(list[port])  # type: ignore[valid-type]
    if binding is None:
        return set()
    if binding.kind is Kind.MULTI:
        members = [graph.get(m) for m in binding.members]
        return {m.target for m in members if m is not None}
    if binding.kind is Kind.ALIAS:
        target = graph.get(binding.target)
        return {target.target} if target is not None else set()
    return {binding.target}


def explain(container: Container, key: Hashable) -> str:
    graph = container._graph
    binding = graph.find(key)
    header = f"=== Resolution: {key_name(key)} ==="
    if binding is None:
        if graph.is_port(key):
            return f"{header}\n{key_name(key)} (no adapter for profile: {graph.profile or 'none'})"
        return f"{key_name(key)} is not registered."
    lines = [header, f"{_node_label(graph, key, binding)}"]
    _explain_children(graph, key, "", [key], lines)
    return "\n".join(lines)


def _node_label(graph: BindingGraph, key: Hashable, binding: Binding) -> str:
    name = key_name(key)
    implementation = implementation_name(_final(graph, binding))
    if graph.is_port(key) or implementation != name:
        profiles = ", ".join(sorted(binding.profiles))
        return f"{name} -> {implementation} ({_scope_label(binding)}, profile: {profiles})"
    return f"{name} ({_scope_label(binding)})"


def implementation_of(graph: BindingGraph, binding: Binding) -> object:
    return _final(graph, binding).target


def _final(graph: BindingGraph, binding: Binding) -> Binding:
    while binding.kind is Kind.ALIAS:
        target = graph.get(binding.target)
        if target is None:
            break
        binding = target
    return binding


def _explain_children(graph: BindingGraph, key: Hashable, prefix: str, path: list[Hashable], lines: list[str]) -> None:
    binding = graph.get(key)
    if binding is None:
        return
    edges = graph.edges(_final(graph, binding).key)
    for index, edge in enumerate(edges):
        last = index == len(edges) - 1
        branch, extension = ("+-- ", "    ") if last else ("+-- ", "|   ")
        label = f"{edge.parameter.name}: " if edge.parameter is not None else ""
        target = edge.target
        if edge.mode is Mode.BIND and target is not None:
            child = graph.get(target)
            if target in path:
                lines.append(f"{prefix}{branch}{label}{key_name(target)} (circular reference)")
                continue
            if child is not None:
                lines.append(f"{prefix}{branch}{label}{_node_label(graph, target, child)}")
                _explain_children(graph, target, prefix + extension, [*path, target], lines)
            continue
        annotation = edge.parameter.annotation if edge.parameter is not None else key_name(target)
        note = {
            Mode.NONE: "not registered: None",
            Mode.DEFAULT: "not injected: default used",
            Mode.EMPTY: "no adapters: []",
            Mode.MISSING: f"no adapter for profile: {graph.profile or 'none'}"
            if target is not None and graph.is_port(target)
            else "not registered",
            Mode.UNREADABLE: "annotation could not be evaluated",
        }.get(edge.mode, "")
        lines.append(f"{prefix}{branch}{label}{annotation} ({note})")


def graph_text(container: Container, format: str = "mermaid") -> str:
    graph = container._graph
    services: list[Hashable] = []
    ports: list[Hashable] = []
    adapters: dict[Hashable, list[str]] = {}
    edges: list[tuple[Hashable, Hashable]] = []
    for binding in graph.visible():
        if binding.kind is Kind.MULTI:
            port = typing.get_args(binding.key)[0]
            ports.append(port)
            adapters[port] = [implementation_name(b) for m in binding.members if (b := graph.get(m)) is not None]
            continue
        if graph.is_port(binding.key):
            ports.append(binding.key)
            adapters[binding.key] = [implementation_name(_final(graph, binding))]
        else:
            services.append(binding.key)
        for dependency in graph.dependencies(_final(graph, binding).key):
            child = graph.get(dependency)
            if child is not None and child.visible:
                is_list = typing.get_origin(dependency) is list
                edges.append((binding.key, typing.get_args(dependency)[0] if is_list else dependency))
    edges = list(dict.fromkeys(edges))
    if format == "dot":
        return _dot(services, ports, adapters, edges)
    return _mermaid(services, ports, adapters, edges)


def _id(key: object) -> str:
    return "".join(c if c.isalnum() else "_" for c in key_name(key))


def _mermaid(
    services: list[Hashable],
    ports: list[Hashable],
    adapters: dict[Hashable, list[str]],
    edges: list[tuple[Hashable, Hashable]],
) -> str:
    lines = ["graph TD", "    subgraph Services"]
    lines += [f"        {_id(s)}[{key_name(s)}]" for s in services]
    lines += ["    end", "    subgraph Ports"]
    lines += [f"        {_id(p)}{{{{{key_name(p)}}}}}" for p in ports]
    lines += ["    end", "    subgraph Adapters"]
    lines += [f"        {name}_impl[{name}]" for names in adapters.values() for name in names]
    lines.append("    end")
    lines += [f"    {_id(a)} --> {_id(b)}" for a, b in edges]
    lines += [f"    {_id(p)} -.-> {name}_impl" for p, names in adapters.items() for name in names]
    return "\n".join(lines)


def _dot(
    services: list[Hashable],
    ports: list[Hashable],
    adapters: dict[Hashable, list[str]],
    edges: list[tuple[Hashable, Hashable]],
) -> str:
    lines = ["digraph Container {", "    rankdir=TB;", "    subgraph cluster_services {", '        label="Services";']
    lines += [f'        {_id(s)} [label="{key_name(s)}", shape=box];' for s in services]
    lines += ["    }", "    subgraph cluster_ports {", '        label="Ports";']
    lines += [f'        {_id(p)} [label="{key_name(p)}", shape=hexagon];' for p in ports]
    lines += ["    }", "    subgraph cluster_adapters {", '        label="Adapters";']
    lines += [f'        {name}_impl [label="{name}", shape=box];' for names in adapters.values() for name in names]
    lines.append("    }")
    lines += [f"    {_id(a)} -> {_id(b)};" for a, b in edges]
    lines += [f"    {_id(p)} -> {name}_impl [style=dashed];" for p, names in adapters.items() for name in names]
    lines.append("}")
    return "\n".join(lines)


__all__ = ["adapters_for", "debug", "explain", "graph_text"]
