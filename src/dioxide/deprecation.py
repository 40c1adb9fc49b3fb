"""A decorator to deprecate dioxide APIs with a uniform message."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from dioxide.exceptions import DioxideDeprecationWarning

_P = ParamSpec("_P")
_R = TypeVar("_R")


def deprecated(
    *, since: str, removed_in: str, alternative: str | None = None
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Warn with ``DioxideDeprecationWarning`` each time the decorated callable is used."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        message = f"{function.__qualname__} is deprecated since v{since} and will be removed in v{removed_in}."
        if alternative:
            message += f" Use {alternative} instead."

        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            warnings.warn(message, DioxideDeprecationWarning, stacklevel=2)
            return function(*args, **kwargs)

        return wrapper

    return decorate


__all__ = ["deprecated"]
