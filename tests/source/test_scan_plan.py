"""``build_scan_plan``: what a scan would import and register, read from source without importing."""

from __future__ import annotations

import dataclasses
import importlib.machinery
import logging
from pathlib import Path

import pytest

from dioxide.scan_plan import AdapterInfo, ScanPlan, ServiceInfo, build_scan_plan

from .conftest import FIXTURES, imported_under, write_package

SHOP = "fixtures_scan.shop"
BROKEN = FIXTURES / "shop" / "broken.py"


class DescribeScanPlan:
    def it_summarises_itself_in_its_repr(self) -> None:
        plan = ScanPlan(
            modules=["a", "b"],
            services=[ServiceInfo("S", "a")],
            adapters=[AdapterInfo("A", "a"), AdapterInfo("B", "b"), AdapterInfo("C", "b")],
        )

        assert repr(plan) == "ScanPlan(modules=2, services=1, adapters=3)"

    def it_compares_by_value(self) -> None:
        assert ScanPlan(["a"], [ServiceInfo("S", "a")], []) == ScanPlan(["a"], [ServiceInfo("S", "a")], [])

    def it_has_frozen_info_records(self) -> None:
        info = ServiceInfo(class_name="S", module="a")
        adapter_info = AdapterInfo(class_name="A", module="a")

        with pytest.raises(dataclasses.FrozenInstanceError):
            info.class_name = "T"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            adapter_info.module = "b"  # type: ignore[misc]
        assert (info.class_name, info.module) == ("S", "a")
        assert (adapter_info.class_name, adapter_info.module) == ("A", "a")


class DescribeBuildScanPlanForAPackage:
    @pytest.fixture
    def plan(self) -> ScanPlan:
        return build_scan_plan(SHOP)

    def it_lists_the_package_then_its_modules_in_import_order_including_unparsable_ones(self, plan: ScanPlan) -> None:
        assert plan.modules == [
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
        ]

    def it_leaves_out_non_python_files_and_directories_without_init(self, plan: ScanPlan) -> None:
        assert not [m for m in plan.modules if "notes" in m or "data" in m or "loose" in m]

    def it_finds_services_in_all_supported_spellings_including_init_files(self, plan: ScanPlan) -> None:
        assert plan.services == [
            ServiceInfo("ShopSettings", "fixtures_scan.shop"),
            ServiceInfo("BillingService", "fixtures_scan.shop.billing.adapters"),
            ServiceInfo("UserService", "fixtures_scan.shop.services"),
            ServiceInfo("ReportBuilder", "fixtures_scan.shop.services"),
            ServiceInfo("Outer.Inner", "fixtures_scan.shop.services"),
            ServiceInfo("InTryBlock", "fixtures_scan.shop.services"),
        ]

    def it_finds_adapters_in_all_supported_spellings_including_init_files(self, plan: ScanPlan) -> None:
        assert plan.adapters == [
            AdapterInfo("SystemClock", "fixtures_scan.shop.adapters"),
            AdapterInfo("FakeMailer", "fixtures_scan.shop.adapters.email"),
            AdapterInfo("SmtpMailer", "fixtures_scan.shop.adapters.email"),
            AdapterInfo("InMemoryUserRepository", "fixtures_scan.shop.adapters.memory"),
            AdapterInfo("CachedUserRepository", "fixtures_scan.shop.adapters.reexport"),
            AdapterInfo("SqlUserRepository", "fixtures_scan.shop.adapters.sql"),
            AdapterInfo("BillingUserRepository", "fixtures_scan.shop.billing.adapters"),
            AdapterInfo("StdoutAuditLog", "fixtures_scan.shop.billing.adapters"),
            AdapterInfo("ViaModuleAlias", "fixtures_scan.shop.billing.dynamic"),
            AdapterInfo("ViaPortExpression", "fixtures_scan.shop.billing.dynamic"),
            AdapterInfo("ViaKeywordExpansion", "fixtures_scan.shop.billing.dynamic"),
            AdapterInfo("LegacyUserRepository", "fixtures_scan.shop.billing.legacy"),
        ]

    def it_does_not_report_classes_that_do_not_exist_after_a_plain_import(self, plan: ScanPlan) -> None:
        names = {info.class_name for info in [*plan.services, *plan.adapters]}

        for absent in ("NeverAtRuntime", "LocalOnly", "ScriptOnly", "Helper", "NotWalked"):
            assert absent not in names
        assert "ViaDecoratorVariable" not in names  # a dynamic decorator is invisible to a static read

    def it_summarises_the_fixture_package(self, plan: ScanPlan) -> None:
        assert repr(plan) == "ScanPlan(modules=14, services=6, adapters=12)"

    def it_imports_nothing_of_the_package(self) -> None:
        build_scan_plan(SHOP)

        assert imported_under(SHOP) == []
        assert imported_under("fixtures_scan") == ["fixtures_scan"]  # the parent, for find_spec

    def it_logs_a_module_with_a_syntax_error_and_reports_no_components_from_it(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="dioxide"):
            plan = build_scan_plan(SHOP)

        assert "fixtures_scan.shop.broken" in plan.modules
        assert [info for info in [*plan.services, *plan.adapters] if info.module == "fixtures_scan.shop.broken"] == []
        assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
            (
                "dioxide",
                logging.WARNING,
                f"Cannot read components of module 'fixtures_scan.shop.broken' ({BROKEN}): "
                "syntax error at line 1: '(' was never closed",
            )
        ]


