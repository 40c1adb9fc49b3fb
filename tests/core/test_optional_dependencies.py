"""Without an optional dependency, every module of dioxide either imports or raises an ImportError naming the extra.

Each case runs in a fresh interpreter where the dependency's modules are blocked (``sys.modules[name] = None``
makes ``import name`` fail as if it were not installed) and imports every module under ``src/dioxide``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
MODULES = sorted(
    ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for path in (SRC / "dioxide").rglob("*.py")
)

PROBE = """
import importlib, json, sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
outcomes = {}
for module in sys.argv[2].split(","):
    try:
        importlib.import_module(module)
        outcomes[module] = "ok"
    except ImportError as error:
        outcomes[module] = str(error)
try:
    from dioxide.sqlalchemy import SQLAlchemyDatabase  # through the package's lazy __getattr__
    outcomes["from dioxide.sqlalchemy import SQLAlchemyDatabase"] = "ok"
except ImportError as error:
    outcomes["from dioxide.sqlalchemy import SQLAlchemyDatabase"] = str(error)
print(json.dumps(outcomes))
"""


def outcomes_without(blocked: list[str]) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(blocked), ",".join(MODULES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


CASES = [
    (["sqlalchemy"], "SQLAlchemy", "sqlalchemy", ["dioxide.sqlalchemy.database", "dioxide.sqlalchemy.replicas"]),
    (["starlette", "fastapi"], "Starlette (FastAPI)", "fastapi", ["dioxide.sqlalchemy.fastapi"]),
    (["pytest", "pytest_asyncio"], "pytest", "testing", ["dioxide.pytest_plugin", "dioxide.sqlalchemy.testing"]),
]


@pytest.mark.parametrize(("blocked", "framework", "extra", "failing"), CASES, ids=[case[2] for case in CASES])
def test_a_missing_dependency_names_its_extra(
    blocked: list[str], framework: str, extra: str, failing: list[str]
) -> None:
    outcomes = outcomes_without(blocked)
    message = f"{framework} is not installed. Install it with: pip install dioxide[{extra}]"
    assert {module: outcome for module, outcome in outcomes.items() if outcome not in ("ok", message)} == {}
    assert all(outcomes[module] == message for module in failing)


def test_the_package_and_its_fakes_need_no_optional_dependency() -> None:
    every_optional = ["sqlalchemy", "alembic", "asyncpg", "aiosqlite", "starlette", "fastapi", "pytest"]
    every_optional += ["pytest_asyncio", "flask", "django", "ninja", "celery", "click", "typer", "rest_framework"]
    outcomes = outcomes_without(every_optional)
    needing_none = ["dioxide", "dioxide.testing", "dioxide.fastapi", "dioxide.flask", "dioxide.django"]
    needing_none += ["dioxide.ninja", "dioxide.celery", "dioxide.click", "dioxide.sqlalchemy.fakes"]
    needing_none += ["dioxide.sqlalchemy.errors", "dioxide.sqlalchemy.ports"]
    assert {module: outcomes[module] for module in needing_none} == dict.fromkeys(needing_none, "ok")
    assert all(outcome == "ok" or "Install it with: pip install dioxide[" in outcome for outcome in outcomes.values())


def test_a_broken_installed_package_is_not_reported_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from dioxide._extras import require

    def broken(name: str) -> None:
        raise ModuleNotFoundError("No module named 'greenlet'", name="greenlet")

    monkeypatch.setattr("importlib.import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="greenlet"):
        require("sqlalchemy", "SQLAlchemy", "sqlalchemy")
