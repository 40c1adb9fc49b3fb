"""Every ```python block in docs/ and the README runs: the blocks of one page run in order, in one module namespace.

A page is executed as a fresh module (registered in ``sys.modules`` so that string annotations and
dataclasses resolve), with dioxide's decorator registries emptied for it (and restored after) and the working
directory set to a temporary folder, so pages cannot leak state into each other or write into the repository.
A traceback names the page and its own line numbers. ``test_docs_types.py`` type-checks the same blocks.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

import dioxide
from dioxide.testing import isolated_registry
from tests.docs_pages import blocks, module_name, page_id, pages_with_code, shown

PAGES = pages_with_code()


def run_blocks(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the ```python blocks of ``path`` in order, in one fresh module, with isolated registries."""
    name = module_name(path)
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    with isolated_registry():
        dioxide.reset_global_container()
        for start, source in blocks(path):
            code = compile("\n" * start + source, shown(path), "exec")
            exec(code, module.__dict__)
    dioxide.reset_global_container()


@pytest.mark.parametrize("page", PAGES, ids=[page_id(p) for p in PAGES])
def test_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_blocks(page, monkeypatch)


def test_every_page_with_code_is_collected() -> None:
    names = {page_id(p) for p in PAGES}
    assert {"getting-started.md", "README.md", "database/adapter.md", "integrations/django.md"} <= names


def test_a_failing_block_names_its_page_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n```python\nvalue = 1\n```\n\nText.\n\n```python\nassert value == 2\n```\n")
    with pytest.raises(AssertionError) as failed:
        run_blocks(page, monkeypatch)
    frame = failed.traceback[-1]
    assert (Path(str(frame.path)).name, frame.lineno + 1) == ("page.md", 10)
