"""Every ```python block in docs/ runs: the blocks of one page run in order, in one module namespace.

A page is executed as a fresh module (registered in ``sys.modules`` so that string annotations and
dataclasses resolve), with dioxide's decorator registries cleared first and the working directory set to
a temporary folder, so pages cannot leak state into each other or write into the repository.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

import dioxide

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
PAGES = sorted(p for p in DOCS.rglob("*.md") if FENCE.search(p.read_text(encoding="utf-8")))


def blocks(page: Path) -> list[str]:
    return FENCE.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dioxide._clear_registry()
    dioxide.reset_global_container()
    name = "docs_" + re.sub(r"\W", "_", str(page.relative_to(DOCS).with_suffix("")))
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    for number, source in enumerate(blocks(page), 1):
        code = compile(source, f"{page.relative_to(DOCS.parent)} (block {number})", "exec")
        exec(code, module.__dict__)
    dioxide._clear_registry()
    dioxide.reset_global_container()


def test_every_page_with_code_is_collected() -> None:
    assert any(p.name == "getting-started.md" for p in PAGES)


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = DOCS.parent / "README.md"
    monkeypatch.chdir(tmp_path)
    dioxide._clear_registry()
    module = types.ModuleType("docs_readme")
    monkeypatch.setitem(sys.modules, "docs_readme", module)
    for number, source in enumerate(FENCE.findall(readme.read_text(encoding="utf-8")), 1):
        exec(compile(source, f"README.md (block {number})", "exec"), module.__dict__)
    dioxide._clear_registry()
