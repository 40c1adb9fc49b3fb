"""The shop on Flask: ``flask --app examples.flask.app run`` (from the repository root)."""
