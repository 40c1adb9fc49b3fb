"""Guards imported first by the modules that need an optional dependency.

``import dioxide._needs.sqlalchemy`` at the top of a module (before its own ``sqlalchemy`` imports, kept apart
by ``# isort: split``) makes a missing SQLAlchemy an ImportError that names ``dioxide[sqlalchemy]``.
"""
