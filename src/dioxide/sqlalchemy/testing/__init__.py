"""Test support: contract tests for repositories and their fakes, per-test rollback, query counting.

* ``RepositoryContract``: one test class, run against the fake and each real backend;
* ``rollback_after(db)``: everything a test writes is rolled back, application commits included;
* ``count_queries(db)`` / ``assert_max_queries(db, n)``: catch N+1 query patterns;
* ``temporary_database()`` / ``postgres_reachable()``: a throw-away PostgreSQL database per test run.
"""

from dioxide.sqlalchemy.testing.contract import RepositoryContract
from dioxide.sqlalchemy.testing.postgres import (
    DEFAULT_ADMIN_URL,
    create_database,
    drop_database,
    postgres_reachable,
    temporary_database,
)
from dioxide.sqlalchemy.testing.queries import QueryLog, assert_max_queries, count_queries
from dioxide.sqlalchemy.testing.rollback import rollback_after

__all__ = [
    "DEFAULT_ADMIN_URL",
    "QueryLog",
    "RepositoryContract",
    "assert_max_queries",
    "count_queries",
    "create_database",
    "drop_database",
    "postgres_reachable",
    "rollback_after",
    "temporary_database",
]
