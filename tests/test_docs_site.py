"""The documentation site: it builds in strict mode, a broken link fails the build, every error links to a page
that exists, and the links of the repository's own Markdown files (README, CHANGELOG...) lead somewhere."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import dioxide.exceptions
from dioxide.exceptions import DOCS_BASE_URL, DioxideError
from tests.docs_pages import DOCS, ROOT

SRC = ROOT / "src"


def build(site: Path, docs_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if docs_dir is not None:
        env["DIOXIDE_DOCS_DIR"] = str(docs_dir)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("WARNING")]


def mkdocs_config() -> dict[str, object]:
    class Loader(yaml.SafeLoader):  # mkdocs.yml's tags (!ENV, !!python/...) only need to load, not to act
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config: dict[str, object] = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return config


class DescribeTheBuild:
    def it_builds_with_no_warning_and_carries_the_benchmarks(self, tmp_path: Path) -> None:
        done = build(tmp_path / "site")
        assert (done.returncode, warnings(done)) == (0, []), done.stderr
        assert (tmp_path / "site" / "benchmarks" / "index.html").is_file()
        assert (tmp_path / "site" / "benchmarks" / "results" / "ratios.png").is_file()
        assert (tmp_path / "site" / "troubleshooting" / "adapter-not-found.html").is_file()
        reference = (tmp_path / "site" / "reference" / "dioxide.html").read_text(encoding="utf-8")
        assert 'id="dioxide.Container.resolve"' in reference  # generated from the docstrings

    def it_fails_on_a_broken_link(self, tmp_path: Path) -> None:
        docs = tmp_path / "docs"
        shutil.copytree(DOCS, docs)
        page = docs / "concepts.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [the missing page](missing.md).\n", encoding="utf-8")
        done = build(tmp_path / "site", docs)
        assert done.returncode == 1
        assert warnings(done) == [
            "WARNING -  Doc file 'concepts.md' contains a link 'missing.md', but the target is not found among "
            "documentation files."
        ]


def error_classes() -> list[type[DioxideError]]:
    """Every DioxideError subclass defined anywhere under src/dioxide (imported first, so that all exist)."""
    for path in (SRC / "dioxide").rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        if name != "dioxide.pytest_plugin":
            importlib.import_module(name)
    found: list[type[DioxideError]] = []
    pending: list[type[DioxideError]] = [DioxideError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted({cls for cls in found if cls.__module__.startswith("dioxide")}, key=lambda c: c.__qualname__)


def page_of(url: str) -> Path:
    assert url.startswith(f"{DOCS_BASE_URL}/"), url
    path = url.removeprefix(f"{DOCS_BASE_URL}/").split("#")[0]
    assert path.endswith(".html"), f"{url}: the site's pages are <path>.html"
    return DOCS / path.replace(".html", ".md")


class DescribeErrorLinks:
    def it_uses_the_site_url_of_mkdocs_yml(self) -> None:
        assert mkdocs_config()["site_url"] == f"{DOCS_BASE_URL}/"

    @pytest.mark.parametrize("error", error_classes(), ids=lambda cls: cls.__qualname__)
    def it_links_each_error_to_a_page_of_the_site(self, error: type[DioxideError]) -> None:
        if error.docs_url is not None:
            assert page_of(error.docs_url).is_file(), error.docs_url

    def it_gives_each_troubleshooting_page_its_error(self) -> None:
        linked = {page_of(cls.docs_url).name for cls in error_classes() if cls.docs_url}
        pages = {page.name for page in (DOCS / "troubleshooting").glob("*.md")}
        assert linked == pages

    def it_writes_no_other_url_of_the_docs_site(self) -> None:
        base = re.escape(DOCS_BASE_URL.split("/en/")[0])
        sources = [p for p in (SRC / "dioxide").rglob("*.py") if p != Path(dioxide.exceptions.__file__)]
        assert [str(p) for p in sources if re.search(base, p.read_text(encoding="utf-8"))] == []


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("document", sorted(ROOT.glob("*.md")), ids=lambda p: p.name)
def test_the_links_of_the_repository_documents_lead_somewhere(document: Path) -> None:
    """README, CHANGELOG and CONTRIBUTING are read in the repository, not on the site: their links are paths."""
    targets = [t.split("#")[0] for t in LINK.findall(document.read_text(encoding="utf-8")) if "://" not in t]
    assert [t for t in targets if t and not (document.parent / t).exists()] == []
