from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet

from .detectors import DetectorCatalogueView
from .labels import HumanLabelViewSet
from .posts import PostViewSet
from .views import DetectionViewSet
from .webhooks import CallbackViewSet, TokenWebhookView

app_name = "api"

router = DefaultRouter()
router.register("detections", DetectionViewSet, basename="detection")
router.register("posts", PostViewSet, basename="post")
router.register("webhook/deliveries", CallbackViewSet, basename="callback")
router.register("labels", HumanLabelViewSet, basename="label")
router.register("tokens", ApiTokenViewSet, basename="token")

urlpatterns = [
    path("detectors/", DetectorCatalogueView.as_view(), name="detectors"),
    path("webhook/", TokenWebhookView.as_view(), name="webhook"),
    path("", include(router.urls)),
]
