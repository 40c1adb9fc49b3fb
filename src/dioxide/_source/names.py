"""A module's top level read from its ``ast``: what each name refers to, and which blocks run on import.

The component reader needs it to see that ``@a.for_(p.Port)`` means ``dioxide.adapter.for_`` and
``pkg.ports.Port``; strict mode needs it to tell ``pathlib.Path(...)`` from a ``Path`` imported elsewhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a ``Name``/``Attribute`` chain; ``None`` for any other expression."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class Bindings:
    """The module-level names bound so far, each to the fully qualified name it refers to.

    ``None`` means bound to something unnamed (a call's result, a loop variable, a relative import
    that cannot be anchored). Such names are kept apart from unbound ones (builtins, star imports),
    for which callers fall back on the literal spelling. An empty ``module`` (strict mode reads a
    bare source string) leaves the module's own definitions unnamed.
    """

    def __init__(self, module: str, is_package: bool) -> None:
        self._module = module
        self._is_package = is_package
        self._names: dict[str, str | None] = {}

    def resolve(self, dotted: str) -> str | None:
        """What ``dotted`` refers to, or ``None`` when its head is unbound or unnamed."""
        head, _, rest = dotted.partition(".")
        target = self._names.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def is_bound(self, dotted: str) -> bool:
        return dotted.partition(".")[0] in self._names

    def bind(self, stmt: ast.stmt) -> None:
        """Record the names ``stmt`` binds: imports, definitions, aliases (``svc = service``), targets."""
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self._names[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self._names[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            base = self._absolute(stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name != "*":  # a star import binds names we cannot know
                    self._names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else None
        elif isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            self._names[stmt.name] = f"{self._module}.{stmt.name}" if self._module else None
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self._bind_target(target, self._alias(stmt.value))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._bind_target(stmt.target, self._alias(stmt.value))
        elif isinstance(stmt, ast.AugAssign | ast.For | ast.AsyncFor):
            self._bind_target(stmt.target, None)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, None)

    def _absolute(self, level: int, target: str | None) -> str | None:
        """The module ``from <level dots><target> import`` names; ``None`` above the top-level package."""
        if level == 0:
            return target
        if not self._module:
            return None
        parts = self._module.split(".")
        if not self._is_package:
            parts.pop()
        if level > len(parts):
            return None
        base = parts[: len(parts) - level + 1]
        return ".".join([*base, target] if target else base)

    def _alias(self, value: ast.expr) -> str | None:
        dotted = dotted_name(value)
        return self.resolve(dotted) if dotted is not None else None

    def _bind_target(self, target: ast.expr, value: str | None) -> None:
        if isinstance(target, ast.Name):
            self._names[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind_target(element, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)


def is_type_checking_guard(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``: the body never runs."""
    dotted = dotted_name(test)
    return dotted is not None and dotted.rpartition(".")[2] == "TYPE_CHECKING"


def _is_main_guard(test: ast.expr) -> bool:
    """``if __name__ == "__main__":``, either way round: the body does not run on import."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    pair = (test.left, test.comparators[0])
    names = [node.id for node in pair if isinstance(node, ast.Name)]
    constants = [node.value for node in pair if isinstance(node, ast.Constant)]
    return names == ["__name__"] and constants == ["__main__"]


def executed_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in ``stmt`` that run when the module is imported (not function bodies)."""
    if isinstance(stmt, ast.If):
        if not _is_main_guard(stmt.test):
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
