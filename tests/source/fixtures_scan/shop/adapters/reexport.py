"""The port imported through the package that re-exports it, and a custom profile."""

from dioxide import Profile, adapter
from fixtures_scan.shop import UserRepository


@adapter.for_(UserRepository, profile=Profile("Custom"))
class CachedUserRepository:
    def get(self, user_id: int) -> str:
        return str(user_id)
