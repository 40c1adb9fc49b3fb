"""The shop on Typer: ``python -m examples.typer.cli --help`` (from the repository root)."""
