"""HTTP side: only the chat page, so the browser's Origin is this server's own."""
from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

urlpatterns = [
    path("", serve, {"path": "index.html", "document_root": settings.CHAT_STATIC_DIR}),
    re_path(r"^static/(?P<path>.+)$", serve, {"document_root": settings.CHAT_STATIC_DIR}),
]
