"""The ```python blocks of the documentation (``docs/**/*.md`` and the README), as the tests run and type-check them.

A page's blocks form one program: they run in order in one module, and are type-checked as one module whose
lines are the page's own (every line outside a block left blank), so that errors name the page's line numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def pages_with_code() -> list[Path]:
    """Every page of ``docs/`` with a Python block, then the README."""
    pages = sorted(p for p in DOCS.rglob("*.md") if FENCE.search(p.read_text(encoding="utf-8")))
    return [*pages, README]


def page_id(page: Path) -> str:
    return str(page.relative_to(DOCS)) if page.is_relative_to(DOCS) else page.name


def shown(page: Path) -> str:
    """The page's path as messages show it: from the repository's root."""
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def module_name(page: Path) -> str:
    return "docs_" + re.sub(r"\W", "_", str(Path(shown(page)).with_suffix("")).lstrip("/"))


def blocks(page: Path) -> list[tuple[int, str]]:
    """Each block's source, with the number of lines of the page before its first line."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(1)), match.group(1)) for match in FENCE.finditer(text)]


def module_source(page: Path) -> str:
    """The page's blocks at their own line numbers, every other line blank."""
    lines = [""] * (page.read_text(encoding="utf-8").count("\n") + 1)
    for start, source in blocks(page):
        for offset, line in enumerate(source.splitlines()):
            lines[start + offset] = line
    return "\n".join(lines) + "\n"
