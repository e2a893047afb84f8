"""A URLconf with an admin site whose children admin uses the import/export buttons."""

from django.contrib import admin
from django.urls import include, path

from cases.models import Child, CommuneStats
from cases.resources import ChildSurveyResource, CommuneStatsResource
from imports.admin_mixins import KindImportExportMixin
from scope.admin import ScopedModelAdmin

site = admin.AdminSite(name="buttons")


class ChildButtonsAdmin(KindImportExportMixin, ScopedModelAdmin):
    import_kind = "children"
    export_resource_class = ChildSurveyResource
    list_display = ["full_name", "birth_year", "commune"]


class StatsButtonsAdmin(KindImportExportMixin, ScopedModelAdmin):
    import_kind = "commune_stats"
    export_resource_class = CommuneStatsResource


site.register(Child, ChildButtonsAdmin)
site.register(CommuneStats, StatsButtonsAdmin)

urlpatterns = [path("", include("config.urls")), path("buttons/", site.urls)]
