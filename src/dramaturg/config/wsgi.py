"""WSGI entry point for the application server (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dramaturg.config.settings")
application = get_wsgi_application()

# WeasyPrint takes over a second to import; do it when the worker starts, so the first
# card PDF a leader downloads does not pay for it.
import weasyprint  # noqa: E402, F401
