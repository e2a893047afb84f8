from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .roles import Role, role_can_grant
from .scoped_admin import ScopedModelAdmin, add_validation_error
from .services import role_group, user_check_grant

# Roles are groups kept in code (accounts.roles); editing them by hand would drift.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    """Managers manage the users of their own scope, never above their own role or unit."""

    list_display = ["username", "get_full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role and scope"), {"fields": ("role", "unit", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = ((_("Superuser"), {"fields": ("is_staff", "is_superuser")}),)
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "unit")}),)
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = fieldsets + self.superuser_fieldsets
        return fieldsets

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in Role.choices if role_can_grant(request.user.role, value)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        actor = request.user

        class GrantCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                try:
                    user_check_grant(actor=actor, target=obj, role=cleaned.get("role") or "", unit=cleaned.get("unit"))
                except ValidationError as exc:
                    add_validation_error(self, exc)
                return cleaned

        return GrantCheckedForm

    def save_service(self, *, request, obj, form, change):
        obj.is_staff = True
        obj.save()
        if obj.role:
            obj.groups.set([role_group(obj.role)])


# Devices are set up by their owner on the two-factor setup page; django-otp's own admin would
# name users outside the manager's scope in its user box. A lost device is removed from the shell.
if TOTPDevice in admin.site._registry:
    admin.site.unregister(TOTPDevice)
