"""The shop's ports."""

from typing import Protocol


class UserRepository(Protocol):
    def get(self, user_id: int) -> str: ...


class Mailer(Protocol):
    def send(self, to: str) -> None: ...


class Clock(Protocol):
    def now(self) -> float: ...
