"""The HTTP bodies (pydantic), converted from the domain dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from examples.app.domain import MAX_AMOUNT


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserIn(BaseModel):
    email: str = Field(max_length=320, examples=["ada@example.com"])
    name: str = Field(max_length=200, examples=["Ada Lovelace"])


class UserOut(Out):
    id: int
    email: str
    name: str
    created_at: datetime


class AccountIn(BaseModel):
    deposit: int = Field(default=0, description=f"opening deposit in cents, 0 to {MAX_AMOUNT}")


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
    source_account_id: int
    target_account_id: int
    amount: int = Field(description=f"cents, 1 to {MAX_AMOUNT}")


class TransferOut(Out):
    source: AccountOut
    target: AccountOut


class ErrorOut(BaseModel):
    detail: str


class ReplicaHealthOut(Out):
    url: str
    in_rotation: bool
    reachable: bool
    lag_seconds: float | None
    error: str | None


class HealthOut(Out):
    status: Literal["ok", "degraded", "unavailable"]
    backend: str
    database: str
    error: str | None
    migrations: str
    schema_revision: list[str] | None
    replicas: list[ReplicaHealthOut]
