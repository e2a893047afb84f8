from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ScopeConfig(AppConfig):
    name = "scope"
    verbose_name = _("Scope")

    def ready(self) -> None:
        from .downloads import check_file_fields

        checks.register(check_file_fields)
        # After every migrate (and test database set-up): the roll-up triggers follow the code. The
        # signal comes once per app with models (this one has none); installing is idempotent.
        post_migrate.connect(install_rollups, dispatch_uid="scope.install_rollups")


def install_rollups(using: str = "default", **kwargs: object) -> None:
    from .rollups import install

    install(using=using)
