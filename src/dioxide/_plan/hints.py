"""Reading constructor signatures once, into what the container needs to inject them.

Hints are read when a container scans (and cached per class), never on the resolve path. The rules follow
dioxide 2.x with two deliberate differences: ``X | None`` parameters are injected when ``X`` is registered,
and a class-typed parameter with a default keeps its default when nothing is registered for it.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
import typing
import weakref
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from dioxide._declare.registry import defining_frame, forget_defining_frame

PRIMITIVE_TYPES: Final[frozenset[type]] = frozenset(
    {str, int, float, bool, bytes, list, dict, set, tuple, frozenset, complex, bytearray, object, type}
)

_EMPTY: Final = inspect.Parameter.empty
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


def callable_parameters(function: Any) -> tuple[Parameter, ...]:
    """The injectable view of a factory function's parameters (not cached: functions are cheap to read)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return ()
    globalns = getattr(inspect.unwrap(function), "__globals__", {})
    return tuple(_classify(p, globalns, {}) for p in _real_parameters(signature))


def _read(cls: type) -> tuple[Parameter, ...]:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # builtins and extension types without a signature
        return ()
    globalns, localns = _namespaces(cls)
    parameters = tuple(_classify(p, globalns, localns) for p in _real_parameters(signature))
    if getattr(cls, "__signature__", None) is not None:  # a declared signature (pydantic's models and settings):
        # the real constructor may fill a parameter it shows as required (BaseSettings reads the environment)
        parameters = tuple(dataclasses.replace(p, unfilled=None) for p in parameters)
    return parameters


def _real_parameters(signature: inspect.Signature) -> list[inspect.Parameter]:
    return [
        p
        for p in signature.parameters.values()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]


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


def _classify(p: inspect.Parameter, globalns: Mapping[str, Any], localns: Mapping[str, Any]) -> Parameter:
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


__all__ = ["PRIMITIVE_TYPES", "Parameter", "callable_parameters", "constructor_parameters", "injection_key"]
