"""Every WebSocket route of the project, gathered from the apps."""

from detection.routing import websocket_urlpatterns as detection_routes

websocket_urlpatterns = [*detection_routes]
