"""A small package scanned by tests/core/test_scanning.py (ports, services, adapters per profile, a broken module)."""
