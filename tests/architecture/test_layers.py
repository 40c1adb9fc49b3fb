"""The shape of the code, checked: imports point one way, and no module uses another's private names.

Every import counts (top level, inside functions, under ``if TYPE_CHECKING:``), in the whole package,
``dioxide.sqlalchemy`` included. The core reads as a pipeline, declare -> plan -> render -> compile -> run, and no
stage imports a later one. Private *modules* (``dioxide._plan.bindings``) may be imported; private *names* defined
in another module may not, neither imported nor read as attributes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "dioxide"
STAGES = ("_declare", "_plan", "_render", "_compile", "_run")
# Underscored names other projects document for use: the frame of a caller, the kinds of parameters, and the
# object behind Werkzeug's request proxy (Flask's own docs show `request._get_current_object()`).
STDLIB_PRIVATE = {"sys._getframe", "inspect._ParameterKind", "request._get_current_object"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def known(name: str) -> str | None:
    """The longest prefix of ``name`` that is a module of the package."""
    parts = name.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts) or None


def parse(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def source_of(node: ast.ImportFrom, name: str) -> str:
    """The absolute name of the module ``node`` (in module ``name``) imports from."""
    base = node.module or ""
    if not node.level:
        return base
    parts = name.split(".") if MODULES[name].name == "__init__.py" else name.split(".")[:-1]
    parts = parts[: len(parts) - node.level + 1]
    return ".".join([*parts, base] if base else parts)


def imports_of(name: str) -> set[str]:
    """The dioxide modules ``name`` imports: ``from m import x`` counts as ``m.x`` if that is a module, else ``m``."""
    found: set[str | None] = set()
    for node in ast.walk(parse(name)):
        if isinstance(node, ast.Import):
            found.update(known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = source_of(node, name)
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else known(base) for a in node.names)
    return {module for module in found if module is not None and module != name}


def cycles() -> list[list[str]]:
    graph = {name: imports_of(name) for name in MODULES}
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for start in graph:
        if start in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    found.append([*path[path.index(child) :], child])
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(sorted(graph[child]))))
                    path.append(child)
                    break
            else:
                stack.pop()
                path.pop()
                state[node] = 2
    return found


def stage_of(name: str) -> int | None:
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_protocol(node: ast.AST) -> bool:
    bases = node.bases if isinstance(node, ast.ClassDef) else []
    return any(ast.unparse(base).split("[")[0].endswith("Protocol") for base in bases)


def defined_names(tree: ast.Module) -> Iterator[ast.AST]:
    """The nodes of ``tree``, except the bodies of Protocols: declaring another class's ``_name`` defines nothing."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not is_protocol(node):
            stack.extend(ast.iter_child_nodes(node))


