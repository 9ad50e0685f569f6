// The Phoenix Channels v2 wire protocol, server side, as the official phoenix.js 1.8 client expects
// it (node_modules/phoenix/priv/static/phoenix.mjs: `serializer_default`, `Socket`, `Channel`).
// Phoenix itself (Elixir) cannot be installed here, so this module reproduces what
// Phoenix.Socket + Phoenix.Channel.Server put on the wire:
//
//   text frame  = JSON [join_ref, ref, topic, event, payload]
//   join reply  = [join_ref, ref, topic, "phx_reply", {status: "ok"|"error", response}]
//   heartbeat   = client [null, ref, "phoenix", "heartbeat", {}] -> [null, ref, "phoenix", "phx_reply", {status: "ok", response: {}}]
//   broadcast   = [null, null, topic, event, payload]          (Phoenix's fastlane)
//   push        = [join_ref, null, topic, event, payload]       (Phoenix.Channel.push/3)
//   leave       = reply ok to phx_leave, then [join_ref, join_ref, topic, "phx_close", {}]
//   crash       = [join_ref, join_ref, topic, "phx_error", {}]  (the channel process died)
//   no route    = reply {status: "error", response: {reason: "unmatched topic"}}
//
// Binary frames (phoenix.js sends one when a push payload is an ArrayBuffer) use the 1-byte kind
// header: push 0, reply 1, broadcast 2. Both directions are implemented so binary traffic is real.
import { WebSocketServer } from 'ws';
import { refuseUpgrade } from './http.mjs';

export const VSN = '2.0.0';
export const KINDS = { push: 0, reply: 1, broadcast: 2 };

/** Decodes one client frame into {join_ref, ref, topic, event, payload}; throws on garbage. */
export function decode(data, isBinary) {
  if (!isBinary) {
    const msg = JSON.parse(data.toString('utf8'));
    if (!Array.isArray(msg) || msg.length !== 5) throw new Error('expected [join_ref, ref, topic, event, payload]');
    const [join_ref, ref, topic, event, payload] = msg;
    return { join_ref, ref, topic, event, payload };
  }
  // Client binary push: kind, then the sizes of join_ref, ref, topic, event, then those, then the payload.
  const buf = Buffer.from(data);
  if (buf[0] !== KINDS.push) throw new Error(`unexpected binary kind ${buf[0]}`);
  const sizes = [buf[1], buf[2], buf[3], buf[4]];
  let offset = 5;
  const [join_ref, ref, topic, event] = sizes.map((n) => buf.subarray(offset, (offset += n)).toString('utf8'));
  return { join_ref, ref, topic, event, payload: buf.subarray(offset) };
}

const bytes = (s) => Buffer.from(s ?? '', 'utf8');

/** Encodes one server frame. Buffer payloads go out as binary frames, everything else as JSON text. */
export function encode({ join_ref = null, ref = null, topic, event, payload }) {
  if (event === 'phx_reply' && Buffer.isBuffer(payload?.response)) {
    const parts = [join_ref, ref, topic, payload.status].map(bytes);
    return Buffer.concat([Buffer.from([KINDS.reply, ...parts.map((p) => p.length)]), ...parts, payload.response]);
  }
  if (Buffer.isBuffer(payload)) {
    if (join_ref == null && ref == null) {
      const parts = [topic, event].map(bytes);
      return Buffer.concat([Buffer.from([KINDS.broadcast, ...parts.map((p) => p.length)]), ...parts, payload]);
    }
    const parts = [join_ref, topic, event].map(bytes);
    return Buffer.concat([Buffer.from([KINDS.push, ...parts.map((p) => p.length)]), ...parts, payload]);
  }
  return JSON.stringify([join_ref, ref, topic, event, payload]);
}

/** Does a route pattern like "document:*" (Phoenix's `channel "document:*", DocumentChannel`) match? */
const matches = (pattern, topic) =>
  pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;

/**
 * A Phoenix endpoint with one socket at `path` (default /socket/websocket).
 *
 * `channels`: [{pattern, join(topic, payload, ctx), handleIn(event, payload, ctx)}], where
 *   join returns {ok: response} or {error: response}; handleIn returns {reply: [status, response]}
 *   or nothing (no reply, as `{:noreply, socket}`), and may throw (the channel "crashes").
 *   `ctx` is the joined channel: {topic, assigns, socketAssigns, push, broadcast, broadcastFrom}.
 * `connect({params, authToken, req})`: returns socket assigns, or false to refuse with HTTP 403
 *   (what Phoenix does when UserSocket.connect/3 returns :error).
 */
export class PhoenixEndpoint {
  constructor({ path = '/socket/websocket', channels, connect = () => ({}) }) {
    this.path = path;
    this.channels = channels;
    this.connect = connect;
    this.subscribers = new Map(); // topic -> Set of joined channel states
    this.wss = new WebSocketServer({
      noServer: true,
      // phoenix.js 1.8 with `authToken` offers ["phoenix", "base64url.bearer.phx.<token>"]; Phoenix selects "phoenix".
      handleProtocols: (protocols) => (protocols.has('phoenix') ? 'phoenix' : false),
    });
  }

