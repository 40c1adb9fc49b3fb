"""The shape of the code, checked: imports point one way, and no module reads another's private attributes.

Every import counts (top level, inside functions, under ``if TYPE_CHECKING:``). The core reads as a pipeline,
declare -> plan -> render -> compile -> run, and no stage imports a later one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "dioxide"
STAGES = ("_declare", "_plan", "_render", "_compile", "_run")
STDLIB_PRIVATE = {"sys._getframe", "inspect._ParameterKind"}


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


def imports_of(name: str) -> set[str]:
    """The dioxide modules ``name`` imports: ``from m import x`` counts as ``m.x`` if that is a module, else ``m``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
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


def private_reads(path: Path) -> list[str]:
    """``x._name`` reads where ``_name`` is nothing this module defines (``self``/``cls`` excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own: set[str] = set()
    for node in ast.walk(tree):
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
        if not attribute.startswith("_") or attribute.startswith("__") or attribute in own:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        text = ast.unparse(node)
        if text not in STDLIB_PRIVATE:
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {text}")
    return found


class DescribeLayers:
    def it_has_no_import_cycle_in_the_core(self) -> None:
        assert [cycle for cycle in cycles() if not any(m.startswith("dioxide.sqlalchemy") for m in cycle)] == []

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
        core = [path for name, path in MODULES.items() if not name.startswith("dioxide.sqlalchemy")]
        assert [read for path in core for read in private_reads(path)] == []
