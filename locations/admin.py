from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scope.admin import ScopedModelAdmin, ScopedTabularInline

from .models import Unit, UnitConversion


class SuccessorInline(ScopedTabularInline):
    model = UnitConversion
    fk_name = "legacy"
    verbose_name = _("became")
    verbose_name_plural = _("became (2025 reform)")
    fields = readonly_fields = ("current", "rank", "is_partial", "effective_on")
    extra = 0
    can_delete = False


class PredecessorInline(ScopedTabularInline):
    model = UnitConversion
    fk_name = "current"
    verbose_name = _("formed from")
    verbose_name_plural = _("formed from (2025 reform)")
    fields = readonly_fields = ("legacy", "rank", "is_partial", "effective_on")
    extra = 0
    can_delete = False


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    """Units are official data: read-only for everyone but superusers."""

    list_display = ["code", "name", "level", "edition", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "edition"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["province", "district"]
    inlines = [SuccessorInline, PredecessorInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# The review list of split communes registers itself on import.
from . import admin_review  # noqa: E402, F401
