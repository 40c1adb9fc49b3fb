"""A package's modules, found on disk and parsed without importing any of them.

``scan()`` imports a package, then walks it with ``pkgutil.walk_packages``, which imports every
sub-package to read its ``__path__``. The same walk is done here on directories, with the same order
and naming rules, so that the lazy index and ``scan_plan`` see the modules ``scan()`` would import.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("dioxide")


@dataclass(frozen=True)
class ModuleSource:
    """One module of a package; ``path`` is ``None`` when there is no Python source to read
    (an extension module, bytecode only, a built-in, a namespace package)."""

    name: str
    path: Path | None
    is_package: bool


def package_modules(package: str) -> list[ModuleSource]:
    """The package itself, then its modules in ``scan()``'s import order; a plain module alone.

    ``find_spec`` honours every finder the interpreter knows (editable installs, namespace
    packages), at the price of importing the *parents* of a dotted name, as ``import a.b.c`` does
    before any of ``a.b.c`` runs.
    """
    not_found = f"Package '{package}' not found"
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError) as error:  # a missing parent, an empty name, a module without __spec__
        raise ImportError(not_found) from error
    if spec is None:
        raise ImportError(not_found)
    origin = Path(spec.origin) if spec.has_location and spec.origin else None
    source = origin if origin is not None and origin.suffix == ".py" else None
    locations = spec.submodule_search_locations
    root = ModuleSource(package, source, is_package=locations is not None)
    if locations is None:
        return [root]
    modules = [root]
    names: set[str] = set()
    directories: set[str] = set()
    for location in list(locations):
        modules.extend(_walk(Path(location), package + ".", names, directories))
    return modules


def _walk(directory: Path, prefix: str, names: set[str], directories: set[str]) -> Iterator[ModuleSource]:
    """``pkgutil.iter_modules`` recursively: sorted entries, a directory is a package only with an
    ``__init__``, dotted names are not importable, and the first of two same-named entries wins."""
    real = os.path.realpath(directory)
    if real in directories:  # a symlink loop, or a namespace portion listed twice
        return
    directories.add(real)
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return
    for entry in entries:
        path = directory / entry
        is_package = "." not in entry and path.is_dir() and _has_init(path)
        leaf = entry if is_package else inspect.getmodulename(entry)
        if not leaf or leaf == "__init__" or "." in leaf or prefix + leaf in names:
            continue
        names.add(prefix + leaf)
        if is_package:
            init = path / "__init__.py"
            yield ModuleSource(prefix + leaf, init if init.is_file() else None, is_package=True)
            yield from _walk(path, prefix + leaf + ".", names, directories)
        else:
            yield ModuleSource(prefix + leaf, path if path.suffix == ".py" else None, is_package=False)


def _has_init(directory: Path) -> bool:
    try:
        return any(inspect.getmodulename(entry) == "__init__" for entry in os.listdir(directory))
    except OSError:
        return False


def parse(module: ModuleSource) -> ast.Module | None:
    """The module's syntax tree, or ``None`` when it has no source or the source cannot be read.

    A module that cannot be read is logged, and it stays part of the package: ``scan()`` would try
    to import it, and that import is what reports the error to the user.
    """
    if module.path is None:
        return None
    try:
        return ast.parse(module.path.read_bytes(), filename=str(module.path))  # bytes: PEP 263 applies
    except SyntaxError as error:
        problem = f"syntax error at line {error.lineno}: {error.msg}"
    except (OSError, ValueError) as error:  # unreadable, or (3.11) NUL bytes in the source
        problem = str(error)
    logger.warning("Cannot read components of module '%s' (%s): %s", module.name, module.path, problem)
    return None
