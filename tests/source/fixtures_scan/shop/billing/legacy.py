"""Names that come from star imports: only the literal spelling is known."""

from dioxide import *  # noqa: F403

from .ports import *  # noqa: F403


@adapter.for_(UserRepository, profile=Profile.STAGING)  # noqa: F405
class LegacyUserRepository:
    def balance(self, user_id: int) -> int:
        return user_id
