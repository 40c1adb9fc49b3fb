"""The bank's domain: entities, rules and errors. No SQLAlchemy, no HTTP.

Money is a whole number of cents (never a float). Errors fall into three families that the API maps to HTTP
statuses: ``NotFoundError`` (404), ``ConflictError`` (409), ``InvalidRequestError`` (422).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

MAX_AMOUNT: Final = 1_000_000_000_000
"""The largest deposit or transfer, in cents (ten billion in the currency's unit)."""
MAX_ID: Final = 2**31 - 1
"""The largest id the schema's keys hold (``INTEGER``: 32 bits on PostgreSQL); the API refuses larger ones."""
MAX_EMAIL_LENGTH: Final = 320
MAX_NAME_LENGTH: Final = 200
WHITESPACE: Final = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What ``str.isspace()`` calls whitespace, as a regex class spelled out so that Python, pydantic (Rust) and a JSON
Schema validator all read the patterns below the same way."""
EMAIL_PATTERN: Final = (
    rf"^[{WHITESPACE}]*[^@\x00{WHITESPACE}]+@[^@\x00{WHITESPACE}]+\.[^@\x00{WHITESPACE}]+[{WHITESPACE}]*$"
)
"""An email address as accepted: something@domain.tld, without NUL, surrounding whitespace allowed (trimmed)."""
NAME_PATTERN: Final = rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*$"
"""A name: not blank, without NUL."""

_EMAIL = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class User:
    id: int | None
    email: str
    name: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class Account:
    id: int | None
    owner_id: int
    balance: int  # cents
    opened_at: datetime | None = None


@dataclass(frozen=True)
class UserPage:
    """One page of users by id; pass ``next_after`` as ``after`` for the next page (``None``: the last)."""

    users: list[User]
    next_after: int | None


@dataclass(frozen=True)
class UserProfile:
    """A user and their accounts, read together (one snapshot)."""

    user: User
    accounts: list[Account] = field(default_factory=list)


class BankError(Exception):
    """Base of the errors a client can cause and read."""


class NotFoundError(BankError, LookupError):
    """What the request names does not exist."""


class ConflictError(BankError):
    """The request is well formed but conflicts with the current state."""


class InvalidRequestError(BankError, ValueError):
    """The request breaks a rule of the domain whatever the state."""


class UserNotFoundError(NotFoundError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"no user {user_id}")
        self.user_id = user_id


class AccountNotFoundError(NotFoundError):
    def __init__(self, account_id: int) -> None:
        super().__init__(f"no account {account_id}")
        self.account_id = account_id


class EmailAlreadyRegisteredError(ConflictError):
    def __init__(self, email: str) -> None:
        super().__init__(f"email {email!r} is already registered")
        self.email = email


class InsufficientFundsError(ConflictError):
    def __init__(self, account_id: int, balance: int, amount: int) -> None:
        super().__init__(f"account {account_id} has {balance} cents, cannot transfer {amount}")
        self.account_id = account_id
        self.balance = balance
        self.amount = amount


class InvalidEmailError(InvalidRequestError):
    def __init__(self, email: str) -> None:
        shown = email if len(email) <= 60 else email[:60] + "..."
        super().__init__(f"not an email address: {shown!r}")


class BlankNameError(InvalidRequestError):
    def __init__(self) -> None:
        super().__init__("name must not be blank")


class InvalidAmountError(InvalidRequestError):
    def __init__(self, what: str, amount: int, minimum: int) -> None:
        super().__init__(f"{what} must be between {minimum} and {MAX_AMOUNT} cents, got {amount}")


class SameAccountError(InvalidRequestError):
    def __init__(self) -> None:
        super().__init__("cannot transfer from an account to itself")


def normalize_email(email: str) -> str:
    """The address as stored (trimmed, lower case); ``InvalidEmailError`` unless it looks like one."""
    address = email.strip().lower()
    if len(email.strip()) > MAX_EMAIL_LENGTH or len(address) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise InvalidEmailError(email)
    return address


def normalize_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise BlankNameError
    return cleaned


def check_deposit(amount: int) -> int:
    if not 0 <= amount <= MAX_AMOUNT:
        raise InvalidAmountError("deposit", amount, 0)
    return amount


def check_transfer_amount(amount: int) -> int:
    if not 1 <= amount <= MAX_AMOUNT:
        raise InvalidAmountError("amount", amount, 1)
    return amount
