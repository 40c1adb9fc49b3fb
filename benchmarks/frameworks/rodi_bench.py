"""rodi: ``Container`` registrations, then ``build_provider()`` and ``provider.get``.

rodi's scope is an ``ActivationScope`` from ``provider.create_scope()``, passed to ``provider.get``. rodi
has no async scope API, so ``request_scope_async`` is n/a.
"""

from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import NotApplicable, SyncBench, check_cached_in_scope, main
from rodi import Container


def _chain(register: str, extra: int = 0, chain: tuple[type[Any], ...] | None = None) -> tuple[Container, type[Any]]:
    a_cls, b_cls, c_cls = chain or make_chain()
    container = Container()
    add = getattr(container, register)  # add_singleton / add_transient / add_scoped
    for cls in (c_cls, b_cls, a_cls):
        add(cls)
    for cls in make_extra_classes(extra):
        container.add_transient(cls)
    return container, a_cls


def singleton() -> SyncBench:
    container, a_cls = _chain("add_singleton")
    provider = container.build_provider()
    provider.get(a_cls)
    return lambda: provider.get(a_cls)


def factory_chain() -> SyncBench:
    container, a_cls = _chain("add_transient")
    provider = container.build_provider()
    return lambda: provider.get(a_cls)


def factory_chain_1000() -> SyncBench:
    container, a_cls = _chain("add_transient", extra=1000)
    provider = container.build_provider()
    return lambda: provider.get(a_cls)


def request_scope() -> SyncBench:
    container, a_cls = _chain("add_scoped")
    provider = container.build_provider()
    with provider.create_scope() as scope:
        check_cached_in_scope(provider.get(a_cls, scope), provider.get(a_cls, scope))

    def scoped() -> Any:
        with provider.create_scope() as scope:
            return provider.get(a_cls, scope)

    return scoped


def request_scope_async() -> SyncBench:
    raise NotApplicable("rodi has no async scope API")


def startup(graph: Graph) -> tuple[object, Any]:
    container = Container()
    for cls in graph.classes:
        container.add_singleton(cls)
    provider = container.build_provider()
    return provider, provider.get(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    container, _ = _chain("add_singleton", chain=(a_cls, b_cls, c_cls))
    provider = container.build_provider()
    return lambda: provider.get(a_cls)


if __name__ == "__main__":
    main("rodi", "rodi", globals())
