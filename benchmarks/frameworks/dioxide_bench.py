"""dioxide, through its 2.x public API: ours in the project's own venv, and 2.1.0 from PyPI in its own.

The same module measures both (the runner runs it with each venv's python), so it uses only what 2.1.0
also has. Where 2.1.0 lacks a feature, the scenario says so.
"""

from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import AsyncBench, NotApplicable, SyncBench, check_cached_in_scope, main

from dioxide import Container, Scope, _clear_registry, service


def _scanned(scope: Scope | None, extra: int = 0, chain: tuple[type[Any], ...] | None = None) -> tuple[Any, type[Any]]:
    """Register fresh A, B, C (and ``extra`` unrelated services) in an emptied registry and scan.

    Clearing first keeps one scenario's classes out of the next scenario's container.
    """
    _clear_registry()
    a_cls, b_cls, c_cls = chain or make_chain()
    for cls in (c_cls, b_cls, a_cls):
        if scope is None:
            service(cls)
        else:
            service(scope=scope)(cls)
    for cls in make_extra_classes(extra):
        service(cls)
    container = Container()
    container.scan()
    return container, a_cls


def singleton() -> SyncBench:
    container, a_cls = _scanned(None)
    container.resolve(a_cls)  # created once before timing
    return lambda: container.resolve(a_cls)


def factory_chain() -> SyncBench:
    container, a_cls = _scanned(Scope.FACTORY)
    return lambda: container.resolve(a_cls)


def factory_chain_1000() -> SyncBench:
    container, a_cls = _scanned(Scope.FACTORY, extra=1000)
    return lambda: container.resolve(a_cls)


def request_scope() -> SyncBench:
    container, a_cls = _scanned(Scope.REQUEST)
    if not hasattr(container.create_scope(), "__enter__"):
        raise NotApplicable("its create_scope() has only the async form (`async with`)")
    with container.create_scope() as scope:
        check_cached_in_scope(scope.resolve(a_cls), scope.resolve(a_cls))

    def scoped() -> Any:
        with container.create_scope() as scope:
            return scope.resolve(a_cls)

    return scoped


def request_scope_async() -> AsyncBench:
    container, a_cls = _scanned(Scope.REQUEST)

    async def scoped() -> Any:
        async with container.create_scope() as scope:
            return scope.resolve(a_cls)

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    for cls in graph.classes:
        service(cls)
    container = Container()
    container.scan()
    return container, container.resolve(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    container, _ = _scanned(None, chain=(a_cls, b_cls, c_cls))
    return lambda: container.resolve(a_cls)


reset = _clear_registry  # the global registry, emptied (untimed) before each startup


if __name__ == "__main__":
    main("dioxide", "dioxide", globals())
