"""wireup: classes marked ``@injectable(lifetime=...)``, passed to ``create_sync_container`` /
``create_async_container``; scopes through ``container.enter_scope()``.

wireup resolves transients only inside a scope, so the factory scenarios resolve from one scope entered
before timing (as code inside a request handler would).
"""

from typing import Any, Literal

import wireup
from _model import Graph, make_chain, make_extra_classes
from _timing import AsyncBench, SyncBench, check_cached_in_scope, main

Lifetime = Literal["singleton", "scoped", "transient"]


def _injectables(
    lifetime: Lifetime, extra: int = 0, chain: tuple[type[Any], ...] | None = None
) -> tuple[list[Any], type[Any]]:
    a_cls, b_cls, c_cls = chain or make_chain()
    injectables = [wireup.injectable(lifetime=lifetime)(cls) for cls in (c_cls, b_cls, a_cls)]
    injectables += [wireup.injectable(cls) for cls in make_extra_classes(extra)]
    return injectables, a_cls


def singleton() -> SyncBench:
    injectables, a_cls = _injectables("singleton")
    container = wireup.create_sync_container(injectables=injectables)
    container.get(a_cls)
    return lambda: container.get(a_cls)


def _transient(extra: int) -> SyncBench:
    injectables, a_cls = _injectables("transient", extra)
    container = wireup.create_sync_container(injectables=injectables)
    # wireup refuses transients from the root container ("Only Singleton injectables can be resolved
    # without a scope"): resolve them from a scope entered once, outside the timed loop.
    scope = container.enter_scope().__enter__()
    return lambda: scope.get(a_cls)


def factory_chain() -> SyncBench:
    return _transient(0)


def factory_chain_1000() -> SyncBench:
    return _transient(1000)


def request_scope() -> SyncBench:
    injectables, a_cls = _injectables("scoped")
    container = wireup.create_sync_container(injectables=injectables)
    with container.enter_scope() as scope:
        check_cached_in_scope(scope.get(a_cls), scope.get(a_cls))

    def scoped() -> Any:
        with container.enter_scope() as scope:
            return scope.get(a_cls)

    return scoped


def request_scope_async() -> AsyncBench:
    injectables, a_cls = _injectables("scoped")
    container = wireup.create_async_container(injectables=injectables)

    async def scoped() -> Any:
        async with container.enter_scope() as scope:
            return await scope.get(a_cls)

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    injectables = [wireup.injectable(lifetime="singleton")(cls) for cls in graph.classes]
    container = wireup.create_sync_container(injectables=injectables)
    return container, container.get(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    injectables, _ = _injectables("singleton", chain=(a_cls, b_cls, c_cls))
    container = wireup.create_sync_container(injectables=injectables)
    return lambda: container.get(a_cls)


if __name__ == "__main__":
    main("wireup", "wireup", globals())
