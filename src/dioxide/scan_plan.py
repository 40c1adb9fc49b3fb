"""Preview what ``scan(package=...)`` would import and register, without importing anything.

``Container.scan_plan(package)`` answers "what will scanning this package cost me?" before any
module-level code runs: which modules an eager scan would import, and which classes carry
``@service`` or ``@adapter.for_(...)``. It reads source files only (see ``dioxide._source_files``
and ``dioxide._source_summary``).

Decisions, relative to dioxide 2.1:

* ``modules`` lists what an eager ``scan()`` imports *after* the package itself, in the same
  (``pkgutil.walk_packages``) order: every sub-package by its dotted name and every module, but
  not the package being planned. A package's own ``__init__.py`` is therefore not an entry of
  its own, exactly as in 2.1. For a plain module (no ``__path__``) the plan lists that module.
* Decorated classes *inside* ``__init__.py`` files (the package's and its sub-packages') are
  reported, with the package as their module. 2.1 skipped those files entirely, so components
  declared there were missing from the plan although ``scan()`` registers them.
* Decorator aliases are recognised (``from dioxide import service as svc``, ``import dioxide`` +
  ``@dioxide.adapter.for_``...), on top of 2.1's literal ``@service``, ``@service(...)``,
  ``@adapter.for_(...)`` and ``@x.adapter.for_(...)`` spellings.
* A module that does not parse is logged on the ``dioxide`` logger and left out of the plan, as
  ``scan()`` logs and skips a module that fails to import.
* ``class_name`` is the class's ``__qualname__`` (``Outer.Inner`` for a nested class).
"""

from __future__ import annotations

from dataclasses import dataclass

from dioxide._source_files import ModuleSource, locate_package, parse_module
from dioxide._source_summary import summarise_module

__all__ = ["AdapterInfo", "ScanPlan", "ServiceInfo", "build_scan_plan"]


@dataclass(frozen=True)
class ServiceInfo:
    """A class decorated with ``@service``, found by reading its module's source."""

    class_name: str
    module: str


@dataclass(frozen=True)
class AdapterInfo:
    """A class decorated with ``@adapter.for_(...)``, found by reading its module's source."""

    class_name: str
    module: str


@dataclass
class ScanPlan:
    """The modules a scan would import and the components it would find there."""

    modules: list[str]
    services: list[ServiceInfo]
    adapters: list[AdapterInfo]

    def __repr__(self) -> str:
        # Plans of real packages run to hundreds of entries; the summary is what a REPL needs.
        return f"ScanPlan(modules={len(self.modules)}, services={len(self.services)}, adapters={len(self.adapters)})"


def build_scan_plan(package_name: str) -> ScanPlan:
    """Plan a scan of ``package_name`` by reading its source files; nothing of the package is imported.

    Locating a dotted package imports its *parent* packages (``importlib.util.find_spec`` needs
    their ``__path__``), never the package itself or its modules.

    Raises ``ImportError("Package 'x' not found")`` for an unknown package.
    """
    layout = locate_package(package_name)
    plan = ScanPlan(modules=[], services=[], adapters=[])
    if layout.is_package:
        _add_components(plan, layout.root)
        for module in layout.submodules:
            if _add_components(plan, module):
                plan.modules.append(module.name)
    elif _add_components(plan, layout.root):
        plan.modules.append(layout.root.name)
    return plan


def _add_components(plan: ScanPlan, module: ModuleSource) -> bool:
    """Add ``module``'s decorated classes to ``plan``; ``False`` when its source does not parse.

    A module without Python source (an extension module) has nothing to read but is still
    imported by ``scan()``, so it counts as present.
    """
    if module.path is None:
        return True
    tree = parse_module(module)
    if tree is None:
        return False
    for found in summarise_module(tree, module.name, module.is_package).decorated:
        if found.kind == "service":
            plan.services.append(ServiceInfo(found.qualname, module.name))
        else:
            plan.adapters.append(AdapterInfo(found.qualname, module.name))
    return True
