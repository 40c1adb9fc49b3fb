"""The ports the services and routes depend on; adapters for each profile live in the other modules.

The write side goes through repositories over the primary (``DatabasePort``, the seed's ``WriteDatabase``);
the read side (``BankQueries``) through ``ReadDatabase``, which routes to replicas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from dioxide.sqlalchemy import Page
from dioxide.sqlalchemy.pagination import Cursor
from examples.app.domain import Account, User, UserPage, UserProfile


class UserRepository(Protocol):
    async def save(self, user: User) -> User: ...

    async def find_by_id(self, id: int, *, for_update: bool = False) -> User | None: ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def list_page(
        self, *, limit: int = 100, after: Cursor | None = None, order_by: str | None = None, descending: bool = False
    ) -> Page[User]: ...

    async def count(self, **fields: Any) -> int: ...


class AccountRepository(Protocol):
    async def save(self, account: Account) -> Account: ...

    async def find_by_id(self, id: int, *, for_update: bool = False) -> Account | None: ...

    async def find_by_ids(self, ids: Iterable[int], *, for_update: bool = False) -> list[Account]: ...

    async def find_by(self, **fields: Any) -> list[Account]: ...

    async def count(self, **fields: Any) -> int: ...


class BankQueries(Protocol):
    """The read model: what the API shows, read on a replica when one is healthy and caught up."""

    async def list_users(self, *, limit: int = 50, after: int | None = None) -> UserPage: ...

    async def get_user(self, user_id: int) -> UserProfile | None: ...

    async def get_account(self, account_id: int) -> Account | None: ...

    async def get_accounts(self, account_ids: Sequence[int]) -> list[Account]:
        """The accounts with these ids, in id order (missing ones are left out)."""
        ...


Status = Literal["ok", "degraded", "unavailable"]
PrimaryState = Literal["ok", "busy", "down"]
SchemaState = Literal["at head", "behind", "unknown"]


@dataclass(frozen=True)
class ReplicaHealth:
    name: str  # "replica 1", "replica 2"...: never its URL
    in_rotation: bool
    reachable: bool
    lag_seconds: float | None


@dataclass(frozen=True)
class Health:
    """Readiness, without any detail of where the database is (those go to the log).

    ``ok``: the primary answers, the schema is at head and every replica is in rotation; ``degraded``: the
    instance can serve but a replica is out, or every pooled connection is in use (busy); ``unavailable``: the
    primary does not answer or the schema is not at head.
    """

    status: Status
    primary: PrimaryState
    schema_state: SchemaState
    schema_revision: list[str] | None = None  # the revisions the database is at, when read
    migrations: str = "off"  # RUN_MIGRATIONS: "off", "upgrade" or "verify"
    replicas: list[ReplicaHealth] = field(default_factory=list)


class HealthCheck(Protocol):
    async def check(self) -> Health: ...
