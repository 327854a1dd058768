from django.urls import path

from .consumers.detections import DetectionConsumer
from .consumers.live import LiveConsumer
from .consumers.text_stream import TextStreamConsumer

websocket_urlpatterns = [
    path("ws/detections/<str:detection_id>/", DetectionConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/text/stream/", TextStreamConsumer.as_asgi()),
]
