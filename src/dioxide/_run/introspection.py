"""Answers to "what is registered, and how is X built?": text for humans, graphs for diagrams.

Everything here reads the container's own bindings (what it scanned and registered), never the global
decorator registries, so the answers match what ``resolve`` will do.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable
from typing import IO

from dioxide._declare.registry import adapter_registry, has_lifecycle, registrations_of
from dioxide._plan.bindings import Binding, Kind, implementation_name, key_name
from dioxide._plan.edges import Edge, Mode
from dioxide._plan.plan import Plan
from dioxide.profile_enum import Profile


def _scope_label(binding: Binding) -> str:
    label = binding.scope.value.upper()
    if binding.kind is Kind.CONTEXT:
        return f"{label}, request data"
    return f"{label}, lifecycle" if binding.lifecycle else label


def adapters_for(port: type) -> dict[Profile, type]:
    """Every profile's adapter for ``port`` among all decorated classes (for multi-bindings: the first)."""
    found: dict[Profile, tuple[int, type]] = {}
    for cls in adapter_registry:
        for registration in registrations_of(cls):
            if registration.port is not port:
                continue
            for profile in sorted(registration.profiles):
                current = found.get(Profile(profile))
                if current is None or registration.priority < current[0]:
                    found[Profile(profile)] = (registration.priority, cls)
    return {profile: cls for profile, (_, cls) in found.items()}


def debug(plan: Plan, file: IO[str] | None = None) -> str:
    """2.x's layout (header, profile, services then adapters by port, each sorted by name), read from the plan."""
    lines = ["=== dioxide Container Debug ===", f"Active Profile: {plan.profile or 'none'}", ""]
    services = [b for b in plan.visible() if not plan.is_port(b.key) and b.kind is not Kind.MULTI]
    services.sort(key=lambda b: key_name(b.key))
    lines.append(f"Services ({len(services)}):")
    lines.extend(f"  - {key_name(b.key)} ({_scope_label(b)})" for b in services)
    lines += ["", "Adapters by Port:"]
    for port in sorted(plan.adapters_seen, key=key_name):
        lines.append(f"  {key_name(port)}:")
        active = _active_implementations(plan, port)
        for cls, profiles in sorted(plan.adapters_seen[port].items(), key=lambda item: item[0].__name__):
            marks = ", lifecycle" if has_lifecycle(cls) else ""
            marks += ", active" if cls in active else ""
            lines.append(f"    - {cls.__name__} (profiles: {', '.join(sorted(profiles))}{marks})")
    text = "\n".join(lines)
    if file is not None:
        file.write(text)
    return text


def _active_implementations(plan: Plan, port: Hashable) -> set[object]:
    binding = plan.get(port)
    if binding is None:
        binding = plan.get(list[port])  # type: ignore[valid-type]
    if binding is None:
        return set()
    if binding.kind is Kind.MULTI:
        members = [plan.get(m) for m in binding.members]
        return {m.target for m in members if m is not None}
    return {plan.final(binding).target}


def explain(plan: Plan, key: Hashable, code: str | None = None) -> str:
    binding = plan.get(key)
    header = f"=== Resolution: {key_name(key)} ==="
    if binding is None:
        if plan.is_port(key) and plan.others(key):
            return f"{header}\n{key_name(key)} (no adapter for profile: {plan.profile or 'none'})"
        return f"{key_name(key)} is not registered."
    lines = [header, _node_label(plan, key, binding)]
    _explain_children(plan, key, lines)
    if code is not None:
        lines += ["", "Generated code:", *(f"    {line}" for line in code.rstrip().splitlines())]
    return "\n".join(lines)


def _node_label(plan: Plan, key: Hashable, binding: Binding) -> str:
    name = key_name(key)
    implementation = implementation_name(plan.final(binding))
    if plan.is_port(key) or implementation != name:
        profiles = ", ".join(sorted(binding.profiles))
        return f"{name} -> {implementation} ({_scope_label(binding)}, profile: {profiles})"
    return f"{name} ({_scope_label(binding)})"


class _Level:
    """One node of the tree being printed: its edges, and how far they have been written."""

    __slots__ = ("edges", "index", "path", "prefix")

    def __init__(self, edges: tuple[Edge, ...], prefix: str, path: tuple[Hashable, ...]) -> None:
        self.edges = edges
        self.prefix = prefix
        self.path = path
        self.index = 0


def _explain_children(plan: Plan, root: Hashable, lines: list[str]) -> None:
    """The dependency tree below ``root``, one line per edge, depth first (iterative: any depth)."""
    binding = plan.get(root)
    if binding is None:
        return
    stack = [_Level(plan.edges(plan.final(binding).key), "", (root,))]
    while stack:
        level = stack[-1]
        if level.index == len(level.edges):
            stack.pop()
            continue
        edge = level.edges[level.index]
        level.index += 1
        last = level.index == len(level.edges)
        branch, extension = "+-- ", ("    " if last else "|   ")
        label = f"{edge.parameter.name}: " if edge.parameter is not None else ""
        target = edge.target
        if edge.mode is Mode.BIND and target is not None:
            child = plan.get(target)
            if target in level.path:
                lines.append(f"{level.prefix}{branch}{label}{key_name(target)} (circular reference)")
            elif child is not None:
                lines.append(f"{level.prefix}{branch}{label}{_node_label(plan, target, child)}")
                edges = plan.edges(plan.final(child).key)
                stack.append(_Level(edges, level.prefix + extension, (*level.path, target)))
            continue
        annotation = edge.parameter.annotation if edge.parameter is not None else key_name(target)
        text = f"{label}{annotation}" if annotation else label.removesuffix(": ")  # no annotation: the name alone
        lines.append(f"{level.prefix}{branch}{text} ({_edge_note(plan, edge.mode, target)})")


