"""API views of this app, registered on its own router (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = router.urls
