"""Strict mode's static side-effect detection (``dioxide._strict``, kept where 2.x's own tests import it)."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from textwrap import dedent

import pytest

from dioxide import Container, SideEffectWarning
from dioxide._source.strict import side_effect_messages
from dioxide._strict import SideEffectFinding, detect_side_effects

from .conftest import FIXTURES, write_package

SUGGESTION = "Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block"


def detect(source: str) -> list[SideEffectFinding]:
    return detect_side_effects(dedent(source), "pkg/mod.py")


def described(source: str) -> list[tuple[int, str]]:
    """(line, description) of each finding; every finding must carry the standard suggestion."""
    findings = detect(source)
    assert all(f.suggestion == SUGGESTION and f.filename == "pkg/mod.py" for f in findings)
    return [(f.line, f.description) for f in findings]


class DescribeSideEffectFinding:
    def it_is_a_frozen_value_object(self) -> None:
        finding = SideEffectFinding("a.py", 3, "Module-level call: `x()`", SUGGESTION)

        assert finding == SideEffectFinding(
            filename="a.py", line=3, description="Module-level call: `x()`", suggestion=SUGGESTION
        )
        with pytest.raises(dataclasses.FrozenInstanceError):
            finding.line = 4  # type: ignore[misc]


class DescribeSideEffectMessages:
    def it_renders_the_side_effect_warning_text_of_a_module_on_disk(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_package(
            tmp_path,
            monkeypatch,
            {"tmpscan_fx/__init__.py": "", "tmpscan_fx/settings.py": "import db\n\ndb.connect()\n"},
        )

        assert side_effect_messages("tmpscan_fx.settings") == [
            "Potential side effect in `tmpscan_fx.settings` (line 3): Module-level call: `db.connect()`\n"
            "  Suggestion: Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block"
        ]

    @pytest.mark.parametrize("module", ["sys", "no_such_module_dioxide", "no_such_parent.child", ""])
    def it_has_nothing_to_say_about_a_module_without_python_source(self, module: str) -> None:
        assert side_effect_messages(module) == []

    def it_reads_a_module_in_its_declared_encoding_during_a_strict_scan(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_package(tmp_path, monkeypatch, {"tmpscan_enc/__init__.py": ""})
        (tmp_path / "tmpscan_enc" / "latin.py").write_bytes(
            b"# -*- coding: latin-1 -*-\nimport os\nNAME = '\xe9t\xe9'\nos.getcwd()\n"
        )

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Container().scan(package="tmpscan_enc", strict=True)

        assert [str(w.message) for w in caught if issubclass(w.category, SideEffectWarning)] == [
            "Potential side effect in `tmpscan_enc.latin` (line 4): Module-level call: `os.getcwd()`\n"
            "  Suggestion: Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block"
        ]


class DescribeReportedStatements:
    def it_reports_a_bare_expression_call_with_all_fields(self) -> None:
        assert detect_side_effects("setup()\n", "app/boot.py") == [
            SideEffectFinding(
                filename="app/boot.py",
                line=1,
                description="Module-level call: `setup()`",
                suggestion=SUGGESTION,
            )
        ]

    def it_reports_assignments_of_every_kind(self) -> None:
        source = """
            engine = create_engine("sqlite://")
            config: dict[str, str] = load_config()
            counter = 0
            counter += next_value()
            a = b = make_pair()
        """
        assert described(source) == [
            (2, "Module-level call: `create_engine()`"),
            (3, "Module-level call: `load_config()`"),
            (5, "Module-level call: `next_value()`"),
            (6, "Module-level call: `make_pair()`"),
        ]

    def it_reports_calls_in_assignment_targets(self) -> None:
        assert described("registry()['x'] = 1\n") == [(1, "Module-level call: `registry()`")]

    def it_reports_one_finding_per_statement_naming_the_outermost_call(self) -> None:
        assert described("x = foo(bar(baz()))\n") == [(1, "Module-level call: `foo()`")]

    def it_names_chained_calls_with_their_receivers(self) -> None:
        source = """
            client().connect()
            registry.get("x").setup(1, 2)
            app.include_router(router)
            handlers["start"]()
            (lambda: 1)()
        """
        assert described(source) == [
            (2, "Module-level call: `client().connect()`"),
            (3, "Module-level call: `registry.get().setup()`"),
            (4, "Module-level call: `app.include_router()`"),
            (5, "Module-level call: `handlers[...]()`"),
            (6, "Module-level call: `(lambda)()`"),
        ]

    def it_reports_a_nested_call_inside_an_allowed_one_at_its_own_line(self) -> None:
        source = """
            from pathlib import Path

            DATA = Path(
                compute_root()
            )
        """
        assert described(source) == [(5, "Module-level call: `compute_root()`")]

    def it_reports_calls_inside_comprehensions(self) -> None:
        assert described("ITEMS = [load(i) for i in range(3)]\n") == [(1, "Module-level call: `load()`")]

    def it_reports_findings_in_source_order(self) -> None:
        source = """
            first()
            def f():
                pass
            second = make()
            third()
        """
        assert [line for line, _ in described(source)] == [2, 5, 6]


class DescribeModuleLevelBlocks:
    """Blocks at module level run on import, so their statements are inspected too."""

    def it_reports_calls_in_if_and_else_branches(self) -> None:
        source = """
            import sys
            if sys.platform == "linux":
                init_linux()
            elif sys.platform == "darwin":
                init_mac()
            else:
                init_other()
        """
        assert described(source) == [
            (4, "Module-level call: `init_linux()`"),
            (6, "Module-level call: `init_mac()`"),
            (8, "Module-level call: `init_other()`"),
        ]

    def it_reports_calls_in_every_part_of_a_try_statement(self) -> None:
        source = """
            try:
                a = attempt()
            except ImportError:
                fallback()
            else:
                succeeded()
            finally:
                cleanup()
        """
        assert described(source) == [
            (3, "Module-level call: `attempt()`"),
            (5, "Module-level call: `fallback()`"),
            (7, "Module-level call: `succeeded()`"),
            (9, "Module-level call: `cleanup()`"),
        ]

    def it_reports_calls_in_with_and_loop_bodies_but_not_their_headers(self) -> None:
        source = """
            with open_session() as session:
                session.seed()
            for name in discover():
                register(name)
            while pending():
                step()
            else:
                done()
        """
        assert described(source) == [
            (3, "Module-level call: `session.seed()`"),
            (5, "Module-level call: `register()`"),
            (7, "Module-level call: `step()`"),
            (9, "Module-level call: `done()`"),
        ]

    def it_reports_calls_in_match_cases(self) -> None:
        source = """
            import os
            match os.name:
                case "nt":
                    windows_setup()
                case _:
                    posix_setup()
        """
        assert described(source) == [
            (5, "Module-level call: `windows_setup()`"),
            (7, "Module-level call: `posix_setup()`"),
        ]


class DescribeIgnoredCode:
    def it_ignores_function_and_async_function_bodies(self) -> None:
        source = """
            def build():
                return connect()

            async def start():
                await open_pool()
        """
        assert detect(source) == []

    def it_ignores_class_bodies_and_decorators(self) -> None:
        source = """
            @register("x")
            class Settings:
                url = compute_url()
                setup()

            @route("/")
            def index(limit=default_limit()):
                pass
        """
        assert detect(source) == []

    def it_ignores_lambda_bodies(self) -> None:
        assert detect("handler = lambda: explode()\n") == []

    def it_ignores_annotations(self) -> None:
        assert detect("x: Annotated[int, Field()] = 1\ny: Annotated[int, Field()]\n") == []

    @pytest.mark.parametrize(
        "guard", ['__name__ == "__main__"', "'__main__' == __name__"], ids=["name-first", "main-first"]
    )
    def it_ignores_the_main_guard_body_but_not_its_else_branch(self, guard: str) -> None:
        source = f"""
            if {guard}:
                main()
            else:
                imported()
        """
        assert described(source) == [(5, "Module-level call: `imported()`")]

    def it_ignores_type_checking_blocks_but_not_their_else_branch(self) -> None:
        source = """
            import typing
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                stub()
            if typing.TYPE_CHECKING:
                stub()
            else:
                runtime_only()
        """
        assert described(source) == [(9, "Module-level call: `runtime_only()`")]

    def it_ignores_statements_without_calls(self) -> None:
        source = '''
            """Docstring."""
            import os
            X = 1
            Y = [1, 2, {"a": X}]
            Z: int
            __all__ = ["X"]
        '''
        assert detect(source) == []

    def it_returns_nothing_for_source_that_does_not_parse(self) -> None:
        assert detect_side_effects("def broken(:\n    setup()\n", "broken.py") == []
        assert detect_side_effects("setup()\x00\n", "nul.py") == []

    def it_returns_nothing_for_the_broken_fixture_module(self) -> None:
        path = FIXTURES / "shop" / "broken.py"
        assert detect_side_effects(path.read_text(), str(path)) == []


class DescribeAllowList:
    @pytest.mark.parametrize(
        "source",
        [
            "import logging\nlog = logging.getLogger(__name__)",
            "from logging import getLogger\nlog = getLogger(__name__)",
            "import os\nDEBUG = os.environ.get('DEBUG')",
            "import os\nos.environ.setdefault('MODE', 'dev')",
            "import os\nHOME = os.getenv('HOME')",
            "import os\nHERE = os.path.dirname(os.path.abspath(__file__))",
            "from os import path\nCFG = path.join('a', 'b')",
            "from os.path import join\nCFG = join('a', 'b')",
            "import os\nMODE = os.environ.get('MODE', '').lower()",
            "from pathlib import Path\nROOT = Path(__file__)",
            "from pathlib import Path\nROOT = Path(__file__).resolve().parent",
            "from pathlib import Path\nCFG = Path(__file__).parent.joinpath('cfg').with_suffix('.toml')",
            "import pathlib\nROOT = pathlib.Path('.')",
            "import pathlib as pl\nROOT = pl.PurePath('.')",
            "from typing import TypeVar\nT = TypeVar('T')",
            "import typing\nT = typing.TypeVar('T', bound=int)",
            "from typing import NewType\nUserId = NewType('UserId', int)",
            "from typing_extensions import ParamSpec\nP = ParamSpec('P')",
            "from collections import namedtuple\nPoint = namedtuple('Point', 'x y')",
            "import collections\nPoint = collections.namedtuple('Point', 'x y')",
            "from dataclasses import dataclass\nPoint = dataclass(Base)",
            "from dataclasses import dataclass\nPoint = dataclass(frozen=True)(Base)",
            "import dataclasses\nPoint = dataclasses.dataclass(frozen=True)(Base)",
            "import enum\nColor = enum.Enum('Color', 'RED GREEN')",
            "from enum import Enum\nColor = Enum('Color', 'RED GREEN')",
            "from abc import abstractmethod\nf = abstractmethod(g)",
            "PORT = int('8000')",
            "NAME = str(1)",
            "EMPTY = dict()",
            "FROZEN = frozenset({1})",
            "ITEMS = list(range(3))",
            "PAIR = tuple([1, 2])",
            "FLAGS = set()",
            "RATIO = float('0.5')",
            "ON = bool(1)",
            "RAW = bytes(2)",
            "Dyn = type('Dyn', (), {})",
            "SENTINEL = object()",
            "p = property(getter)",
            "s = staticmethod(fn)",
            "c = classmethod(fn)",
            "NAMES = ', '.join(['a', 'b'])",
            "GREETING = 'hi {}'.format('you')",
            "from typing import *\nT = TypeVar('T')",
            "from os import *\nX = environ.get('X')",
            "from logging import *\nlog = getLogger()",
        ],
    )
    def it_does_not_report_calls_that_only_build_values(self, source: str) -> None:
        assert detect_side_effects(source + "\n", "m.py") == []

    @pytest.mark.parametrize(
        ("source", "description"),
        [
            ("from mylib import Path\nROOT = Path('.')", "Module-level call: `Path()`"),
            ("from .compat import getLogger\nlog = getLogger()", "Module-level call: `getLogger()`"),
            ("def dict():\n    return {}\nX = dict()", "Module-level call: `dict()`"),
            ("class Path:\n    pass\nP = Path()", "Module-level call: `Path()`"),
            ("Path = object\nP = Path()", "Module-level call: `Path()`"),
            ("import os\nos.environ.clear()", "Module-level call: `os.environ.clear()`"),
            ("import logging\nlogging.basicConfig()", "Module-level call: `logging.basicConfig()`"),
            (
                "import logging\nlogging.getLogger().setLevel(10)",
                "Module-level call: `logging.getLogger().setLevel()`",
            ),
            (
                "from pathlib import Path\nTEXT = Path('x').read_text()",
                "Module-level call: `Path().read_text()`",
            ),
            ("name = 'x'\nNAME = name.upper()", "Module-level call: `name.upper()`"),
            ("worker.join()", "Module-level call: `worker.join()`"),
            ("from mylib import dataclass\nP = dataclass()(Base)", "Module-level call: `dataclass()()`"),
            ("import os\nos.makedirs('cache')", "Module-level call: `os.makedirs()`"),
        ],
    )
    def it_reports_calls_that_merely_look_like_allowed_ones(self, source: str, description: str) -> None:
        [finding] = detect_side_effects(source + "\n", "m.py")
        assert finding.description == description

    def it_judges_a_call_by_the_bindings_in_force_when_it_runs(self) -> None:
        source = """
            from pathlib import Path
            ROOT = Path('.')
            from mylib import Path
            OTHER = Path('.')
        """
        assert described(source) == [(5, "Module-level call: `Path()`")]

    def it_reports_an_offending_argument_of_an_allowed_call(self) -> None:
        source = """
            import os
            LEVEL = int(os.environ.get("LEVEL", default_level()))
        """
        assert described(source) == [(3, "Module-level call: `default_level()`")]
