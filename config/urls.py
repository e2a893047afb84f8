from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import two_factor
from accounts.api_auth import ObtainTokenView
from reports import home


def app_api_urls() -> list[URLPattern | URLResolver]:
    """The ``urlpatterns`` of every installed app's ``api`` module, in INSTALLED_APPS order.

    Each app mounts its own router under /api/v1/, so a new app's API appears without an edit
    here. An ``api`` module without ``urlpatterns`` (a base class, another library's) mounts
    nothing. No two apps' paths begin with the same word (tests/test_api_discovery.py), so the
    order of the apps decides no match.
    """
    found: list[URLPattern | URLResolver] = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "api"):
            continue
        module = import_module(f"{config.name}.api")
        if hasattr(module, "urlpatterns"):
            found.append(path("", include(module)))
    return found


api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A person opening the docs signs in first; the page's script is a separate file (no inline code).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    *app_api_urls(),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/2fa/setup/", two_factor.setup_view, name="two-factor-setup"),
    path("admin/2fa/verify/", two_factor.verify_view, name="two-factor-verify"),
    # The home page (the work queue and key figures) answers /admin/ before the admin's own index.
    path("admin/", admin.site.admin_view(home.index)),
    path("admin/me/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Stored files leave only through the protected download view; MEDIA_URL is never served.
    path("files/", include("scope.downloads")),
]

admin.site.site_header = _("Child protection information system")
admin.site.site_title = _("Child protection")
admin.site.index_title = _("Administration")
