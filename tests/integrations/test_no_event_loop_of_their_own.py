"""No integration module runs an event loop of its own (2.1 called asyncio.run per request or task, which fails
wherever a loop is already running): they go through the container's synchronous lifecycle instead."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dioxide

SOURCE = Path(dioxide.__file__).parent
MODULES = ["flask", "django", "ninja", "celery", "click", "_integration", "_django_middleware"]
FORBIDDEN = {"Runner", "new_event_loop", "run_until_complete", "run_forever"}


def _loop_calls(source: str) -> list[str]:
    """Every use of asyncio's loop-running names: ``asyncio.run(...)``, ``from asyncio import run``, ``loop.run_*``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "run" and ast.unparse(node.value) == "asyncio":
            found.append(f"line {node.lineno}: asyncio.run")
        elif isinstance(node, ast.ImportFrom) and node.module == "asyncio":
            names = FORBIDDEN | {"run"}
            found += [f"line {node.lineno}: from asyncio import {a.name}" for a in node.names if a.name in names]
    return found


@pytest.mark.parametrize("module", MODULES)
def test_the_module_runs_no_event_loop_of_its_own(module: str) -> None:
    assert _loop_calls((SOURCE / f"{module}.py").read_text(encoding="utf-8")) == []


def test_the_check_finds_asyncio_run() -> None:
    assert _loop_calls("import asyncio\nasyncio.run(main())\n") == ["line 2: asyncio.run"]
    assert _loop_calls("bridge.run(main)\n") == []
    assert _loop_calls("from asyncio import run\n") == ["line 1: from asyncio import run"]
    assert _loop_calls("loop.run_until_complete(x)\n") == ["line 1: .run_until_complete"]
