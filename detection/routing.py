from django.urls import path

from .consumers import DetectionConsumer
from .live.consumers import LiveConsumer
from .posts.consumers import PostConsumer
from .text_stream import TextStreamConsumer

websocket_urlpatterns = [
    path("ws/detections/<str:detection_id>/", DetectionConsumer.as_asgi()),
    path("ws/posts/<str:post_id>/", PostConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/text/stream/", TextStreamConsumer.as_asgi()),
]
