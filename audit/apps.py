from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        # The scoped surfaces (a layer below) log their reads through this hook.
        from scope.reads import register_read_recorder

        from .access import record_access

        register_read_recorder(record_access)
