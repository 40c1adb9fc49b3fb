"""The reference application: a tiny bank on dioxide, FastAPI, SQLAlchemy and Alembic.

Users register (unique email), open accounts, transfer money, list users and read balances. Every recipe of
the database seed appears, as library code (``dioxide.sqlalchemy``) plus the few lines an application writes:

* ``config.py``: settings from the environment (``AppConfig``), injected where needed;
* ``domain.py``: dataclasses, validation and domain errors (no SQLAlchemy, no HTTP);
* ``ports.py``: what the services and routes need: repositories, the read model, the health check;
* ``database.py``: recipe 1 (the engine's lifecycle), 5 (migrations at startup), 6 (the read port);
* ``orm.py`` and ``repositories.py``: recipe 2, ORM rows with ``to_domain``/``from_domain`` and repositories;
* ``fakes.py``: recipe 3, the in-memory twins for ``Profile.TEST``;
* ``services.py``: recipe 4, registration decided by the unique constraint, transfers with row locks;
* ``queries.py``: recipe 6, reads through ``ReadDatabase`` (replicas, read-your-writes);
* ``health.py``: ``/health``, the primary's readiness and the replicas' status;
* ``api.py``, ``schemas.py`` and ``main.py``: FastAPI, routes with ``Inject``, domain errors as HTTP statuses;
* ``alembic.ini`` and ``migrations/``: the schema, run at startup when ``RUN_MIGRATIONS`` asks for it.

Importing the package registers the components (module-level decorators) and does nothing else; the ASGI
application is built by ``main.build_app`` (``make run``) or ``api.create_app`` (tests).
"""
