"""The shop on Django and Django REST framework.

Run it from the repository root with
``django-admin runserver --settings=examples.django.settings --pythonpath=.`` (WSGI), or under an ASGI
server with ``examples.django.asgi:application``.
"""
