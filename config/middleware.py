"""Vietnamese unless the user chose otherwise.

Django's ``LocaleMiddleware`` follows the browser's Accept-Language, and many officers use a
browser set to English; the system must still open in Vietnamese. Only an explicit choice
(the language cookie set by ``/i18n/setlang/``) switches the interface. API clients are
scripts that say what they want: for them Accept-Language is honoured.
"""

from django.conf import settings
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
