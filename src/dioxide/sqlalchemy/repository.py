"""``SQLAlchemyRepository``: the seed's repository recipe as a generic base over a domain dataclass.

A repository names its ORM mapping, which converts with ``to_domain()`` / ``from_domain()`` (the seed's
names); the base provides the common queries and adds only its own bookkeeping to the SQLAlchemy calls::

    @adapter.for_(UserRepository, profile=Profile.PRODUCTION)
    class SQLUserRepository(SQLAlchemyRepository[User, int]):
        model = UserModel

        async def find_by_email(self, email: str) -> User | None:
            return await self.find_one_by(email=email)

Every method runs inside the caller's transaction when one is active (the session travels with the asyncio
context), or in a short transaction of its own. Unique and foreign-key violations raise ``DuplicateError``,
``MissingReferenceError`` or ``StillReferencedError`` instead of driver errors.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, Select, Table, delete, func, inspect, select, tuple_
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import del_attribute

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.error_mapping import translate_error
from dioxide.sqlalchemy.errors import MultipleResultsError
from dioxide.sqlalchemy.pagination import Cursor, Page, check_limit, check_offset
from dioxide.sqlalchemy.ports import DatabasePort

E = TypeVar("E")
K = TypeVar("K")


class DomainMapping(Protocol[E]):
    """An ORM-mapped class that converts to and from the domain entity ``E``."""

    def to_domain(self) -> E: ...

    @classmethod
    def from_domain(cls, entity: E, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class _MappingInfo:
    """What the base needs to know about the mapped class, computed once per repository class."""

    table: Table
    key: Any  # the primary-key attribute (InstrumentedAttribute)
    key_name: str
    columns: frozenset[str]
    defaulted: tuple[str, ...]  # NOT NULL columns with a default: None there means "the database's value"


class SQLAlchemyRepository(Generic[E, K]):
    """Get, find, save, delete, list (offset and keyset) and count, over ``model`` (single-column key)."""

    model: ClassVar[type[DomainMapping[Any]]]
    _mapping_info: ClassVar[_MappingInfo | None] = None

    def __init__(self, db: DatabasePort) -> None:
        if not isinstance(db, SQLAlchemyDatabase):
            raise TypeError(
                f"{type(self).__name__} needs a SQLAlchemyDatabase as its DatabasePort, got {type(db).__name__}: "
                "in a profile that uses FakeDatabase, register the fake repositories too"
            )
        self.db = db

    async def find_by_id(self, id: K, *, for_update: bool = False) -> E | None:
        """The entity with this primary key, or ``None``; ``for_update`` locks the row until the end."""
        async with self.db.transaction() if for_update else self.read_session() as session:
            row = await session.get(
                self.model, id, with_for_update=for_update or None, populate_existing=for_update or None
            )
            return None if row is None else cast(E, row.to_domain())

    async def find_by_ids(self, ids: Iterable[K], *, for_update: bool = False) -> list[E]:
        """The entities with these keys, in key order (so ``for_update`` locks rows in a consistent order)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        info = self._info()
        statement = select(self.model).where(info.key.in_(wanted)).order_by(info.key)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        async with self.db.transaction() if for_update else self.read_session() as session:
            return [row.to_domain() for row in (await session.scalars(statement))]

    async def find_by(self, **fields: Any) -> list[E]:
        """The entities whose columns equal the given values (``None`` matches NULL), in key order."""
        statement = select(self.model).where(*self._conditions(fields)).order_by(self._info().key)
        return await self.fetch_all(statement)

    async def find_one_by(self, **fields: Any) -> E | None:
        """The one entity matching, ``None`` if none; ``MultipleResultsError`` if several match."""
        statement = select(self.model).where(*self._conditions(fields)).order_by(self._info().key).limit(2)
        found = await self.fetch_all(statement)
        if len(found) > 1:
            raise MultipleResultsError(
                f"{self._info().table.name}: more than one row matches {', '.join(sorted(fields))}"
            )
        return found[0] if found else None

    async def save(self, entity: E) -> E:
        """Insert (no key yet) or update (insert when the key is new); returns the stored entity.

        ``None`` in a NOT NULL column that has a default (``created_at``) means "the database's value": the
        default on insert, the stored value on update.
        """
        info = self._info()
        row = self.model.from_domain(entity)
        for name in info.defaulted:
            if getattr(row, name) is None:
                del_attribute(row, name)  # merge() then keeps the stored value; an insert uses the default
        async with self.db.transaction() as session:
            try:
                if getattr(row, info.key_name) is None:
                    session.add(row)
                else:
                    row = await session.merge(row)
                await session.flush()
            except sa_exc.DBAPIError as error:
                raise self._translated(error) from error
            return cast(E, row.to_domain())

    async def delete(self, id: K) -> bool:
        """Delete by key; ``True`` when a row was deleted, ``StillReferencedError`` when others refer to it."""
        info = self._info()
        async with self.db.transaction() as session:
            try:
                result = await session.execute(delete(self.model).where(info.key == id))
            except sa_exc.DBAPIError as error:
                raise self._translated(error, deleting=True) from error
            return cast(CursorResult[Any], result).rowcount > 0

    async def list_all(self, limit: int = 100, offset: int = 0) -> list[E]:
        """A page by offset, in key order (the seed's signature); prefer ``list_page`` for deep pages."""
        statement = select(self.model).order_by(self._info().key)
        return await self.fetch_all(statement.limit(check_limit(limit)).offset(check_offset(offset)))

    async def list_page(
        self,
        *,
        limit: int = 100,
        after: Cursor | None = None,
        order_by: str | None = None,
        descending: bool = False,
    ) -> Page[E]:
        """A keyset page: entities after ``after`` (a previous ``next_cursor``) by ``order_by``, then key."""
        info = self._info()
        check_limit(limit)
        keys = [info.key] if order_by is None else [self._column(order_by), info.key]
        statement = select(self.model)
        if after is not None:
            if len(after) != len(keys):
                raise ValueError(f"cursor {after!r} does not fit order_by={order_by!r}")
            left = keys[0] if len(keys) == 1 else tuple_(*keys)
            right = after[0] if len(keys) == 1 else tuple_(*after)
            statement = statement.where(left < right if descending else left > right)
        statement = statement.order_by(*(key.desc() if descending else key.asc() for key in keys))
        async with self.read_session() as session:
            rows = list(await session.scalars(statement.limit(limit + 1)))
        cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            names = [info.key_name] if order_by is None else [order_by, info.key_name]
            cursor = tuple(getattr(last, name) for name in names)
        return Page([row.to_domain() for row in rows], cursor)

    async def count(self, **fields: Any) -> int:
        """How many rows match the given column values (all rows without arguments)."""
        statement = select(func.count()).select_from(self._info().table).where(*self._conditions(fields))
        async with self.read_session() as session:
            return int((await session.execute(statement)).scalar_one())

    def read_session(self) -> Any:
        """``async with self.read_session() as session:`` for custom queries: joins or opens a read."""
        return self.db.reading()

    def write_session(self) -> Any:
        """``async with self.write_session() as session:`` for custom writes: joins or opens a transaction."""
        return self.db.transaction()

    async def fetch_all(self, statement: Select[Any]) -> list[E]:
        """Run a ``select(Model)`` statement and convert the rows to entities."""
        async with self.read_session() as session:
            return [row.to_domain() for row in (await session.scalars(statement))]

    async def fetch_one(self, statement: Select[Any]) -> E | None:
        """Run a ``select(Model)`` statement expected to match at most one row."""
        async with self.read_session() as session:
            row = (await session.scalars(statement)).one_or_none()
            return None if row is None else cast(E, row.to_domain())

    def _translated(self, error: sa_exc.DBAPIError, *, deleting: bool = False) -> BaseException:
        return translate_error(error, table=self._info().table, deleting=deleting) or error

    def _conditions(self, fields: dict[str, Any]) -> list[ColumnElement[bool]]:
        return [self._column(name) == value for name, value in fields.items()]

    def _column(self, name: str) -> Any:
        info = self._info()
        if name not in info.columns:
            known = ", ".join(sorted(info.columns))
            raise ValueError(f"{self.model.__name__} has no column {name!r}; columns: {known}")
        return getattr(self.model, name)

    @classmethod
    def _info(cls) -> _MappingInfo:
        info = cls.__dict__.get("_mapping_info")
        if info is None:
            info = cls._inspect_model()
            cls._mapping_info = info
        return cast(_MappingInfo, info)

    @classmethod
    def _inspect_model(cls) -> _MappingInfo:
        model = getattr(cls, "model", None)
        if model is None:
            raise TypeError(f"{cls.__name__} must set `model` to its ORM-mapped class")
        mapper = cast(Mapper[Any], inspect(model))
        if len(mapper.primary_key) != 1:
            raise TypeError(f"{cls.__name__}: {model.__name__} must have a single-column primary key")
        key_column = mapper.primary_key[0]
        key_name = mapper.get_property_by_column(key_column).key
        table = mapper.local_table
        if not isinstance(table, Table):
            raise TypeError(f"{cls.__name__}: {model.__name__} must be mapped to a table")
        defaulted = tuple(
            attribute.key
            for attribute in mapper.column_attrs
            if attribute.key != key_name
            and len(attribute.columns) == 1
            and not attribute.columns[0].nullable
            and (attribute.columns[0].default is not None or attribute.columns[0].server_default is not None)
        )
        return _MappingInfo(
            table=table,
            key=getattr(model, key_name),
            key_name=key_name,
            columns=frozenset(attribute.key for attribute in mapper.column_attrs),
            defaulted=defaulted,
        )


__all__ = ["DomainMapping", "SQLAlchemyRepository"]
