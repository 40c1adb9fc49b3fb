"""A package scanned lazily by the introspection tests; each module records nothing but its classes."""
