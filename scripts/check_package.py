"""The package as users get it: build the sdist and the wheel, install the wheel in fresh virtual environments
(none of this checkout on their path), and run the documentation's code there.

* bare (no extra): ``import dioxide``, its version, the README's quickstart and the getting-started page; a
  missing optional dependency names its extra;
* ``dioxide[fastapi,testing]``: the FastAPI page, TestClient and pytest included, so the extras are enough
  for the docs that name them.

Run by ``make package-check`` and ``.ci/run``; exits non-zero on the first failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.docs_pages import DOCS, README, blocks  # noqa: E402  (the repository's root is on the path now)

# Runs inside the fresh venv: the page's blocks in order, as one module, in an empty working directory.
RUN_PAGE = """
import json, sys, types
name, sources = sys.argv[1], json.loads(open(sys.argv[2]).read())
module = types.ModuleType(name)
sys.modules[name] = module
for start, source in sources:
    exec(compile("\\n" * start + source, name, "exec"), module.__dict__)
"""

CHECK_BARE = """
import sys
import dioxide
assert dioxide.__version__ == sys.argv[1], (dioxide.__version__, sys.argv[1])
assert dioxide.__file__.startswith(sys.prefix), dioxide.__file__  # the installed wheel, not the checkout
try:
    from dioxide.sqlalchemy import SQLAlchemyDatabase
except ImportError as error:
    assert str(error) == "SQLAlchemy is not installed. Install it with: pip install dioxide[sqlalchemy]", error
else:
    raise AssertionError("SQLAlchemy is installed in a bare environment")
print("dioxide", dioxide.__version__, "from", dioxide.__file__)
"""


def run(command: list[str], cwd: Path, label: str | None = None) -> None:
    print("+", label or " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True, timeout=900)


def new_venv(path: Path, wheel: Path, extras: str) -> Path:
    run([sys.executable, "-m", "venv", str(path)], cwd=path.parent)
    python = path / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", f"dioxide{extras} @ {wheel.as_uri()}"], cwd=path.parent)
    return python


def run_page(python: Path, page: Path, work: Path) -> None:
    sources = work / f"{page.stem}.json"
    sources.write_text(json.dumps(blocks(page)), encoding="utf-8")
    folder = work / f"run-{page.stem}"
    folder.mkdir()
    name = f"docs_{page.stem.replace('-', '_')}"
    run([str(python), "-c", RUN_PAGE, name, str(sources)], folder, f"{python}: the blocks of {page.relative_to(ROOT)}")


def main() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    with tempfile.TemporaryDirectory(prefix="dioxide-package-") as temporary:
        work = Path(temporary)
        run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(work / "dist"), str(ROOT)], ROOT)
        (wheel,) = (work / "dist").glob("dioxide-*.whl")
        (sdist,) = (work / "dist").glob("dioxide-*.tar.gz")
        print("built", sdist.name, "and", wheel.name)

        bare = new_venv(work / "bare", wheel, "")
        run([str(bare), "-c", CHECK_BARE, version], work, f"{bare}: import dioxide, a missing extra named")
        run_page(bare, README, work)
        run_page(bare, DOCS / "getting-started.md", work)

        with_fastapi = new_venv(work / "fastapi", wheel, "[fastapi,testing]")
        run_page(with_fastapi, DOCS / "fastapi.md", work)
    print("package check: the wheel installs and runs the quickstart, getting started and the FastAPI page")


if __name__ == "__main__":
    main()
