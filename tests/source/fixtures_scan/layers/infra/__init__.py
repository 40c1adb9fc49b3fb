"""Adapters for the domain's ports."""
