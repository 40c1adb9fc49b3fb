"""Problem records to the errors users see: the one place where problems get their wording.

Messages follow dioxide 2.x's terse format (a title line, two or three lines of facts, a docs link). The
dependency chain reads ``<requested> -> <implementation> -> <parameter>: <Type> -> ...``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from dioxide._declare.registry import is_decorated_service, provider_registrations, registrations_of
from dioxide._plan.bindings import Binding, Kind, implementation_name, key_name
from dioxide._plan.hints import Parameter
from dioxide._plan.plan import Plan
from dioxide._plan.problems import (
    AmbiguousAdapters,
    Captive,
    Cycle,
    DuplicateProviders,
    FactoryLifecycle,
    Hop,
    MissingDependency,
    MixedAdapters,
    NotGiven,
    NotOpened,
    NotRegistered,
    NotStarted,
    OutsideScope,
    Problem,
    Reentrant,
    Uninjectable,
    UnreadableAnnotation,
    UnreadableProvider,
)
from dioxide.exceptions import (
    AdapterNotFoundError,
    AmbiguousAdapterError,
    CaptiveDependencyError,
    CircularDependencyError,
    ContainerValidationError,
    DioxideError,
    ResolutionError,
    ScopeError,
    ServiceNotFoundError,
    missing_adapter_message,
)


def error_for(problem: Problem, plan: Plan) -> DioxideError:
    """The exception telling ``problem``, worded for the plan it was found in."""
    match problem:
        case NotRegistered(key):
            return _not_registered(plan, key)
        case MissingDependency(root, hops, missing):
            return _missing_dependency(plan, root, hops, missing)
        case UnreadableAnnotation(root, hops, parameter):
            return ServiceNotFoundError(
                f"Cannot resolve {_chain_text(root, hops, parameter.annotation)}\n  {parameter.problem}"
            )
        case Uninjectable(root, hops, parameter):
            return _uninjectable(root, hops, parameter)
        case Cycle(keys):
            return CircularDependencyError(cycle=[key_name(k) for k in keys])
        case Captive(path):
            return _captive(path)
        case FactoryLifecycle(binding):
            name = getattr(binding.target, "__name__", repr(binding.target))
            return ScopeError(
                f"{name} is FACTORY-scoped and has @lifecycle: its instances could never be initialized\n"
                "  Use Scope.SINGLETON or Scope.REQUEST for @lifecycle components"
            )
        case Reentrant(key):
            name = key_name(key)
            return CircularDependencyError(f"Circular dependency: {name} was requested again while building {name}")
        case NotStarted(key, function):
            name = key_name(key)
            return ResolutionError(
                f"Cannot resolve {name} yet: it is provided by the async function "
                f"{getattr(function, '__qualname__', function)}, which runs when the container starts\n"
                f"  Start the container first: `async with container:` or `await container.start()` "
                "(`with container:` in synchronous code)"
            )
        case NotOpened(key):
            return ResolutionError(
                f"Cannot resolve {key_name(key)} in this scope: it is provided by an async function, which runs "
                "when the scope opens\n  Open the scope with `async with container.create_scope() as scope:` "
                "(or `with` in synchronous code)"
            )
        case NotGiven(key):
            name = key_name(key)
            return ScopeError(
                f"Cannot resolve {name}: it is request data, and this scope was not given one\n"
                f"  Open the scope with `container.create_scope(context={{{name}: ...}})`"
            )
        case OutsideScope(key):
            return ScopeError(component=key_name(key), required_scope="request")
        case AmbiguousAdapters(port, classes, profile):
            where = f" for profile '{profile}'" if profile is not None else ""
            return AmbiguousAdapterError(
                f"Ambiguous adapter registration for port {port.__name__}{where}: multiple adapters found "
                f"({', '.join(c.__name__ for c in classes)}). Only one adapter per port+profile combination is "
                "allowed."
            )
        case DuplicateProviders(key, providers):
            names = ", ".join(_declared(p) for p in providers)
            return AmbiguousAdapterError(
                f"Several declarations provide {key_name(key)}: {names}. Keep one of them (to replace a "
                "component in tests, use container.override(), or adapters of a port per profile)."
            )
        case UnreadableProvider(function, reason):
            return ServiceNotFoundError(f"Cannot register {getattr(function, '__qualname__', function)}: {reason}")
        case MixedAdapters(port, singles, multis):
            return AmbiguousAdapterError(
                f"Port {port.__name__} has both single adapters ({', '.join(c.__name__ for c in singles)}) and "
                f"multi-binding adapters ({', '.join(c.__name__ for c in multis)}). A port must be either "
                "single-binding OR multi-binding, not both."
            )


def _declared(provider: object) -> str:
    if isinstance(provider, type):
        kind, is_adapter = "class", bool(registrations_of(provider))
    else:  # a function declared as a service has a registration without a port
        registrations = provider_registrations(provider)
        kind, is_adapter = "function", bool(registrations) and all(r.port is not None for r in registrations)
    return f"{getattr(provider, '__qualname__', provider)} ({'@adapter.for_' if is_adapter else '@service'} {kind})"


def raise_all(problems: Sequence[Problem], plan: Plan, subject: str) -> None:
    """Several problems of a whole container: one group listing them all (a single one as itself)."""
    errors = [error_for(problem, plan) for problem in problems]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ContainerValidationError(f"{len(errors)} problems found {subject}", errors)


def raise_first(problems: Sequence[Problem], plan: Plan) -> None:
    """Problems met while resolving one key: the first, as its own type (as 2.x code catches it), the rest noted."""
    if not problems:
        return
    first, *others = (error_for(problem, plan) for problem in problems)
    if others:
        also = [f"  Also: {other.message}".replace("\n", "\n  ") for other in others]
        first.message = "\n".join([first.message, *also])
        first.args = (first.message,)
    raise first


def _chain_text(root: Hashable, hops: Sequence[Hop], last: Hashable | None) -> str:
    """``last`` names the final parameter's type when its annotation does not (None: show the name alone)."""
    parts = [key_name(root)]
    for hop in hops:
        if hop.parameter is None:
            continue
        parts.append(implementation_name(hop.binding))
        annotation = hop.parameter.annotation or (key_name(last) if last is not None else "")
        parts.append(f"{hop.parameter.name}: {annotation}" if annotation else hop.parameter.name)
    return " -> ".join(parts)


