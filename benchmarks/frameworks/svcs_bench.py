"""svcs: a ``Registry`` of factories made by ``svcs.autowire`` (it reads the constructor's hints), and
``svcs.Container`` objects that build and cache services.

svcs has no lifetimes: a ``Container`` caches everything it builds for as long as it lives, and its docs
say a container should live as long as a request or a task. So a request scope is a ``Container`` per
request (``with`` / ``async with``, ``get`` / ``aget``), and a singleton is a service cached by a container
that lives as long as the program. There is no transient: the factory scenarios are n/a.
"""

from typing import Any

import svcs
from _model import Graph, make_chain
from _timing import AsyncBench, NotApplicable, SyncBench, check_cached_in_scope, main


def _registry(chain: tuple[type[Any], ...] | None = None) -> tuple[svcs.Registry, type[Any]]:
    a_cls, b_cls, c_cls = chain or make_chain()
    registry = svcs.Registry()
    for cls in (c_cls, b_cls, a_cls):
        registry.register_factory(cls, svcs.autowire(cls))
    return registry, a_cls


def singleton() -> SyncBench:
    registry, a_cls = _registry()
    container = svcs.Container(registry)
    container.get(a_cls)
    return lambda: container.get(a_cls)


def factory_chain() -> SyncBench:
    raise NotApplicable("svcs has no transient lifetime: a container caches every service it builds")


def request_scope() -> SyncBench:
    registry, a_cls = _registry()
    with svcs.Container(registry) as container:
        check_cached_in_scope(container.get(a_cls), container.get(a_cls))

    def scoped() -> Any:
        with svcs.Container(registry) as container:
            return container.get(a_cls)

    return scoped


def request_scope_async() -> AsyncBench:
    registry, a_cls = _registry()

    async def scoped() -> Any:
        async with svcs.Container(registry) as container:
            return await container.aget(a_cls)

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    registry = svcs.Registry()
    for cls in graph.classes:
        registry.register_factory(cls, svcs.autowire(cls))
    container = svcs.Container(registry)
    return container, container.get(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    registry, _ = _registry((a_cls, b_cls, c_cls))
    container = svcs.Container(registry)
    return lambda: container.get(a_cls)


factory_chain_1000 = factory_chain


if __name__ == "__main__":
    main("svcs", "svcs", globals())
