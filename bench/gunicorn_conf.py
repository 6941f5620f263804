"""gunicorn settings for the benchmark (`gunicorn -c bench/gunicorn_conf.py`).

With `--preload` the application is imported once, before the workers fork. Django imports the
URL configuration (and with it every view module and their libraries) only at the first
request, so without this hook each worker would stall for seconds on its first request.
"""


def when_ready(server) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
