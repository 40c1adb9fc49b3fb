"""Source reading: what ``scan(lazy=True)``, ``scan(strict=True)`` and ``scan_plan()`` learn from a package
without running any of its module-level code.

``files`` finds and parses a package's modules, ``names`` follows a module's imports and aliases,
``components`` finds its decorated classes, ``lazy_index`` and ``strict`` serve the two scan modes.
"""
