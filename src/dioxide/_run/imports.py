"""Importing the packages a container scans: the decorators run at import, so this is what feeds a scan."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
import warnings
from types import ModuleType

from dioxide.exceptions import SideEffectWarning

logger = logging.getLogger("dioxide")


def check_allowed(package: str, allowed: list[str] | None) -> None:
    if allowed is not None and not any(package.startswith(prefix) for prefix in allowed):
        raise ValueError(f"Package '{package}' is not in allowed_packages list. Allowed prefixes: {allowed}")


def import_package(name: str, *, strict: bool) -> int:
    """Import a package and all its submodules; returns how many modules were imported.

    Submodules that fail to import are logged and skipped. With ``strict``, each module's source is checked
    for import-time side effects (a ``SideEffectWarning`` each) before it is imported.
    """
    if strict:
        _warn_side_effects(name)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (name == error.name or name.startswith(error.name + ".")):
            raise ImportError(f"Package '{name}' not found") from error
        raise
    return 1 + _import_submodules(module, strict=strict)


def import_module(name: str) -> ModuleType | None:
    """Import one module of a scanned package; as an eager scan does, a failure is logged and skipped."""
    try:
        return importlib.import_module(name)
    except Exception as error:
        logger.warning("Failed to import module %s during scan: %r", name, error)
        return None


def _import_submodules(package: ModuleType, *, strict: bool) -> int:
    path = getattr(package, "__path__", None)
    if path is None:
        return 0
    count = 0
    for info in pkgutil.iter_modules(path, prefix=package.__name__ + "."):
        if strict:
            _warn_side_effects(info.name)
        module = import_module(info.name)
        if module is None:
            continue
        count += 1
        if info.ispkg:
            count += _import_submodules(module, strict=strict)
    return count


def _warn_side_effects(module_name: str) -> None:
    from dioxide._source.strict import side_effect_messages  # ast machinery only for strict scans

    for message in side_effect_messages(module_name):
        warnings.warn(message, SideEffectWarning, stacklevel=user_stacklevel())


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside dioxide."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("dioxide"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


__all__ = ["check_allowed", "import_module", "import_package", "user_stacklevel"]
