"""Hexagonal layout: ports in ``domain``, adapters in ``infra`` (indexed on its own)."""
