from django.urls import path

from .consumers import DetectionConsumer

websocket_urlpatterns = [
    path("ws/detections/<str:detection_id>/", DetectionConsumer.as_asgi()),
]
