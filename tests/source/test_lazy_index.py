"""The lazy-scan index: which modules to import for a type a resolution misses, read from source."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dioxide._source.lazy_index import LazyIndex, build_lazy_index

from .conftest import FIXTURES, imported_under, write_package

SHOP = "fixtures_scan.shop"
SHOP_REPO = "fixtures_scan.shop.ports.UserRepository"
BILLING_REPO = "fixtures_scan.shop.billing.ports.UserRepository"
INFRA = "fixtures_scan.layers.infra"


@pytest.fixture
def shop() -> LazyIndex:
    return build_lazy_index(SHOP)


def index_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, files: dict[str, str]) -> LazyIndex:
    write_package(tmp_path, monkeypatch, {f"{package}/{name}": source for name, source in files.items()})
    index = build_lazy_index(package)
    assert imported_under(package) == []
    return index


class DescribeBuildLazyIndex:
    def it_imports_nothing_of_the_package(self) -> None:
        index = build_lazy_index(SHOP)

        assert index.package == SHOP
        assert imported_under(SHOP) == []
        assert imported_under("fixtures_scan") == ["fixtures_scan"]  # the parent, for find_spec

    def it_logs_a_module_it_cannot_read(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            build_lazy_index(SHOP)

        broken = FIXTURES / "shop" / "broken.py"
        assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
            (
                "dioxide",
                logging.WARNING,
                f"Cannot read components of module 'fixtures_scan.shop.broken' ({broken}): "
                "syntax error at line 1: '(' was never closed",
            )
        ]

    def it_indexes_a_plain_module(self) -> None:
        index = build_lazy_index("fixtures_scan.plain_module")

        assert index.modules_for("fixtures_scan.plain_module.PlainService") == ["fixtures_scan.plain_module"]
        assert imported_under("fixtures_scan.plain_module") == []

    @pytest.mark.parametrize("name", ["no_such_package_dioxide", "fixtures_scan.missing", "no_such_parent.child", ""])
    def it_raises_import_error_for_an_unknown_package(self, name: str) -> None:
        with pytest.raises(ImportError) as raised:
            build_lazy_index(name)

        assert str(raised.value) == f"Package '{name}' not found"


class DescribeModulesFor:
    def it_finds_every_spelling_of_a_port_and_not_its_bare_name_twin(self, shop: LazyIndex) -> None:
        # memory: `from ..ports import`; reexport: through the package's `__init__`; sql: `import ... as p`;
        # dynamic: a port written as an expression (could be anything); legacy: a star import (bare name only).
        # billing.adapters is left out: its UserRepository is billing's, a different class.
        assert shop.modules_for(SHOP_REPO) == [
            "fixtures_scan.shop.adapters.memory",
            "fixtures_scan.shop.adapters.reexport",
            "fixtures_scan.shop.adapters.sql",
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.billing.legacy",
        ]

    def it_keeps_same_named_ports_apart(self, shop: LazyIndex) -> None:
        # memory and sql name shop's port; reexport's `fixtures_scan.shop.UserRepository` is a re-export by an
        # enclosing package, which the index does not follow, so it may be billing's: kept, to be safe.
        assert shop.modules_for(BILLING_REPO) == [
            "fixtures_scan.shop.adapters.reexport",
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.billing.legacy",
        ]

    def it_resolves_ports_imported_as_a_module_and_ports_defined_in_the_same_module(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.ports.Mailer") == [
            "fixtures_scan.shop.adapters.email",
            "fixtures_scan.shop.billing.dynamic",
        ]
        assert shop.modules_for("fixtures_scan.shop.billing.adapters.AuditLog") == [
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
        ]

    def it_finds_components_declared_in_init_files(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.ports.Clock")[0] == "fixtures_scan.shop.adapters"
        assert shop.modules_for("fixtures_scan.shop.ShopSettings")[0] == "fixtures_scan.shop"

    def it_finds_services_by_their_own_qualified_name(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.services.Outer.Inner") == [
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.services",
        ]
        assert shop.modules_for("fixtures_scan.shop.other.UserService") == ["fixtures_scan.shop.billing.dynamic"]

    def it_ignores_what_does_not_exist_after_a_plain_import(self, shop: LazyIndex) -> None:
        for absent in ("NeverAtRuntime", "LocalOnly", "ScriptOnly", "Helper"):
            assert shop.modules_for(f"fixtures_scan.shop.services.{absent}") == ["fixtures_scan.shop.billing.dynamic"]


class DescribeModulesForPortsOutsideThePackage:
    """Hexagonal layout: the adapters package is indexed alone; its ports live elsewhere."""

    def it_matches_a_reexport_from_an_enclosing_package(self) -> None:
        infra = build_lazy_index(INFRA)

        # users.py imports `fixtures_scan.layers.domain.Repository`, the package's re-export of ports.Repository.
        assert infra.modules_for("fixtures_scan.layers.domain.ports.Repository") == [f"{INFRA}.users"]
        # domain.Repository could be a re-export of domain.orders.Repository as well.
        assert infra.modules_for("fixtures_scan.layers.domain.orders.Repository") == [
            f"{INFRA}.orders",
            f"{INFRA}.users",
        ]
        assert imported_under("fixtures_scan.layers.domain") == []

    def it_returns_nothing_when_no_module_can_provide_the_type(self) -> None:
        infra = build_lazy_index(INFRA)

        assert infra.modules_for("elsewhere.Repository") == []
        assert infra.modules_for("fixtures_scan.layers.domain.ports.Unknown") == []


class DescribeSpellings:
    def it_resolves_decorator_and_port_aliases(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_alias",
            {
                "__init__.py": "",
                "ports.py": "class Port: ...\nclass Other: ...\n",
                "a.py": "import dioxide\nimport tmpscan_alias.ports\n"
                "@dioxide.adapter.for_(tmpscan_alias.ports.Port)\nclass A: ...\n",
                "b.py": "import dioxide as di\nfrom tmpscan_alias import ports as p\n"
                "@di.adapter.for_(port=p.Port)\nclass B: ...\n",
                "c.py": "from dioxide import adapter as a\nfrom tmpscan_alias.ports import Other as Port\n"
                "for_ = a.for_\n@for_(Port)\nclass C: ...\n",
                "d.py": "from dioxide import service as svc\nregister = svc\n"
                "@register\nclass D: ...\n@svc()\nclass E: ...\n",
                "e.py": "import dioxide.adapter\nfrom tmpscan_alias.ports import Port\n"
                "@dioxide.adapter.adapter.for_(Port)\nclass F: ...\n",
            },
        )

        assert index.modules_for("tmpscan_alias.ports.Port") == [
            "tmpscan_alias.a",
            "tmpscan_alias.b",
            "tmpscan_alias.e",
        ]
        assert index.modules_for("tmpscan_alias.ports.Other") == ["tmpscan_alias.c"]
        assert index.modules_for("tmpscan_alias.d.D") == ["tmpscan_alias.d"]
        assert index.modules_for("tmpscan_alias.d.E") == ["tmpscan_alias.d"]

    def it_resolves_relative_imports_at_every_depth(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_rel",
            {
                "__init__.py": "from .core.ports import Port\nfrom dioxide import adapter\n"
                "@adapter.for_(Port)\nclass InInit: ...\n",
                "core/__init__.py": "",
                "core/ports.py": "class Port: ...\n",
                "core/deep/__init__.py": "from .. import ports\nfrom dioxide import adapter\n"
                "@adapter.for_(ports.Port)\nclass InSubInit: ...\n",
                "core/deep/mod.py": "from ...core.ports import Port\nfrom dioxide import adapter\n"
                "@adapter.for_(Port)\nclass Three: ...\n",
                "core/deep/wrong.py": "from .ports import Port\n"
                "from dioxide import adapter\n@adapter.for_(Port)\nclass ElsewhereNamedPort: ...\n",
                "core/deep/escape.py": "from ....outside import Port\nfrom dioxide import adapter\n"
                "@adapter.for_(Port)\nclass TooHigh: ...\n",
            },
        )

        # wrong.py's Port is `tmpscan_rel.core.deep.ports.Port`: not this one. escape.py's climbs above the
        # top-level package: unknown, so matched by its bare name.
        assert index.modules_for("tmpscan_rel.core.ports.Port") == [
            "tmpscan_rel",
            "tmpscan_rel.core.deep",
            "tmpscan_rel.core.deep.escape",
            "tmpscan_rel.core.deep.mod",
        ]

    def it_matches_ports_it_cannot_name_by_their_bare_name(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_bare",
            {
                "__init__.py": "",
                "ports.py": "class Port: ...\n",
                "nested.py": "from dioxide import adapter\nfrom tmpscan_bare.ports import Port\n"
                "class Outer:\n    class Port: ...\n    @adapter.for_(Port)\n    class Inner: ...\n",
                "other.py": "from dioxide import adapter\nfrom elsewhere import Thing\n"
                "@adapter.for_(Thing)\nclass Unrelated: ...\n",
                "star.py": "from dioxide import *\nfrom tmpscan_bare.ports import *\n"
                "@adapter.for_(Port)\nclass S: ...\n",
            },
        )

        # nested.py: inside a class body `Port` may be the body's own class, so only the bare name is trusted.
        assert index.modules_for("tmpscan_bare.ports.Port") == ["tmpscan_bare.nested", "tmpscan_bare.star"]
        assert index.modules_for("tmpscan_bare.nested.Outer.Port") == ["tmpscan_bare.nested", "tmpscan_bare.star"]
