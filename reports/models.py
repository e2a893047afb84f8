"""Reports have no table of their own: they read the scoped fact tables of the other apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """An entry for the reports in the admin (no table): its admin serves the report pages.

    Access is the ``accounts.view_reports`` permission, so it declares no permissions itself.
    """

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