def _edge_note(plan: Plan, mode: Mode, target: Hashable | None) -> str:
    if mode is Mode.MISSING:
        if target is not None and plan.is_port(target):
            return f"no adapter for profile: {plan.profile or 'none'}"
        return "not registered"
    return {
        Mode.NONE: "not registered: None",
        Mode.DEFAULT: "not injected: default used",
        Mode.EMPTY: "no adapters: []",
        Mode.UNREADABLE: "annotation could not be evaluated",
        Mode.UNINJECTABLE: "never injected, and required: no default",
    }.get(mode, "")


class _Node:
    """One box of the graph: its identifier, its name and its scope (``None`` for a port)."""

    __slots__ = ("ident", "name", "scope")

    def __init__(self, ident: str, name: str, scope: str | None) -> None:
        self.ident = ident
        self.name = name
        self.scope = scope


def graph_text(plan: Plan, format: str = "mermaid") -> str:
    services: list[_Node] = []
    ports: list[_Node] = []
    adapters: list[tuple[_Node, _Node]] = []  # (port, adapter)
    edges: list[tuple[Hashable, Hashable]] = []
    for binding in plan.visible():
        if binding.kind is Kind.MULTI:
            port = typing.get_args(binding.key)[0]
            ports.append(_port(port))
            adapters += [(_port(port), _adapter(b)) for m in binding.members if (b := plan.get(m)) is not None]
            continue
        if plan.is_port(binding.key):
            ports.append(_port(binding.key))
            adapters.append((_port(binding.key), _adapter(plan.final(binding))))
        else:
            services.append(_Node(_id(binding.key), key_name(binding.key), binding.scope.value.upper()))
        for dependency in plan.dependencies(plan.final(binding).key):
            child = plan.get(dependency)
            if child is not None and child.visible:
                is_list = typing.get_origin(dependency) is list
                edges.append((binding.key, typing.get_args(dependency)[0] if is_list else dependency))
    edges = list(dict.fromkeys(edges))
    if format == "dot":
        return _dot(services, ports, adapters, edges)
    return _mermaid(services, ports, adapters, edges)


def _port(key: Hashable) -> _Node:
    return _Node(_id(key), key_name(key), None)


def _adapter(binding: Binding) -> _Node:
    name = implementation_name(binding)
    return _Node(f"{_id(name)}_impl", name, binding.scope.value.upper())


def _id(key: object) -> str:
    return "".join(c if c.isalnum() else "_" for c in (key if isinstance(key, str) else key_name(key)))


def _distinct(adapters: list[tuple[_Node, _Node]]) -> list[_Node]:
    """Each adapter once, even when it implements several ports."""
    return list({adapter.ident: adapter for _, adapter in adapters}.values())


def _mermaid(
    services: list[_Node],
    ports: list[_Node],
    adapters: list[tuple[_Node, _Node]],
    edges: list[tuple[Hashable, Hashable]],
) -> str:
    """Labels are quoted (a name with brackets cannot break the diagram) and show the scope, as in 2.x."""

    def label(node: _Node) -> str:
        text = node.name if node.scope is None else f"{node.name}<br/>{node.scope}"
        return '"' + text.replace('"', "#quot;") + '"'

    lines = ["graph TD", "    subgraph Services"]
    lines += [f"        {s.ident}[{label(s)}]" for s in services]
    lines += ["    end", "    subgraph Ports"]
    lines += [f"        {p.ident}{{{{{label(p)}}}}}" for p in ports]
    lines += ["    end", "    subgraph Adapters"]
    lines += [f"        {a.ident}[{label(a)}]" for a in _distinct(adapters)]
    lines.append("    end")
    lines += [f"    {_id(a)} --> {_id(b)}" for a, b in edges]
    lines += [f"    {p.ident} -.-> {a.ident}" for p, a in adapters]
    return "\n".join(lines)


def _dot(
    services: list[_Node],
    ports: list[_Node],
    adapters: list[tuple[_Node, _Node]],
    edges: list[tuple[Hashable, Hashable]],
) -> str:
    """Services and adapters are boxes labelled with their scope; ports are diamonds, as in 2.x."""

    def label(node: _Node) -> str:
        text = node.name.replace("\\", "\\\\").replace('"', '\\"')
        return f"{text}\\n{node.scope}" if node.scope is not None else text

    lines = ["digraph Container {", "    rankdir=TB;", "    subgraph cluster_services {", '        label="Services";']
    lines += [f'        {s.ident} [label="{label(s)}", shape=box];' for s in services]
    lines += ["    }", "    subgraph cluster_ports {", '        label="Ports";']
    lines += [f'        {p.ident} [label="{label(p)}", shape=diamond];' for p in ports]
    lines += ["    }", "    subgraph cluster_adapters {", '        label="Adapters";']
    lines += [f'        {a.ident} [label="{label(a)}", shape=box];' for a in _distinct(adapters)]
    lines.append("    }")
    lines += [f"    {_id(a)} -> {_id(b)};" for a, b in edges]
    lines += [f"    {p.ident} -> {a.ident} [style=dashed];" for p, a in adapters]
    lines.append("}")
    return "\n".join(lines)


__all__ = ["adapters_for", "debug", "explain", "graph_text"]
