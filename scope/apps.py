from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ScopeConfig(AppConfig):
    name = "scope"
    verbose_name = _("Scope")

    def ready(self) -> None:
        from .downloads import check_file_fields

        checks.register(check_file_fields)
