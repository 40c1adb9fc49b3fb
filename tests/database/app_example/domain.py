"""Domain model: plain dataclasses and errors, no SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class User:
    id: int | None
    email: str
    name: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class Account:
    id: int | None
    owner: str
    balance: int  # in cents: money is never a float


@dataclass(frozen=True)
class Post:
    id: int | None
    author_id: int
    title: str
    created_at: datetime | None = None


class EmailAlreadyRegisteredError(Exception):
    def __init__(self, email: str) -> None:
        super().__init__(f"email {email!r} is already registered")
        self.email = email


class InsufficientFundsError(Exception):
    pass


class AccountNotFoundError(LookupError):
    pass
