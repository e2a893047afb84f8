"""API permissions: the role decides what a user may do; the scope decides which rows."""

from rest_framework.permissions import DjangoModelPermissions, IsAuthenticated


class ScopedModelPermissions(DjangoModelPermissions):
    """Model permissions for every method, reads included (a ``viewer`` may not list children).

    Views without a model queryset fall back to "authenticated"; their rows come from
    selectors that take ``user=``.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return IsAuthenticated().has_permission(request, view)
        return super().has_permission(request, view)
