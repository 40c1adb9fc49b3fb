"""The shop on Django Ninja.

Run it from the repository root with
``django-admin runserver --settings=examples.ninja.settings --pythonpath=.``; the endpoints are under ``/api/``.
"""
