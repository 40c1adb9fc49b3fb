"""Reading constructor signatures once, into what the container needs to inject them.

Hints are read when a container scans (and cached per class), never on the resolve path. The rules follow
dioxide 2.x with two deliberate differences: ``X | None`` parameters are injected when ``X`` is registered,
and a class-typed parameter with a default keeps its default when nothing is registered for it.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import sys
import types
import typing
import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from dioxide._declare.registry import Style, defining_frame, forget_defining_frame
from dioxide._plan import signatures
from dioxide._plan.signatures import EMPTY as _EMPTY
from dioxide._plan.signatures import RawParameter

PRIMITIVE_TYPES: Final[frozenset[type]] = frozenset(
    {str, int, float, bool, bytes, list, dict, set, tuple, frozenset, complex, bytearray, object, type}
)

POSITIONAL_ONLY: Final = inspect.Parameter.POSITIONAL_ONLY
KEYWORD_ONLY: Final = inspect.Parameter.KEYWORD_ONLY


@dataclass(frozen=True, slots=True)
class Parameter:
    """One constructor parameter, classified for injection.

    ``key`` is what the container resolves for it (a class, or ``list[Port]`` for a multi-binding); ``None``
    means dioxide never injects it and the parameter's default (or the constructor's own logic) applies.
    ``unfilled`` says why such a parameter cannot be left out: it is required, so the call would fail.
    """

    name: str
    kind: inspect._ParameterKind
    key: Hashable | None
    optional: bool
    has_default: bool
    default: Any
    annotation: str
    problem: str | None = None
    unfilled: str | None = None

    @property
    def is_multi(self) -> bool:
        return typing.get_origin(self.key) is list


_cache: weakref.WeakKeyDictionary[type, tuple[Parameter, ...]] = weakref.WeakKeyDictionary()


def constructor_parameters(cls: type) -> tuple[Parameter, ...]:
    """The injectable view of ``cls``'s constructor; cached once every annotation could be evaluated."""
    cached = _cache.get(cls)
    if cached is not None:
        return cached
    parameters = _read(cls)
    if not any(p.problem for p in parameters):
        try:
            _cache[cls] = parameters
        except TypeError:  # a class that does not support weak references
            return parameters
        forget_defining_frame(cls)
    return parameters


@dataclass(frozen=True, slots=True)
class ProviderSignature:
    """A provider function read for injection: its parameters, and the key its return annotation names.

    ``provides`` is ``None`` when the annotation could not be read as a class; ``problem`` then says why.
    """

    parameters: tuple[Parameter, ...]
    provides: Hashable | None
    problem: str | None = None


_ITERATORS: Final = (
    collections.abc.Iterator,
    collections.abc.Iterable,
    collections.abc.Generator,
)
_ASYNC_ITERATORS: Final = (
    collections.abc.AsyncIterator,
    collections.abc.AsyncIterable,
    collections.abc.AsyncGenerator,
)


def provider_signature(function: Callable[..., Any], style: Style) -> ProviderSignature:
    """Read a provider function once: its parameters as a constructor's, its key from the return annotation.

    A generator provides the type it yields: ``Iterator[T]`` or ``Generator[T, ...]``, and for an async
    generator ``AsyncIterator[T]`` or ``AsyncGenerator[T, ...]``. Cached once everything could be read.
    """
    cached = _providers.get(function)
    if cached is not None:
        return cached
    signature = _read_provider(function, style)
    if not any(p.problem for p in signature.parameters) and (signature.provides is not None or not signature.problem):
        _providers[function] = signature
        forget_defining_frame(function)
    return signature


_providers: weakref.WeakKeyDictionary[Callable[..., Any], ProviderSignature] = weakref.WeakKeyDictionary()


def _read_provider(function: Callable[..., Any], style: Style) -> ProviderSignature:
    globalns: dict[str, Any] = getattr(inspect.unwrap(function), "__globals__", {})
    frame = defining_frame(function)
    localns: dict[str, Any] = dict(frame.f_locals) if frame is not None else {}
    signature = inspect.signature(function)
    parameters = tuple(_classify(p, globalns, localns) for p in signatures.signature_parameters(signature))
    name = getattr(function, "__qualname__", repr(function))
    raw = signature.return_annotation
    if raw is inspect.Signature.empty:
        return ProviderSignature(parameters, None)  # fine for an adapter (its port is the key), not for a service
    try:
        annotation = _evaluate(raw, globalns, localns)
    except Exception as error:
        text = raw if isinstance(raw, str) else _type_name(raw)
        return ProviderSignature(
            parameters, None, f"the return annotation {text!r} of {name} could not be evaluated: {error}"
        )
    expected = _ASYNC_ITERATORS if style is Style.ASYNC_GENERATOR else _ITERATORS if style is Style.GENERATOR else ()
    if expected:
        if typing.get_origin(annotation) not in expected or not typing.get_args(annotation):
            wanted = "AsyncIterator[T]" if style is Style.ASYNC_GENERATOR else "Iterator[T]"
            return ProviderSignature(
                parameters,
                None,
                f"{name} is {'an' if style.value[0] in 'aeiou' else 'a'} {style.value}: annotate what it yields, "
                f"-> {wanted}, not -> {_type_name(annotation)}",
            )
        annotation = typing.get_args(annotation)[0]
    if not _injectable_class(annotation):
        return ProviderSignature(
            parameters, None, f"{name} provides {_type_name(annotation)}, which is not a class dioxide can inject"
        )
    return ProviderSignature(parameters, annotation)


