"""How an application wires the example: one decorated subclass per port and profile.

Declared inside a function so that tests can register them after clearing dioxide's global registries.
"""

from __future__ import annotations

from dioxide import Profile, adapter, service
from dioxide.sqlalchemy import DatabasePort, FakeDatabase, SQLAlchemyDatabase
from tests.database.app_example.fakes import FakeAccountRepository, FakePostRepository, FakeUserRepository
from tests.database.app_example.ports import AccountRepository, PostRepository, UserRepository
from tests.database.app_example.services import RegistrationService, TransferService
from tests.database.app_example.sql import SQLAccountRepository, SQLPostRepository, SQLUserRepository


def declare() -> dict[str, type]:
    @adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
    class Database(SQLAlchemyDatabase):
        pass

    @adapter.for_(DatabasePort, profile=Profile.TEST)
    class TestDatabase(FakeDatabase):
        pass

    @adapter.for_(UserRepository, profile=Profile.PRODUCTION)
    class Users(SQLUserRepository):
        pass

    @adapter.for_(UserRepository, profile=Profile.TEST)
    class FakeUsers(FakeUserRepository):
        pass

    @adapter.for_(AccountRepository, profile=Profile.PRODUCTION)
    class Accounts(SQLAccountRepository):
        pass

    @adapter.for_(AccountRepository, profile=Profile.TEST)
    class FakeAccounts(FakeAccountRepository):
        pass

    @adapter.for_(PostRepository, profile=Profile.PRODUCTION)
    class Posts(SQLPostRepository):
        pass

    @adapter.for_(PostRepository, profile=Profile.TEST)
    class FakePosts(FakePostRepository):
        pass

    service(RegistrationService)
    service(TransferService)
    return {cls.__name__: cls for cls in (Database, TestDatabase, Users, FakeUsers, Accounts, FakeAccounts)}
