"""docs/fastapi.md runs: its ```python blocks are executed in order, in one module namespace.

Registries are cleared and the global container reset before and after (the autouse fixture does it too),
and the page runs in a temporary working directory. A generic runner for every page (tests/test_docs.py)
does the same; this test keeps the FastAPI page covered by this suite on its own.
"""

import re
import sys
import types
from pathlib import Path

import pytest

import dioxide

PAGE = Path(__file__).resolve().parents[2] / "docs" / "fastapi.md"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def blocks() -> list[str]:
    return FENCE.findall(PAGE.read_text(encoding="utf-8"))


class DescribeTheFastAPIPage:
    def it_has_examples(self) -> None:
        assert len(blocks()) >= 10

    def it_runs_every_block_in_order(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        dioxide._clear_registry()
        dioxide.reset_global_container()
        module = types.ModuleType("docs_fastapi")
        monkeypatch.setitem(sys.modules, module.__name__, module)
        for number, source in enumerate(blocks(), 1):
            code = compile(source, f"docs/fastapi.md (block {number})", "exec")
            exec(code, module.__dict__)
