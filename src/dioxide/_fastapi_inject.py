"""``@inject`` and ``Injected[T]``: one FastAPI parameter for all of an endpoint's components.

Each ``Inject(T)`` is one FastAPI ``Depends``, and FastAPI charges several µs per dependency and request.
``@inject`` rewrites the endpoint's signature instead: FastAPI sees the endpoint's own parameters (path,
query, body, ``Depends``...) without the ones annotated ``Injected[T]``, plus one hidden
``HTTPConnection`` parameter, and the wrapper resolves every ``Injected`` parameter from the request's
scope in one step before calling the endpoint. Re-exported by ``dioxide.fastapi``.

``Injected[T]`` is ``Annotated[T, Depends(<marker>)]``: on a function that ``@inject`` did not rewrite,
FastAPI fails when it inspects the marker, at route registration, with a message naming ``@inject``
(rather than reading the component as a query or body parameter).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, Protocol, TypeAlias, TypeVar, cast, get_origin

from dioxide._extras import missing
from dioxide.asgi import NO_SCOPE, SCOPE_KEY

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

    Depends: Callable[..., Any] | None
else:
    try:
        from fastapi.params import Depends
        from starlette.requests import HTTPConnection
    except ImportError:  # FastAPI is an optional extra: `pip install dioxide[fastapi]`
        Depends = HTTPConnection = None

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class InjectedEndpoint(Protocol[P, R_co]):
    """What ``@inject`` returns: the endpoint FastAPI calls, with the undecorated function as ``__wrapped__``.

    A plain ``Callable`` would hide ``__wrapped__`` from type checkers, and it is how the docs test an endpoint
    alone: ``await endpoint.__wrapped__(..., service=fake)``.
    """

    @property
    def __wrapped__(self) -> Callable[P, R_co]: ...

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


CONNECTION_PARAMETER = "dioxide_connection__"
NO_FASTAPI = str(missing("FastAPI", "fastapi"))


def _name(component_type: Any) -> str:
    return str(getattr(component_type, "__qualname__", component_type))


def _without_inject(component_type: Any) -> str:
    return (
        f"dioxide: a parameter annotated Injected[{_name(component_type)}] reached FastAPI, but its function is "
        "not decorated with @inject. Add `@inject` (from dioxide.fastapi) directly above the `def`, below the "
        "route decorator: `@app.get(...)`, then `@inject`, then the function. Or use "
        f"`Annotated[{_name(component_type)}, Inject({_name(component_type)})]`, which needs no decorator."
    )


class _Unbound:
    """The dependency carried by ``Injected[T]``: FastAPI inspects it only when ``@inject`` is missing.

    Reading its ``__signature__`` (what ``inspect.signature`` does when FastAPI registers a route) raises;
    calling it raises too, should a FastAPI version ever get past the signature.
    """

    __slots__ = ("component_type",)

    def __init__(self, component_type: Any) -> None:
        self.component_type = component_type

    @property
    def __signature__(self) -> NoReturn:
        raise RuntimeError(_without_inject(self.component_type))

    def __call__(self) -> NoReturn:
        raise RuntimeError(_without_inject(self.component_type))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Unbound) and other.component_type == self.component_type

    def __hash__(self) -> int:
        return hash((_Unbound, self.component_type))

    def __repr__(self) -> str:
        return f"Injected[{_name(self.component_type)}]"


if TYPE_CHECKING:
    Injected: TypeAlias = Annotated[T, "dioxide.fastapi.Injected"]
else:

    class Injected:
        """``svc: Injected[Service]`` in an ``@inject`` endpoint: ``Service`` resolved from the request's scope.

        ``Injected[T]`` is ``Annotated[T, Depends(<marker>)]``; type checkers see ``T``.
        """

        __slots__ = ()

        def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
            raise TypeError("Injected is an annotation: write `name: Injected[T]` in an @inject function")

        def __class_getitem__(cls, component_type: Any) -> Any:
            marker = _Unbound(component_type)
            return Annotated[component_type, marker if Depends is None else Depends(marker)]


def _marked_type(annotation: Any) -> tuple[bool, Any]:
    """``(True, T)`` for ``Injected[T]`` (also inside another ``Annotated``), ``(False, None)`` otherwise."""
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, _Unbound) or isinstance(getattr(meta, "dependency", None), _Unbound):
                return True, annotation.__origin__
    return False, None


def _evaluated(annotation: Any, namespace: dict[str, Any]) -> Any:
    """A string annotation (``from __future__ import annotations``) evaluated, or left as is if it cannot be."""
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)
    except Exception:  # FastAPI gets the string, as it would without @inject, and reports it its own way
        return annotation


def _is_async(function: Any) -> bool:
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(getattr(function, "__call__", None))  # noqa: B004


def _is_generator(function: Any) -> bool:
    return inspect.isgeneratorfunction(function) or inspect.isasyncgenfunction(function)


def inject(endpoint: Callable[P, R]) -> InjectedEndpoint[P, R]:
    """Resolve every parameter annotated ``Injected[T]`` of ``endpoint`` from the request's scope, in one step.

    Put it directly above the ``def``, below the route decorator. FastAPI then sees one hidden
    ``HTTPConnection`` parameter instead of one dependency per component; the other parameters (path,
    query, body, ``Depends``, ``Request``...) are left to FastAPI as usual, and the ``Injected`` ones do
    not appear in the OpenAPI schema. Works on ``async def`` and ``def`` endpoints (a ``def`` runs in
    FastAPI's thread pool, and resolves there), WebSocket endpoints and plain (non-generator)
    dependencies. The undecorated function stays available as ``endpoint.__wrapped__``.
    """
    if Depends is None or HTTPConnection is None:
        raise ImportError(NO_FASTAPI)
    target = inspect.unwrap(endpoint)
    qualname = getattr(target, "__qualname__", repr(endpoint))
    if _is_generator(endpoint) or _is_generator(target):
        raise TypeError(
            f"@inject does not support generator functions ({qualname} yields): in a dependency with `yield` "
            "or a streaming endpoint, use `Annotated[T, Inject(T)]` parameters"
        )
    namespace = getattr(target, "__globals__", {})
    signature = inspect.signature(endpoint)
    marked: list[tuple[str, Any]] = []
    kept: list[inspect.Parameter] = []
    unevaluated: list[str] = []
    for parameter in signature.parameters.values():
        annotation = _evaluated(parameter.annotation, namespace)
        if isinstance(annotation, str):
            unevaluated.append(f"{parameter.name}: {annotation!r}")
        is_marked, component_type = _marked_type(annotation)
        if not is_marked:
            kept.append(parameter.replace(annotation=annotation))
        elif parameter.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL):
            raise TypeError(f"@inject: {qualname} takes the Injected parameter {parameter.name!r} positionally only")
        else:
            marked.append((parameter.name, component_type))
    if not marked:
        detail = f" (could not evaluate {', '.join(unevaluated)})" if unevaluated else ""
        raise TypeError(
            f"@inject: {qualname} has no parameter annotated Injected[T]{detail}; annotate the components to "
            "resolve, `service: Injected[Service]`, or remove @inject"
        )

    # An HTTPConnection parameter of the endpoint's own takes FastAPI's one slot for that type: share it.
    connection = next((p.name for p in kept if p.annotation is HTTPConnection), None)
    take: Callable[[dict[str, Any], str, None], Any] = dict.get  # the endpoint's own connection stays
    if connection is None:  # add ours, keyword-only, before a **kwargs if there is one
        connection, take = CONNECTION_PARAMETER, dict.pop
        hidden = inspect.Parameter(connection, inspect.Parameter.KEYWORD_ONLY, annotation=HTTPConnection)
        position = len(kept) - (bool(kept) and kept[-1].kind is inspect.Parameter.VAR_KEYWORD)
        kept.insert(position, hidden)
    components = tuple(marked)
    not_through_fastapi = (
        f"{qualname} is decorated with @inject, so FastAPI passes it the request; to call the function "
        f"yourself, call `{getattr(target, '__name__', qualname)}.__wrapped__(...)` with the components as arguments"
    )

    # The two wrappers differ only by `async`/`await`: the lookup is inlined, as it runs on every request.
    wrapper: Callable[..., Any]
    if _is_async(endpoint) or _is_async(target):

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                resolve = take(kwargs, connection, None).scope["state"][SCOPE_KEY].resolve
            except AttributeError:  # no connection: not called by FastAPI
                raise TypeError(not_through_fastapi) from None
            except KeyError:  # no scope: no DioxideMiddleware
                raise RuntimeError(NO_SCOPE) from None
            for name, component_type in components:
                kwargs[name] = resolve(component_type)
            return await endpoint(*args, **kwargs)  # type: ignore[misc]

    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                resolve = take(kwargs, connection, None).scope["state"][SCOPE_KEY].resolve
            except AttributeError:
                raise TypeError(not_through_fastapi) from None
            except KeyError:
                raise RuntimeError(NO_SCOPE) from None
            for name, component_type in components:
                kwargs[name] = resolve(component_type)
            return endpoint(*args, **kwargs)

    injected: Any = functools.update_wrapper(wrapper, endpoint)
    return_annotation = _evaluated(signature.return_annotation, namespace)
    injected.__signature__ = signature.replace(parameters=kept, return_annotation=return_annotation)
    annotations = {p.name: p.annotation for p in kept if p.annotation is not inspect.Parameter.empty}
    if return_annotation is not inspect.Signature.empty:
        annotations["return"] = return_annotation
    injected.__annotations__ = annotations
    return cast(InjectedEndpoint[P, R], injected)


__all__ = ["NO_FASTAPI", "Injected", "InjectedEndpoint", "inject"]
