"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.ws_auth import TokenAuthMiddleware  # noqa: E402
from config.ws_origin import BrowserOriginValidator  # noqa: E402
from config.ws_routing import websocket_urlpatterns  # noqa: E402
from detection.dispatch import recover_embedded_jobs  # noqa: E402
from detection.services import detections_requeue_stale  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin is checked against ALLOWED_HOSTS, so another site's page cannot open a
        # socket with a visitor's session cookie.
        "websocket": BrowserOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

recover_embedded_jobs(detections_requeue_stale)
