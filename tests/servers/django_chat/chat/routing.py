from django.urls import re_path

from . import consumers

websocket_urlpatterns = [
    re_path(r"^ws/chat/(?P<conversation_id>[\w-]+)/$", consumers.ChatConsumer.as_asgi()),
    # The same chat, written the way that hides the close code: it refuses before accept(), so
    # Daphne answers the handshake with HTTP 403 and the browser only ever sees 1006.
    re_path(r"^ws/legacy-chat/(?P<conversation_id>[\w-]+)/$", consumers.LegacyChatConsumer.as_asgi()),
]
