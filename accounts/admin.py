from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from locations.models import Unit
from scope.admin import ScopedModelAdmin, add_validation_error
from scope.admin_filters import UnitInScopeFilter

from .models import User
from .roles import Role
from .selectors import users_manageable
from .services import user_check_grant, user_may_grant, user_save

if TYPE_CHECKING:
    # The type of ``ModelAdmin.fieldsets``; django-stubs names it privately.
    from django.contrib.admin.options import _FieldsetSpec

# Roles are groups kept in code (accounts.roles); editing them by hand would drift.
admin.site.unregister(Group)


class UserUnitFilter(UnitInScopeFilter):
    """The unit drill-down of the other lists, for users at or below the chosen unit.

    A sidebar of every unit that has a user would list thousands of communes for the whole country.
    """

    def rows_in(self, queryset, unit):
        return queryset.filter(unit__in=Unit.objects.at_or_below(unit).values("pk"))


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    """Managers manage the users of their own scope below their own rank, never superusers or themselves.

    Every view (change, password, delete, history, actions, autocomplete) works on
    ``users_manageable``; a manageable user holding permissions the manager lacks is shown
    read-only. Users change their own password through the admin's own password page.
    """

    list_display = ["username", "get_full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", UserUnitFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role and scope"), {"fields": ("role", "unit", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets: "_FieldsetSpec" = ((_("Superuser"), {"fields": ("is_staff", "is_superuser")}),)
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "unit")}),)
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        """Only the users the requesting user may manage (see ``users_manageable``)."""
        return super().get_queryset(request).filter(pk__in=users_manageable(user=request.user).values("pk"))

    def has_change_permission(self, request, obj=None):
        """A user whose role the requester could not give is read-only to them: no change, no password."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_may_grant(actor=request.user, role=obj.role))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or user_may_grant(actor=request.user, role=obj.role))

    def get_readonly_fields(self, request, obj=None):
        """Nobody changes their own role or unit (a superuser reaches their own page)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["role", "unit"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, *self.superuser_fieldsets)
        return fieldsets

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in Role.choices if user_may_grant(actor=request.user, role=value)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        # mypy cannot check a class whose base is known only at run time.
        class GrantCheckedForm(form_class):  # type: ignore[valid-type, misc]
            def clean(self):
                cleaned = super().clean()
                # A field left out of the form (read-only on one's own page) keeps its stored value.
                role = (cleaned.get("role") or "") if "role" in self.fields else getattr(obj, "role", "")
                unit = cleaned.get("unit") if "unit" in self.fields else getattr(obj, "unit", None)
                try:
                    user_check_grant(actor=actor, target=obj, role=role, unit=unit)
                except ValidationError as exc:
                    add_validation_error(self, exc)
                return cleaned

        return GrantCheckedForm

    def save_service(self, *, request, obj, form, change):
        user_save(user=obj, actor=request.user)


# Devices are set up by their owner on the two-factor setup page; django-otp's own admin would
# name users outside the manager's scope in its user box. A lost device is removed from the shell.
if TOTPDevice in admin.site._registry:
    admin.site.unregister(TOTPDevice)
