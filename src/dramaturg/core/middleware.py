"""Interface language: Dutch unless the person chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language header; we do not,
because the product is Dutch first: a teacher with an English browser still sees Dutch
until they pick English with the switcher (kept in a cookie and on their account).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def chosen_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in SUPPORTED:
        return cookie
    user = getattr(request, "user", None)
    preference = getattr(user, "language", "") if user and user.is_authenticated else ""
    if preference in SUPPORTED:
        return preference
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
