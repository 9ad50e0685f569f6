// The Phoenix-protocol server, driven by the official phoenix npm client (1.8) in node with `ws` as
// its transport, plus raw `ws` frames where the exact wire shape is the point. Each test mints its
// own tokens and asserts on values taken from them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Socket, Serializer } from 'phoenix';
import WebSocket from 'ws';
import { startPhoenixServer, documentToken } from './phoenix-server.mjs';
import { encode, decode } from './lib/phoenix-protocol.mjs';
import { sign, newSecret, nowSeconds, decodeUnverified } from './lib/jwt.mjs';
import { launch } from '../e2e/lib/browser.mjs';

const tenants = { acme: newSecret(), globex: newSecret() };
const documents = ['acme:doc-1', 'acme:doc-2', 'acme:doc-3'];
let srv;
const sockets = [];

before(async () => {
  srv = await startPhoenixServer({ tenants, documents });
});
after(async () => {
  sockets.forEach((s) => s.disconnect());
  await srv.close();
});

const token = (opts = {}) => documentToken(tenants.acme, { tenantId: 'acme', documentId: 'doc-1', ...opts });

/** A phoenix.js Socket whose transport records every raw frame it receives (text as the JSON string). */
function client(opts = {}) {
  const frames = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => frames.push(e.data));
    }
  }
  const socket = new Socket(srv.socketUrl, { transport: RecordingWebSocket, ...opts });
  socket.frames = frames;
  socket.connect();
  sockets.push(socket);
  return socket;
}

/** Joins and resolves with [status, response] and the channel. */
function join(socket, topic) {
  const channel = socket.channel(topic, {});
  return new Promise((resolve) =>
    channel.join()
      .receive('ok', (r) => resolve({ channel, status: 'ok', response: r }))
      .receive('error', (r) => {
        channel.leave(); // phoenix.js would otherwise retry the join forever
        resolve({ channel, status: 'error', response: r });
      }));
}

const push = (channel, event, payload, timeout = 3000) =>
  new Promise((resolve) =>
    channel.push(event, payload, timeout)
      .receive('ok', (r) => resolve(['ok', r]))
      .receive('error', (r) => resolve(['error', r]))
      .receive('timeout', () => resolve(['timeout', null])));

