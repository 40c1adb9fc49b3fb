"""A package with import-time side effects, for scan(strict=True)."""
