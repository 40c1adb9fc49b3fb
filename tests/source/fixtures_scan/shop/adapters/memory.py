"""Relative import of the port class."""

from dioxide import Profile, adapter

from ..ports import UserRepository  # noqa: TID252 (relative import under test)


@adapter.for_(UserRepository, profile=Profile.TEST)
class InMemoryUserRepository:
    def get(self, user_id: int) -> str:
        return str(user_id)