const until = async (cond, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${cond}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('the join reply and the heartbeat reply have the exact v2 shape', async () => {
  const socket = client({ heartbeatIntervalMs: 100 });
  const { channel, status } = await join(socket, 'document:acme:doc-1');
  assert.equal(status, 'ok');
  const jr = channel.joinRef();
  assert.ok(socket.frames.includes(JSON.stringify([jr, jr, 'document:acme:doc-1', 'phx_reply', { status: 'ok', response: {} }])));
  // phoenix.js sends [null, ref, "phoenix", "heartbeat", {}]; the reply echoes that ref.
  await until(() => socket.frames.some((f) => f.includes('"phoenix","phx_reply"')));
  const hb = JSON.parse(socket.frames.find((f) => f.includes('"phoenix","phx_reply"')));
  assert.deepEqual([hb[0], hb[2], hb[3], hb[4]], [null, 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  assert.match(hb[1], /^\d+$/);
});

test('a raw heartbeat on topic "phoenix" is answered with the same ref', async () => {
  const ws = new WebSocket(`${srv.socketUrl}/websocket?vsn=2.0.0`);
  await new Promise((r) => ws.once('open', r));
  const reply = new Promise((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
  ws.send(JSON.stringify([null, '42', 'phoenix', 'heartbeat', {}]));
  assert.deepEqual(await reply, [null, '42', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  ws.close();
});

test('without vsn=2.0.0 the handshake is refused with HTTP 403', async () => {
  const ws = new WebSocket(`${srv.socketUrl}/websocket?vsn=1.0.0`);
  const status = await new Promise((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode)));
  assert.equal(status, 403);
});

test('submitOp before connect_document is not_authenticated (join needs no auth)', async () => {
  const { channel, status } = await join(client(), 'document:acme:doc-1');
  assert.equal(status, 'ok');
  assert.deepEqual(await push(channel, 'submitOp', { type: 'op', contents: [1] }), ['error', { reason: 'not_authenticated' }]);
});

test('connect_document with a valid token replies ok with a clientId, then submitOp is sequenced', async () => {
  const { channel } = await join(client(), 'document:acme:doc-3');
  const [status, response] = await push(channel, 'connect_document', { token: token({ documentId: 'doc-3' }) });
  assert.equal(status, 'ok');
  assert.match(response.clientId, /^client-\d+$/);
  assert.deepEqual(await push(channel, 'submitOp', { type: 'op', contents: ['x'] }), ['ok', { sequenceNumber: 1 }]);
  assert.deepEqual(await push(channel, 'submitOp', { type: 'op', contents: ['y'] }), ['ok', { sequenceNumber: 2 }]);
});

test('connect_document: each JWT error the guide names', async () => {
  const { channel } = await join(client(), 'document:acme:doc-1');
  // Signed with another tenant's secret: the signature cannot verify with acme's.
  const foreign = documentToken(tenants.globex, { tenantId: 'acme', documentId: 'doc-1' });
  assert.deepEqual(await push(channel, 'connect_document', { token: foreign }), ['error', { reason: 'invalid_signature' }]);
  assert.deepEqual(await push(channel, 'connect_document', { token: 'invalid' }), ['error', { reason: 'invalid_signature' }]);
  // Expired: exp is in the past by the token's own claim.
  const expired = token({ ttlS: -120 });
  assert.ok(decodeUnverified(expired).claims.exp < nowSeconds());
  assert.deepEqual(await push(channel, 'connect_document', { token: expired }), ['error', { reason: 'token_expired' }]);
  // Missing claims: validly signed, but no documentId.
  const partial = sign({ tenantId: 'acme', scopes: ['doc:read'], user: { id: 'u' }, exp: nowSeconds() + 60 }, tenants.acme);
  assert.deepEqual(await push(channel, 'connect_document', { token: partial }), ['error', { reason: 'missing_claims' }]);
  // After all that the channel is still unauthenticated.
  assert.deepEqual(await push(channel, 'submitOp', { contents: [] }), ['error', { reason: 'not_authenticated' }]);
});

test('submitOp without scope doc:write is refused with an error naming the scope', async () => {
  const { channel } = await join(client(), 'document:acme:doc-1');
  const scopes = ['doc:read'];
  assert.equal((await push(channel, 'connect_document', { token: token({ scopes }) }))[0], 'ok');
  const [status, response] = await push(channel, 'submitOp', { type: 'op', contents: [] });
  assert.equal(status, 'error');
  assert.match(response.reason, /doc:write/);
  assert.deepEqual(response.scopes, scopes);
  // No doc:read at all: connect_document itself names doc:read.
  const [s2, r2] = await push(channel, 'connect_document', { token: token({ scopes: ['doc:write'] }) });
  assert.equal(s2, 'error');
  assert.match(r2.reason, /doc:read/);
});

test('ops are broadcast to both clients on the document and not to a client on another document', async () => {
  const topic = 'document:acme:doc-2';
  const a = client(), b = client(), c = client();
  const ca = (await join(a, topic)).channel;
  const cb = (await join(b, topic)).channel;
  const cc = (await join(c, 'document:acme:doc-1')).channel;
  const seen = { a: [], b: [], c: [] };
  ca.on('op', (p) => seen.a.push(p));
  cb.on('op', (p) => seen.b.push(p));
  cc.on('op', (p) => seen.c.push(p));
  for (const ch of [ca, cb]) await push(ch, 'connect_document', { token: token({ documentId: 'doc-2' }) });
  await push(cc, 'connect_document', { token: token() });

  const contents = [{ insert: `from-a-${Date.now()}`, pos: 0 }];
  const [, { sequenceNumber }] = await push(ca, 'submitOp', { type: 'op', contents });
  await until(() => seen.a.length && seen.b.length);
  for (const got of [seen.a[0], seen.b[0]]) {
    assert.deepEqual(got.contents, contents);
    assert.equal(got.sequenceNumber, sequenceNumber);
  }
  // On the wire it is the fastlane broadcast shape, with no join_ref or ref.
  assert.ok(b.frames.some((f) => f.startsWith(`[null,null,"${topic}","op",`) && f.includes(contents[0].insert)));
  // c is live (its own op reaches it) but never saw a's op.
  await push(cc, 'submitOp', { type: 'op', contents: ['c-only'] });
  await until(() => seen.c.length === 1);
  assert.deepEqual(seen.c.map((p) => p.contents), [['c-only']]);
  assert.ok(!c.frames.some((f) => f.includes(contents[0].insert)));
  assert.equal(seen.a.length, 1);
});

test('a wrong topic prefix gets "unmatched topic"; a malformed document topic is refused', async () => {
  const socket = client();
  assert.deepEqual((await join(socket, 'documents:acme:doc-1')).response, { reason: 'unmatched topic' });
  assert.deepEqual((await join(socket, 'document:acme')).response, { reason: 'invalid_topic' });
});

test('"session not found" for an unregistered document and for a stopped session', async () => {
  const { channel } = await join(client(), 'document:acme:no-such-doc');
  const t = token({ documentId: 'no-such-doc' });
  assert.deepEqual(await push(channel, 'connect_document', { token: t }), ['error', { reason: 'session not found' }]);

  srv.docs.startSession('acme', 'short-lived');
  const { channel: ch2 } = await join(client(), 'document:acme:short-lived');
  assert.equal((await push(ch2, 'connect_document', { token: token({ documentId: 'short-lived' }) }))[0], 'ok');
  srv.docs.stopSession('acme', 'short-lived');
  assert.deepEqual(await push(ch2, 'submitOp', { contents: [] }), ['error', { reason: 'session not found' }]);
});

test('leave: ok reply, then phx_close with the join ref', async () => {
  const socket = client();
  const { channel } = await join(socket, 'document:acme:doc-1');
  const jr = channel.joinRef();
  const closed = new Promise((r) => channel.onClose(r));
  channel.leave();
  await closed;
  await until(() => socket.frames.some((f) => f.includes('"phx_close"')));
  assert.ok(socket.frames.includes(JSON.stringify([jr, jr, 'document:acme:doc-1', 'phx_close', {}])));
  const leaveReply = socket.frames.map((f) => JSON.parse(f)).find((m) => m[3] === 'phx_reply' && m[1] !== jr && m[0] === jr);
  assert.deepEqual(leaveReply[4], { status: 'ok', response: {} });
  assert.ok(socket.frames.indexOf(JSON.stringify(leaveReply)) < socket.frames.indexOf(JSON.stringify([jr, jr, 'document:acme:doc-1', 'phx_close', {}])));
});

test('an event with no handler crashes the channel: phx_error, and phoenix.js rejoins', async () => {
  const socket = client({ rejoinAfterMs: () => 50 });
  const { channel } = await join(socket, 'document:acme:doc-1');
  const jr = channel.joinRef();
  const errored = new Promise((r) => channel.onError(r));
  channel.push('no_such_event', {});
  await errored;
  assert.ok(socket.frames.includes(JSON.stringify([jr, jr, 'document:acme:doc-1', 'phx_error', {}])));
  await until(() => channel.state === 'joined' && channel.joinRef() !== jr);
});

test('binary frames: phoenix.js Serializer and this server agree in both directions', async () => {
  const payload = new Uint8Array([1, 2, 250]).buffer;
  const wire = await new Promise((r) => Serializer.encode({ join_ref: '3', ref: '7', topic: 'document:acme:doc-1', event: 'blob', payload }, r));
  assert.deepEqual(decode(Buffer.from(wire), true), { join_ref: '3', ref: '7', topic: 'document:acme:doc-1', event: 'blob', payload: Buffer.from([1, 2, 250]) });
  const asArrayBuffer = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  const reply = encode({ join_ref: '3', ref: '7', topic: 't', event: 'phx_reply', payload: { status: 'ok', response: Buffer.from([9]) } });
  const r = await new Promise((res) => Serializer.decode(asArrayBuffer(reply), res));
  assert.deepEqual([r.join_ref, r.ref, r.topic, r.event, r.payload.status, [...new Uint8Array(r.payload.response)]], ['3', '7', 't', 'phx_reply', 'ok', [9]]);
  const bc = await new Promise((res) => Serializer.decode(asArrayBuffer(encode({ topic: 't', event: 'op', payload: Buffer.from([5, 6]) })), res));
  assert.deepEqual([bc.join_ref, bc.ref, bc.topic, bc.event, [...new Uint8Array(bc.payload)]], [null, null, 't', 'op', [5, 6]]);
  const pushed = await new Promise((res) => Serializer.decode(asArrayBuffer(encode({ join_ref: '3', topic: 't', event: 'ev', payload: Buffer.from([7]) })), res));
  assert.deepEqual([pushed.join_ref, pushed.topic, pushed.event, [...new Uint8Array(pushed.payload)]], ['3', 't', 'ev', [7]]);
});

test('the page under tests/servers/phoenix/ runs the official client in Chromium', async () => {
  const browser = await launch({ extension: false });
  try {
    const page = await browser.context.newPage();
    const text = `typed-${Date.now()}`;
    const t = token({ documentId: 'doc-1' });
    await page.goto(`${srv.pageUrl}?topic=document:acme:doc-1&token=${t}&steps=submitOp,connect_document,submitOp&text=${text}`);
    await page.waitForFunction(() => window.levee?.done, null, { timeout: 15000 });
    const log = await page.evaluate(() => window.levee.log);
    assert.deepEqual(log.find((l) => l.kind === 'submitOp').detail, ['error', { reason: 'not_authenticated' }]);
    assert.equal(log.find((l) => l.kind === 'connect_document').detail[0], 'ok');
    await page.waitForFunction(() => window.levee.log.some((l) => l.kind === 'op'));
    const op = (await page.evaluate(() => window.levee.log)).find((l) => l.kind === 'op').detail;
    assert.equal(op.contents[0].insert, text);
    assert.match(await page.textContent('#log'), new RegExp(text));
  } finally {
    await browser.close();
  }
});
