"""Billing's ports; ``UserRepository`` shares its bare name with ``shop.ports.UserRepository``."""

from typing import Protocol


class UserRepository(Protocol):
    def balance(self, user_id: int) -> int: ...
