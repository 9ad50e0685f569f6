// The demo that `./run` starts: run it as `./run` does (a child process on DEMO_PORT), open its
// page in real Chromium (no extension needed), and check that each of its three sockets does what
// the page promises. Also: a taken port gives a clear error; SIGTERM stops it cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createServer } from 'node:net';
import { startProcess, freePort } from './lib/process.mjs';
import { SERVERS_DIR } from './lib/http.mjs';
import { launch } from '../e2e/lib/browser.mjs';
import { decodeUnverified } from './lib/jwt.mjs';

const DEMO = path.join(SERVERS_DIR, 'demo.mjs');
let demo, port, browser;

before(async () => {
  port = await freePort();
  demo = await startProcess('node', [DEMO], { env: { DEMO_PORT: String(port) }, ready: /Press Ctrl-C/, name: 'demo' });
  browser = await launch({ extension: false });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('prints its URLs on 127.0.0.1 with the chosen port', () => {
  assert.match(demo.output(), new RegExp(`http://127\\.0\\.0\\.1:${port}/`));
  assert.match(demo.output(), new RegExp(`ws://127\\.0\\.0\\.1:${port}/socket/websocket\\?vsn=2\\.0\\.0`));
});

test('the page streams a chat reply, runs a Phoenix op, and sees the expired token closed with 4001', async () => {
  const page = await browser.context.newPage();
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push({ url: ws.url(), data: f.payload })));
  // The page's own config: a second fetch signs new tokens (iat is the current second).
  const cfgResponse = page.waitForResponse((r) => r.url().endsWith('/config.json'));
  await page.goto(`http://127.0.0.1:${port}/`);
  const cfg = await (await cfgResponse).json();

  // Chat: the reply quotes the page's own message and arrives as several stream_token frames.
  await page.waitForFunction(() => document.getElementById('chat-log').textContent.includes('stream_end'), null, { timeout: 15000 });
  assert.match(await page.textContent('#chat-reply'), /You said "Hi from the demo page"/);
  const tokens = frames.filter((f) => f.url.includes('/ws/chat/') && f.data.includes('"stream_token"'));
  assert.ok(tokens.length >= 5, `expected a streamed reply, got ${tokens.length} token frames`);
  assert.ok(frames.some((f) => f.url.includes(`token=${cfg.chat.token}`)), 'the chat socket carries its JWT in ?token=');

  // Phoenix: connect_document ok with a clientId, then the op comes back as a broadcast.
  await page.waitForFunction(() => /submitOp ok/.test(document.getElementById('doc-log').textContent), null, { timeout: 15000 });
  const docLog = await page.textContent('#doc-log');
  assert.match(docLog, /connect_document ok \{"clientId":"client-\d+"\}/);
  assert.match(docLog, /op \{"clientId":"client-\d+","sequenceNumber":1,"type":"op","contents":\[\{"insert":"edit 1"/);
  assert.ok(frames.some((f) => f.data.startsWith(`[null,null,"${cfg.phoenix.topic}","op",`)), 'op arrives as a v2 broadcast');

  // Expired token: the token the page used really is expired, and the server closed with 4001.
  assert.ok(decodeUnverified(cfg.chat.expiredToken).claims.exp < Date.now() / 1000);
  await page.waitForFunction(() => /code=4001/.test(document.getElementById('expired-log').textContent), null, { timeout: 15000 });
  assert.match(await page.textContent('#expired-log'), /code=4001 reason="token_expired"/);
  await page.close();
});

test('a taken port gives a clear error and a non-zero exit', async () => {
  const holder = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => holder.once('listening', r));
  const taken = holder.address().port;
  try {
    await assert.rejects(
      startProcess('node', [DEMO], { env: { DEMO_PORT: String(taken) }, ready: /Press Ctrl-C/, name: 'demo' }),
      new RegExp(`exited \\(1\\)[\\s\\S]*port ${taken} on 127\\.0\\.0\\.1 is already in use`),
    );
  } finally {
    holder.close();
  }
});

test('SIGTERM stops it cleanly (exit 0) and frees the port', async () => {
  const status = await demo.stop();
  assert.deepEqual(status, { code: 0, signal: null });
  assert.match(demo.output(), /demo: stopped \(SIGTERM\)/);
  const again = createServer().listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => again.once('listening', resolve).once('error', reject));
  again.close();
});
