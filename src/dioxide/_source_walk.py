"""Static reading of a package's source, shared by ``scan_plan``, lazy scanning and strict mode.

Everything here works on files and ``ast`` trees and never imports the code it reads: the whole
point of these features is to tell the user what ``scan()`` *would* do (or to postpone doing it)
without running module-level code.

Three building blocks live here so that no caller duplicates them:

* :func:`locate_package` finds a package and lists its modules in the order ``scan()`` imports them.
* :func:`parse_module` parses one module, logging and skipping unreadable or invalid files.
* :func:`summarise_module` walks a parsed module once, tracking the names its imports bind, and
  reports the classes decorated with ``@service`` or ``@adapter.for_(...)``.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

logger = logging.getLogger("dioxide")

#: Fully qualified spellings of ``@service`` reachable through imports of dioxide.
SERVICE_DECORATORS = frozenset({"dioxide.service", "dioxide.services.service"})
#: Fully qualified spellings of ``adapter.for_`` reachable through imports of dioxide.
ADAPTER_FOR_DECORATORS = frozenset({"dioxide.adapter.for_", "dioxide.adapter.adapter.for_"})
#: Fully qualified spellings of the ``Profile`` class.
PROFILE_CLASSES = frozenset({"dioxide.Profile", "dioxide.profile_enum.Profile"})
#: ``Profile`` constants and the value each one stands for.
PROFILE_CONSTANTS: Mapping[str, str] = {
    "PRODUCTION": "production",
    "TEST": "test",
    "DEVELOPMENT": "development",
    "STAGING": "staging",
    "CI": "ci",
    "ALL": "*",
}

ComponentKind = Literal["service", "adapter"]


# --------------------------------------------------------------------------------------------
# Finding the modules of a package
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Names bound by a module
# --------------------------------------------------------------------------------------------


def dotted_name(node: ast.expr) -> str | None:
    """Spell a ``Name``/``Attribute`` chain (``a.b.c``) as a string; ``None`` for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    """Turn ``from <level dots><target> import ...`` inside ``module`` into an absolute module name.

    Returns ``None`` when the relative import climbs above the top-level package (the import
    itself would fail) or when ``module`` is unknown (empty).
    """
    if level == 0:
        return target
    if not module:
        return None
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) - 1:
        return None
    base = parts[: len(parts) - (level - 1)]
    if target:
        base.append(target)
    return ".".join(base)


