"""Importing this module fails on purpose: scan() must log it and go on."""

raise RuntimeError("scanpkg.broken fails on purpose")