def private_reads(path: Path) -> list[str]:
    """``x._name`` reads where ``_name`` is nothing this module defines (``self``/``cls`` excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own: set[str] = set()
    for node in defined_names(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            own.add(node.value)  # __slots__ entries
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
            continue
        attribute = node.attr
        if not is_private(attribute) or attribute in own:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        text = ast.unparse(node)
        if text not in STDLIB_PRIVATE:
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {text}")
    return found


def aliases_a_public_name(module: str, name: str) -> bool:
    """Whether ``module`` binds ``name`` only as an alias of a public name (2.x's ``... import x as _x``)."""
    bindings = [
        alias
        for node in ast.walk(parse(module))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == name
    ]
    return bool(bindings) and not any(is_private(alias.name) for alias in bindings)


def private_imports(name: str) -> list[str]:
    """``from dioxide.m import _x`` where ``_x`` is a private name ``m`` defines (a private module is fine)."""
    found = []
    for node in ast.walk(parse(name)):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = source_of(node, name)
        if base.split(".")[0] != "dioxide":
            continue
        for alias in node.names:
            if not is_private(alias.name) or f"{base}.{alias.name}" in MODULES:
                continue
            if base in MODULES and aliases_a_public_name(base, alias.name):
                continue
            found.append(f"{MODULES[name].relative_to(SRC)}:{node.lineno}: from {base} import {alias.name}")
    return found


def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    """Point the checks at a package of ``files`` (``{"dioxide/a.py": source}``) under ``tmp_path``."""
    for relative, source in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(source, encoding="utf-8")
    monkeypatch.setattr("tests.architecture.test_layers.SRC", tmp_path)
    modules = {module_name(path): path for path in sorted((tmp_path / "dioxide").rglob("*.py"))}
    monkeypatch.setattr("tests.architecture.test_layers.MODULES", modules)


class DescribeLayers:
    def it_has_no_import_cycle(self) -> None:
        assert cycles() == []

    def it_finds_a_cycle_when_there_is_one(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The detector itself: two modules importing each other are reported."""
        fake = {"dioxide.a": {"dioxide.b"}, "dioxide.b": {"dioxide.a"}}
        monkeypatch.setattr("tests.architecture.test_layers.MODULES", dict.fromkeys(fake, Path("unused")))
        monkeypatch.setattr("tests.architecture.test_layers.imports_of", lambda name: fake[name])
        assert cycles() == [["dioxide.a", "dioxide.b", "dioxide.a"]]

    def it_points_the_core_stages_one_way(self) -> None:
        backwards = [
            f"{name} imports {imported}"
            for name in MODULES
            if (stage := stage_of(name)) is not None
            for imported in imports_of(name)
            if (other := stage_of(imported)) is not None and other > stage
        ]
        assert backwards == []

    def it_keeps_the_stages_below_the_public_modules(self) -> None:
        """Machinery never imports the thin public modules (except the leaf ones every layer shares)."""
        leaves = {"dioxide.exceptions", "dioxide.profile_enum", "dioxide.scope", "dioxide.scan_stats"}
        upward = [
            f"{name} imports {imported}"
            for name in MODULES
            if stage_of(name) is not None
            for imported in imports_of(name)
            if imported.count(".") == 1 and not imported.startswith("dioxide._") and imported not in leaves
        ]
        assert upward == ["dioxide._run.container imports dioxide.scan_plan"]  # only for the return annotation

    def it_reads_no_other_module_s_private_attributes(self) -> None:
        assert [read for path in MODULES.values() for read in private_reads(path)] == []

    def it_finds_a_private_read_also_through_a_protocol(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The detector itself: a Protocol that declares the other class's private names does not hide the read."""
        fake_package(
            tmp_path,
            monkeypatch,
            {
                "dioxide/block.py": (
                    "from typing import Protocol\n"
                    "class _Router(Protocol[T]):\n"
                    "    def _candidates(self) -> list[int]: ...\n"
                    "def enter(router: _Router, db: object) -> None:\n"
                    "    router._candidates()\n"
                    "    db._bound_to()\n"
                ),
            },
        )
        assert private_reads(tmp_path / "dioxide/block.py") == [
            "dioxide/block.py:5: router._candidates",
            "dioxide/block.py:6: db._bound_to",
        ]

    def it_imports_no_private_name_of_another_module(self) -> None:
        assert [found for name in MODULES for found in private_imports(name)] == []

    def it_finds_an_imported_private_name(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The detector itself: private names are reported; private modules and 2.x's private aliases are not."""
        fake_package(
            tmp_path,
            monkeypatch,
            {
                "dioxide/__init__.py": "from dioxide._compat import _clear\nfrom dioxide import _compat\n",
                "dioxide/_compat.py": "from dioxide.registry import clear as _clear\n",
                "dioxide/registry.py": "def clear() -> None: ...\n_HIDDEN = 1\nfrom dioxide.wal import _QUERY\n",
                "dioxide/wal.py": "_QUERY = 'SELECT 1'\n",
                "dioxide/sub/__init__.py": "",
                "dioxide/sub/user.py": (
                    "from ..registry import _HIDDEN\n"
                    "from dioxide._compat import _clear\n"
                    "from dioxide.registry import clear as _mine\n"
                    "if False:\n"
                    "    from dioxide.sub import _private_module\n"
                    "    from dioxide._compat import clear as _c, _other\n"
                ),
                "dioxide/sub/_private_module.py": "",
            },
        )
        assert [found for name in sorted(MODULES) for found in private_imports(name)] == [
            "dioxide/registry.py:3: from dioxide.wal import _QUERY",
            "dioxide/sub/user.py:1: from dioxide.registry import _HIDDEN",
            "dioxide/sub/user.py:6: from dioxide._compat import _other",
        ]