def _read(cls: type) -> tuple[Parameter, ...]:
    try:
        raw = signatures.constructor_parameters(cls)
    except (TypeError, ValueError):  # builtins and extension types without a signature
        return ()
    globalns, localns = _namespaces(cls)
    parameters = tuple(_classify(p, globalns, localns) for p in raw)
    if getattr(cls, "__signature__", None) is not None:  # a declared signature (pydantic's models and settings):
        # the real constructor may fill a parameter it shows as required (BaseSettings reads the environment)
        parameters = tuple(dataclasses.replace(p, unfilled=None) for p in parameters)
    return parameters


def _namespaces(cls: type) -> tuple[dict[str, Any], dict[str, Any]]:
    """Globals of the module that wrote ``__init__``, and locals of the function that defined the class."""
    owner = next((k for k in cls.__mro__ if "__init__" in vars(k)), cls)
    init = vars(owner).get("__init__")
    globalns: dict[str, Any] = getattr(init, "__globals__", None) or _module_dict(owner)
    localns: dict[str, Any] = {}
    for source in (owner, cls):
        frame = defining_frame(source)
        if frame is not None:
            localns.update(frame.f_locals)
    localns[owner.__name__] = owner
    localns[cls.__name__] = cls
    return globalns, localns


def _module_dict(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    return dict(vars(module)) if module is not None else {}


def _classify(p: RawParameter, globalns: Mapping[str, Any], localns: Mapping[str, Any]) -> Parameter:
    has_default = p.default is not _EMPTY
    default = p.default if has_default else None
    raw = p.annotation
    if raw is _EMPTY:
        unfilled = None if has_default else "it has no type annotation"
        return Parameter(p.name, p.kind, None, False, has_default, default, "", unfilled=unfilled)
    text = raw if isinstance(raw, str) else _type_name(raw)
    try:
        annotation = _evaluate(raw, globalns, localns)
    except Exception as error:  # NameError, SyntaxError, TypeError from a bad string annotation
        problem = None if has_default else f"annotation {text!r} could not be evaluated: {error}"
        return Parameter(p.name, p.kind, None, False, has_default, default, text, problem)
    key, optional = injection_key(annotation)
    unfilled = _never_injected(annotation) if key is None and not has_default else None
    return Parameter(p.name, p.kind, key, optional, has_default, default, _type_name(annotation), unfilled=unfilled)


def _never_injected(annotation: Any) -> str:
    """Why dioxide never injects a parameter annotated so, in a few words."""
    name = _type_name(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and annotation in PRIMITIVE_TYPES:
        return f"{name} is a primitive type"
    if origin is typing.Union or origin is types.UnionType:
        return f"{name} is a Union: only X | None, of one component type, is injected"
    if origin in (dict, set, frozenset, tuple):
        return f"{name} is a collection: only list[Port] is injected"
    if origin is list:
        return f"{name} is not a list of a component type"
    return f"{name} is not a component class"


class _Holder:
    """A neutral object to hand one annotation to ``typing.get_type_hints``."""


def _evaluate(annotation: Any, globalns: Mapping[str, Any], localns: Mapping[str, Any]) -> Any:
    if not isinstance(annotation, str) and not _has_forward_refs(annotation):
        return annotation
    holder = _Holder()
    holder.__annotations__ = {"value": annotation}
    return typing.get_type_hints(holder, dict(globalns), dict(localns))["value"]


def _has_forward_refs(annotation: Any) -> bool:
    if isinstance(annotation, (str, typing.ForwardRef)):
        return True
    return any(_has_forward_refs(arg) for arg in typing.get_args(annotation))


def injection_key(annotation: Any) -> tuple[Hashable | None, bool]:
    """What to resolve for an annotation, and whether it is optional (``X | None``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1 and len(typing.get_args(annotation)) == 2:
            key, _ = injection_key(members[0])
            return (key, True) if key is not None else (None, False)
        return None, False
    if origin is list:
        args = typing.get_args(annotation)
        if len(args) == 1 and _injectable_class(args[0]):
            return types.GenericAlias(list, (args[0],)), False
        return None, False
    if _injectable_class(annotation):
        return annotation, False
    return None, False


def _injectable_class(annotation: Any) -> bool:
    return (
        isinstance(annotation, type)
        and annotation is not Any  # a class since Python 3.11
        and annotation not in PRIMITIVE_TYPES
        and typing.get_origin(annotation) is None
    )


def _type_name(annotation: Any) -> str:
    """A short, readable name: ``list[Plugin]``, ``Cache | None`` (never module paths or ``<locals>``)."""
    if annotation is type(None) or annotation is None:
        return "None"
    if annotation is Ellipsis:
        return "..."
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(_type_name(a) for a in args)
    if origin is not None and args:
        base = getattr(origin, "__name__", None) or repr(origin).replace("typing.", "")
        return f"{base}[{', '.join(_type_name(a) for a in args)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


__all__ = [
    "PRIMITIVE_TYPES",
    "Parameter",
    "ProviderSignature",
    "constructor_parameters",
    "injection_key",
    "provider_signature",
]
