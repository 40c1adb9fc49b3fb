"""The classes a package decorates with ``@service`` or ``@adapter.for_(...)``, found by reading its source.

Each module is walked once in source order, so a decorator is resolved through the imports and
aliases in force where it stands. Recognised: the spellings 2.1 matched (``@service``,
``@service(...)``, ``@adapter.for_(...)``, ``@<anything>.adapter.for_(...)``) and any alias that
resolves to dioxide's own (``from dioxide import service as svc``, ``import dioxide as di`` +
``@di.adapter.for_``, ``for_ = adapter.for_``). Classes in module-level blocks and in class bodies
are found; classes inside functions and under ``if TYPE_CHECKING:`` or the ``__main__`` guard do not
exist after a plain import, so ``scan()`` cannot see them either.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from dioxide._source.files import ModuleSource, package_modules, parse
from dioxide._source.names import Bindings, dotted_name, executed_blocks, is_type_checking_guard

_SERVICE = frozenset({"dioxide.service", "dioxide.services.service"})
_ADAPTER_FOR = frozenset({"dioxide.adapter.for_", "dioxide.adapter.adapter.for_"})


@dataclass(frozen=True)
class Component:
    """A decorated class and what it provides.

    ``provides`` is the fully qualified name of the class a resolution would ask for: the service
    itself, or the adapter's port as resolved through the module's imports (``None`` when that
    cannot be told, e.g. a port from a star import). ``provides_name`` is that class's own name,
    or ``None`` when the port is an expression rather than a name (``PORTS["users"]``).
    """

    module: str
    qualname: str
    kind: Literal["service", "adapter"]
    provides: str | None
    provides_name: str | None


@dataclass(frozen=True)
class PackageSource:
    """Every module of a package (the package first, in ``scan()``'s order) and its components."""

    modules: list[str]
    components: list[Component]


def read_package(package: str) -> PackageSource:
    """Read a package's components; modules that cannot be read are logged and contribute none."""
    modules = package_modules(package)
    components: list[Component] = []
    for module in modules:
        tree = parse(module)
        if tree is not None:
            reader = _Reader(module)
            reader.visit(tree.body, prefix="")
            components.extend(reader.found)
    return PackageSource([module.name for module in modules], components)


class _Reader:
    def __init__(self, module: ModuleSource) -> None:
        self.module = module.name
        self.bindings = Bindings(module.name, module.is_package)
        self.found: list[Component] = []

    def visit(self, body: list[ast.stmt], prefix: str) -> None:
        """Walk statements that run on import; ``prefix`` is the enclosing class's qualname plus a dot."""
        for stmt in body:
            if isinstance(stmt, ast.If) and is_type_checking_guard(stmt.test):
                self.visit(stmt.orelse, prefix)
                continue
            if isinstance(stmt, ast.ClassDef):
                qualname = prefix + stmt.name
                for decorator in stmt.decorator_list:
                    component = self.classify(decorator, qualname, nested=bool(prefix))
                    if component is not None:
                        self.found.append(component)
                self.visit(stmt.body, qualname + ".")
            if not prefix:  # class bodies have their own namespace, which is not tracked
                self.bindings.bind(stmt)
            for block in executed_blocks(stmt):
                self.visit(block, prefix)

    def classify(self, decorator: ast.expr, qualname: str, nested: bool) -> Component | None:
        call = decorator if isinstance(decorator, ast.Call) else None
        spelling = dotted_name(call.func if call is not None else decorator)
        if spelling is None:
            return None
        resolved = self.bindings.resolve(spelling)
        if resolved in _SERVICE or spelling == "service":
            return Component(self.module, qualname, "service", f"{self.module}.{qualname}", qualname.split(".")[-1])
        is_adapter = resolved in _ADAPTER_FOR or spelling == "adapter.for_" or spelling.endswith(".adapter.for_")
        if call is None or not is_adapter:
            return None  # ``@adapter.for_`` without a port fails at import
        port = call.args[0] if call.args else next((kw.value for kw in call.keywords if kw.arg == "port"), None)
        port_spelling = dotted_name(port) if port is not None else None
        if port_spelling is None:
            return Component(self.module, qualname, "adapter", None, None)
        # Inside a class body the name may be bound by that body: only the bare name is trusted.
        provides = None if nested else self.bindings.resolve(port_spelling)
        return Component(self.module, qualname, "adapter", provides, (provides or port_spelling).split(".")[-1])
