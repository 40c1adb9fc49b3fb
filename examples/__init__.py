"""Examples: ``quickstart.py`` (one file, run as a script) and ``app/`` (the reference application)."""
