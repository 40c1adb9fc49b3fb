"""A module's top level as an import runs it, read from its ``ast``: the names it binds, the blocks that run.

:class:`Bindings` follows imports, definitions and simple aliases (``svc = service``) so that a spelling
such as ``di.adapter.for_`` can be resolved to the fully qualified name it refers to;
:func:`executed_blocks` and the guard tests say which nested statements run on import (not the body of
``if TYPE_CHECKING:`` or ``if __name__ == "__main__":``, nor function bodies). The decorated-class
walker and strict mode both read modules through these.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


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
