"""The index behind ``scan(package=..., lazy=True)``: which module to import for a missing type.

A lazy scan imports nothing up front. It reads the package's source once (see
``dioxide._source_summary``) and records, for every ``@adapter.for_(Port, ...)`` and ``@service``
class, the module that declares it. When ``resolve(T)`` misses, the container asks
:meth:`LazyIndex.modules_for` which modules to import and scan for ``T``.

Keys are fully qualified names, which fixes 2.1's bare-name keys (two ``UserRepository`` ports
in different modules used to collide). A port's name is resolved through the declaring module's
own imports and simple aliases:

* ``from pkg.ports import UserRepository`` + ``@adapter.for_(UserRepository)``
* ``from . import ports`` / ``from .. import ports`` + ``@adapter.for_(ports.UserRepository)``
* ``import pkg.ports as p`` + ``@adapter.for_(p.UserRepository)``
* a port class defined in the same module → ``module.ClassName``

and then, when it lands on a module of the indexed package that merely re-exports the name
(``pkg/__init__.py`` doing ``from .ports import UserRepository``), followed to the defining module.
A service is keyed by its own ``module.QualName``. Decorators are recognised through aliases too
(``from dioxide import adapter as a``, ``import dioxide`` + ``@dioxide.adapter.for_``,
``from dioxide import service as svc``).

What a static read cannot see: decorators applied dynamically (``deco = adapter.for_(Port)`` then
``@deco``, ``adapter.for_(Port)(Impl)``, ``service(cls)`` in a loop), classes created inside
functions, ports passed as expressions other than a name (``@adapter.for_(ports_by_name["x"])``),
and re-exports through modules outside the indexed package. For those cases
:meth:`LazyIndex.modules_for` may return nothing, or modules whose import does not make the type
resolvable; the caller must then fall back to importing every module of the package
(:attr:`LazyIndex.all_modules`), which is what an eager scan does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dioxide._source_files import locate_package, parse_module
from dioxide._source_summary import ComponentKind, ModuleSummary, summarise_module

__all__ = ["IndexEntry", "LazyIndex", "build_lazy_index"]

_MAX_REEXPORT_HOPS = 16


@dataclass(frozen=True)
class IndexEntry:
    """One decorated class, keyed by what it provides.

    ``key`` is the fully qualified name of the port (adapters) or of the class itself (services);
    ``None`` when the port's spelling could not be resolved through imports (a star import, for
    instance), in which case only ``bare_name`` is known. ``bare_name`` is ``None`` when the port
    is not written as a name at all. ``definitive`` is true when ``key`` was traced to a class
    defined in the indexed package, which proves which class it is. ``profiles`` holds the
    lower-cased literal profiles (``'*'`` for ``Profile.ALL``), or ``None`` when they are computed
    at run time, which means "any profile".
    """

    module: str
    class_name: str
    kind: ComponentKind
    key: str | None
    bare_name: str | None
    definitive: bool
    profiles: frozenset[str] | None
    line: int


@dataclass(frozen=True)
class LazyIndex:
    """Where the components of one package are declared, read from source.

    ``all_modules`` lists every module of the package, the package itself first, in the order an
    eager scan imports them (modules that do not parse are included: importing them is what
    reports the error). ``skipped_modules`` are the ones whose source could not be read.
    """

    package: str
    all_modules: tuple[str, ...]
    entries: tuple[IndexEntry, ...]
    skipped_modules: tuple[str, ...] = ()
    _by_key: Mapping[str, tuple[IndexEntry, ...]] = field(init=False, repr=False, compare=False)
    _by_bare_name: Mapping[str, tuple[IndexEntry, ...]] = field(init=False, repr=False, compare=False)
    _unkeyed: tuple[IndexEntry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, list[IndexEntry]] = {}
        by_bare: dict[str, list[IndexEntry]] = {}
        for entry in self.entries:
            if entry.key is not None:
                by_key.setdefault(entry.key, []).append(entry)
            if entry.bare_name is not None:
                by_bare.setdefault(entry.bare_name, []).append(entry)
        object.__setattr__(self, "_by_key", {k: tuple(v) for k, v in by_key.items()})
        object.__setattr__(self, "_by_bare_name", {k: tuple(v) for k, v in by_bare.items()})
        object.__setattr__(self, "_unkeyed", tuple(e for e in self.entries if e.bare_name is None))

    def entries_for(
        self, qualified_name: str, bare_name: str | None = None, *, profile: str | None = None
    ) -> list[IndexEntry]:
        """The entries that may provide the type ``qualified_name`` (``f"{T.__module__}.{T.__qualname__}"``).

        Included, in package order:

        * entries keyed exactly by ``qualified_name``;
        * entries with the same bare name whose key was not traced to a class of this package and
          could still be the same class: unresolved spellings (key ``None``), and keys naming an
          enclosing package of the type's module (``pkg.ports.Repo`` for ``pkg.ports.sql.Repo``,
          the usual re-export). A key traced to a different class of the package is excluded:
          that is the collision 2.1 suffered from;
        * adapters whose port is not written as a name: they could be for anything.

        With ``profile``, entries whose literal profiles contain neither it nor ``'*'`` are
        dropped (the §2.3 matching rule); entries with run-time profiles are kept.
        """
        bare = bare_name if bare_name is not None else qualified_name.rpartition(".")[2]
        wanted: set[int] = {id(e) for e in self._by_key.get(qualified_name, ())}
        for entry in self._by_bare_name.get(bare, ()):
            if entry.definitive or id(entry) in wanted:
                continue
            if entry.key is None or _may_reexport(entry.key, qualified_name):
                wanted.add(id(entry))
        wanted.update(id(e) for e in self._unkeyed)
        active = profile.lower() if profile is not None else None
        return [
            entry
            for entry in self.entries
            if id(entry) in wanted and (active is None or _profile_matches(entry.profiles, active))
        ]

    def modules_for(
        self, qualified_name: str, bare_name: str | None = None, *, profile: str | None = None
    ) -> list[str]:
        """The modules to import (each once, in package order) so that ``qualified_name`` gets registered.

        An empty list, or modules whose import still leaves the type unresolvable, means the
        static read could not tell: import :attr:`all_modules` instead.
        """
        modules: list[str] = []
        for entry in self.entries_for(qualified_name, bare_name, profile=profile):
            if entry.module not in modules:
                modules.append(entry.module)
        return modules


def build_lazy_index(package_name: str) -> LazyIndex:
    """Index the components of ``package_name`` by reading its source; nothing of it is imported.

    Locating a dotted package imports its *parent* packages (``importlib.util.find_spec`` needs
    their ``__path__``), never the package itself or its modules. Modules that do not parse are
    logged on the ``dioxide`` logger and contribute no entries.

    Raises ``ImportError("Package 'x' not found")`` for an unknown package.
    """
    layout = locate_package(package_name)
    summaries: dict[str, ModuleSummary] = {}
    skipped: list[str] = []
    for module in layout.all_modules:
        if module.path is None:
            continue
        tree = parse_module(module)
        if tree is None:
            skipped.append(module.name)
            continue
        summaries[module.name] = summarise_module(tree, module.name, module.is_package)

    entries: list[IndexEntry] = []
    for summary in summaries.values():
        for found in summary.decorated:
            if found.kind == "service":
                key: str | None = f"{summary.name}.{found.qualname}"
                bare: str | None = found.qualname.rpartition(".")[2]
                definitive = True
            elif found.port is None:
                key, bare, definitive = None, None, False
            else:
                bare = found.port.bare_name
                key, definitive = (None, False)
                if found.port.qualified is not None:
                    key, definitive = _canonical(found.port.qualified, summaries)
                    bare = key.rpartition(".")[2]  # re-exports may have renamed it on the way
            entries.append(
                IndexEntry(
                    module=summary.name,
                    class_name=found.qualname,
                    kind=found.kind,
                    key=key,
                    bare_name=bare,
                    definitive=definitive,
                    profiles=found.profiles,
                    line=found.line,
                )
            )
    return LazyIndex(
        package=package_name,
        all_modules=tuple(module.name for module in layout.all_modules),
        entries=tuple(entries),
        skipped_modules=tuple(skipped),
    )


def _canonical(qualified: str, summaries: Mapping[str, ModuleSummary]) -> tuple[str, bool]:
    """Follow re-exports inside the indexed package to the module defining the class.

    Returns the name reached and whether it is a class defined in the package. A name leaving
    the package is returned as is, since following it would mean reading (or importing) code the
    user did not ask us to scan.
    """
    seen: set[str] = set()
    while qualified not in seen and len(seen) < _MAX_REEXPORT_HOPS:
        seen.add(qualified)
        module, rest = _split_module(qualified, summaries)
        if module is None or not rest:
            return qualified, False
        summary = summaries[module]
        if rest in summary.classes:
            return qualified, True
        head, _, tail = rest.partition(".")
        target = summary.exports.get(head)
        if target is None:
            return qualified, False
        qualified = f"{target}.{tail}" if tail else target
    return qualified, False


def _split_module(qualified: str, summaries: Mapping[str, ModuleSummary]) -> tuple[str | None, str]:
    """Split ``a.b.C.D`` into the longest module prefix known to the index and the rest."""
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module in summaries:
            return module, ".".join(parts[cut:])
    return None, qualified


def _may_reexport(key: str, qualified_name: str) -> bool:
    """Whether ``key`` could name ``qualified_name`` through an enclosing package's re-export."""
    key_module = key.rpartition(".")[0]
    return bool(key_module) and key != qualified_name and qualified_name.startswith(key_module + ".")


def _profile_matches(profiles: frozenset[str] | None, active: str) -> bool:
    return profiles is None or active in profiles or "*" in profiles
