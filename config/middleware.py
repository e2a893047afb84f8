"""Vietnamese unless the user chose otherwise.

Django's ``LocaleMiddleware`` follows the browser's Accept-Language, and many officers use a
browser set to English; the system must still open in Vietnamese. Only an explicit choice
(the language cookie set by ``/i18n/setlang/``) switches the interface. API clients are
scripts that say what they want: for them Accept-Language is honoured.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class ChosenLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        if chosen not in supported and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class QueryParameterMiddleware:
    """Answer 400 to a query string holding a control character (``?term=%00``).

    PostgreSQL refuses text with a NUL byte, so such a value would fail deep in a search or
    filter with a 500; no parameter of the system ever needs a control character. This is the
    one check for every page, export, autocomplete and API call; year and date bounds are
    checked by the filters (``locations.params``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(_has_control_character(value) for values in request.GET.lists() for value in values[1]):
            message = translation.gettext("The address holds a character that is not allowed (a control character).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_control_character(value: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value)
