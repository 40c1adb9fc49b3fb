"""The lazy-scan index (``dioxide._lazy_index``): modules to import for a missing type, found statically."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dioxide._lazy_index import IndexEntry, LazyIndex, build_lazy_index
from dioxide._source_names import resolve_relative

TESTS_DIR = Path(__file__).parent
SHOP = "fixtures_scan.shop"
LAYERS = "fixtures_scan.layers"
SHOP_REPO = "fixtures_scan.shop.ports.UserRepository"
BILLING_REPO = "fixtures_scan.shop.billing.ports.UserRepository"
ALL = frozenset({"*"})


@pytest.fixture(autouse=True)
def fixture_packages_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``fixtures_scan`` findable; forget any parent package ``find_spec`` had to import."""
    monkeypatch.syspath_prepend(str(TESTS_DIR))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("fixtures_scan", "tmpscan_")):
            del sys.modules[name]


@pytest.fixture(scope="module")
def shop() -> LazyIndex:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(TESTS_DIR))
        index = build_lazy_index(SHOP)
    sys.modules.pop("fixtures_scan", None)
    return index


def imported_under(package: str) -> list[str]:
    return sorted(name for name in sys.modules if name == package or name.startswith(package + "."))


def index_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, files: dict[str, str]) -> LazyIndex:
    for relative, content in files.items():
        path = tmp_path / package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    monkeypatch.syspath_prepend(str(tmp_path))
    index = build_lazy_index(package)
    assert imported_under(package) == []
    return index


def keys(index: LazyIndex) -> list[tuple[str, str | None, frozenset[str] | None]]:
    return [(e.class_name, e.key, e.profiles) for e in index.entries]


