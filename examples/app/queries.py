"""Recipe 6, the read side: queries on ``ReadDatabase`` (a replica, or the primary after a write).

``reads.read(work)`` runs ``work(session)`` in a read-only transaction on the node the router chooses: a
replica in rotation (healthy, lag under ``DB_REPLICA_MAX_LAG``), else the primary; right after this request
committed a write, the primary (read-your-writes); and again on the primary if the replica dies mid-read.
Each query reads in one transaction, so related rows come from one snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dioxide import Profile, adapter
from dioxide.sqlalchemy import ReadDatabase
from examples.app.domain import Account, User, UserPage, UserProfile
from examples.app.orm import AccountRow, UserRow
from examples.app.ports import BankQueries


@adapter.for_(BankQueries, profile=[Profile.PRODUCTION, Profile.DEVELOPMENT])
class SQLBankQueries:
    def __init__(self, reads: ReadDatabase) -> None:
        self.reads = reads

    async def list_users(self, *, limit: int = 50, after: int | None = None) -> UserPage:
        statement = select(UserRow).order_by(UserRow.id).limit(limit + 1)
        if after is not None:
            statement = statement.where(UserRow.id > after)

        async def work(session: AsyncSession) -> list[User]:
            return [row.to_domain() for row in await session.scalars(statement)]

        users = await self.reads.read(work)
        if len(users) > limit:
            users = users[:limit]
            return UserPage(users, users[-1].id)
        return UserPage(users, None)

    async def get_user(self, user_id: int) -> UserProfile | None:
        async def work(session: AsyncSession) -> UserProfile | None:
            user = await session.get(UserRow, user_id)
            if user is None:
                return None
            accounts = await session.scalars(
                select(AccountRow).where(AccountRow.owner_id == user_id).order_by(AccountRow.id)
            )
            return UserProfile(user.to_domain(), [row.to_domain() for row in accounts])

        return await self.reads.read(work)

    async def get_account(self, account_id: int) -> Account | None:
        async def work(session: AsyncSession) -> Account | None:
            row = await session.get(AccountRow, account_id)
            return None if row is None else row.to_domain()

        return await self.reads.read(work)

    async def get_accounts(self, account_ids: Sequence[int]) -> list[Account]:
        wanted = sorted(set(account_ids))
        if not wanted:
            return []
        statement = select(AccountRow).where(AccountRow.id.in_(wanted)).order_by(AccountRow.id)

        async def work(session: AsyncSession) -> list[Account]:
            return [row.to_domain() for row in await session.scalars(statement)]

        return await self.reads.read(work)