class DescribeBuildScanPlanForOtherTargets:
    def it_plans_a_subpackage_importing_only_its_parents(self) -> None:
        plan = build_scan_plan("fixtures_scan.layers.infra")

        assert plan.modules == [
            "fixtures_scan.layers.infra",
            "fixtures_scan.layers.infra.orders",
            "fixtures_scan.layers.infra.users",
        ]
        assert plan.services == []
        assert plan.adapters == [
            AdapterInfo("OrderStore", "fixtures_scan.layers.infra.orders"),
            AdapterInfo("UserStore", "fixtures_scan.layers.infra.users"),
        ]
        assert imported_under("fixtures_scan.layers.infra") == []
        assert imported_under("fixtures_scan") == ["fixtures_scan", "fixtures_scan.layers"]

    def it_plans_a_plain_module_as_a_single_module(self) -> None:
        plan = build_scan_plan("fixtures_scan.plain_module")

        assert plan == ScanPlan(
            modules=["fixtures_scan.plain_module"],
            services=[ServiceInfo("PlainService", "fixtures_scan.plain_module")],
            adapters=[],
        )
        assert imported_under("fixtures_scan.plain_module") == []

    def it_plans_a_module_without_source_as_a_single_module(self) -> None:
        assert build_scan_plan("sys") == ScanPlan(modules=["sys"], services=[], adapters=[])

    @pytest.mark.parametrize("name", ["no_such_package_dioxide", "fixtures_scan.missing", "no_such_parent.child", ""])
    def it_raises_import_error_for_an_unknown_package(self, name: str) -> None:
        with pytest.raises(ImportError) as raised:
            build_scan_plan(name)

        assert str(raised.value) == f"Package '{name}' not found"

    def it_lists_a_plain_module_with_a_syntax_error_without_components(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        write_package(tmp_path, monkeypatch, {"tmpscan_bad.py": "def f(:\n"})

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            plan = build_scan_plan("tmpscan_bad")

        assert plan == ScanPlan(modules=["tmpscan_bad"], services=[], adapters=[])
        assert [r.getMessage() for r in caplog.records] == [
            f"Cannot read components of module 'tmpscan_bad' ({tmp_path / 'tmpscan_bad.py'}): "
            "syntax error at line 1: invalid syntax"
        ]

    def it_lists_a_module_whose_source_cannot_be_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        write_package(tmp_path, monkeypatch, {"tmpscan_gone/__init__.py": ""})
        gone = tmp_path / "tmpscan_gone" / "gone.py"
        gone.symlink_to(tmp_path / "nowhere.py")

        with caplog.at_level(logging.WARNING, logger="dioxide"):
            plan = build_scan_plan("tmpscan_gone")

        assert plan.modules == ["tmpscan_gone", "tmpscan_gone.gone"]
        assert [r.getMessage() for r in caplog.records] == [
            f"Cannot read components of module 'tmpscan_gone.gone' ({gone}): "
            f"[Errno 2] No such file or directory: '{gone}'"
        ]


class DescribeDirectoryWalk:
    def it_follows_the_import_systems_naming_rules(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        extension = "fast" + importlib.machinery.EXTENSION_SUFFIXES[0]
        write_package(
            tmp_path,
            monkeypatch,
            {
                "tmpscan_walk/__init__.py": "",
                "tmpscan_walk/dup/__init__.py": ("from dioxide import service\n@service\nclass FromPackage: ...\n"),
                "tmpscan_walk/dup.py": "from dioxide import service\n@service\nclass FromModule: ...\n",
                "tmpscan_walk/not.a.module.py": "",
                "tmpscan_walk/namespace_dir/orphan.py": "",
                "tmpscan_walk/README.md": "",
                "tmpscan_walk/" + extension: "",
                "tmpscan_walk/zeta.py": "",
            },
        )

        plan = build_scan_plan("tmpscan_walk")

        assert plan.modules == ["tmpscan_walk", "tmpscan_walk.dup", "tmpscan_walk.fast", "tmpscan_walk.zeta"]
        assert plan.services == [ServiceInfo("FromPackage", "tmpscan_walk.dup")]

    def it_walks_every_portion_of_a_namespace_package(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        write_package(
            tmp_path,
            monkeypatch,
            {
                "one/tmpscan_ns/a.py": "import dioxide\n@dioxide.service\nclass A: ...\n",
                "two/tmpscan_ns/b.py": "from dioxide.services import service\n@service()\nclass B: ...\n",
            },
        )
        monkeypatch.syspath_prepend(str(tmp_path / "two"))
        monkeypatch.syspath_prepend(str(tmp_path / "one"))

        plan = build_scan_plan("tmpscan_ns")

        assert plan.modules == ["tmpscan_ns", "tmpscan_ns.a", "tmpscan_ns.b"]
        assert plan.services == [ServiceInfo("A", "tmpscan_ns.a"), ServiceInfo("B", "tmpscan_ns.b")]

    def it_honours_source_encoding_declarations(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        package = tmp_path / "tmpscan_enc"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "latin.py").write_bytes(
            b"# -*- coding: latin-1 -*-\nfrom dioxide import service\nNAME = '\xe9t\xe9'\n@service\nclass Latin: ...\n"
        )
        monkeypatch.syspath_prepend(str(tmp_path))

        assert build_scan_plan("tmpscan_enc").services == [ServiceInfo("Latin", "tmpscan_enc.latin")]

    def it_survives_a_symlink_loop(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        write_package(tmp_path, monkeypatch, {"tmpscan_loop/__init__.py": "", "tmpscan_loop/sub/__init__.py": ""})
        (tmp_path / "tmpscan_loop" / "sub" / "again").symlink_to(tmp_path / "tmpscan_loop" / "sub")

        # ``sub.again`` is importable, so it is listed; its contents are ``sub``'s, already walked.
        assert build_scan_plan("tmpscan_loop").modules == ["tmpscan_loop", "tmpscan_loop.sub", "tmpscan_loop.sub.again"]


class DescribeDecoratorRecognition:
    def it_recognises_aliases_and_the_literal_spellings_of_2_1(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_package(
            tmp_path,
            monkeypatch,
            {
                "tmpscan_deco/__init__.py": "",
                "tmpscan_deco/forms.py": (
                    "import dioxide as di\n"
                    "import dioxide.adapter\n"
                    "from dioxide import service as svc, adapter as a\n"
                    "from myproject.di import service\n"
                    "from myproject import registry\n"
                    "class Port: ...\n"
                    "@di.service\nclass ViaModuleAlias: ...\n"
                    "@svc(scope=di.Scope.FACTORY)\nclass ViaNameAlias: ...\n"
                    "@service\nclass ViaReexport: ...\n"
                    "@a.for_(Port)\nclass ViaAdapterAlias: ...\n"
                    "@dioxide.adapter.adapter.for_(Port)\nclass ViaSubmodule: ...\n"
                    "@registry.adapter.for_(Port)\nclass ViaAnyPrefix: ...\n"
                    "@di.adapter.for_\nclass WithoutPort: ...\n"
                    "@a\nclass AdapterCalledDirectly: ...\n"
                    "@di.lifecycle\nclass OnlyLifecycle: ...\n"
                    "@other.service\nclass UnboundPrefix: ...\n"
                ),
            },
        )

        plan = build_scan_plan("tmpscan_deco")

        assert plan.services == [
            ServiceInfo("ViaModuleAlias", "tmpscan_deco.forms"),
            ServiceInfo("ViaNameAlias", "tmpscan_deco.forms"),
            ServiceInfo("ViaReexport", "tmpscan_deco.forms"),
        ]
        assert plan.adapters == [
            AdapterInfo("ViaAdapterAlias", "tmpscan_deco.forms"),
            AdapterInfo("ViaSubmodule", "tmpscan_deco.forms"),
            AdapterInfo("ViaAnyPrefix", "tmpscan_deco.forms"),
        ]
        assert imported_under("tmpscan_deco") == []
