"""Schemathesis against the bank's own OpenAPI schema, on SQLite and on PostgreSQL: no 5xx, no schema violation.

Bounded and repeatable: a fixed number of examples per operation, derandomized (the same examples every run),
no example database, no network beyond the application, which runs in-process (schemathesis drives its
lifespan on its own event-loop thread, and ``shutdown_lifespans()`` stops it at the end).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dioxide import Container
from examples.app.api import create_app
from examples.app.config import AppConfig
from tests.app.conftest import empty_postgres
from tests.app.support import PROFILE_OF, copy_sqlite, run_in_thread, sql_environ

EXAMPLES = 20  # per operation and mode: valid data, then invalid data (which must be refused with a 4xx)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_api_answers_what_its_schema_says(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if backend == "sqlite":
        environ = sql_environ(copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path))
    else:
        url = request.getfixturevalue("postgres_database")
        run_in_thread(lambda: empty_postgres(url))
        environ = sql_environ(url)
    container = Container()
    container.register_instance(AppConfig, AppConfig(environ))
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(profile=PROFILE_OF[backend], container=container)
    )
    failures: list[str] = []
    try:
        for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
            operation = result.ok()

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(mode))
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(excluded_checks=_beyond_the_schema(case))

            try:
                check()
            except Unsatisfiable:  # no invalid data exists for an operation without parameters
                assert mode is GenerationMode.NEGATIVE, operation.label
            except Exception as error:  # collect every operation's failure, then report them together
                failures.append(f"{operation.label} ({mode.value} data): {error}")
    finally:
        shutdown_lifespans()
    assert not failures, "\n\n".join(failures)


def _beyond_the_schema(case: schemathesis.Case) -> list[object]:
    """A transfer from an account to itself is schema-valid (JSON Schema cannot compare two fields) and answers 422:
    for that one request only, a 422 is not a rejected valid input."""
    body = case.body if isinstance(case.body, dict) else {}
    same = "source_account_id" in body and body.get("source_account_id") == body.get("target_account_id")
    return [positive_data_acceptance] if case.path == "/transfers" and same else []
