"""lagom: a ``Container`` that builds any class from its constructor's hints.

A class without a definition is built anew at each resolution (the factory scenarios); a singleton is
``container[T] = Singleton(T)``. A request scope is ``container.temporary_singletons([...])``: a context
manager giving a copy of the container in which those types are singletons. It is synchronous only, so
``request_scope_async`` is n/a. The 1,000 extra classes of ``factory_chain_1000`` are defined with a
construction function each (``container[T] = lambda: T()``).
"""

from collections.abc import Callable
from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import NotApplicable, SyncBench, check_cached_in_scope, main
from lagom import Container, Singleton


def _singletons(chain: tuple[type[Any], ...]) -> Container:
    container = Container()
    for cls in reversed(chain):
        container[cls] = Singleton(cls)
    return container


def singleton() -> SyncBench:
    a_cls, b_cls, c_cls = make_chain()
    container = _singletons((a_cls, b_cls, c_cls))
    container[a_cls]
    return lambda: container[a_cls]


def _constructor(cls: type[Any]) -> Callable[[], Any]:
    return lambda: cls()


def _factory(extra: int) -> SyncBench:
    a_cls, _, _ = make_chain()
    container = Container()
    for cls in make_extra_classes(extra):
        container[cls] = _constructor(cls)
    return lambda: container[a_cls]


def factory_chain() -> SyncBench:
    return _factory(0)


def factory_chain_1000() -> SyncBench:
    return _factory(1000)


def request_scope() -> SyncBench:
    chain = make_chain()
    a_cls = chain[0]
    container = Container()
    with container.temporary_singletons(list(chain)) as scoped_container:
        check_cached_in_scope(scoped_container[a_cls], scoped_container[a_cls])

    def scoped() -> Any:
        with container.temporary_singletons(list(chain)) as scoped_container:
            return scoped_container[a_cls]

    return scoped


def request_scope_async() -> SyncBench:
    raise NotApplicable("lagom has no async scope API")


def startup(graph: Graph) -> tuple[object, Any]:
    container = Container()
    for cls in graph.classes:
        container[cls] = Singleton(cls)
    return container, container[graph.root]


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    container = _singletons((a_cls, b_cls, c_cls))
    return lambda: container[a_cls]


if __name__ == "__main__":
    main("lagom", "lagom", globals())