def _uninjectable(root: Hashable, hops: Sequence[Hop], parameter: Parameter) -> ServiceNotFoundError:
    """Raised instead of Python's "missing 1 required positional argument", before anything is built."""
    owner = implementation_name(hops[-1].binding)
    shown = f"{parameter.name}: {parameter.annotation}" if parameter.annotation else parameter.name
    return ServiceNotFoundError(
        f"Cannot resolve {_chain_text(root, hops, None)}\n"
        f"  {owner} requires {shown}, which dioxide never injects: {parameter.unfilled}\n"
        f"  Fix: give {parameter.name} a default, or make it a component (e.g. a @service settings class "
        "holding the value)",
        details={"class": owner, "parameter": parameter.name, "reason": parameter.unfilled},
    )


def _not_registered(plan: Plan, key: Hashable) -> ResolutionError:
    name, profile = key_name(key), plan.profile
    if plan.is_port(key):
        others = plan.others(key)
        hint = _port_hint(plan, key)
        message = missing_adapter_message(name, profile, others) + (f"\n  {hint}" if hint else "")
        return AdapterNotFoundError(message, port=name, profile=profile, available_adapters=others)
    detail = _unregistered_class(key, plan.scanned)
    if detail is None:
        return ServiceNotFoundError(service=name, profile=profile)
    return ServiceNotFoundError(
        f"Cannot resolve {name} in profile '{profile or 'none'}'\n  {detail}", service=name, profile=profile
    )


def _reason(plan: Plan, key: Hashable) -> str:
    if plan.is_port(key):
        text = missing_adapter_message(key_name(key), plan.profile, plan.others(key))
        hint = _port_hint(plan, key)
        return f"{text}\n  {hint}" if hint else text
    return _unregistered_class(key, plan.scanned) or "Not registered (missing @service decorator)"


def _unregistered_class(key: Hashable, scanned: bool) -> str | None:
    """Why a decorated class is not registered: resolving an adapter class, or a service this container missed."""
    if not isinstance(key, type):
        return None
    ports = list(dict.fromkeys(key_name(r.port) for r in registrations_of(key)))
    if ports:
        return f"{key.__name__} is an adapter: resolve its port ({', '.join(ports)}) instead"
    if is_decorated_service(key) and not scanned:
        return (
            f"{key.__name__} is decorated with @service, but this container never scanned: use Container(profile=...)"
        )
    if is_decorated_service(key):
        return (
            f"{key.__name__} is decorated with @service but this container did not register it "
            "(defined after the scan, or outside the scanned package)"
        )
    return None


def _port_hint(plan: Plan, port: Hashable) -> str | None:
    """Point at the likely mistake: only multi-binding adapters, or a @service that implements the port."""
    members = plan.get(list[port])  # type: ignore[valid-type]
    if members is not None and members.members:
        names = ", ".join(implementation_name(b) for m in members.members if (b := plan.get(m)) is not None)
        return f"{key_name(port)} has multi-binding adapters ({names}): resolve list[{key_name(port)}]"
    required = [n for n in dir(port) if not n.startswith("_") and callable(getattr(port, n, None))]
    if not required:
        return None
    for binding in plan.visible():
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


def _missing_dependency(plan: Plan, root: Hashable, hops: Sequence[Hop], missing: Hashable) -> ResolutionError:
    if not hops:
        return _not_registered(plan, missing)
    first = hops[0].binding
    found = f"{implementation_name(first)} found for {key_name(root)} ({', '.join(sorted(first.profiles))})"
    message = f"Cannot resolve {_chain_text(root, hops, missing)}\n  {found}\n  {key_name(missing)} missing: "
    message += _reason(plan, missing)
    error_type = AdapterNotFoundError if plan.is_port(root) else ServiceNotFoundError
    chain = [key_name(root), *(implementation_name(h.binding) for h in hops)]
    return error_type(message, details={"missing": key_name(missing), "chain": chain})


def _captive(path: Sequence[Binding]) -> CaptiveDependencyError:
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
    return CaptiveDependencyError(
        f"Captive dependency: {steps}\n  SINGLETON cannot depend on REQUEST-scoped components, even through "
        "FACTORY ones",
        parent=key_name(parent.key),
        parent_scope=parent.scope.value,
        child=key_name(child.key),
        child_scope="request",
    )


__all__ = ["error_for", "raise_all", "raise_first"]
