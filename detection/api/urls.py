"""The detection routes of the API (mounted with the token routes by config/urls.py)."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .detectors import DetectorCatalogueView
from .labels import HumanLabelViewSet
from .posts import PostViewSet
from .views import DetectionViewSet
from .webhooks import CallbackViewSet, TokenWebhookView

router = DefaultRouter()
router.register("detections", DetectionViewSet, basename="detection")
router.register("posts", PostViewSet, basename="post")
router.register("webhook/deliveries", CallbackViewSet, basename="callback")
router.register("labels", HumanLabelViewSet, basename="label")

urlpatterns: list[URLPattern | URLResolver] = [
    path("detectors/", DetectorCatalogueView.as_view(), name="detectors"),
    path("webhook/", TokenWebhookView.as_view(), name="webhook"),
    path("", include(router.urls)),
]
