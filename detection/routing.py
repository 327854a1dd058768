from django.urls import path

from .consumers.detections import DetectionConsumer
from .consumers.live import LiveConsumer
from .consumers.text_stream import TextStreamConsumer
from .posts.consumers import PostConsumer

websocket_urlpatterns = [
    path("ws/detections/<str:detection_id>/", DetectionConsumer.as_asgi()),
    path("ws/posts/<str:post_id>/", PostConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/text/stream/", TextStreamConsumer.as_asgi()),
]
