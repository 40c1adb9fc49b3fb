"""MkDocs hooks (mkdocs.yml ``hooks:``): the site carries ``benchmarks/`` and ``examples/`` as they are in the repo.

The pages link to those folders by relative paths, as the repository shows them (``../benchmarks/README.md``
from ``docs/fastapi.md``), and ``benchmarks/README.md`` links to its chart, result files and code the same way.
The hook adds the tracked files of both folders to the site under their repository paths (the benchmarks README
becomes the page ``benchmarks/index.html``), and points the pages' links that leave ``docs/`` for them at those
copies. The strict build then checks every such link like any other.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
CARRIED = ("benchmarks", "examples")
LINK = re.compile(r"(\]\()([^)\s#]+)([^)\s]*\))")


def carried_files(root: Path = ROOT) -> list[str]:
    """The tracked files of the carried folders: never a venv, a cache or a result of a quick run."""
    listed = subprocess.run(
        ["git", "ls-files", "--", *CARRIED], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    return [name for name in listed.splitlines() if (root / name).is_file()]


def site_link(page_uri: str, target: str, docs_dir: str = "docs") -> str:
    """``target`` as written in ``docs/<page_uri>``, pointed at the site's copy when it leaves ``docs/`` for a
    carried folder; any other link is returned unchanged."""
    if "://" in target or target.startswith(("/", "mailto:")):
        return target
    in_repo = posixpath.normpath(posixpath.join(docs_dir, posixpath.dirname(page_uri), target))
    if in_repo.split("/", 1)[0] not in CARRIED:
        return target
    return posixpath.relpath(in_repo, posixpath.dirname(page_uri) or ".")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name in carried_files():
        files.append(File(name, str(ROOT), config.site_dir, config.use_directory_urls))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.split("/", 1)[0] in CARRIED:  # a carried page links within its own folder already
        return markdown
    return LINK.sub(lambda m: m.group(1) + site_link(page.file.src_uri, m.group(2)) + m.group(3), markdown)
