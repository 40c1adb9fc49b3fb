"""dioxide.sqlalchemy: the seed's database recipes as a library, right by default.

* ``DatabaseSettings``: configuration from the environment, validated, password never shown;
* ``DatabasePort`` and ``SQLAlchemyDatabase``: the engine as a lifecycle adapter, with transactions that
  follow the asyncio context (join, savepoints, rollback-only, isolation, read-only);
* ``AlembicMigrations``: migrations at startup (``RUN_MIGRATIONS``), once across instances, or verify-only;
* ``ReplicaRouter`` (``ReadDatabase``): reads on healthy replicas, read-your-writes, fallback to the primary;
* ``SQLAlchemyRepository``: a generic repository over a domain dataclass and its ORM mapping;
* ``FakeDatabase`` and ``FakeRepository``: in-memory twins with the same behaviour, for the test profile;
* ``retry_on_conflict`` / ``run_in_transaction``: retries of serialization failures and deadlocks;
* ``dioxide.sqlalchemy.testing``: contract tests for fakes, per-test rollback, query counting.

Importing this package registers nothing with dioxide: subclass and decorate the classes you use. Names are
loaded on first access, so the errors and the fakes work without SQLAlchemy installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dioxide.sqlalchemy.database import SQLAlchemyDatabase
    from dioxide.sqlalchemy.errors import (
        CheckViolationError,
        ConstraintViolationError,
        DatabaseConfigError,
        DatabaseNotInitializedError,
        DatabaseUnavailableError,
        DuplicateError,
        MissingReferenceError,
        MultipleResultsError,
        NotNullViolationError,
        ReadOnlyTransactionError,
        ReferenceViolationError,
        RepositoryError,
        RollbackOnlyError,
        StillReferencedError,
        TransactionConflictError,
        TransactionError,
    )
    from dioxide.sqlalchemy.fakes import FakeDatabase, FakeRepository
    from dioxide.sqlalchemy.masking import mask_url
    from dioxide.sqlalchemy.migrations import (
        AlembicMigrations,
        MigrationError,
        MigrationLockTimeoutError,
        MigrationResult,
        SchemaNotAtHeadError,
        migration_lock_id,
        run_migrations_env,
    )
    from dioxide.sqlalchemy.pagination import Cursor, Page
    from dioxide.sqlalchemy.ports import DatabasePort
    from dioxide.sqlalchemy.replicas import (
        MirrorReadDatabase,
        ReadDatabase,
        ReplicaDatabase,
        ReplicaPolicy,
        ReplicaRouter,
        ReplicaStatus,
        WriteDatabase,
    )
    from dioxide.sqlalchemy.repository import DomainMapping, SQLAlchemyRepository
    from dioxide.sqlalchemy.retry import is_retryable, retry_on_conflict, run_in_transaction
    from dioxide.sqlalchemy.settings import DEFAULT_URL, DatabaseSettings
    from dioxide.sqlalchemy.timestamps import AwareDateTime, utcnow
    from dioxide.sqlalchemy.transactions import ISOLATION_LEVELS

_EXPORTS = {
    "SQLAlchemyDatabase": "database",
    "CheckViolationError": "errors",
    "ConstraintViolationError": "errors",
    "DatabaseConfigError": "errors",
    "DatabaseNotInitializedError": "errors",
    "DatabaseUnavailableError": "errors",
    "DuplicateError": "errors",
    "MissingReferenceError": "errors",
    "MultipleResultsError": "errors",
    "NotNullViolationError": "errors",
    "ReadOnlyTransactionError": "errors",
    "ReferenceViolationError": "errors",
    "RepositoryError": "errors",
    "RollbackOnlyError": "errors",
    "StillReferencedError": "errors",
    "TransactionConflictError": "errors",
    "TransactionError": "errors",
    "FakeDatabase": "fakes",
    "FakeRepository": "fakes",
    "mask_url": "masking",
    "AlembicMigrations": "migrations",
    "MigrationError": "migrations",
    "MigrationLockTimeoutError": "migrations",
    "MigrationResult": "migrations",
    "SchemaNotAtHeadError": "migrations",
    "migration_lock_id": "migrations",
    "run_migrations_env": "migrations",
    "MirrorReadDatabase": "replicas",
    "ReadDatabase": "replicas",
    "ReplicaDatabase": "replicas",
    "ReplicaPolicy": "replicas",
    "ReplicaRouter": "replicas",
    "ReplicaStatus": "replicas",
    "WriteDatabase": "replicas",
    "Cursor": "pagination",
    "Page": "pagination",
    "DatabasePort": "ports",
    "DomainMapping": "repository",
    "SQLAlchemyRepository": "repository",
    "is_retryable": "retry",
    "retry_on_conflict": "retry",
    "run_in_transaction": "retry",
    "DEFAULT_URL": "settings",
    "DatabaseSettings": "settings",
    "AwareDateTime": "timestamps",
    "utcnow": "timestamps",
    "ISOLATION_LEVELS": "transactions",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dioxide.sqlalchemy' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"dioxide.sqlalchemy.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "DEFAULT_URL",
    "ISOLATION_LEVELS",
    "AlembicMigrations",
    "AwareDateTime",
    "CheckViolationError",
    "ConstraintViolationError",
    "Cursor",
    "DatabaseConfigError",
    "DatabaseNotInitializedError",
    "DatabasePort",
    "DatabaseSettings",
    "DatabaseUnavailableError",
    "DomainMapping",
    "DuplicateError",
    "FakeDatabase",
    "FakeRepository",
    "MigrationError",
    "MigrationLockTimeoutError",
    "MigrationResult",
    "MirrorReadDatabase",
    "MissingReferenceError",
    "MultipleResultsError",
    "NotNullViolationError",
    "Page",
    "ReadDatabase",
    "ReadOnlyTransactionError",
    "ReferenceViolationError",
    "ReplicaDatabase",
    "ReplicaPolicy",
    "ReplicaRouter",
    "ReplicaStatus",
    "RepositoryError",
    "RollbackOnlyError",
    "SQLAlchemyDatabase",
    "SQLAlchemyRepository",
    "SchemaNotAtHeadError",
    "StillReferencedError",
    "TransactionConflictError",
    "TransactionError",
    "WriteDatabase",
    "is_retryable",
    "mask_url",
    "migration_lock_id",
    "retry_on_conflict",
    "run_in_transaction",
    "run_migrations_env",
    "utcnow",
]
