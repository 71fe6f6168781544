"""The WSGI entry point (gunicorn): production settings unless told otherwise, so a server
can never start on development settings (DEBUG, a known secret key) by accident."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.production")
application = get_wsgi_application()
