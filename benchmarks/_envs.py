"""What the benchmark runners share: peer lists, one venv per peer (rebuilt when its stamp changes), logs,
and the facts printed with every result (date, load, CPU).

Standard library only: it runs in the project's venv and builds the peers' venvs from that interpreter, so
every column of a table runs the same Python.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PIP_TIMEOUT = 900
BUILDERS = 4  # pip installs mostly wait on the network: build a few venvs at once


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tail(text: str, lines: int = 6) -> str:
    """The last non-empty lines of a tool's output, for an error message."""
    return "\n".join([line for line in text.strip().splitlines() if line.strip()][-lines:])


def read_peers(path: Path) -> list[tuple[str, list[str]]]:
    """``name requirement [requirement...]`` per line; ``#`` starts a comment."""
    peers = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, *requirements = line.split()
            peers.append((name, requirements))
    return peers


def python_version(python: Path) -> str:
    command = [str(python), "-c", "import sys; print(sys.version.split()[0])"]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()


def ensure_env(env: Path, requirements: list[str], creator: Path) -> Path:
    """The python of the venv at ``env`` with ``requirements``, built with ``creator`` unless its stamp matches.

    Raises ``RuntimeError`` (with pip's error lines) when the venv cannot be built.
    """
    python, stamp = env / "bin" / "python", env / ".bench-stamp"
    wanted = json.dumps({"requirements": requirements, "python": python_version(creator)})
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    log(f"[env] building {env.name} with {' '.join(requirements)}")
    env.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    made = subprocess.run(
        [str(creator), "-m", "venv", "--clear", str(env)], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        raise RuntimeError(f"venv creation failed: {tail(made.stderr or made.stdout)}")
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements]
    try:
        pip = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"pip install {' '.join(requirements)} timed out after {PIP_TIMEOUT} s") from exc
    if pip.returncode != 0:
        output = pip.stderr or pip.stdout
        errors = [line for line in output.splitlines() if line.startswith("ERROR")]
        raise RuntimeError(f"pip install {' '.join(requirements)} failed: {tail(chr(10).join(errors) or output)}")
    stamp.write_text(wanted)
    return python


def ensure_envs(jobs: dict[str, tuple[Path, list[str]]], creator: Path) -> dict[str, Path | str]:
    """:func:`ensure_env` for each ``name: (env, requirements)``, a few at once: each name's python, or why not."""
    built: dict[str, Path | str] = {}

    def build(name: str) -> None:
        env, requirements = jobs[name]
        try:
            built[name] = ensure_env(env, requirements, creator)
        except Exception as exc:
            built[name] = f"install failed: {exc}"
            log(f"[env] {name}: {built[name]}")

    with ThreadPoolExecutor(max_workers=BUILDERS) as pool:
        list(pool.map(build, jobs))
    return built


def run_date() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def load_average() -> str:
    """The 1, 5 and 15 min load averages: how busy the machine was, printed with every result."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
