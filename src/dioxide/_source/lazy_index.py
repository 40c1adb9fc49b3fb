"""The index behind ``scan(package=..., lazy=True)``: which modules to import for a type a resolution misses.

Built from source, so a lazy scan imports nothing up front. Keys are fully qualified names, which
fixes 2.1's bare-name keys (two ``UserRepository`` ports in different modules used to collide); a
port's name is resolved through the declaring module's imports and ``import ... as`` aliases.

The answer may be wider than needed, never narrower where the source can tell: a port spelled
through an enclosing package's re-export (``from pkg import Port`` for ``pkg.ports.Port``), from a
star import, or as an expression matches conservatively. What a static read cannot see (dynamic
decoration, re-exports through other modules) yields no module, or one that does not register the
type; the container then imports the whole package, as an eager scan would.
"""

from __future__ import annotations

from dataclasses import dataclass

from dioxide._source.components import Component, read_package


@dataclass(frozen=True)
class LazyIndex:
    """Where the components of one package are declared."""

    package: str
    components: tuple[Component, ...]

    def modules_for(self, qualified_name: str) -> list[str]:
        """The modules, in package order and each once, that declare a component which may provide
        the class ``qualified_name`` (``f"{cls.__module__}.{cls.__qualname__}"``); ``[]`` when none can."""
        name = qualified_name.rpartition(".")[2]
        modules = (c.module for c in self.components if _may_provide(c, qualified_name, name))
        return list(dict.fromkeys(modules))


def build_lazy_index(package: str) -> LazyIndex:
    """Index ``package`` from its source; raises ``ImportError("Package 'x' not found")`` for an unknown one."""
    return LazyIndex(package, tuple(read_package(package).components))


def _may_provide(component: Component, qualified_name: str, name: str) -> bool:
    if component.provides_name is None:
        return True  # the port is an expression: it could be anything
    if component.provides_name != name:
        return False
    if component.provides is None or component.provides == qualified_name:
        return True
    # Spelled through an enclosing package that re-exports it: ``pkg.Port`` for ``pkg.ports.Port``.
    return qualified_name.startswith(component.provides.rpartition(".")[0] + ".")
