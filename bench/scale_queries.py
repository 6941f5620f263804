"""The benchmark's query counter (`bench/scale_settings.py`): every query a request runs,
the session and authentication included, counted with Django's execute wrapper (which works
with DEBUG off, unlike `connection.queries`) and sent back in `X-Bench-Queries`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counted) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[HEADER] = str(count)
        return response
