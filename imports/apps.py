from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # Each record app registers its kinds in its own ``import_kinds`` (docs/architecture.md).
        from .registry import autodiscover

        autodiscover()
