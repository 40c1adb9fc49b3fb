"""The shop on Click: ``python -m examples.click.cli --help`` (from the repository root)."""
