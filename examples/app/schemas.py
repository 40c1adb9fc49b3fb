"""The HTTP bodies (pydantic), converted from the domain dataclasses, with the domain's limits in the schema.

What the schema promises is what the application checks before any work: ids fit the ``INTEGER`` keys, amounts
and lengths are within the domain's limits, and text holds no NUL character nor unpaired surrogate (which
PostgreSQL refuses and SQLite would store). Anything else is 422, in one shape: ``InvalidOut``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from examples.app.domain import EMAIL_PATTERN, MAX_AMOUNT, MAX_EMAIL_LENGTH, MAX_ID, MAX_NAME_LENGTH, NAME_PATTERN

UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="a user's id")]
AccountId = Annotated[int, Path(ge=1, le=MAX_ID, description="an account's id")]
After = Annotated[int | None, Query(ge=0, le=MAX_ID, description="the `next_after` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=100)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserIn(BaseModel):
    # With a pattern, pydantic also refuses unpaired surrogates (the text must be valid Unicode to be matched).
    email: str = Field(max_length=MAX_EMAIL_LENGTH, pattern=EMAIL_PATTERN, examples=["ada@example.com"])
    name: str = Field(max_length=MAX_NAME_LENGTH, pattern=NAME_PATTERN, examples=["Ada Lovelace"])


class UserOut(Out):
    id: int
    email: str
    name: str
    created_at: datetime


class AccountIn(BaseModel):
    deposit: int = Field(default=0, ge=0, le=MAX_AMOUNT, description="opening deposit in cents")


class AccountOut(Out):
    id: int
    owner_id: int
    balance: int = Field(description="cents")
    opened_at: datetime


class UserPageOut(Out):
    users: list[UserOut]
    next_after: int | None = Field(description="pass as `after` for the next page; null on the last page")


class UserProfileOut(Out):
    user: UserOut
    accounts: list[AccountOut]


class TransferIn(BaseModel):
    source_account_id: int = Field(ge=1, le=MAX_ID)
    target_account_id: int = Field(ge=1, le=MAX_ID)
    amount: int = Field(ge=1, le=MAX_AMOUNT, description="cents")


class TransferOut(Out):
    source: AccountOut
    target: AccountOut


class ErrorOut(BaseModel):
    detail: str


class FieldErrorOut(BaseModel):
    loc: list[str | int] = Field(description="where: `body`, `path` or `query`, then the field")
    msg: str
    type: str


class InvalidOut(BaseModel):
    """422: ``detail`` says what is wrong; ``errors`` lists each field when the request's shape was wrong."""

    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


class LiveOut(BaseModel):
    status: Literal["ok"]


class ReplicaHealthOut(Out):
    name: str = Field(description="`replica 1`, `replica 2`... in the order of DATABASE_REPLICA_URLS")
    in_rotation: bool
    reachable: bool
    lag_seconds: float | None


class HealthOut(Out):
    status: Literal["ok", "degraded", "unavailable"]
    primary: Literal["ok", "busy", "down"]
    schema_state: Literal["at head", "behind", "unknown"]
    schema_revision: list[str] | None
    migrations: str
    replicas: list[ReplicaHealthOut]