class DescribeBuildLazyIndex:
    def it_lists_every_module_with_the_package_first(self, shop: LazyIndex) -> None:
        assert shop.package == SHOP
        assert shop.all_modules == (
            "fixtures_scan.shop",
            "fixtures_scan.shop.adapters",
            "fixtures_scan.shop.adapters.email",
            "fixtures_scan.shop.adapters.memory",
            "fixtures_scan.shop.adapters.reexport",
            "fixtures_scan.shop.adapters.sql",
            "fixtures_scan.shop.billing",
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.billing.legacy",
            "fixtures_scan.shop.billing.ports",
            "fixtures_scan.shop.broken",
            "fixtures_scan.shop.ports",
            "fixtures_scan.shop.services",
        )
        assert shop.skipped_modules == ("fixtures_scan.shop.broken",)

    def it_records_every_decorated_class_with_its_fully_qualified_key(self, shop: LazyIndex) -> None:
        assert [dataclasses.astuple(e) for e in shop.entries] == [
            ("fixtures_scan.shop", "ShopSettings", "service",
             "fixtures_scan.shop.ShopSettings", "ShopSettings", True, ALL, 11),
            ("fixtures_scan.shop.adapters", "SystemClock", "adapter",
             "fixtures_scan.shop.ports.Clock", "Clock", True, ALL, 9),
            ("fixtures_scan.shop.adapters.email", "FakeMailer", "adapter",
             "fixtures_scan.shop.ports.Mailer", "Mailer", True, frozenset({"test"}), 14),
            ("fixtures_scan.shop.adapters.email", "SmtpMailer", "adapter",
             "fixtures_scan.shop.ports.Mailer", "Mailer", True, None, 20),
            ("fixtures_scan.shop.adapters.memory", "InMemoryUserRepository", "adapter",
             SHOP_REPO, "UserRepository", True, frozenset({"test"}), 9),
            ("fixtures_scan.shop.adapters.reexport", "CachedUserRepository", "adapter",
             SHOP_REPO, "UserRepository", True, frozenset({"custom"}), 8),
            ("fixtures_scan.shop.adapters.sql", "SqlUserRepository", "adapter",
             SHOP_REPO, "UserRepository", True, frozenset({"production", "staging"}), 8),
            ("fixtures_scan.shop.billing.adapters", "BillingUserRepository", "adapter",
             BILLING_REPO, "UserRepository", True, ALL, 17),
            ("fixtures_scan.shop.billing.adapters", "StdoutAuditLog", "adapter",
             "fixtures_scan.shop.billing.adapters.AuditLog", "AuditLog", True,
             frozenset({"development", "ci"}), 23),
            ("fixtures_scan.shop.billing.adapters", "BillingService", "service",
             "fixtures_scan.shop.billing.adapters.BillingService", "BillingService", True, ALL, 29),
            ("fixtures_scan.shop.billing.dynamic", "ViaModuleAlias", "adapter",
             BILLING_REPO, "UserRepository", True, frozenset({"development"}), 14),
            ("fixtures_scan.shop.billing.dynamic", "ViaPortExpression", "adapter",
             None, None, False, frozenset({"test"}), 26),
            ("fixtures_scan.shop.billing.dynamic", "ViaKeywordExpansion", "adapter",
             BILLING_REPO, "UserRepository", True, None, 32),
            ("fixtures_scan.shop.billing.legacy", "LegacyUserRepository", "adapter",
             None, "UserRepository", False, frozenset({"staging"}), 9),
            ("fixtures_scan.shop.services", "UserService", "service",
             "fixtures_scan.shop.services.UserService", "UserService", True, ALL, 15),
            ("fixtures_scan.shop.services", "ReportBuilder", "service",
             "fixtures_scan.shop.services.ReportBuilder", "ReportBuilder", True, ALL, 20),
            ("fixtures_scan.shop.services", "Outer.Inner", "service",
             "fixtures_scan.shop.services.Outer.Inner", "Inner", True, ALL, 30),
            ("fixtures_scan.shop.services", "InTryBlock", "service",
             "fixtures_scan.shop.services.InTryBlock", "InTryBlock", True, ALL, 37),
        ]  # fmt: skip

    def it_imports_nothing_of_the_package(self) -> None:
        build_lazy_index(SHOP)

        assert imported_under(SHOP) == []
        assert imported_under("fixtures_scan") == ["fixtures_scan"]  # the parent, for find_spec

    def it_logs_and_skips_a_module_with_a_syntax_error(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            build_lazy_index(SHOP)

        broken = TESTS_DIR / "fixtures_scan" / "shop" / "broken.py"
        assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
            (
                "dioxide",
                logging.WARNING,
                f"Skipping module 'fixtures_scan.shop.broken' ({broken}): syntax error at line 1: '(' was never closed",
            )
        ]

    def it_indexes_a_plain_module(self) -> None:
        index = build_lazy_index("fixtures_scan.plain_module")

        assert index.all_modules == ("fixtures_scan.plain_module",)
        assert keys(index) == [("PlainService", "fixtures_scan.plain_module.PlainService", ALL)]
        assert index.modules_for("fixtures_scan.plain_module.PlainService") == ["fixtures_scan.plain_module"]
        assert imported_under("fixtures_scan.plain_module") == []

    @pytest.mark.parametrize("name", ["no_such_package_dioxide", "fixtures_scan.missing"])
    def it_raises_import_error_for_an_unknown_package(self, name: str) -> None:
        with pytest.raises(ImportError) as raised:
            build_lazy_index(name)

        assert str(raised.value) == f"Package '{name}' not found"

    def it_is_immutable(self, shop: LazyIndex) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            shop.package = "other"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            shop.entries[0].key = "other"  # type: ignore[misc]


