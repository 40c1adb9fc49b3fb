"""diwire: explicit ``container.add(...)`` registrations in its strict mode, then ``compile()``.

diwire's docs recommend strict mode (no auto-registration) with ``use_resolver_context=False`` and a
``compile()`` after the registrations for the fastest steady-state resolution: that is the set-up used
here. A singleton is a ``Lifetime.SCOPED`` registration at the root (APP) scope; a request-scoped one is
``scope=Scope.REQUEST, lifetime=Lifetime.SCOPED``; a factory is ``Lifetime.TRANSIENT``.

Request-scoped registrations use ``lock_mode=LockMode.NONE``: a request scope belongs to one request,
and neither dishka nor wireup lock a request scope's cache by default. With diwire's default
``lock_mode="auto"`` (a thread lock per cached value) its resolution leaves the generated fast path and a
request scope costs about ten times more.
"""

from typing import Any

from _model import Graph, make_chain, make_extra_classes
from _timing import AsyncBench, SyncBench, check_cached_in_scope, main
from diwire import Container, DependencyRegistrationPolicy, Lifetime, LockMode, MissingPolicy, Scope


def _strict_container() -> Container:
    return Container(
        missing_policy=MissingPolicy.ERROR,
        dependency_registration_policy=DependencyRegistrationPolicy.IGNORE,
        use_resolver_context=False,
    )


def _container(
    lifetime: Lifetime, scope: Any = None, extra: int = 0, chain: tuple[type[Any], ...] | None = None
) -> tuple[Container, type[Any]]:
    a_cls, b_cls, c_cls = chain or make_chain()
    container = _strict_container()
    for cls in (c_cls, b_cls, a_cls):
        if scope is None:
            container.add(cls, lifetime=lifetime)
        else:
            container.add(cls, scope=scope, lifetime=lifetime, lock_mode=LockMode.NONE)
    for cls in make_extra_classes(extra):
        container.add(cls)
    container.compile()
    return container, a_cls


def singleton() -> SyncBench:
    container, a_cls = _container(Lifetime.SCOPED)
    container.resolve(a_cls)
    return lambda: container.resolve(a_cls)


def factory_chain() -> SyncBench:
    container, a_cls = _container(Lifetime.TRANSIENT)
    return lambda: container.resolve(a_cls)


def factory_chain_1000() -> SyncBench:
    container, a_cls = _container(Lifetime.TRANSIENT, extra=1000)
    return lambda: container.resolve(a_cls)


def request_scope() -> SyncBench:
    container, a_cls = _container(Lifetime.SCOPED, scope=Scope.REQUEST)
    with container.enter_scope() as request_scope:
        check_cached_in_scope(request_scope.resolve(a_cls), request_scope.resolve(a_cls))

    def scoped() -> Any:
        with container.enter_scope() as request_scope:
            return request_scope.resolve(a_cls)

    return scoped


def request_scope_async() -> AsyncBench:
    container, a_cls = _container(Lifetime.SCOPED, scope=Scope.REQUEST)

    async def scoped() -> Any:
        async with container.enter_scope() as request_scope:
            return await request_scope.aresolve(a_cls)

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    container = _strict_container()
    for cls in graph.classes:
        container.add(cls, lifetime=Lifetime.SCOPED)
    container.compile()
    return container, container.resolve(graph.root)


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    # The default lock_mode ("auto") puts a thread lock around each singleton's creation.
    container, _ = _container(Lifetime.SCOPED, chain=(a_cls, b_cls, c_cls))
    return lambda: container.resolve(a_cls)


if __name__ == "__main__":
    main("diwire", "diwire", globals())
