"""The shop on Celery: ``celery -A examples.celery.tasks worker`` (from the repository root, Redis running)."""
