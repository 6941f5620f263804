"""Settings for `bench/scale.py` only: the application's own, plus a middleware that counts
each request's queries into a response header. Never used outside the benchmark, so no
production server ever sends that header."""

from dramaturg.config.settings import *  # noqa: F403
from dramaturg.config.settings import MIDDLEWARE

MIDDLEWARE = ["scale_queries.QueryCountMiddleware", *MIDDLEWARE]
