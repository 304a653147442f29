"""WSGI entry point (gunicorn srm_trainer.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_trainer.settings")
application = get_wsgi_application()
