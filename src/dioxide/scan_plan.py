"""Preview what ``scan(package=...)`` would import and register, without importing anything.

``Container.scan_plan(package)`` reads source files only (see ``dioxide._source``):

* ``modules`` lists what an eager ``scan()`` imports, in its order: the package itself first, then
  every sub-package and module (``pkgutil.walk_packages`` order), as in 2.1. A plain module is
  listed alone.
* A module that does not parse stays listed, since ``scan()`` would try to import it; the error is
  logged on the ``dioxide`` logger and no components are reported from it.
* Unlike 2.1, components declared in ``__init__.py`` files are reported (``scan()`` registers them),
  decorator aliases are recognised (``from dioxide import service as svc``, ``import dioxide`` +
  ``@dioxide.adapter.for_``), and ``class_name`` is the ``__qualname__`` (``Outer.Inner``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dioxide._source.components import read_package

__all__ = ["AdapterInfo", "ScanPlan", "ServiceInfo", "build_scan_plan"]


@dataclass(frozen=True)
class ServiceInfo:
    """A class decorated with ``@service``."""

    class_name: str
    module: str


@dataclass(frozen=True)
class AdapterInfo:
    """A class decorated with ``@adapter.for_(...)``."""

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
    """Plan a scan of ``package_name``; raises ``ImportError("Package 'x' not found")`` for an unknown one.

    Nothing of the package is imported; locating a dotted name imports its parent packages.
    """
    source = read_package(package_name)
    return ScanPlan(
        modules=source.modules,
        services=[ServiceInfo(c.qualname, c.module) for c in source.components if c.kind == "service"],
        adapters=[AdapterInfo(c.qualname, c.module) for c in source.components if c.kind == "adapter"],
    )
