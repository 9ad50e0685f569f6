"""Settings for the Django Channels test app. Everything a test varies comes from the environment
(tests/servers/django.mjs sets it); the defaults suit a manual run of start-django.sh."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ.get

# Not a secret: this app only ever listens on 127.0.0.1 inside tests.
SECRET_KEY = env("DJANGO_SECRET_KEY", "socketscope-test-app-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels", "chat"]
ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
DATABASES = {}  # no models: users come from the JWT, groups live in Redis
USE_TZ = True

# HS256 secret shared with whoever mints tokens (the tests pass their own).
CHAT_JWT_SECRET = env("CHAT_JWT_SECRET", "dev-secret-change-me")
# The guide's CORS_ALLOWED_ORIGINS: exact match, scheme and port included. A handshake without an
# Origin header (websocat, scripts) is let through; browsers always send one.
CORS_ALLOWED_ORIGINS = [o for o in env("CHAT_ALLOWED_ORIGINS", "http://127.0.0.1:8000").split(",") if o]
# App-level heartbeat: the server advertises this interval; the client sends {"type": "ping"}.
CHAT_HEARTBEAT_INTERVAL_S = float(env("CHAT_HEARTBEAT_INTERVAL_S", "20"))
# No client frame for this long: the server closes the socket (the "drops after 60s" symptom).
CHAT_IDLE_TIMEOUT_S = float(env("CHAT_IDLE_TIMEOUT_S", "60"))
# More than CHAT_RATE_LIMIT messages in CHAT_RATE_WINDOW_S seconds: close 4004.
CHAT_RATE_LIMIT = int(env("CHAT_RATE_LIMIT", "5"))
CHAT_RATE_WINDOW_S = float(env("CHAT_RATE_WINDOW_S", "10"))
# Delay between streamed tokens, as an LLM agent would produce them.
CHAT_TOKEN_DELAY_S = float(env("CHAT_TOKEN_DELAY_S", "0.05"))
# The built chat page (index.html + app.js), produced by esbuild into target/.
CHAT_STATIC_DIR = env("CHAT_STATIC_DIR", str(BASE_DIR.parent.parent.parent / "target" / "django-chat"))

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [env("REDIS_URL", "redis://127.0.0.1:6379/0")]},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,  # keep Daphne's own "Listening on ..." line
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"chat": {"handlers": ["console"], "level": "INFO"}},
}
