"""What type checkers say of the forms users write: every documented form passes mypy --strict and pyright
(strict mode, through basedpyright), and each line marked ``# error`` in a sample is flagged by both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api

SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.py"))
ROOT = Path(__file__).resolve().parents[2]


def expected(sample: Path) -> set[int]:
    lines = sample.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, 1) if line.rstrip().endswith("# error")}


def mypy_errors(sample: Path, tmp_path: Path) -> set[int]:
    stdout, _, _ = api.run(["--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), str(sample)])
    return {int(match) for match in re.findall(rf"^[^:]*{re.escape(sample.name)}:(\d+): error", stdout, re.M)}


def pyright_errors(sample: Path, tmp_path: Path) -> set[int]:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11", "include": [str(sample)]}))
    executable = Path(sys.executable).with_name("basedpyright")
    result = subprocess.run(
        [str(executable), "--outputjson", "--project", str(config), "--pythonpath", sys.executable],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    return {d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"] if d["severity"] == "error"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_mypy_flags_exactly_the_marked_lines(sample: Path, tmp_path: Path) -> None:
    assert mypy_errors(sample, tmp_path) == expected(sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_pyright_flags_exactly_the_marked_lines(sample: Path, tmp_path: Path) -> None:
    assert pyright_errors(sample, tmp_path) == expected(sample)
