"""Aliased decorators and profile class, a port defined in the same module."""

from typing import Protocol

from dioxide import Profile as P
from dioxide import service as svc
from dioxide.adapter import adapter

from .ports import UserRepository


class AuditLog(Protocol):
    def write(self, line: str) -> None: ...


@adapter.for_(UserRepository)
class BillingUserRepository:
    def balance(self, user_id: int) -> int:
        return user_id


@adapter.for_(AuditLog, profile=(P.DEVELOPMENT, P.CI))
class StdoutAuditLog:
    def write(self, line: str) -> None:
        pass


@svc
class BillingService:
    pass
