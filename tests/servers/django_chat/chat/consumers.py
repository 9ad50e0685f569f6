"""ChatConsumer, as in the guide: accept, then close with the app's code when something is wrong;
replies are streamed token by token through a Redis channel-layer group.

Client -> server:  {"type": "message", "content": "..."}   {"type": "ping"}
Server -> client:  connection_established, stream_start, stream_token (one per frame),
                   stream_end, pong, idle_timeout

Close codes (the guide's table): 4001 missing/invalid/expired token, 4003 Origin not allowed,
4004 rate limited, 4005 invalid message format. Idle (no client frame for CHAT_IDLE_TIMEOUT_S):
an idle_timeout frame, then close 1000. Daphne drops close reasons, so none are sent.
"""
import asyncio
import json
import logging
import time
from collections import deque

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

log = logging.getLogger("chat")

AUTH_FAILED, ORIGIN_NOT_ALLOWED, RATE_LIMITED, INVALID_FORMAT = 4001, 4003, 4004, 4005
# A message containing this marker makes the agent stop mid-stream: stream_start and a few
# tokens arrive, then nothing, with the socket still open (the "streaming not working" symptom).
STALL_MARKER = "[stall]"
STALL_AFTER_TOKENS = 3


def origin_of(scope):
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return value.decode("latin1")
    return None


def reply_for(content):
    return f'You said "{content}". This reply is streamed one token per frame through the Redis channel layer.'


def tokens_of(text):
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.group = f"chat_{self.conversation_id}"
        self.watchdog = None
        # Accept first, so every refusal below reaches the browser as a close code.
        await self.accept()
        origin = origin_of(self.scope)
        if origin is not None and origin not in settings.CORS_ALLOWED_ORIGINS:
            log.info("origin %s not in %s: close 4003", origin, settings.CORS_ALLOWED_ORIGINS)
            return await self.close(code=ORIGIN_NOT_ALLOWED)
        if self.scope["user"] is None:
            log.info("auth failed (%s): close 4001", self.scope["auth_error"])
            return await self.close(code=AUTH_FAILED)
        self.sent_at = deque()
        self.last_seen = time.monotonic()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(
            {
                "type": "connection_established",
                "conversation_id": self.conversation_id,
                "user": self.scope["user"]["id"],
                "heartbeat_interval": settings.CHAT_HEARTBEAT_INTERVAL_S,
                "idle_timeout": settings.CHAT_IDLE_TIMEOUT_S,
            }
        )
        self.watchdog = asyncio.create_task(self.idle_watchdog())

    async def disconnect(self, code):
        if self.watchdog:
            self.watchdog.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        self.last_seen = time.monotonic()
        try:
            msg = json.loads(text_data) if text_data is not None else None
        except ValueError:
            msg = None
        if isinstance(msg, dict) and msg.get("type") == "ping":
            return await self.send_json({"type": "pong", "ts": msg.get("ts")})
        if not (isinstance(msg, dict) and msg.get("type") == "message" and isinstance(msg.get("content"), str)):
            return await self.close(code=INVALID_FORMAT)
        if self.rate_limited():
            return await self.close(code=RATE_LIMITED)
        # Hand the work to the "agent" (Celery + LangGraph in the guide); it answers through the group.
        asyncio.create_task(agent(self.channel_layer, self.group, msg["content"]))

    def rate_limited(self):
        now = time.monotonic()
        while self.sent_at and now - self.sent_at[0] > settings.CHAT_RATE_WINDOW_S:
            self.sent_at.popleft()
        self.sent_at.append(now)
        return len(self.sent_at) > settings.CHAT_RATE_LIMIT

    async def idle_watchdog(self):
        timeout = settings.CHAT_IDLE_TIMEOUT_S
        while True:
            idle = time.monotonic() - self.last_seen
            if idle >= timeout:
                await self.send_json({"type": "idle_timeout", "idle_seconds": timeout})
                return await self.close(code=1000)
            await asyncio.sleep(timeout - idle)

    # Group message handlers: "chat.stream_start" -> chat_stream_start, and so on.
    async def chat_stream_start(self, event):
        await self.send_json({"type": "stream_start", "message_id": event["message_id"]})

    async def chat_stream_token(self, event):
        await self.send_json({"type": "stream_token", "message_id": event["message_id"], "token": event["token"]})

    async def chat_stream_end(self, event):
        await self.send_json({"type": "stream_end", "message_id": event["message_id"], "content": event["content"]})

    async def send_json(self, obj):
        await self.send(text_data=json.dumps(obj))


class LegacyChatConsumer(ChatConsumer):
    """Refuses a bad token before accept(): Daphne turns that into HTTP 403, the browser into 1006."""

    async def connect(self):
        if self.scope["user"] is None:
            log.info("auth failed (%s): close before accept -> HTTP 403", self.scope["auth_error"])
            return await self.close()
        await super().connect()


_next_id = 0


async def agent(layer, group, content):
    """Streams a reply into the conversation's group, one token per channel-layer message."""
    global _next_id
    _next_id += 1
    message_id = f"m{_next_id}"
    text = reply_for(content)
    tokens = tokens_of(text)
    stall = STALL_MARKER in content
    await layer.group_send(group, {"type": "chat.stream_start", "message_id": message_id})
    for i, token in enumerate(tokens):
        if stall and i == STALL_AFTER_TOKENS:
            log.info("agent stalled after %d tokens of %s", i, message_id)
            return
        await asyncio.sleep(settings.CHAT_TOKEN_DELAY_S)
        await layer.group_send(group, {"type": "chat.stream_token", "message_id": message_id, "token": token})
    await layer.group_send(group, {"type": "chat.stream_end", "message_id": message_id, "content": text})
