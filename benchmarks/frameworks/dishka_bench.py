"""dishka: a Provider per scenario, ``make_container`` / ``make_async_container``.

dishka has no transient scope: a factory is ``provide(..., scope=Scope.APP, cache=False)``. Its request
scope is entered by calling the container: ``with container() as request_container``.
"""

from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import AsyncBench, SyncBench, check_cached_in_scope, main
from dishka import Provider, Scope, make_async_container, make_container


def _provider(
    scope: Scope, *, cache: bool = True, extra: int = 0, chain: tuple[type[Any], ...] | None = None
) -> tuple[Provider, type[Any]]:
    a_cls, b_cls, c_cls = chain or make_chain()
    provider = Provider()
    provider.provide_all(c_cls, b_cls, a_cls, scope=scope, cache=cache)
    extras = make_extra_classes(extra)
    if extras:
        provider.provide_all(*extras, scope=Scope.APP)
    return provider, a_cls


def singleton() -> SyncBench:
    provider, a_cls = _provider(Scope.APP)
    container = make_container(provider)
    container.get(a_cls)
    return lambda: container.get(a_cls)


def factory_chain() -> SyncBench:
    provider, a_cls = _provider(Scope.APP, cache=False)
    container = make_container(provider)
    return lambda: container.get(a_cls)


def factory_chain_1000() -> SyncBench:
    provider, a_cls = _provider(Scope.APP, cache=False, extra=1000)
    container = make_container(provider)
    return lambda: container.get(a_cls)


def request_scope() -> SyncBench:
    provider, a_cls = _provider(Scope.REQUEST)
    container = make_container(provider)
    with container() as request_container:
        check_cached_in_scope(request_container.get(a_cls), request_container.get(a_cls))

    def scoped() -> Any:
        with container() as request_container:
            return request_container.get(a_cls)

    return scoped


def request_scope_async() -> AsyncBench:
    provider, a_cls = _provider(Scope.REQUEST)
    container = make_async_container(provider)

    async def scoped() -> Any:
        async with container() as request_container:
            return await request_container.get(a_cls)

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    provider = Provider()
    provider.provide_all(*graph.classes, scope=Scope.APP)
    container = make_container(provider)
    return container, container.get(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    # make_container's default lock_factory (threading.Lock) guards the APP scope's cache.
    provider, _ = _provider(Scope.APP, chain=(a_cls, b_cls, c_cls))
    container = make_container(provider)
    return lambda: container.get(a_cls)


if __name__ == "__main__":
    main("dishka", "dishka", globals())
