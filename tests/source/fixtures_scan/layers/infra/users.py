"""Imports the port through the domain package's re-export."""

from dioxide import adapter
from fixtures_scan.layers.domain import Repository


@adapter.for_(Repository)
class UserStore:
    def load(self) -> str:
        return "users"
