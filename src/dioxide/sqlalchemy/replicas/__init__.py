"""Read replicas: writes to the primary, reads to healthy replicas, read-your-writes, fallback to the primary.

The seed routed reads blindly: a dead replica failed every read, a lagging one served stale data right after a
write. Two ports, with the seed's names:

* ``WriteDatabase`` is ``DatabasePort``: the primary. Register your ``SQLAlchemyDatabase`` subclass for it.
* ``ReadDatabase``: routed read transactions. ``ReplicaRouter`` implements it over the primary and the
  ``DATABASE_REPLICA_URL(S)``; ``MirrorReadDatabase`` over any ``DatabasePort``, e.g. ``FakeDatabase`` in
  tests (with no replica configured, ``ReplicaRouter`` mirrors the primary too)::

      @adapter.for_(WriteDatabase, profile=Profile.PRODUCTION)
      class Primary(SQLAlchemyDatabase): ...

      @adapter.for_(ReadDatabase, profile=Profile.PRODUCTION)
      class Reads(ReplicaRouter): ...

      @adapter.for_(ReadDatabase, profile=Profile.TEST)
      class TestReads(MirrorReadDatabase): ...

The seed's application ports (``WriteDatabase.save/delete``, ``ReadDatabase.find_by_id/list_all``) become
repositories: writes through ``SQLAlchemyRepository`` over the primary, queries in ``async with
reads.reading() as session:`` (or ``await reads.read(query)``, which also survives a replica dying mid-read).

Where ``reads.reading()`` goes, first rule that applies:

1. inside a transaction of the primary in this task: it joins it, and sees the writes it follows;
2. inside another ``reading()`` block: it joins it (one node, one snapshot);
3. after this context committed a write through the primary's ``transaction()`` (read-your-writes): the
   primary, until the monitor has seen a replica replay past a primary WAL position sampled after that commit
   (a replica that is not a PostgreSQL standby never counts as caught up);
4. after ``read_after(token)``: only replicas known to have replayed the token's WAL position (a token comes
   from ``write_token()``, e.g. in an earlier response), else the primary;
5. otherwise a replica in rotation, round robin; when none is, the primary.

A replica that cannot give a connection is taken out of rotation for the cool-down and the read moves on to
the next replica, then the primary: a dead replica fails no read. ``primary()`` and ``replica()`` override
rules 3 to 5 for one block. Reads on the primary run in read-only transactions, like those on a hot standby,
so a write sneaked into a read fails in every configuration rather than only in production.

Health: a monitor task checks every replica each ``check_interval`` (connect, ``pg_is_in_recovery()``,
``pg_last_wal_replay_lsn()``) and samples the primary's WAL position; a replica's lag is the time since the
oldest sample it has not replayed yet (robust to an idle primary and to a disconnected WAL receiver). A replica
that is unreachable or lags more than ``max_lag`` leaves the rotation for ``cooldown`` seconds at least. Other
dialects get the connection check only.

Where it lives: ``ports`` (the two ports), ``policy`` (``ReplicaPolicy``), ``router`` (``ReplicaRouter``),
``routing`` (the state reads are routed by), ``read_block`` (which node a read enters), ``health`` (the checks
and ``ReplicaStatus``), ``wal`` (WAL position tokens), ``database`` (``ReplicaDatabase``) and ``mirror``
(``MirrorReadDatabase``).
"""

from __future__ import annotations

from dioxide.sqlalchemy.replicas.database import ReplicaDatabase
from dioxide.sqlalchemy.replicas.health import ReplicaStatus
from dioxide.sqlalchemy.replicas.mirror import MirrorReadDatabase
from dioxide.sqlalchemy.replicas.policy import DB_REPLICA_CHECK_INTERVAL as DB_REPLICA_CHECK_INTERVAL
from dioxide.sqlalchemy.replicas.policy import DB_REPLICA_CHECK_TIMEOUT as DB_REPLICA_CHECK_TIMEOUT
from dioxide.sqlalchemy.replicas.policy import DB_REPLICA_COOLDOWN as DB_REPLICA_COOLDOWN
from dioxide.sqlalchemy.replicas.policy import DB_REPLICA_MAX_LAG as DB_REPLICA_MAX_LAG
from dioxide.sqlalchemy.replicas.policy import ReplicaPolicy
from dioxide.sqlalchemy.replicas.ports import ReadDatabase, WriteDatabase
from dioxide.sqlalchemy.replicas.router import ReplicaRouter
from dioxide.sqlalchemy.replicas.wal import format_wal_position, parse_wal_position

__all__ = [
    "MirrorReadDatabase",
    "ReadDatabase",
    "ReplicaDatabase",
    "ReplicaPolicy",
    "ReplicaRouter",
    "ReplicaStatus",
    "WriteDatabase",
    "format_wal_position",
    "parse_wal_position",
]
