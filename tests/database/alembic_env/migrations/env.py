"""The whole env.py of an application using dioxide: the command line and the startup both run it."""

from dioxide.sqlalchemy.migrations import run_migrations_env

run_migrations_env()
