"""gunicorn settings for the server that tests/test_log_redaction.py starts and whose log it
reads: the application as `make run` serves it, with the project's own LOGGING, except that
static file URLs come from the plain storage, as in the rest of the suite (conftest.py),
because collecting and compressing the files for the manifest takes some fifteen seconds.

gunicorn runs this file in its master process before any worker loads the application, so
the workers inherit the changed setting.
"""

from django.conf import settings

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
