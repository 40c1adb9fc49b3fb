"""A constructor's parameters, as ``inspect.signature`` would list them, without its cost where it is plain.

``inspect.signature`` is half of a container's startup: it walks the metaclass, ``__new__``, wrappers and
declared signatures before it reads the code object of ``__init__``. For the common class, whose metaclass
adds no ``__call__``, that defines no ``__new__`` and whose ``__init__`` is a plain Python function, the
code object says the same thing at a fraction of the cost. Anything else goes to ``inspect.signature``.
"""

from __future__ import annotations

import inspect
import types
from typing import Any, Final, NamedTuple

EMPTY: Final = inspect.Parameter.empty
_POSITIONAL_ONLY: Final = inspect.Parameter.POSITIONAL_ONLY
_POSITIONAL_OR_KEYWORD: Final = inspect.Parameter.POSITIONAL_OR_KEYWORD
_KEYWORD_ONLY: Final = inspect.Parameter.KEYWORD_ONLY
_VARIADIC: Final = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
_TYPE_CALL: Final = type.__call__


class RawParameter(NamedTuple):
    """One named parameter: ``default`` and ``annotation`` are ``EMPTY`` when absent; annotations unevaluated."""

    name: str
    kind: inspect._ParameterKind
    default: Any
    annotation: Any


def constructor_parameters(cls: type) -> list[RawParameter]:
    """The named parameters ``cls(...)`` takes (``*args`` and ``**kwargs`` left out).

    Raises ``TypeError`` or ``ValueError`` as ``inspect.signature`` does for a class it cannot read.
    """
    plain = _read_plain(cls)
    return plain if plain is not None else signature_parameters(inspect.signature(cls))


def signature_parameters(signature: inspect.Signature) -> list[RawParameter]:
    return [
        RawParameter(p.name, p.kind, p.default, p.annotation)
        for p in signature.parameters.values()
        if p.kind not in _VARIADIC
    ]


def _read_plain(cls: type) -> list[RawParameter] | None:
    """The parameters of a plain class, read from the code object of its ``__init__``; ``None`` for others."""
    if (
        type(cls).__call__ is not _TYPE_CALL
        or getattr(cls, "__signature__", None) is not None
        or hasattr(cls, "__wrapped__")
    ):
        return None
    init: Any = None
    for klass in cls.__mro__[:-1]:  # every class but object, the last
        namespace = vars(klass)
        if "__new__" in namespace:
            return None
        if init is None and "__init__" in namespace:
            init = namespace["__init__"]
    if init is None:  # object.__init__
        return []
    if type(init) is not types.FunctionType or hasattr(init, "__wrapped__") or hasattr(init, "__signature__"):
        return None
    if init.__code__.co_argcount == 0:  # no ``self`` to drop: e.g. ``def __init__(*args)``
        return None
    return _from_code(init)


def _from_code(init: types.FunctionType) -> list[RawParameter]:
    code = init.__code__
    names = code.co_varnames
    count = code.co_argcount
    defaults = init.__defaults__ or ()
    first_default = count - len(defaults)
    keyword_defaults = init.__kwdefaults__ or {}
    annotations = init.__annotations__
    parameters = [
        RawParameter(
            names[i],
            _POSITIONAL_ONLY if i < code.co_posonlyargcount else _POSITIONAL_OR_KEYWORD,
            defaults[i - first_default] if i >= first_default else EMPTY,
            annotations.get(names[i], EMPTY),
        )
        for i in range(1, count)  # 0 is ``self``
    ]
    parameters.extend(
        RawParameter(name, _KEYWORD_ONLY, keyword_defaults.get(name, EMPTY), annotations.get(name, EMPTY))
        for name in names[count : count + code.co_kwonlyargcount]
    )
    return parameters


__all__ = ["EMPTY", "RawParameter", "constructor_parameters", "signature_parameters"]
