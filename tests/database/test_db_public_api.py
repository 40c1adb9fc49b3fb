"""The public API to freeze: at most 20 names, one exception root, every older error class still there."""

from __future__ import annotations

import importlib

import pytest

import dioxide.sqlalchemy as db_module
from dioxide.sqlalchemy import errors
from dioxide.sqlalchemy.errors import DatabaseError
from dioxide.sqlalchemy.migrations import MigrationError, MigrationLockTimeoutError, SchemaNotAtHeadError

# What dioxide.sqlalchemy exported before the freeze and exports no more, by the module that defines it.
MOVED = {
    "errors": "CheckViolationError DatabaseNotInitializedError MultipleResultsError NotNullViolationError "
    "ReadOnlyTransactionError ReferenceViolationError RepositoryError RollbackOnlyError StillReferencedError "
    "TransactionError",
    "migrations": "AlembicMigrations MigrationError MigrationLockTimeoutError MigrationResult SchemaNotAtHeadError "
    "migration_lock_id run_migrations_env",
    "replicas": "ReplicaDatabase ReplicaPolicy ReplicaStatus",
    "repository": "DomainMapping",
    "retry": "is_retryable run_in_transaction",
    "settings": "DEFAULT_URL",
    "pagination": "Cursor",
    "masking": "mask_url",
    "timestamps": "AwareDateTime utcnow",
    "transactions": "ISOLATION_LEVELS",
}


def test_the_package_exports_at_most_20_names() -> None:
    assert len(db_module.__all__) <= 20
    assert len(set(db_module.__all__)) == len(db_module.__all__)
    for name in db_module.__all__:
        assert getattr(db_module, name) is not None


def test_every_exported_exception_is_under_the_one_root() -> None:
    exported = [getattr(db_module, name) for name in db_module.__all__]
    exceptions = [value for value in exported if isinstance(value, type) and issubclass(value, BaseException)]
    assert DatabaseError in exceptions
    assert all(issubclass(error, DatabaseError) for error in exceptions), exceptions


def test_every_error_class_of_the_library_is_under_the_root_and_keeps_its_old_bases() -> None:
    classes = [getattr(errors, name) for name in errors.__all__]
    classes += [MigrationError, MigrationLockTimeoutError, SchemaNotAtHeadError]
    assert all(issubclass(cls, DatabaseError) for cls in classes)
    assert issubclass(errors.DatabaseConfigError, ValueError)
    assert issubclass(errors.DatabaseUnavailableError, ConnectionError)
    assert issubclass(errors.TransactionError, RuntimeError)
    assert issubclass(MigrationError, RuntimeError)
    assert issubclass(errors.DatabaseTimeoutError, errors.DatabaseUnavailableError)
    assert not issubclass(errors.DatabaseTimeoutError, errors.TransactionConflictError)


@pytest.mark.parametrize(
    ("module", "name"), [(module, name) for module, names in MOVED.items() for name in names.split()]
)
def test_names_that_left_the_package_stay_importable_from_their_module(module: str, name: str) -> None:
    assert name not in db_module.__all__
    assert getattr(importlib.import_module(f"dioxide.sqlalchemy.{module}"), name) is not None
