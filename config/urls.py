from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import two_factor
from accounts.api_auth import ObtainTokenView
from reports import home

# Each app mounts its own router under /api/v1/.
API_APPS = ["locations", "cases", "programs", "outreach", "imports", "reports", "audit", "notifications"]

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A person opening the docs signs in first; the page's script is a separate file (no inline code).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    *[path("", include(f"{app}.api")) for app in API_APPS],
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
