"""The seed's user and account services rewritten on dioxide.sqlalchemy (tested by ../test_db_app_example.py)."""
