"""Running a small Python program in a fresh interpreter, bounded in time, to observe what happens at exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

COMPONENTS = """
from dioxide import Scope, lifecycle, service

@service
@lifecycle
class Pool:
    async def initialize(self) -> None:
        print("pool initialize", flush=True)

    async def dispose(self) -> None:
        print("pool dispose", flush=True)
"""
"""A module-level singleton that prints its lifecycle, for the programs below."""


def run_program(source: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``source`` (dedented, after COMPONENTS) with the repository importable; stdout and stderr captured."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    program = COMPONENTS + textwrap.dedent(source)
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env
    )


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()
