"""The detection routes of the API (mounted with the token routes by config/urls.py)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import DetectionViewSet

router = DefaultRouter()
router.register("detections", DetectionViewSet, basename="detection")

urlpatterns = [path("", include(router.urls))]