class DescribeModulesFor:
    def it_finds_every_spelling_of_a_port_and_not_its_bare_name_twin(self, shop: LazyIndex) -> None:
        # memory: `from ..ports import`; reexport: via the package's `__init__`; sql: `import ... as p`.
        # legacy: star import, only the bare name is known; dynamic: a port we cannot name.
        assert shop.modules_for(SHOP_REPO, "UserRepository") == [
            "fixtures_scan.shop.adapters.memory",
            "fixtures_scan.shop.adapters.reexport",
            "fixtures_scan.shop.adapters.sql",
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.billing.legacy",
        ]

    def it_keeps_same_named_ports_apart(self, shop: LazyIndex) -> None:
        assert shop.modules_for(BILLING_REPO, "UserRepository") == [
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
            "fixtures_scan.shop.billing.legacy",
        ]

    def it_derives_the_bare_name_from_the_qualified_one(self, shop: LazyIndex) -> None:
        assert shop.modules_for(SHOP_REPO) == shop.modules_for(SHOP_REPO, "UserRepository")

    def it_resolves_ports_imported_through_a_parent_relative_module_import(self, shop: LazyIndex) -> None:
        assert [e.class_name for e in shop.entries_for("fixtures_scan.shop.ports.Mailer")] == [
            "FakeMailer",
            "SmtpMailer",
            "ViaPortExpression",
        ]

    def it_resolves_ports_defined_in_the_same_module(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.billing.adapters.AuditLog") == [
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
        ]

    def it_finds_components_declared_in_init_files(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.ports.Clock")[0] == "fixtures_scan.shop.adapters"
        assert shop.modules_for("fixtures_scan.shop.ShopSettings")[0] == "fixtures_scan.shop"

    def it_finds_services_by_their_own_qualified_name(self, shop: LazyIndex) -> None:
        entries = shop.entries_for("fixtures_scan.shop.services.Outer.Inner")
        assert [(e.module, e.class_name) for e in entries] == [
            ("fixtures_scan.shop.billing.dynamic", "ViaPortExpression"),
            ("fixtures_scan.shop.services", "Outer.Inner"),
        ]

    def it_does_not_match_a_service_of_the_same_name_in_another_module(self, shop: LazyIndex) -> None:
        assert shop.modules_for("fixtures_scan.shop.other.UserService", "UserService") == [
            "fixtures_scan.shop.billing.dynamic"
        ]

    def it_filters_by_literal_profile_keeping_run_time_ones(self, shop: LazyIndex) -> None:
        assert shop.modules_for(SHOP_REPO, profile="test") == [
            "fixtures_scan.shop.adapters.memory",
            "fixtures_scan.shop.billing.dynamic",
        ]
        assert shop.modules_for(SHOP_REPO, profile="STAGING") == [
            "fixtures_scan.shop.adapters.sql",
            "fixtures_scan.shop.billing.legacy",
        ]
        assert shop.modules_for(SHOP_REPO, profile="custom") == ["fixtures_scan.shop.adapters.reexport"]
        assert [e.class_name for e in shop.entries_for("fixtures_scan.shop.ports.Mailer", profile="ci")] == [
            "SmtpMailer"
        ]

    def it_keeps_components_declared_for_all_profiles_under_every_profile(self, shop: LazyIndex) -> None:
        assert shop.modules_for(BILLING_REPO, profile="production") == [
            "fixtures_scan.shop.billing.adapters",
            "fixtures_scan.shop.billing.dynamic",
        ]
        assert [e.class_name for e in shop.entries_for(BILLING_REPO, profile="production")] == [
            "BillingUserRepository",
            "ViaKeywordExpansion",
        ]


class DescribeModulesForPortsOutsideThePackage:
    """Hexagonal layout: the adapters package is indexed alone; its ports live elsewhere."""

    @pytest.fixture
    def infra(self) -> LazyIndex:
        return build_lazy_index(f"{LAYERS}.infra")

    def it_keeps_keys_pointing_outside_the_package_as_written(self, infra: LazyIndex) -> None:
        assert [(e.class_name, e.key, e.definitive) for e in infra.entries] == [
            ("OrderStore", "fixtures_scan.layers.domain.orders.Repository", False),
            ("UserStore", "fixtures_scan.layers.domain.Repository", False),
        ]
        assert imported_under(f"{LAYERS}.infra") == []
        assert imported_under(f"{LAYERS}.domain") == []

    def it_matches_a_reexport_from_an_enclosing_package(self, infra: LazyIndex) -> None:
        assert infra.modules_for("fixtures_scan.layers.domain.ports.Repository") == ["fixtures_scan.layers.infra.users"]

    def it_includes_enclosing_package_reexports_conservatively(self, infra: LazyIndex) -> None:
        # `domain.Repository` could be a re-export of `domain.orders.Repository` too.
        assert infra.modules_for("fixtures_scan.layers.domain.orders.Repository") == [
            "fixtures_scan.layers.infra.orders",
            "fixtures_scan.layers.infra.users",
        ]

    def it_returns_nothing_when_no_module_can_provide_the_type(self, infra: LazyIndex) -> None:
        assert infra.modules_for("elsewhere.Repository") == []
        assert infra.modules_for("fixtures_scan.layers.domain.ports.Unknown") == []


class DescribeAliasResolution:
    def it_resolves_decorator_and_port_aliases(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_alias",
            {
                "__init__.py": "",
                "ports.py": "class Port: ...\nclass Other: ...\n",
                "impl.py": (
                    "import dioxide\n"
                    "import dioxide as di\n"
                    "import tmpscan_alias.ports\n"
                    "from dioxide import adapter as a, service as svc, Profile as P\n"
                    "from tmpscan_alias import ports as p\n"
                    "Alias = p.Other\n"
                    "register = svc\n"
                    "@dioxide.adapter.for_(tmpscan_alias.ports.Port, profile=dioxide.Profile.TEST)\n"
                    "class A: ...\n"
                    "@di.adapter.for_(port=p.Port, profile=[P.PRODUCTION, P('Edge')])\n"
                    "class B: ...\n"
                    "@a.for_(Alias, profile=P.ALL)\n"
                    "class C: ...\n"
                    "@register\n"
                    "class D: ...\n"
                    "@svc()\n"
                    "class E: ...\n"
                ),
            },
        )

        assert keys(index) == [
            ("A", "tmpscan_alias.ports.Port", frozenset({"test"})),
            ("B", "tmpscan_alias.ports.Port", frozenset({"production", "edge"})),
            ("C", "tmpscan_alias.ports.Other", ALL),
            ("D", "tmpscan_alias.impl.D", ALL),
            ("E", "tmpscan_alias.impl.E", ALL),
        ]
        assert all(e.definitive for e in index.entries)

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
                "core/deep/mod.py": "from ...core.ports import Port\nfrom ..ports import Port as P2\n"
                "from dioxide import adapter\n"
                "@adapter.for_(Port)\nclass Three: ...\n@adapter.for_(P2)\nclass Two: ...\n",
                "core/deep/escape.py": "from ....outside import Port\nfrom dioxide import adapter\n"
                "@adapter.for_(Port)\nclass TooHigh: ...\n",
            },
        )

        assert [(e.class_name, e.key, e.bare_name) for e in index.entries] == [
            ("InInit", "tmpscan_rel.core.ports.Port", "Port"),
            ("InSubInit", "tmpscan_rel.core.ports.Port", "Port"),
            ("TooHigh", None, "Port"),
            ("Three", "tmpscan_rel.core.ports.Port", "Port"),
            ("Two", "tmpscan_rel.core.ports.Port", "Port"),
        ]
        assert index.modules_for("tmpscan_rel.core.ports.Port") == [
            "tmpscan_rel",
            "tmpscan_rel.core.deep",
            "tmpscan_rel.core.deep.escape",
            "tmpscan_rel.core.deep.mod",
        ]

    def it_follows_chains_of_reexports_inside_the_package(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_chain",
            {
                "__init__.py": "from .api import Port\n",
                "api.py": "from .domain import Port\n",
                "domain/__init__.py": "from .model import Port as Port\n",
                "domain/model.py": "class Port: ...\n",
                "renamed.py": "from .domain.model import Port as DomainPort\n",
                "loop_a.py": "from .loop_b import Ghost\n",
                "loop_b.py": "from .loop_a import Ghost\n",
                "impl.py": "from dioxide import adapter\nimport tmpscan_chain\n"
                "from . import loop_a, renamed\n"
                "from external.ports import Real as Alias\n"
                "@adapter.for_(tmpscan_chain.Port)\nclass Impl: ...\n"
                "@adapter.for_(renamed.DomainPort)\nclass ViaRename: ...\n"
                "@adapter.for_(loop_a.Ghost)\nclass Haunted: ...\n"
                "@adapter.for_(Alias)\nclass External: ...\n",
            },
        )

        assert [(e.class_name, e.key, e.bare_name, e.definitive) for e in index.entries] == [
            ("Impl", "tmpscan_chain.domain.model.Port", "Port", True),
            ("ViaRename", "tmpscan_chain.domain.model.Port", "Port", True),
            ("Haunted", "tmpscan_chain.loop_a.Ghost", "Ghost", False),
            ("External", "external.ports.Real", "Real", False),
        ]
        assert index.modules_for("tmpscan_chain.domain.model.Port") == ["tmpscan_chain.impl"]
        assert index.modules_for("external.ports.real_impl.Real") == ["tmpscan_chain.impl"]
        assert index.modules_for("tmpscan_chain.domain.model.Ghost") == []

    def it_resolves_names_bound_in_an_enclosing_class_body(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_nested",
            {
                "__init__.py": "",
                "mod.py": "from dioxide import adapter\nclass Port: ...\n"
                "class Outer:\n"
                "    class Port: ...\n"
                "    Alias = Port\n"
                "    @adapter.for_(Alias)\n"
                "    class Inner: ...\n"
                "@adapter.for_(Port)\nclass Top: ...\n",
            },
        )

        assert [(e.class_name, e.key, e.definitive) for e in index.entries] == [
            ("Outer.Inner", "tmpscan_nested.mod.Outer.Port", True),
            ("Top", "tmpscan_nested.mod.Port", True),
        ]

    def it_records_run_time_profiles_as_unknown(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        index = index_of(
            tmp_path,
            monkeypatch,
            "tmpscan_prof",
            {
                "__init__.py": "",
                "mod.py": "from dioxide import adapter, Profile\nimport os\nclass Port: ...\n"
                "ENV = os.environ.get('ENV', 'test')\n"
                "@adapter.for_(Port, profile=ENV)\nclass Variable: ...\n"
                "@adapter.for_(Port, profile=[Profile.TEST, ENV])\nclass MixedList: ...\n"
                "@adapter.for_(Port, profile=f'{ENV}')\nclass FString: ...\n"
                "@adapter.for_(Port, profile=Profile.UNKNOWN_CONSTANT)\nclass NoSuchConstant: ...\n"
                "@adapter.for_(Port, profile=Profile(ENV))\nclass ComputedCustom: ...\n"
                "@adapter.for_(Port, profile=[])\nclass Nowhere: ...\n"
                "@adapter.for_(Port, profile={'CI', 'ci'})\nclass CaseCollapsed: ...\n",
            },
        )

        assert [(e.class_name, e.profiles) for e in index.entries] == [
            ("Variable", None),
            ("MixedList", None),
            ("FString", None),
            ("NoSuchConstant", None),
            ("ComputedCustom", None),
            ("Nowhere", frozenset()),
            ("CaseCollapsed", frozenset({"ci"})),
        ]
        assert [e.class_name for e in index.entries_for("tmpscan_prof.mod.Port", profile="test")] == [
            "Variable",
            "MixedList",
            "FString",
            "NoSuchConstant",
            "ComputedCustom",
        ]


class DescribeRelativeImportResolution:
    @pytest.mark.parametrize(
        ("module", "is_package", "level", "target", "expected"),
        [
            ("pkg.mod", False, 0, "os.path", "os.path"),
            ("pkg.mod", False, 1, "ports", "pkg.ports"),
            ("pkg.mod", False, 1, None, "pkg"),
            ("pkg.sub", True, 1, "ports", "pkg.sub.ports"),
            ("pkg.sub", True, 2, None, "pkg"),
            ("pkg.sub.mod", False, 2, "ports", "pkg.ports"),
            ("pkg.mod", False, 2, "ports", None),
            ("pkg", True, 2, "x", None),
            ("", False, 1, "x", None),
        ],
    )
    def it_anchors_relative_imports_at_the_right_package(
        self, module: str, is_package: bool, level: int, target: str | None, expected: str | None
    ) -> None:
        assert resolve_relative(module, is_package, level, target) == expected


def test_index_entry_is_a_frozen_value_object() -> None:
    entry = IndexEntry("m", "C", "service", "m.C", "C", True, ALL, 1)

    assert entry == IndexEntry(
        module="m",
        class_name="C",
        kind="service",
        key="m.C",
        bare_name="C",
        definitive=True,
        profiles=ALL,
        line=1,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.line = 2  # type: ignore[misc]