  /** A route for createAppServer. */
  route() {
    return { match: (p) => p === this.path, upgrade: (req, socket, head, url) => this.upgrade(req, socket, head, url) };
  }

  upgrade(req, socket, head, url) {
    const params = Object.fromEntries(url.searchParams);
    // Phoenix negotiates the serializer from vsn; V2.JSONSerializer requires "~> 2.0.0".
    if (!/^2\.0\.\d+$/.test(params.vsn || '')) return refuseUpgrade(socket, 403);
    const offered = String(req.headers['sec-websocket-protocol'] || '').split(',').map((s) => s.trim());
    const bearer = offered.find((p) => p.startsWith('base64url.bearer.phx.'));
    const authToken = bearer ? Buffer.from(bearer.slice('base64url.bearer.phx.'.length), 'base64url').toString('utf8') : null;
    const assigns = this.connect({ params, authToken, req });
    if (!assigns) return refuseUpgrade(socket, 403);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, assigns));
  }

  /** Sends `[null, null, topic, event, payload]` to every channel joined on `topic` except `except`. */
  broadcast(topic, event, payload, except = null) {
    for (const chan of this.subscribers.get(topic) || []) {
      if (chan !== except) chan.send({ join_ref: null, ref: null, topic, event, payload });
    }
  }

  onSocket(ws, socketAssigns) {
    const joined = new Map(); // topic -> channel state
    const send = (msg) => ws.readyState === ws.OPEN && ws.send(encode(msg));
    const reply = (msg, status, response) =>
      send({ join_ref: msg.join_ref, ref: msg.ref, topic: msg.topic, event: 'phx_reply', payload: { status, response } });
    const drop = (chan) => {
      joined.delete(chan.topic);
      this.subscribers.get(chan.topic)?.delete(chan);
    };

    ws.on('message', (data, isBinary) => {
      let msg;
      try {
        msg = decode(data, isBinary);
      } catch {
        // Phoenix cannot decode it and the socket process crashes: the connection goes away.
        return ws.close(1011, 'bad frame');
      }
      if (msg.topic === 'phoenix' && msg.event === 'heartbeat') return reply(msg, 'ok', {});

      if (msg.event === 'phx_join') {
        const route = this.channels.find((c) => matches(c.pattern, msg.topic));
        if (!route) return reply(msg, 'error', { reason: 'unmatched topic' });
        // A second join of the same topic: Phoenix closes the old channel, then joins the new one.
        const old = joined.get(msg.topic);
        if (old) {
          send({ join_ref: old.joinRef, ref: old.joinRef, topic: old.topic, event: 'phx_close', payload: {} });
          drop(old);
        }
        const chan = this.newChannel(msg, socketAssigns, send);
        let result;
        try {
          result = route.join(msg.topic, msg.payload, chan);
        } catch {
          return reply(msg, 'error', { reason: 'join crashed' });
        }
        if (result.error) return reply(msg, 'error', result.error);
        chan.route = route;
        joined.set(msg.topic, chan);
        if (!this.subscribers.has(msg.topic)) this.subscribers.set(msg.topic, new Set());
        this.subscribers.get(msg.topic).add(chan);
        return reply(msg, 'ok', result.ok ?? {});
      }

      const chan = joined.get(msg.topic);
      // Not joined (or joined with another join_ref): Phoenix ignores it and says so.
      if (!chan || (msg.join_ref && msg.join_ref !== chan.joinRef)) {
        return reply(msg, 'error', { reason: 'unmatched topic' });
      }
      if (msg.event === 'phx_leave') {
        reply(msg, 'ok', {});
        drop(chan);
        return send({ join_ref: chan.joinRef, ref: chan.joinRef, topic: chan.topic, event: 'phx_close', payload: {} });
      }
      let result;
      try {
        result = chan.route.handleIn(msg.event, msg.payload, chan);
      } catch {
        // The channel process crashed (e.g. no handle_in clause matched): phx_error, channel gone.
        drop(chan);
        return send({ join_ref: chan.joinRef, ref: chan.joinRef, topic: chan.topic, event: 'phx_error', payload: {} });
      }
      if (result?.reply) reply(msg, ...result.reply);
    });
    ws.on('close', () => {
      for (const chan of joined.values()) drop(chan);
    });
  }

  newChannel(joinMsg, socketAssigns, send) {
    const endpoint = this;
    const chan = {
      topic: joinMsg.topic,
      joinRef: joinMsg.join_ref ?? joinMsg.ref,
      assigns: {},
      socketAssigns,
      send,
      /** Phoenix.Channel.push/3: to this client only. */
      push(event, payload) {
        send({ join_ref: chan.joinRef, ref: null, topic: chan.topic, event, payload });
      },
      broadcast(event, payload) {
        endpoint.broadcast(chan.topic, event, payload);
      },
      broadcastFrom(event, payload) {
        endpoint.broadcast(chan.topic, event, payload, chan);
      },
    };
    return chan;
  }
}
