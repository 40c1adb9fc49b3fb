"""dioxide.sqlalchemy: the seed's database recipes as a library, right by default.

The names an application writes every day are here; the rest lives in submodules (``errors``, ``migrations``,
``replicas``, ``testing``, ``timestamps``, ``fastapi``...) and is imported from there.

* ports: ``DatabasePort`` (transactions), ``Repository`` (get, find, save, delete, pages, count), and for read
  replicas ``WriteDatabase`` (the primary's ``DatabasePort``) and ``ReadDatabase`` (routed reads);
* production adapters: ``DatabaseSettings`` (the environment, validated), ``SQLAlchemyDatabase`` (engine, pool,
  timeouts, transactions, migrations at startup), ``SQLAlchemyRepository``, ``ReplicaRouter``;
* test adapters: ``FakeDatabase``, ``FakeRepository`` and ``MirrorReadDatabase``, with the same behaviour;
* ``Page`` (keyset pages) and ``retry_on_conflict`` (rerun a transaction the database aborted);
* errors, under one root ``DatabaseError``: ``DatabaseConfigError``, ``DatabaseUnavailableError``,
  ``TransactionConflictError``, ``ConstraintViolationError`` and the two a service catches most,
  ``DuplicateError`` and ``MissingReferenceError``.

Importing this package registers nothing with dioxide: subclass and decorate the classes you use. Names load on
first use, so the errors and the fakes work without SQLAlchemy installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; ruff keeps it and __all__ in step (F401, F822)
    from dioxide.sqlalchemy.database import SQLAlchemyDatabase
    from dioxide.sqlalchemy.errors import (
        ConstraintViolationError,
        DatabaseConfigError,
        DatabaseError,
        DatabaseUnavailableError,
        DuplicateError,
        MissingReferenceError,
        TransactionConflictError,
    )
    from dioxide.sqlalchemy.fakes import FakeDatabase, FakeRepository
    from dioxide.sqlalchemy.pagination import Page
    from dioxide.sqlalchemy.ports import DatabasePort, Repository
    from dioxide.sqlalchemy.replicas import MirrorReadDatabase, ReadDatabase, ReplicaRouter, WriteDatabase
    from dioxide.sqlalchemy.repository import SQLAlchemyRepository
    from dioxide.sqlalchemy.retry import retry_on_conflict
    from dioxide.sqlalchemy.settings import DatabaseSettings

# Where __getattr__ looks, in this order: the modules that need no SQLAlchemy come first.
_MODULES = ("errors", "fakes", "pagination", "ports", "retry", "settings", "database", "repository", "replicas")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module_name in _MODULES:
            module = importlib.import_module(f"dioxide.sqlalchemy.{module_name}")
            if name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'dioxide.sqlalchemy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ConstraintViolationError",
    "DatabaseConfigError",
    "DatabaseError",
    "DatabasePort",
    "DatabaseSettings",
    "DatabaseUnavailableError",
    "DuplicateError",
    "FakeDatabase",
    "FakeRepository",
    "MirrorReadDatabase",
    "MissingReferenceError",
    "Page",
    "ReadDatabase",
    "ReplicaRouter",
    "Repository",
    "SQLAlchemyDatabase",
    "SQLAlchemyRepository",
    "TransactionConflictError",
    "WriteDatabase",
    "retry_on_conflict",
]
