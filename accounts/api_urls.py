"""The API's token routes (``/api/v1/tokens/``), declared by the app that owns tokens and
mounted in the ``api`` namespace by config/urls.py."""

from rest_framework.routers import SimpleRouter

from .api import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")

urlpatterns = router.urls
