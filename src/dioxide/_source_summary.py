"""The classes a module decorates with ``@service`` or ``@adapter.for_(...)``, found by reading its source.

:func:`summarise_module` walks a parsed module once, in source order, so that each decorator is resolved
through the bindings in force where it stands (see ``dioxide._source_names``). Its
:class:`ModuleSummary` is what ``scan_plan`` reports and what the lazy index is built from.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from dioxide._source_names import Bindings, dotted_name, executed_blocks, is_type_checking_guard

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
