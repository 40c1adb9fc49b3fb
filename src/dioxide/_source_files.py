"""Finding a package's modules on disk and parsing them, without importing any of them.

``scan_plan``, lazy scanning and strict mode must tell what ``scan()`` *would* do without running
module-level code, so they start here: :func:`locate_package` lists a package's modules in the order
``scan()`` imports them, and :func:`parse_module` turns one into an ``ast`` tree, logging and skipping
files that cannot be read or parsed, as ``scan()`` skips modules that fail to import.
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
    """One module of a package: its dotted name and the file holding its source.

    ``path`` is ``None`` for modules that exist only in compiled form (extension modules,
    bytecode-only files, built-ins): ``scan()`` would import them, but there is nothing to parse.
    """

    name: str
    path: Path | None
    is_package: bool


@dataclass(frozen=True)
class PackageLayout:
    """The modules making up a package (or a single plain module).

    ``root`` is the package's own ``__init__`` (or the plain module itself); ``submodules`` are
    the sub-packages and modules below it, in the depth-first, name-sorted order in which
    ``pkgutil.walk_packages`` yields them, which is the order an eager ``scan()`` imports them.
    """

    name: str
    is_package: bool
    root: ModuleSource
    submodules: tuple[ModuleSource, ...]

    @property
    def all_modules(self) -> tuple[ModuleSource, ...]:
        """The root followed by every submodule."""
        return (self.root, *self.submodules)


def locate_package(package_name: str) -> PackageLayout:
    """Find ``package_name`` on disk and list its modules without importing any of them.

    ``importlib.util.find_spec`` is used so that every finder the interpreter knows (``sys.path``
    entries, editable installs, namespace packages) is honoured. For a dotted name, ``find_spec``
    has to import the *parent* packages (``a.b`` for ``a.b.c``) to read their ``__path__``; the
    package itself and everything below it stay unimported. Importing the parents is the same
    price ``import a.b.c`` pays before any of ``a.b.c`` runs, so it is accepted here.

    Raises ``ImportError("Package 'x' not found")`` when nothing by that name exists.
    """
    not_found = f"Package '{package_name}' not found"
    try:
        spec = importlib.util.find_spec(package_name)
    except (ImportError, ValueError) as exc:
        # ImportError: a parent package is missing. ValueError: the name is in sys.modules
        # without a __spec__ (e.g. a module object created by hand), or the name is malformed.
        raise ImportError(not_found) from exc
    if spec is None:
        raise ImportError(not_found)

    search_locations = spec.submodule_search_locations
    origin = Path(spec.origin) if spec.has_location and spec.origin else None
    if search_locations is None:
        root = ModuleSource(package_name, _source_path(origin), is_package=False)
        return PackageLayout(package_name, is_package=False, root=root, submodules=())

    root = ModuleSource(package_name, _source_path(origin), is_package=True)
    submodules: list[ModuleSource] = []
    seen_names: set[str] = set()
    visited_dirs: set[str] = set()
    for location in list(search_locations):
        submodules.extend(_walk_directory(Path(location), package_name + ".", seen_names, visited_dirs))
    return PackageLayout(package_name, is_package=True, root=root, submodules=tuple(submodules))


def _source_path(path: Path | None) -> Path | None:
    """Keep ``path`` only when it is Python source we can parse."""
    if path is not None and path.suffix == ".py":
        return path
    return None


def _walk_directory(
    directory: Path, prefix: str, seen_names: set[str], visited_dirs: set[str]
) -> Iterator[ModuleSource]:
    """Yield the modules of one package directory the way ``pkgutil.walk_packages`` would.

    Entries are visited in sorted order; a sub-directory is a package only if it holds an
    ``__init__`` module (implicit namespace sub-directories are not walked by ``scan()`` either);
    names containing a dot cannot be imported and are ignored; when two files give the same
    module name (``x.py`` and ``x.so``, or package ``x/`` and ``x.py``) the first one wins, which
    matches both ``pkgutil`` and the import system's preference order.
    """
    real = os.path.realpath(directory)
    if real in visited_dirs:  # a symlink loop, or a namespace portion listed twice
        return
    visited_dirs.add(real)
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return
    for entry in entries:
        path = directory / entry
        if path.is_dir():
            if "." in entry or not _has_init(path):
                continue
            name = prefix + entry
            if name in seen_names:
                continue
            seen_names.add(name)
            init = path / "__init__.py"
            yield ModuleSource(name, init if init.is_file() else None, is_package=True)
            yield from _walk_directory(path, name + ".", seen_names, visited_dirs)
            continue
        module_name = inspect.getmodulename(entry)
        if not module_name or module_name == "__init__" or "." in module_name:
            continue
        name = prefix + module_name
        if name in seen_names:
            continue
        seen_names.add(name)
        yield ModuleSource(name, _source_path(path), is_package=False)


def _has_init(directory: Path) -> bool:
    try:
        return any(inspect.getmodulename(entry) == "__init__" for entry in os.listdir(directory))
    except OSError:
        return False


def parse_module(module: ModuleSource) -> ast.Module | None:
    """Parse ``module``'s source; log a warning on the ``dioxide`` logger and return ``None`` if that fails.

    A module we cannot parse would fail to import as well, and ``scan()`` logs and skips such
    modules; the static tools do the same rather than abort the whole package.
    """
    if module.path is None:
        return None
    try:
        data = module.path.read_bytes()
    except OSError as exc:
        logger.warning("Skipping module '%s' (%s): cannot read source: %s", module.name, module.path, exc)
        return None
    try:
        # Parsing bytes lets the compiler honour PEP 263 encoding declarations.
        return ast.parse(data, filename=str(module.path))
    except SyntaxError as exc:
        logger.warning(
            "Skipping module '%s' (%s): syntax error at line %s: %s",
            module.name,
            module.path,
            exc.lineno,
            exc.msg,
        )
    except ValueError as exc:  # source containing NUL bytes
        logger.warning("Skipping module '%s' (%s): %s", module.name, module.path, exc)
    return None
