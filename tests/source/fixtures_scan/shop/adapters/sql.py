"""Absolute ``import ... as`` of the ports module, and a list of profiles."""

import fixtures_scan.shop.ports as p
from dioxide import Profile, adapter


@adapter.for_(p.UserRepository, profile=[Profile.PRODUCTION, "Staging"])
class SqlUserRepository:
    def get(self, user_id: int) -> str:
        return str(user_id)
