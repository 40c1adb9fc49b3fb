"""The tables, mapped with SQLAlchemy 2.0 typed declarative classes (recipe 2).

Rows convert with ``to_domain()`` / ``from_domain()`` (the seed's names), so nothing outside ``orm.py``,
``repositories.py`` and ``queries.py`` sees SQLAlchemy. Constraints are named by a convention, so they have
the same names on SQLite and PostgreSQL and in the migrations (``migrations/versions``), which create the
schema: the application never calls ``create_all``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dioxide.sqlalchemy.timestamps import AwareDateTime, utcnow
from examples.app.domain import Account, User

NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    def to_domain(self) -> User:
        return User(id=self.id, email=self.email, name=self.name, created_at=self.created_at)

    @classmethod
    def from_domain(cls, user: User) -> UserRow:
        return cls(id=user.id, email=user.email, name=user.name, created_at=user.created_at)


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    balance: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    def to_domain(self) -> Account:
        return Account(id=self.id, owner_id=self.owner_id, balance=self.balance, opened_at=self.opened_at)

    @classmethod
    def from_domain(cls, account: Account) -> AccountRow:
        return cls(id=account.id, owner_id=account.owner_id, balance=account.balance, opened_at=account.opened_at)
