// The Django Channels app on the real stack (Daphne + channels-redis + redis-server), driven by a
// node `ws` client for each close code and timing, and by the React useChat page in Chromium for
// what a browser sees (1006 for the 403 route). Tokens are minted here; assertions use their claims.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { startDjango } from './django.mjs';
import { sign, newSecret, nowSeconds, decodeUnverified } from './lib/jwt.mjs';
import { launch } from '../e2e/lib/browser.mjs';

const IDLE_S = 2;
const RATE_LIMIT = 3;
let srv;

before(async () => {
  srv = await startDjango({ idleTimeoutS: IDLE_S, heartbeatIntervalS: 0.5, rateLimit: RATE_LIMIT, rateWindowS: 30, tokenDelayS: 0.02 });
});
after(async () => {
  await srv?.stop();
});

/** Opens a socket and records everything: whether it opened, each JSON frame, the close. */
function connect(path, { token, origin } = {}) {
  const url = `${srv.wsBase}${path}${token === undefined ? '' : `?token=${token}`}`;
  const ws = new WebSocket(url, origin ? { origin } : {});
  const rec = { ws, opened: false, frames: [], close: null, httpStatus: null };
  ws.on('open', () => (rec.opened = true));
  ws.on('message', (d) => rec.frames.push(JSON.parse(d.toString())));
  ws.on('error', () => {});
  rec.closed = new Promise((resolve) => {
    ws.on('close', (code) => resolve((rec.close = { code, at: Date.now() })));
    // A refused handshake never becomes a WebSocket, so no close follows: end it here
    // (with this listener attached, ws leaves aborting the request to us).
    ws.on('unexpected-response', (req, res) => {
      rec.httpStatus = res.statusCode;
      req.destroy();
      resolve((rec.close = { code: null, at: Date.now() }));
    });
  });
  rec.opens = new Promise((resolve) => ws.once('open', resolve));
  rec.frame = (pred, ms = 5000) => until(() => rec.frames.find(pred), ms);
  return rec;
}

async function until(get, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${get}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const send = (rec, obj) => rec.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));

test('a healthy reply is streamed as several frames through the Redis group, to every member', async () => {
  const conv = `conv-${Date.now()}`;
  const a = connect(`/ws/chat/${conv}/`, { token: srv.token({ sub: 'alice' }) });
  const b = connect(`/ws/chat/${conv}/`, { token: srv.token({ sub: 'bob' }) });
  const hello = await a.frame((f) => f.type === 'connection_established');
  assert.deepEqual([hello.conversation_id, hello.user], [conv, 'alice']);
  await b.frame((f) => f.type === 'connection_established');
  // Both consumers are members of the conversation's group, which lives in Redis.
  const members = execFileSync('redis-cli', ['-p', String(srv.redisPort), 'zrange', `asgi:group:chat_${conv}`, '0', '-1']).toString().trim().split('\n');
  assert.equal(members.length, 2);

  const content = `question ${Math.random()}`;
  send(a, { type: 'message', content });
  const end = await a.frame((f) => f.type === 'stream_end');
  const tokens = a.frames.filter((f) => f.type === 'stream_token' && f.message_id === end.message_id);
  assert.ok(tokens.length >= 5, `only ${tokens.length} token frames`);
  assert.equal(tokens.map((t) => t.token).join(''), end.content);
  assert.ok(end.content.includes(content));
  assert.ok(a.frames.findIndex((f) => f.type === 'stream_start') < a.frames.indexOf(tokens[0]));
  // bob did not send anything but is in the group, so he got the same stream.
  const bobEnd = await b.frame((f) => f.type === 'stream_end');
  assert.equal(bobEnd.content, end.content);
  a.ws.close();
  b.ws.close();
});

test('4001 after accept for a missing, an expired and a wrongly signed token', async () => {
  const expired = srv.token({ iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });
  assert.ok(decodeUnverified(expired).claims.exp < nowSeconds());
  const forged = sign({ sub: 'mallory', exp: nowSeconds() + 3600 }, newSecret());
  const noSub = srv.token({ sub: undefined });
  for (const [label, token] of [['missing', undefined], ['expired', expired], ['bad signature', forged], ['no sub claim', noSub]]) {
    const rec = connect('/ws/chat/c1/', { token });
    const { code } = await rec.closed;
    assert.equal(rec.opened, true, `${label}: the handshake succeeds first`);
    assert.equal(code, 4001, label);
    assert.deepEqual(rec.frames, [], `${label}: nothing is sent before the close`);
  }
});

test('4003 for an Origin that is not allowed; the server\'s own origin is fine', async () => {
  const evil = connect('/ws/chat/c1/', { token: srv.token(), origin: 'http://evil.example:3000' });
  assert.equal((await evil.closed).code, 4003);
  assert.equal(evil.opened, true);
  // Exact match, port included: the right host on another port is refused too.
  const otherPort = connect('/ws/chat/c1/', { token: srv.token(), origin: `http://127.0.0.1:${srv.port + 1}` });
  assert.equal((await otherPort.closed).code, 4003);
  const good = connect('/ws/chat/c1/', { token: srv.token(), origin: srv.origin });
  await good.frame((f) => f.type === 'connection_established');
  good.ws.close();
});

