"""The seed's own recipe code, unchanged, runs against dioxide (the user's acceptance script).

``seed_recipes.py`` and ``database-patterns.md`` are byte-for-byte copies of the user's files (checked
against ``../shared`` when that folder is present), run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import postgres_url_or_skip, recreate_database

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared"


def run_recipes(tmp_path: Path, database_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp_path)}
    env.pop("SEED_DB_URL", None)
    if database_url is not None:
        env["SEED_DB_URL"] = database_url
    return subprocess.run(
        [sys.executable, str(HERE / "seed_recipes.py"), str(HERE / "database-patterns.md")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )


def assert_all_pass(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "seed recipes: 7 of 7 checks pass" in output, output


def test_seed_recipes_pass_on_sqlite(tmp_path: Path) -> None:
    assert_all_pass(run_recipes(tmp_path, None))


def test_seed_recipes_pass_on_postgresql(tmp_path: Path) -> None:
    server = postgres_url_or_skip()
    url = recreate_database(server, "dioxide_seed_recipes")
    assert_all_pass(run_recipes(tmp_path, url))


@pytest.mark.parametrize("name", ["acceptance/seed_recipes.py", "seed/database-patterns.md"])
def test_vendored_copies_match_the_shared_originals(name: str) -> None:
    original = SHARED / name
    if not original.exists():
        pytest.skip("the shared folder is not next to this checkout")
    assert (HERE / Path(name).name).read_bytes() == original.read_bytes()
