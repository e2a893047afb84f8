from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        # After every migrate, so permissions of models added later reach the roles.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.role_groups_sync")


def _sync_roles(sender, using="default", **kwargs) -> None:
    from .services import role_groups_sync

    # post_migrate fires once per app; permissions of all apps exist after the last one.
    if sender.label == list(apps.get_app_configs())[-1].label:
        role_groups_sync(using=using)