test(`4004 when more than ${RATE_LIMIT} messages arrive within the window`, async () => {
  const rec = connect('/ws/chat/rate/', { token: srv.token() });
  await rec.frame((f) => f.type === 'connection_established');
  for (let i = 0; i <= RATE_LIMIT; i++) send(rec, { type: 'message', content: `m${i}` });
  assert.equal((await rec.closed).code, 4004);
});

test('4005 for a frame that is not JSON and for a message without content', async () => {
  for (const bad of ['this is not json', { type: 'message' }, { type: 'shout', content: 'x' }]) {
    const rec = connect('/ws/chat/fmt/', { token: srv.token() });
    await rec.frame((f) => f.type === 'connection_established');
    send(rec, bad);
    assert.equal((await rec.closed).code, 4005, JSON.stringify(bad));
  }
});

test('the legacy route refuses before accept(): HTTP 403, no WebSocket at all; a good token works', async () => {
  const rec = connect('/ws/legacy-chat/c1/', { token: 'not-a-jwt' });
  await rec.closed;
  assert.equal(rec.httpStatus, 403);
  assert.equal(rec.opened, false);
  const ok = connect('/ws/legacy-chat/c1/', { token: srv.token({ sub: 'legacy-user' }) });
  assert.equal((await ok.frame((f) => f.type === 'connection_established')).user, 'legacy-user');
  ok.ws.close();
});

test('a stream that stalls: stream_start and three tokens, then silence on an open socket', async () => {
  const rec = connect('/ws/chat/stall/', { token: srv.token() });
  await rec.frame((f) => f.type === 'connection_established');
  send(rec, { type: 'message', content: 'please [stall] here' });
  await rec.frame((f) => f.type === 'stream_start');
  await until(() => rec.frames.filter((f) => f.type === 'stream_token').length === 3);
  await new Promise((r) => setTimeout(r, 1000)); // 50 token delays: a live stream would have ended
  assert.equal(rec.frames.filter((f) => f.type === 'stream_token').length, 3);
  assert.equal(rec.frames.some((f) => f.type === 'stream_end'), false);
  assert.equal(rec.ws.readyState, WebSocket.OPEN);
  send(rec, { type: 'ping', ts: 7 }); // the socket itself is healthy
  assert.equal((await rec.frame((f) => f.type === 'pong')).ts, 7);
  rec.ws.close();
});

test(`idle: without a heartbeat the server closes after ${IDLE_S} s; with pings it stays open`, async () => {
  const idle = connect('/ws/chat/idle/', { token: srv.token() });
  const hb = connect('/ws/chat/idle/', { token: srv.token() });
  const hello = await idle.frame((f) => f.type === 'connection_established');
  assert.equal(hello.idle_timeout, IDLE_S);
  const openedAt = Date.now();
  const hbHello = await hb.frame((f) => f.type === 'connection_established');
  let n = 0;
  const timer = setInterval(() => send(hb, { type: 'ping', ts: ++n }), hbHello.heartbeat_interval * 1000);

  const { code, at } = await idle.closed;
  assert.equal(code, 1000);
  assert.deepEqual(idle.frames.at(-1), { type: 'idle_timeout', idle_seconds: IDLE_S });
  const elapsed = (at - openedAt) / 1000;
  assert.ok(elapsed >= IDLE_S - 0.3 && elapsed < IDLE_S + 1.5, `closed after ${elapsed} s`);

  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  clearInterval(timer);
  assert.equal(hb.ws.readyState, WebSocket.OPEN);
  assert.ok(hb.frames.filter((f) => f.type === 'pong').length >= 3);
  hb.ws.close();
});

test('in Chromium, the React useChat page: a streamed reply, 4001 without retry, and 1006 with backoff on the 403 route', async () => {
  const browser = await launch({ extension: false });
  try {
    const page = await browser.context.newPage();
    const content = `hi-${Date.now()}`;
    await page.goto(`${srv.origin}/?token=${srv.token({ sub: 'browser-user' })}&send=${content}&conversation=web`);
    await page.waitForFunction(() => window.chat?.messages.some((m) => m.role === 'assistant' && m.done), null, { timeout: 15000 });
    const text = await page.textContent('#messages');
    assert.match(text, new RegExp(`user: ${content}`));
    assert.match(text, new RegExp(`assistant: You said "${content}"`));

    const expired = srv.token({ exp: nowSeconds() - 30 });
    await page.goto(`${srv.origin}/?token=${expired}`);
    await page.waitForFunction(() => window.chat?.status.startsWith('failed'), null, { timeout: 10000 });
    const s1 = await page.evaluate(() => window.chat);
    assert.equal(s1.status, 'failed 4001');
    assert.deepEqual(s1.closes.map((c) => c.code), [4001]); // no retry: the token won't get younger

    await page.goto(`${srv.origin}/?token=bad&route=legacy-chat&retries=2&backoff=100`);
    await page.waitForFunction(() => window.chat?.status.startsWith('failed'), null, { timeout: 10000 });
    const s2 = await page.evaluate(() => window.chat);
    // The browser never learns about the 403: it sees 1006, retries with backoff, then gives up.
    assert.deepEqual(s2.closes.map((c) => [c.code, c.wasClean]), [[1006, false], [1006, false], [1006, false]]);
    assert.equal(s2.status, 'failed 1006');
    const gaps = s2.closes.slice(1).map((c, i) => c.at - s2.closes[i].at);
    assert.ok(gaps[1] > gaps[0], `backoff grows: ${gaps}`);
  } finally {
    await browser.close();
  }
});
