"""``FakeRepository``: the in-memory twin of ``SQLAlchemyRepository``, verified by the same contract tests.

Declare what the database would enforce, and the fake enforces it inside ``FakeDatabase`` transactions::

    @adapter.for_(UserRepository, profile=Profile.TEST)
    class FakeUserRepository(FakeRepository[User, int]):
        table_name = "users"
        unique = ("email",)                      # or {"uq_users_email": ("email",)}
        created_at_fields = ("created_at",)

        async def find_by_email(self, email: str) -> User | None:
            return await self.find_one_by(email=email)

Keys are integers from a per-table sequence that, as in PostgreSQL, is not rolled back. Entities are deep
copied on the way in and out, so a caller mutating a returned entity changes nothing stored. ``seed()``,
``clear()``, ``stored()`` and ``len()`` are synchronous helpers for test setup and assertions;
``count()`` is async, as on the real repository.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar, cast, get_args, get_origin

from dioxide.sqlalchemy.errors import (
    DuplicateError,
    MissingReferenceError,
    MultipleResultsError,
    StillReferencedError,
)
from dioxide.sqlalchemy.fakes.database import FakeDatabase, FakeTable, FakeTransaction
from dioxide.sqlalchemy.pagination import Cursor, Page, check_limit, check_offset
from dioxide.sqlalchemy.ports import DatabasePort

E = TypeVar("E")
K = TypeVar("K")

UniqueSpec = Sequence[str | Sequence[str]] | Mapping[str, Sequence[str]]


class FakeRepository(Generic[E, K]):
    """Get, find, save, delete, list (offset and keyset) and count over dataclass entities, in memory."""

    entity: ClassVar[type[Any]]
    """The domain dataclass; taken from ``FakeRepository[Entity, Key]`` when not set."""
    table_name: ClassVar[str] = ""
    """Defaults to the entity's name, lower-cased, plus ``s``; use the SQL table's name so errors agree."""
    id_field: ClassVar[str] = "id"
    unique: ClassVar[UniqueSpec] = ()
    references: ClassVar[Mapping[str, str]] = {}
    """Foreign keys: entity field -> referenced table name (delete of a referenced row is refused)."""
    created_at_fields: ClassVar[Sequence[str]] = ()
    """Fields set to the current UTC time on insert when empty, kept on update (what a column default does)."""
    updated_at_fields: ClassVar[Sequence[str]] = ()
    """Fields set to the current UTC time on every save."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "entity" not in cls.__dict__:
            for base in getattr(cls, "__orig_bases__", ()):
                if get_origin(base) is FakeRepository:
                    argument = get_args(base)[0]
                    if isinstance(argument, type):
                        cls.entity = argument

    def __init__(self, db: DatabasePort | None = None) -> None:
        if db is None:
            db = FakeDatabase()
        if not isinstance(db, FakeDatabase):
            raise TypeError(
                f"{type(self).__name__} needs a FakeDatabase as its DatabasePort, got {type(db).__name__}: "
                "register FakeDatabase for DatabasePort in the profile that uses fake repositories"
            )
        entity: type[Any] | None = getattr(type(self), "entity", None)
        if entity is None or not dataclasses.is_dataclass(entity):
            raise TypeError(
                f"{type(self).__name__} needs a dataclass entity: subclass FakeRepository[Entity, Key] or set "
                "`entity = Entity`"
            )
        self.db: FakeDatabase = db
        self._fields = frozenset(field.name for field in dataclasses.fields(entity))
        for name in (self.id_field, *self.references, *self.created_at_fields, *self.updated_at_fields):
            self._check_field(name)
        self._table: FakeTable = db.table(
            self.table_name or f"{entity.__name__.lower()}s",
            id_field=self.id_field,
            unique=self._unique_constraints(),
            references=self.references,
        )

    def __len__(self) -> int:
        return len(self._table.rows)

    # -- the repository API (same signatures as SQLAlchemyRepository) --

    async def find_by_id(self, id: K, *, for_update: bool = False) -> E | None:
        self.db.note_query(f"find_by_id {self._table.name}")
        async with self.db.reading() as transaction:
            if for_update:
                await transaction.lock()
            return cast("E | None", _copy(transaction.rows(self._table).get(id)))

    async def find_by_ids(self, ids: Iterable[K], *, for_update: bool = False) -> list[E]:
        wanted: set[Any] = set(ids)
        self.db.note_query(f"find_by_ids {self._table.name}")
        async with self.db.reading() as transaction:
            if for_update and wanted:
                await transaction.lock()
            rows = transaction.rows(self._table)
            return [cast(E, copy.deepcopy(rows[key])) for key in sorted(wanted) if key in rows]

    async def find_by(self, **fields: Any) -> list[E]:
        return await self.filter(self._matcher(fields))

    async def find_one_by(self, **fields: Any) -> E | None:
        found = await self.filter(self._matcher(fields))
        if len(found) > 1:
            raise MultipleResultsError(f"{self._table.name}: more than one row matches {', '.join(sorted(fields))}")
        return found[0] if found else None

    async def filter(self, predicate: Callable[[E], bool]) -> list[E]:
        """The entities for which ``predicate`` holds, in key order (for custom finders of subclasses)."""
        self.db.note_query(f"filter {self._table.name}")
        async with self.db.reading() as transaction:
            return [copy.deepcopy(e) for e in self._ordered(transaction) if predicate(e)]

    async def save(self, entity: E) -> E:
        self.db.note_query(f"save {self._table.name}")
        async with self.db.transaction() as transaction:
            rows = await transaction.write_rows(self._table)
            stored = self._prepare(entity, rows)
            self._check_references(stored, transaction)
            rows[getattr(stored, self.id_field)] = stored
            return copy.deepcopy(stored)

    async def delete(self, id: K) -> bool:
        self.db.note_query(f"delete {self._table.name}")
        async with self.db.transaction() as transaction:
            rows = await transaction.write_rows(self._table)
            if id not in rows:
                return False
            self._check_not_referenced(id, transaction)
            del rows[id]
            return True

    async def list_all(self, limit: int = 100, offset: int = 0) -> list[E]:
        check_limit(limit)
        check_offset(offset)
        self.db.note_query(f"list_all {self._table.name}")
        async with self.db.reading() as transaction:
            return [copy.deepcopy(e) for e in self._ordered(transaction)[offset : offset + limit]]

    async def list_page(
        self,
        *,
        limit: int = 100,
        after: Cursor | None = None,
        order_by: str | None = None,
        descending: bool = False,
    ) -> Page[E]:
        check_limit(limit)
        names = [self.id_field] if order_by is None else [self._check_field(order_by), self.id_field]
        if after is not None and len(after) != len(names):
            raise ValueError(f"cursor {after!r} does not fit order_by={order_by!r}")

        def key(entity: E) -> tuple[Any, ...]:
            return tuple(getattr(entity, name) for name in names)

        self.db.note_query(f"list_page {self._table.name}")
        async with self.db.reading() as transaction:
            entities = sorted(transaction.rows(self._table).values(), key=key, reverse=descending)
        if after is not None:
            start = tuple(after)
            entities = [e for e in entities if (key(e) < start if descending else key(e) > start)]
        cursor = key(entities[limit - 1]) if len(entities) > limit else None
        return Page([copy.deepcopy(e) for e in entities[:limit]], cursor)

    async def count(self, **fields: Any) -> int:
        matches = self._matcher(fields)
        self.db.note_query(f"count {self._table.name}")
        async with self.db.reading() as transaction:
            return sum(1 for e in transaction.rows(self._table).values() if matches(e))

    # -- synchronous test helpers --

    def seed(self, *entities: E) -> list[E]:
        """Store entities as committed data (keys and timestamps filled in); returns the stored copies."""
        self.db.ensure_idle("seed()")
        rows = self._table.rows
        stored = []
        for entity in entities:
            item = self._prepare(entity, rows)
            rows[getattr(item, self.id_field)] = item
            stored.append(copy.deepcopy(item))
        return stored

    def clear(self) -> None:
        """Forget every entity of this repository and restart its key sequence."""
        self.db.ensure_idle("clear()")
        self._table.rows = {}
        self._table.next_id = 1

    def stored(self) -> list[E]:
        """The committed entities, in key order."""
        return [copy.deepcopy(self._table.rows[key]) for key in sorted(self._table.rows)]

    # -- internals --

    def _prepare(self, entity: E, rows: Mapping[Any, Any]) -> E:
        """A private copy of ``entity`` with key and timestamps set, checked against unique constraints."""
        if not dataclasses.is_dataclass(entity) or isinstance(entity, type):
            raise TypeError(f"{type(self).__name__} stores dataclass instances, got {entity!r}")
        table = self._table
        item = cast(E, copy.deepcopy(entity))
        key = getattr(item, self.id_field)
        now = datetime.now(UTC)
        changes: dict[str, Any] = dict.fromkeys(self.updated_at_fields, now)
        empty = [name for name in self.created_at_fields if getattr(item, name) is None]
        if key is not None and key in rows:  # an update keeps what the "database" set on insert
            changes.update({name: getattr(rows[key], name) for name in empty})
        else:
            changes.update(dict.fromkeys(empty, now))
        if key is None:
            key = changes[self.id_field] = table.next_id
        if isinstance(key, int) and key >= table.next_id:
            table.next_id = key + 1
        item = dataclasses.replace(cast(Any, item), **changes) if changes else item
        for constraint, columns in table.unique:
            values = tuple(getattr(item, column) for column in columns)
            if any(value is None for value in values):
                continue
            for other_key, other in rows.items():
                if other_key != key and tuple(getattr(other, column) for column in columns) == values:
                    raise DuplicateError(table=table.name, columns=columns, constraint=constraint)
        return item

    def _check_references(self, entity: E, transaction: FakeTransaction) -> None:
        for field, target_name in self._table.references.items():
            value = getattr(entity, field)
            if value is None:
                continue
            target = self.db.tables.get(target_name)
            if target is None or value not in transaction.rows(target):
                raise MissingReferenceError(table=self._table.name, columns=(field,))

    def _check_not_referenced(self, key: Any, transaction: FakeTransaction) -> None:
        for table in self.db.tables.values():
            for field, target_name in table.references.items():
                if target_name != self._table.name:
                    continue
                if any(getattr(row, field) == key for row in transaction.rows(table).values()):
                    raise StillReferencedError(table=self._table.name, columns=(self.id_field,))

    def _ordered(self, transaction: FakeTransaction) -> list[E]:
        rows = transaction.rows(self._table)
        return [rows[key] for key in sorted(rows)]

    def _matcher(self, fields: Mapping[str, Any]) -> Callable[[E], bool]:
        for name in fields:
            self._check_field(name)
        items = list(fields.items())
        return lambda entity: all(getattr(entity, name) == value for name, value in items)

    def _check_field(self, name: str) -> str:
        if name not in self._fields:
            entity = type(self).entity.__name__
            raise ValueError(f"{entity} has no column {name!r}; columns: {', '.join(sorted(self._fields))}")
        return name

    def _unique_constraints(self) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
        spec = self.unique
        pairs: list[tuple[str | None, Sequence[str] | str]]
        if isinstance(spec, Mapping):
            pairs = [(name, columns) for name, columns in spec.items()]
        else:
            pairs = [(None, columns) for columns in spec]
        result = []
        for name, columns in pairs:
            names = (columns,) if isinstance(columns, str) else tuple(columns)
            for column in names:
                self._check_field(column)
            result.append((name, names))
        return tuple(result)


def _copy(entity: Any) -> Any:
    return None if entity is None else copy.deepcopy(entity)


__all__ = ["FakeRepository"]
