"""The ORM mapping, converting with to_domain()/from_domain() as in the seed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dioxide.sqlalchemy.timestamps import AwareDateTime, utcnow
from tests.database.app_example.domain import Account, Post, User

# Named constraints: the same names on SQLite and PostgreSQL, so errors report the same constraint.
NAMING = {
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserModel(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    def to_domain(self) -> User:
        return User(id=self.id, email=self.email, name=self.name, created_at=self.created_at)

    @classmethod
    def from_domain(cls, user: User) -> UserModel:
        return cls(id=user.id, email=user.email, name=user.name, created_at=user.created_at)


class AccountModel(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    balance: Mapped[int]

    def to_domain(self) -> Account:
        return Account(id=self.id, owner=self.owner, balance=self.balance)

    @classmethod
    def from_domain(cls, account: Account) -> AccountModel:
        return cls(id=account.id, owner=account.owner, balance=account.balance)


class PostModel(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    def to_domain(self) -> Post:
        return Post(id=self.id, author_id=self.author_id, title=self.title, created_at=self.created_at)

    @classmethod
    def from_domain(cls, post: Post) -> PostModel:
        return cls(id=post.id, author_id=post.author_id, title=post.title, created_at=post.created_at)
