"""dependency-injector: a ``DeclarativeContainer`` of providers wired by hand (no type-hint auto-wiring).

It has no request scope. The closest honest equivalent is ``providers.ContextLocalSingleton`` (one
instance per ``contextvars`` context): a request scope is entered by running the resolution in a fresh
context, ``contextvars.copy_context().run(container.a)``, and left when that context is dropped. It has
no async scope API (no ``async with``), so ``request_scope_async`` is n/a.

``providers.Singleton`` takes no lock (16 threads racing to resolve a new one build it 16 times); the
threads workload uses its thread-safe variant, ``providers.ThreadSafeSingleton``.
"""

import contextvars
from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import NotApplicable, SyncBench, check_cached_in_scope, main
from dependency_injector import containers, providers


def _container(provider_cls: Any, extra: int = 0, chain: tuple[type[Any], ...] | None = None) -> Any:
    """A container class declared with ``type()``, as the class statement would, and its instance."""
    a_cls, b_cls, c_cls = chain or make_chain()
    c = provider_cls(c_cls)
    b = provider_cls(b_cls, c=c)
    a = provider_cls(a_cls, b=b)
    namespace: dict[str, Any] = {"a": a, "b": b, "c": c}
    for cls in make_extra_classes(extra):
        namespace[cls.__name__.lower()] = providers.Factory(cls)
    container_cls = type("Container", (containers.DeclarativeContainer,), namespace)
    return container_cls()


def singleton() -> SyncBench:
    container = _container(providers.Singleton)
    container.a()
    return lambda: container.a()


def factory_chain() -> SyncBench:
    container = _container(providers.Factory)
    return lambda: container.a()


def factory_chain_1000() -> SyncBench:
    container = _container(providers.Factory, extra=1000)
    return lambda: container.a()


def request_scope() -> SyncBench:
    container = _container(providers.ContextLocalSingleton)
    context = contextvars.copy_context()
    check_cached_in_scope(context.run(container.a), context.run(container.a))

    def scoped() -> Any:
        return contextvars.copy_context().run(container.a)

    return scoped


def request_scope_async() -> SyncBench:
    raise NotApplicable("dependency-injector has no request scope, sync or async")


def startup(graph: Graph) -> tuple[object, Any]:
    """One ``providers.Singleton`` per class, wired by keyword to its dependencies' providers."""
    made: list[Any] = [None] * len(graph.classes)
    namespace: dict[str, Any] = {}
    for i in graph.leaves_first():
        wiring = {name: made[2 * i + 1 + k] for k, (name, _) in enumerate(graph.params[i])}
        made[i] = namespace[f"component{i:04d}"] = providers.Singleton(graph.classes[i], **wiring)
    container = type("Container", (containers.DeclarativeContainer,), namespace)()
    return container, container.component0000()


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    container = _container(providers.ThreadSafeSingleton, chain=(a_cls, b_cls, c_cls))
    return lambda: container.a()


if __name__ == "__main__":
    main("dependency-injector", "dependency-injector", globals())
