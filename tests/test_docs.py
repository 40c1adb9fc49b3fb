"""Every ```python block in docs/ runs: the blocks of one page run in order, in one module namespace.

A page is executed as a fresh module (registered in ``sys.modules`` so that string annotations and
dataclasses resolve), with dioxide's decorator registries emptied for it (and restored after) and the working
directory set to a temporary folder, so pages cannot leak state into each other or write into the repository.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

import dioxide
from dioxide.testing import isolated_registry

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
PAGES = sorted(p for p in DOCS.rglob("*.md") if FENCE.search(p.read_text(encoding="utf-8")))


def blocks(page: Path) -> list[str]:
    return FENCE.findall(page.read_text(encoding="utf-8"))


def run_blocks(path: Path, module_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the ```python blocks of ``path`` in order, in one fresh module, with isolated registries."""
    module = types.ModuleType(module_name)
    monkeypatch.setitem(sys.modules, module_name, module)
    with isolated_registry():
        dioxide.reset_global_container()
        for number, source in enumerate(blocks(path), 1):
            code = compile(source, f"{path.relative_to(DOCS.parent)} (block {number})", "exec")
            exec(code, module.__dict__)
    dioxide.reset_global_container()


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_blocks(page, "docs_" + re.sub(r"\W", "_", str(page.relative_to(DOCS).with_suffix(""))), monkeypatch)


def test_every_page_with_code_is_collected() -> None:
    assert any(p.name == "getting-started.md" for p in PAGES)


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_blocks(DOCS.parent / "README.md", "docs_readme", monkeypatch)
