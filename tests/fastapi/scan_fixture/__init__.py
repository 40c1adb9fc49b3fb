"""A package scanned by ``DioxideMiddleware(packages=[...])`` in the tests."""
