"""Hand-written code: the baseline every ratio is taken against (standard library only)."""

from types import SimpleNamespace
from typing import Any

from _model import Graph, make_chain
from _timing import AsyncBench, SyncBench, main


def singleton() -> SyncBench:
    a_cls, b_cls, c_cls = make_chain()
    holder = SimpleNamespace(service=a_cls(b_cls(c_cls())))
    return lambda: holder.service


def factory_chain() -> SyncBench:
    a_cls, b_cls, c_cls = make_chain()
    return lambda: a_cls(b_cls(c_cls()))


def factory_chain_1000() -> SyncBench:
    # Nothing to register by hand: 1,000 more classes in a program do not change `A(B(C()))`.
    return factory_chain()


def request_scope() -> SyncBench:
    a_cls, b_cls, c_cls = make_chain()

    def scoped() -> Any:
        # What a request scope minimally does: a fresh cache, each instance stored in it.
        cache: dict[type[Any], Any] = {}
        c = cache[c_cls] = c_cls()
        b = cache[b_cls] = b_cls(c)
        a = cache[a_cls] = a_cls(b)
        return a

    return scoped


class _Scope:
    """A trivial async context manager standing for a request scope."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[type[Any], Any] = {}

    async def __aenter__(self) -> dict[type[Any], Any]:
        return self.cache

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def request_scope_async() -> AsyncBench:
    a_cls, b_cls, c_cls = make_chain()

    async def scoped() -> Any:
        async with _Scope() as cache:
            c = cache[c_cls] = c_cls()
            b = cache[b_cls] = b_cls(c)
            a = cache[a_cls] = a_cls(b)
            return a

    return scoped


def startup(graph: Graph) -> tuple[object, Any]:
    """What wiring by hand costs at run time: each object built once, after its dependencies."""
    classes, instances = graph.classes, [None] * len(graph.classes)
    for i in graph.leaves_first():
        instances[i] = classes[i](*instances[2 * i + 1 : 2 * i + 1 + len(graph.params[i])])
    return instances, instances[0]


def threads(a_cls: type[Any], b_cls: type[Any], c_cls: type[Any]) -> SyncBench:
    """By hand, a singleton is built at startup, before any thread exists: there is nothing to race."""
    holder = SimpleNamespace(service=a_cls(b_cls(c_cls())))
    return lambda: holder.service


if __name__ == "__main__":
    main("hand-written", None, globals())
