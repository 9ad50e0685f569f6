// The demo's chat socket: the same JSON messages and close codes as the Django Channels app in
// tests/servers/django_chat/ (so the panel sees one dialect), but in node, so `./run` needs no
// Python or Redis. Route: /ws/chat/<conversation_id>/?token=<HS256 JWT>.
//
//   server -> {"type": "connection_established", "conversation_id", "user", "heartbeat_interval"}
//   client -> {"type": "message", "content": "..."}     server -> stream_start, stream_token x N, stream_end
//   client -> {"type": "ping"}                           server -> {"type": "pong"}
//   bad token -> accept, then close 4001 (as a Channels consumer does: close() after accept())
//   bad JSON / unknown type -> close 4005
import { WebSocketServer } from 'ws';
import { verify } from './jwt.mjs';

const PATH = /^\/ws\/chat\/([\w-]+)\/$/;

/** Splits a reply into the word-sized tokens an LLM-style stream would send. */
export const tokensOf = (text) => text.match(/\S+\s*/g) ?? [];

export function chatSocket({ secret, tokenDelayMs = 60, heartbeatIntervalS = 20 }) {
  const wss = new WebSocketServer({ noServer: true });
  let nextMessage = 1;

  const onSocket = (ws, conversationId, token) => {
    const auth = verify(token, secret, { required: ['sub'] });
    if (!auth.ok) {
      // Channels closes after accept() with the app code; the reason is for humans reading the panel.
      ws.close(4001, auth.reason);
      return;
    }
    const send = (obj) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(obj));
    send({ type: 'connection_established', conversation_id: conversationId, user: auth.claims.sub, heartbeat_interval: heartbeatIntervalS });
    const timers = new Set();
    ws.on('close', () => timers.forEach(clearTimeout));
    ws.on('message', (data, isBinary) => {
      let msg;
      try {
        msg = isBinary ? null : JSON.parse(data.toString('utf8'));
      } catch {
        msg = null;
      }
      if (msg?.type === 'ping') return send({ type: 'pong', ts: msg.ts ?? null });
      if (msg?.type !== 'message' || typeof msg.content !== 'string') return ws.close(4005, 'invalid message format');
      const id = `m${nextMessage++}`;
      const reply = `You said "${msg.content}". This reply arrives one token per frame, as a streamed answer would.`;
      const tokens = tokensOf(reply);
      send({ type: 'stream_start', message_id: id });
      tokens.forEach((token, i) => {
        const t = setTimeout(() => {
          timers.delete(t);
          send({ type: 'stream_token', message_id: id, token });
          if (i === tokens.length - 1) send({ type: 'stream_end', message_id: id, content: reply });
        }, tokenDelayMs * (i + 1));
        timers.add(t);
      });
    });
  };

  return {
    wss,
    route: () => ({
      match: (p) => PATH.test(p),
      upgrade: (req, socket, head, url) =>
        wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, PATH.exec(url.pathname)[1], url.searchParams.get('token'))),
    }),
  };
}
