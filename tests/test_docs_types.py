"""Every ```python block in docs/ and the README type-checks under ``mypy --strict``, as users' code would.

Each page becomes one module (its blocks at their own line numbers), all of them checked in one mypy run with
the project's configuration; each page's test reports that page's errors with its own path and lines. Django
and DRF are typed by django-stubs and djangorestframework-stubs (the dev extra): a Django block is checked like
any other, with no per-page configuration and no mypy plugin.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_pages import ROOT, module_name, module_source, page_id, pages_with_code, shown

PAGES = pages_with_code()
ERROR = re.compile(r"^(?P<module>docs_\w+)\.py:(?P<line>\d+): (?P<text>(error|note): .*)$")


def mypy_errors(pages: list[Path], folder: Path) -> dict[Path, list[str]]:
    """Type-check ``pages`` in one mypy run; each page's errors as ``path:line: error: text``."""
    by_module = {module_name(page): page for page in pages}
    for name, page in by_module.items():
        (folder / f"{name}.py").write_text(module_source(page), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--strict"]
        + ["--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", "--show-error-codes"]
        + [f"{name}.py" for name in by_module],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors: dict[Path, list[str]] = {page: [] for page in pages}
    for line in done.stdout.splitlines():
        found = ERROR.match(line)
        if found is None:
            continue
        page = by_module[found["module"]]
        errors[page].append(f"{shown(page)}:{found['line']}: {found['text']}")
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    assert (done.returncode == 0) == (not any(errors.values())), done.stdout + done.stderr
    return errors


@pytest.fixture(scope="module")
def errors(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[str]]:
    return mypy_errors(PAGES, tmp_path_factory.mktemp("docs_types"))


@pytest.mark.parametrize("page", PAGES, ids=[page_id(p) for p in PAGES])
def test_page_type_checks(page: Path, errors: dict[Path, list[str]]) -> None:
    assert errors[page] == []


def test_a_typing_error_is_reported_at_its_page_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n```python\nfrom dioxide import Container\n```\n\n```python\nContainer().nope()\n```\n")
    (tmp_path / "checked").mkdir()
    reported = mypy_errors([page], tmp_path / "checked")[page]
    assert reported == [f'{page}:8: error: "Container" has no attribute "nope"  [attr-defined]']
