"""TokenAuthMiddleware: reads the JWT from ?token= and puts the user (or why there is none) in
the scope. It never refuses the connection itself: the consumer decides, after accept(), so the
client gets a close code (4001) instead of a bare handshake failure."""
from urllib.parse import parse_qs

import jwt
from channels.middleware import BaseMiddleware
from django.conf import settings


def authenticate(token):
    """Returns (user, error): user is a dict from the claims, error one of missing_token,
    token_expired, invalid_signature, invalid_token."""
    if not token:
        return None, "missing_token"
    try:
        claims = jwt.decode(
            token,
            settings.CHAT_JWT_SECRET,
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        return None, "token_expired"
    except jwt.InvalidSignatureError:
        return None, "invalid_signature"
    except jwt.InvalidTokenError:
        return None, "invalid_token"
    return {"id": claims["sub"], "name": claims.get("name", claims["sub"]), "exp": claims["exp"]}, None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [None])[0]
        user, error = authenticate(token)
        scope = dict(scope, user=user, auth_error=error)
        return await super().__call__(scope, receive, send)
