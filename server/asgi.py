"""The ASGI application: Django for HTTP, the live socket at /ws/."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

from django.core.asgi import get_asgi_application

django_http = get_asgi_application()  # sets Django up before the consumers are imported

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from server.realtime.consumers import LiveConsumer  # noqa: E402
from server.realtime.middleware import socket_auth_stack  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The pages' CSS and ES modules are a few small files: served here, no build step or
        # separate file server needed (a CDN in front may cache them).
        "http": ASGIStaticFilesHandler(django_http),
        "websocket": socket_auth_stack(URLRouter([path("ws/", LiveConsumer.as_asgi())])),
    }
)