class Bindings:
    """What each name bound at module level refers to, as a fully qualified dotted name.

    A value of ``None`` means "bound, but to something we cannot name" (the result of a call, a
    loop variable, a relative import we cannot anchor). Keeping such names distinguishes them from
    names that are not bound at all (builtins, star imports), for which callers fall back on the
    literal spelling.

    ``module`` may be empty when the module's own name is unknown (strict mode reads a bare
    source string); definitions are then recorded as bound-but-unnamed.
    """

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.names: dict[str, str | None] = {}

    def resolve(self, dotted: str) -> str | None:
        """The fully qualified name ``dotted`` refers to, or ``None`` if its head is not (knowably) bound."""
        head, _, rest = dotted.partition(".")
        target = self.names.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def is_bound(self, dotted: str) -> bool:
        """Whether the first segment of ``dotted`` is bound by this module."""
        return dotted.partition(".")[0] in self.names

    def local(self, qualname: str) -> str | None:
        """The fully qualified name of something defined in this module."""
        return f"{self.module}.{qualname}" if self.module else None

    def bind_statement(self, stmt: ast.stmt) -> None:
        """Record the names ``stmt`` binds at module level (imports, definitions, simple aliases)."""
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.names[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self.names[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            base = resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    continue  # names unknown; callers fall back on literal spellings
                self.names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else None
        elif isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            self.names[stmt.name] = self.local(stmt.name)
        elif isinstance(stmt, ast.Assign):
            value = self._alias_target(stmt.value)
            for target in stmt.targets:
                self._bind_target(target, value)
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                return  # a bare annotation binds nothing
            value = self._alias_target(stmt.value) if isinstance(stmt, ast.AnnAssign) else None
            self._bind_target(stmt.target, value)
        elif isinstance(stmt, ast.For | ast.AsyncFor):
            self._bind_target(stmt.target, None)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, None)

    def _alias_target(self, value: ast.expr | None) -> str | None:
        """``x = a.b`` makes ``x`` an alias of whatever ``a.b`` names; anything else is unnamed."""
        if value is None:
            return None
        dotted = dotted_name(value)
        return self.resolve(dotted) if dotted is not None else None

    def _bind_target(self, target: ast.expr, value: str | None) -> None:
        if isinstance(target, ast.Name):
            self.names[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind_target(element, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)


def is_main_guard(test: ast.expr) -> bool:
    """``if __name__ == "__main__":`` (either operand order): its body does not run on import."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    left, right = test.left, test.comparators[0]
    for name, const in ((left, right), (right, left)):
        if (
            isinstance(name, ast.Name)
            and name.id == "__name__"
            and isinstance(const, ast.Constant)
            and const.value == "__main__"
        ):
            return True
    return False


def is_type_checking_guard(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``: its body never runs."""
    dotted = dotted_name(test)
    return dotted is not None and dotted.rpartition(".")[2] == "TYPE_CHECKING"


# --------------------------------------------------------------------------------------------
# Decorated classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeReference:
    """How a decorator argument names a class.

    ``spelling`` is the text as written (``ports.UserRepository``); ``qualified`` is what it
    resolves to through the module's imports (``pkg.ports.UserRepository``), or ``None`` when the
    head of the spelling is not bound by any import or definition we can follow (for instance it
    comes from a star import).
    """

    spelling: str
    qualified: str | None

    @property
    def bare_name(self) -> str:
        """The class's own name, the key 2.1 used: taken from the resolved name, since an
        ``import X as Y`` alias is not the class's name."""
        return (self.qualified or self.spelling).rpartition(".")[2]


@dataclass(frozen=True)
class DecoratedClass:
    """A class carrying ``@service`` or ``@adapter.for_(...)``.

    ``qualname`` is the class's ``__qualname__`` (``Outer.Inner`` for nested classes). For
    adapters, ``port`` is ``None`` when the port argument is not a plain name or attribute chain.
    ``profiles`` holds the lower-cased profile values when they are literal and ``None`` when they
    can only be known at run time (meaning: any profile).
    """

    qualname: str
    line: int
    kind: ComponentKind
    port: TypeReference | None = None
    profiles: frozenset[str] | None = frozenset({"*"})


@dataclass(frozen=True)
class ModuleSummary:
    """What one module declares, as far as can be told without running it.

    ``exports`` maps each module-level name to its fully qualified meaning once the module has
    run to the end (so later rebinding wins, as it does for attribute access from outside);
    ``classes`` holds the qualnames of the classes it defines outside function bodies.
    """

    name: str
    decorated: tuple[DecoratedClass, ...] = ()
    exports: Mapping[str, str | None] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()


def summarise_module(tree: ast.Module, module: str, is_package: bool) -> ModuleSummary:
    """Find the decorated classes of a parsed module and the names it binds.

    Decorators are recognised in these forms, with the decorator's *head* resolved through the
    module's imports and simple aliases (``svc = service``) at the point of use:

    * ``@service`` / ``@service(...)`` where the name resolves to ``dioxide.service`` or
      ``dioxide.services.service`` (so ``from dioxide import service as svc`` + ``@svc`` and
      ``import dioxide`` + ``@dioxide.service`` work);
    * ``@adapter.for_(Port, ...)`` where ``adapter.for_`` resolves to ``dioxide.adapter.for_``
      (``from dioxide import adapter as a`` + ``@a.for_``, ``import dioxide as di`` +
      ``@di.adapter.for_``, ``for_ = adapter.for_`` + ``@for_``);
    * the literal spellings 2.1 matched, whatever the head is bound to: ``@service``,
      ``@service(...)``, ``@adapter.for_(...)`` and ``@<anything>.adapter.for_(...)``. These keep
      re-exports through the user's own modules (``from myapp.di import service``) working.

    Classes are looked for in module-level blocks (``if``/``try``/``with``/loops) and inside
    class bodies (a nested class is decorated when the module is imported), but not inside
    functions: those classes only exist once the function runs, and ``scan()`` cannot see them
    either. ``if TYPE_CHECKING:`` bodies are skipped (they never run).
    """
    walker = _Walker(module, is_package)
    walker.visit_block(tree.body, scope=None, prefix="")
    return ModuleSummary(
        name=module,
        decorated=tuple(walker.decorated),
        exports=dict(walker.bindings.names),
        classes=frozenset(walker.classes),
    )


class _Walker:
    """One pass over a module's statements in source order, so each decorator sees the bindings in force."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.bindings = Bindings(module, is_package)
        self.decorated: list[DecoratedClass] = []
        self.classes: list[str] = []

    def visit_block(self, body: list[ast.stmt], scope: dict[str, str | None] | None, prefix: str) -> None:
        for stmt in body:
            self.visit_statement(stmt, scope, prefix)

    def visit_statement(self, stmt: ast.stmt, scope: dict[str, str | None] | None, prefix: str) -> None:
        if isinstance(stmt, ast.ClassDef):
            self.visit_class(stmt, scope, prefix)
            return
        if isinstance(stmt, ast.If) and is_type_checking_guard(stmt.test):
            self.visit_block(stmt.orelse, scope, prefix)
            return
        if scope is None:
            self.bindings.bind_statement(stmt)
        else:
            self.bind_in_class(stmt, scope)
        for block in executed_blocks(stmt):
            self.visit_block(block, scope, prefix)

    def visit_class(self, node: ast.ClassDef, scope: dict[str, str | None] | None, prefix: str) -> None:
        qualname = prefix + node.name
        for decorator in node.decorator_list:
            found = self.classify(decorator, scope, qualname, node.lineno)
            if found is not None:
                self.decorated.append(found)
        self.classes.append(qualname)
        # The class body is its own namespace: names it defines are visible to decorators of
        # later nested classes, on top of the module's names.
        self.visit_block(node.body, {}, qualname + ".")
        # The class name is bound only after the body and decorators have run.
        if scope is None:
            self.bindings.bind_statement(node)
        else:
            scope[node.name] = self.bindings.local(qualname)

    def bind_in_class(self, stmt: ast.stmt, scope: dict[str, str | None]) -> None:
        """Track the class-body names a later nested decorator could refer to (``Port = ports.Port``)."""
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            scope[stmt.name] = None
        elif isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            spelling = dotted_name(stmt.value)
            value = self.resolve(spelling, scope)[0] if spelling is not None else None
            for target in targets:
                if isinstance(target, ast.Name):
                    scope[target.id] = value

    def resolve(self, dotted: str, scope: dict[str, str | None] | None) -> tuple[str | None, bool]:
        """Resolve ``dotted`` against the class scope, then the module; also say whether its head is bound."""
        head, _, rest = dotted.partition(".")
        if scope is not None and head in scope:
            target = scope[head]
            if target is None:
                return None, True
            return (f"{target}.{rest}" if rest else target), True
        return self.bindings.resolve(dotted), self.bindings.is_bound(dotted)

    def classify(
        self, decorator: ast.expr, scope: dict[str, str | None] | None, qualname: str, line: int
    ) -> DecoratedClass | None:
        call = decorator if isinstance(decorator, ast.Call) else None
        spelling = dotted_name(call.func if call is not None else decorator)
        if spelling is None:
            return None
        qualified, _ = self.resolve(spelling, scope)
        if qualified in SERVICE_DECORATORS or spelling == "service":
            return DecoratedClass(qualname, line, "service")
        is_adapter = (
            qualified in ADAPTER_FOR_DECORATORS or spelling == "adapter.for_" or spelling.endswith(".adapter.for_")
        )
        if not is_adapter or call is None:
            return None  # a bare ``@adapter.for_`` without a port is a TypeError at import
        return DecoratedClass(
            qualname,
            line,
            "adapter",
            port=self.port_reference(call, scope),
            profiles=self.profiles(call, scope),
        )

    def port_reference(self, call: ast.Call, scope: dict[str, str | None] | None) -> TypeReference | None:
        node: ast.expr | None = None
        if call.args and not isinstance(call.args[0], ast.Starred):
            node = call.args[0]
        elif not call.args:
            node = next((kw.value for kw in call.keywords if kw.arg == "port"), None)
        # Only a name or attribute chain names a class statically; ``PORTS["users"]`` or a call
        # could be anything (and a parametrised generic is not a class, so not a valid port).
        spelling = dotted_name(node) if node is not None else None
        if spelling is None:
            return None
        qualified, _ = self.resolve(spelling, scope)
        return TypeReference(spelling, qualified)

    def profiles(self, call: ast.Call, scope: dict[str, str | None] | None) -> frozenset[str] | None:
        if any(kw.arg is None for kw in call.keywords):
            return None  # ``**options`` may carry the profile
        value = next((kw.value for kw in call.keywords if kw.arg == "profile"), None)
        if value is None:
            return frozenset({"*"})  # the default, Profile.ALL
        elements = value.elts if isinstance(value, ast.List | ast.Tuple | ast.Set) else [value]
        result: set[str] = set()
        for element in elements:
            literal = self.profile_literal(element, scope)
            if literal is None:
                return None
            result.add(literal)
        return frozenset(result)

    def profile_literal(self, node: ast.expr, scope: dict[str, str | None] | None) -> str | None:
        """``"test"``, ``Profile.TEST``, ``Profile("custom")`` → the lower-cased value; else ``None``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value.lower()
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and self.is_profile_class(node.func, scope)
        ):
            return node.args[0].value.lower()
        if (
            isinstance(node, ast.Attribute)
            and node.attr in PROFILE_CONSTANTS
            and self.is_profile_class(node.value, scope)
        ):
            return PROFILE_CONSTANTS[node.attr]
        return None

    def is_profile_class(self, node: ast.expr, scope: dict[str, str | None] | None) -> bool:
        spelling = dotted_name(node)
        if spelling is None:
            return False
        qualified, bound = self.resolve(spelling, scope)
        if qualified in PROFILE_CLASSES:
            return True
        # ``Profile`` from a star import, or re-exported by the user's own module.
        return spelling.rpartition(".")[2] == "Profile" and (not bound or qualified is not None)


def executed_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in ``stmt`` that run when the module runs (not function bodies)."""
    if isinstance(stmt, ast.If):
        if not is_main_guard(stmt.test):
            yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, ast.With | ast.AsyncWith):
        yield stmt.body
    elif isinstance(stmt, ast.Try | ast.TryStar):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    elif isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body
