from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Children and cases")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the survey flag receivers)
