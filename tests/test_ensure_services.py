"""``scripts/ensure-services`` (run by ``make test``) says what to install when a tool it needs is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_missing_postgresql_client_names_the_package_to_install(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    (tmp_path / "bash").symlink_to(bash)  # a PATH with bash and nothing else: no pg_isready on it
    done = subprocess.run(
        [str(tmp_path / "bash"), str(ROOT / "scripts" / "ensure-services")],
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "ensure-services: 'pg_isready' not found: it checks that PostgreSQL answers on 127.0.0.1:5432. "
        "Install postgresql-client (Debian: apt-get install postgresql-client).\n"
    )
