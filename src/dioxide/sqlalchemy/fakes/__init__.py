"""In-memory fakes of the database port and repositories, for the test profile (no SQLAlchemy needed)."""

from dioxide.sqlalchemy.fakes.database import FakeDatabase, FakeTable, FakeTransaction
from dioxide.sqlalchemy.fakes.repository import FakeRepository

__all__ = ["FakeDatabase", "FakeRepository", "FakeTable", "FakeTransaction"]
