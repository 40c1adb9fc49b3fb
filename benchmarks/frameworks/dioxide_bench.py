"""dioxide, through its 2.x-compatible API (runs in the project's own venv)."""

from typing import Any

from _model import make_chain, make_extra_classes
from _timing import AsyncBench, SyncBench, check_cached_in_scope, main

from dioxide import Container, Scope, _clear_registry, service


def _scanned(scope: Scope | None, extra: int = 0) -> tuple[Any, type[Any]]:
    """Register fresh A, B, C (and ``extra`` unrelated services) in an emptied registry and scan.

    Clearing first keeps one scenario's classes out of the next scenario's container.
    """
    _clear_registry()
    a_cls, b_cls, c_cls = make_chain()
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


if __name__ == "__main__":
    main(
        "dioxide",
        "dioxide",
        {
            "singleton": singleton,
            "factory_chain": factory_chain,
            "factory_chain_1000": factory_chain_1000,
            "request_scope": request_scope,
            "request_scope_async": request_scope_async,
        },
    )
