// The standalone page (dist/web) in real Chromium, without the extension, served by
// tests/servers/static.mjs like any static host:
//   - a HAR in exactly Chrome's shape (built from real CDP Network.webSocket* events captured
//     against the demo app, written the way devtools-frontend's models/har/Log.ts writes it) is
//     imported and analysed: connections, frame counts, the expired token, topic lanes;
//   - a pasted malformed token is partly decoded, with the exact offset of the damage;
//   - a JWKS verification picks its key by kid;
//   - the #code= deep link opens the close-code lookup;
//   - after load the page makes no network request at all, and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync, createSign } from 'node:crypto';
import { launch, shot, ROOT, ARTIFACTS } from './lib/browser.mjs';
import { serveStatic } from '../servers/static.mjs';
import { freePort, startProcess } from '../servers/lib/process.mjs';
import { decodeUnverified } from '../servers/lib/jwt.mjs';

const WEB = path.join(ROOT, 'dist/web');
let demo, web, browser, origin, cfg, har;

// Every path the static server was asked for, in order (the server side of "no requests").
const served = [];

before(async () => {
  if (!existsSync(path.join(WEB, 'index.html'))) throw new Error('dist/web is missing: run scripts/build.sh first');
  web = await serveStatic(WEB, 0);
  const handler = web.server.listeners('request')[0];
  web.server.removeAllListeners('request');
  web.server.on('request', (req, res) => { served.push(new URL(req.url, 'http://x').pathname); handler(req, res); });
  const port = await freePort();
  demo = await startProcess('node', [path.join(ROOT, 'tests/servers/demo.mjs')], {
    env: { DEMO_PORT: String(port) }, ready: /Press Ctrl-C/, name: 'demo server',
  });
  origin = `http://127.0.0.1:${port}`;
  browser = await launch({ extension: false });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
  await new Promise((r) => web?.server.close(r));
});

// ---------------------------------------------------------------------------------------------
// Chrome's HAR, from CDP events. Mirrors devtools-frontend front_end/models/har/Log.ts
// (Entry.build, _buildRequest, _buildResponse, _buildTimings) over what SDK.NetworkRequest keeps
// for a WebSocket (NetworkManager.webSocket* handlers): times are pseudo wall times, i.e. the
// handshake's wallTime plus the monotonic delta; messages are {type, time, opcode, data}.

const nameValues = (headers = {}) => Object.entries(headers).map(([name, value]) => ({ name, value: String(value) }));
const firstLineVersion = (text, re) => (text && re.exec(text.split('\r\n')[0])?.[1]) || null;

function recordCdp(cdp) {
  const sockets = new Map();
  const get = (id) => {
    if (!sockets.has(id)) sockets.set(id, { id, frames: [], endTime: -1 });
    return sockets.get(id);
  };
  cdp.on('Network.webSocketCreated', (e) => Object.assign(get(e.requestId), { url: e.url, initiator: e.initiator }));
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => Object.assign(get(e.requestId), {
    issueTime: e.timestamp, wallTime: e.wallTime, requestHeaders: e.request.headers,
  }));
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => Object.assign(get(e.requestId), {
    response: e.response, responseReceivedTime: e.timestamp,
  }));
  const frame = (type) => (e) => get(e.requestId).frames.push({ type, t: e.timestamp, opcode: e.response.opcode, data: e.response.payloadData });
  cdp.on('Network.webSocketFrameSent', frame('send'));
  cdp.on('Network.webSocketFrameReceived', frame('receive'));
  cdp.on('Network.webSocketFrameError', (e) => get(e.requestId).frames.push({ type: 'error', t: e.timestamp, opcode: -1, data: e.errorMessage }));
  cdp.on('Network.webSocketClosed', (e) => { get(e.requestId).endTime = e.timestamp; });
  return sockets;
}

function harEntry(s) {
  const wall = (mono) => s.wallTime - s.issueTime + mono; // NetworkRequest.pseudoWallTime
  const r = s.response || {};
  const reqText = r.requestHeadersText || '';
  const resText = r.headersText || '';
  const url = new URL(s.url);
  // _buildTimings with no `timing` (WebSockets have none): blocked/dns/ssl/connect -1, send 0.
  const wait = s.responseReceivedTime !== undefined ? (s.responseReceivedTime - s.issueTime) * 1000 : 0;
  const receive = Math.max((s.endTime === -1 ? -1 : (s.endTime - s.issueTime) * 1000) - wait, 0);
  const timings = { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait, receive, _blocked_queueing: -1 };
  const initiator = s.initiator ? { type: s.initiator.type } : null;
  if (initiator && s.initiator.url !== undefined) initiator.url = s.initiator.url;
  if (initiator && s.initiator.lineNumber !== undefined) initiator.lineNumber = s.initiator.lineNumber;
  if (initiator && s.initiator.stack) initiator.stack = s.initiator.stack;
  return {
    _initiator: initiator,
    _priority: null,
    _resourceType: 'websocket',
    _webSocketMessages: s.frames.map((f) => ({ type: f.type, time: wall(f.t), opcode: f.opcode, data: f.data })),
    cache: {},
    pageref: 'page_1',
    request: {
      method: 'GET',
      url: s.url.split('#', 2)[0],
      httpVersion: firstLineVersion(reqText, / (HTTP\/\S+)$/) || 'HTTP/0.9',
      headers: nameValues(r.requestHeaders || s.requestHeaders),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: reqText ? reqText.length : -1,
      bodySize: 0,
    },
    response: {
      status: r.status ?? 0,
      statusText: r.statusText ?? '',
      httpVersion: firstLineVersion(resText, /^(HTTP\/\S+)/) || 'HTTP/0.9',
      headers: nameValues(r.headers),
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: resText ? resText.length : -1,
      bodySize: resText ? 0 - resText.length : -1, // transferSize (0 for a WebSocket) - headers
      _transferSize: 0,
      _error: null,
    },
    serverIPAddress: '',
    startedDateTime: new Date(s.wallTime * 1000).toJSON(),
    time: [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait, timings.receive].reduce((a, t) => a + Math.max(t, 0), 0),
    timings,
  };
}

function buildHar(sockets, pageUrl, pageStart, userAgent) {
  const webkit = /AppleWebKit\/([^ ]+)/.exec(userAgent);
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: webkit ? webkit[1] : 'n/a' },
      pages: [{ startedDateTime: new Date(pageStart).toJSON(), id: 'page_1', title: pageUrl, pageTimings: { onContentLoad: -1, onLoad: -1 } }],
      entries: [...sockets.values()].filter((s) => s.wallTime !== undefined).map(harEntry),
    },
  };
}

/** Open the demo page with CDP's Network domain on, wait for its three sockets, return a HAR. */
async function captureDemoHar() {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  const sockets = recordCdp(cdp);
  await cdp.send('Network.enable');
  const start = Date.now();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.getElementById('chat-reply').textContent.length > 0);
  await page.waitForFunction(() => /closed 4001/.test(document.getElementById('expired-state').textContent));
  await page.waitForFunction(() => /submitOp ok/.test(document.getElementById('doc-log').textContent));
  const ua = await page.evaluate(() => navigator.userAgent);
  await page.waitForTimeout(300); // let the last frames' events arrive
  const result = buildHar(sockets, `${origin}/`, start, ua);
  await page.close();
  return result;
}

// ---------------------------------------------------------------------------------------------

// The page's own files; Chromium itself also asks for /favicon.ico (not the page's doing).
// The standalone page is a view chunk of its own (src/ui/lazy.rs), loaded with the page, with the
// shared chunks it needs (chunk_<n>.wasm, numbered by the build).
const OWN_FILES = ['/', '/panel.css', '/cards.css', '/boot.js', '/socketscope.js', '/socketscope_bg.wasm', '/__wasm_split.js', '/split_standalone.wasm'];
const isSharedChunk = (p) => /^\/chunk_\d+\.wasm$/.test(p);
const BROWSER_FETCHES = ['/favicon.ico'];
// Signature verification and HAR import and export are modules of their own, imported on first
// use (boot.js): after load, these and nothing else, and only in a test that uses them.
const LAZY_VERIFY = ['/verify.js', '/verify_bg.wasm'];
const LAZY_HAR = ['/har.js', '/har_bg.wasm'];
// Writing a session export is a chunk of its own (src/ui/analysis.rs), fetched on the first Export click.
const LAZY_EXPORT = ['/split_export.wasm'];
// The panel's views (a connection's details and cards, frame list, frame details, lanes, settings,
// toolbar buttons): one chunk, fetched when a session is first shown, with the shared chunks it needs.
const LAZY_VIEWS = ['/split_after_first_screen.wasm'];
const isViewChunk = (p) => LAZY_VIEWS.includes(p) || isSharedChunk(p);

/**
 * Open the standalone page and record every request it makes, before and after `load`, both as
 * the browser reports them and as the server saw them. `errors` gets page errors, console errors
 * (CSP violations included) and HTTP errors; Chromium's own favicon 404 is left out.
 */
async function openStandalone(hash = '') {
  const page = await browser.context.newPage();
  const requests = { beforeLoad: [], afterLoad: [] };
  let loaded = false;
  page.on('request', (r) => (loaded ? requests.afterLoad : requests.beforeLoad).push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const favicon = /Failed to load resource: .* 404/.test(m.text()) && served.includes('/favicon.ico');
    if (!favicon) errors.push(m.text());
  });
  const start = served.length;
  await page.goto(`${web.url}${hash}`, { waitUntil: 'load' });
  await page.locator('[data-testid=standalone]').waitFor({ timeout: 10000 });
  await page.waitForLoadState('networkidle');
  loaded = true;
  const atLoad = served.length;
  /** Paths the server was asked for after load (the browser's favicon fetch aside). */
  requests.servedAfterLoad = () => served.slice(atLoad).filter((p) => !BROWSER_FETCHES.includes(p));
  requests.servedBeforeLoad = () => served.slice(start, atLoad);
  return { page, requests, errors };
}

/**
 * The page asked for nothing after load (but `lazy` and the view chunks, its own files loaded on demand), and before
 * it only for its own files.
 */
function assertNoTraffic(requests, lazy = []) {
  const own = new URL(web.url).origin;
  const notLazy = (u) => !(new URL(u, own).origin === own && (lazy.includes(new URL(u, own).pathname) || isViewChunk(new URL(u, own).pathname)));
  assert.deepEqual(requests.afterLoad.filter(notLazy), [], 'the browser reported requests after load');
  assert.deepEqual(requests.servedAfterLoad().filter(notLazy), [], 'the server was asked for something after load');
  assert.deepEqual(requests.beforeLoad.filter((u) => new URL(u).origin !== own), [], 'requests to other origins');
  const extra = requests.servedBeforeLoad().filter((p) => !OWN_FILES.includes(p) && !BROWSER_FETCHES.includes(p) && !isSharedChunk(p));
  assert.deepEqual(extra, [], 'files beyond the page\'s own');
}

/** Page errors other than CSP violations, and the CSP violations apart (each says what broke). */
function assertNoErrors(errors) {
  const csp = errors.filter((e) => /Content Security Policy/.test(e));
  assert.deepEqual(errors.filter((e) => !csp.includes(e)), []);
  assert.deepEqual(csp, [], 'CSP violations: inline style="" attributes are blocked by the page\'s style-src \'self\'; set styles with Leptos style:prop= (CSSOM), which CSP allows');
}

const token = (page) => page.locator('[data-testid=token-card]');

test('a Chrome-shaped HAR of the demo app is imported and analysed offline', async () => {
  cfg = await (await fetch(`${origin}/config.json`)).json(); // only for the shape of the URLs
  har = await captureDemoHar();
  writeFileSync(path.join(ARTIFACTS, 'demo-chrome.har'), JSON.stringify(har, null, 2));
  const entries = har.log.entries;
  assert.equal(entries.length, 3, 'chat, Phoenix and expired sockets');
  const messages = (e) => e._webSocketMessages.filter((m) => m.type !== 'error').length;
  const total = entries.reduce((n, e) => n + messages(e), 0);
  const tokenOf = (e) => new URL(e.request.url).searchParams.get('token');
  const expired = entries.find((e) => tokenOf(e) && decodeUnverified(tokenOf(e)).claims.exp * 1000 < Date.now());
  const phoenix = entries.find((e) => e.request.url.includes('/socket/websocket'));
  assert.ok(phoenix && expired, 'found the Phoenix and the expired socket in the capture');
  const expiredToken = tokenOf(expired);
  const exp = decodeUnverified(expiredToken).claims.exp;

  const { page, requests, errors } = await openStandalone();
  await page.click('[data-testid=tab-import]');
  await page.setInputFiles('[data-testid=import-file]', {
    name: 'demo.har', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(har)),
  });
  const status = page.locator('[data-testid=import-status]');
  await status.waitFor();
  assert.equal(await status.textContent(), `demo.har (HAR): 3 connections, ${total} frames.`);
  assert.equal(await page.locator('[data-testid=import-reading]').count(), 0, '"Reading demo.har…" is gone once it is read');

  // The panel's own views over the imported session. Tokens are masked in the list.
  const view = page.locator('[data-testid=import-analysis]');
  const rows = view.locator('[data-testid=connection]');
  const urls = await rows.locator('[data-testid=conn-url]').allTextContents();
  assert.equal(urls.length, 3, urls.join('\n'));
  assert.ok(urls.some((u) => u.includes(`/ws/chat/${cfg.chat.conversation}/`)), urls.join('\n'));
  assert.ok(!urls.some((u) => u.includes(expiredToken)), 'a token shown unmasked in the connection list');

  // Connections are listed in creation order, like the HAR's entries.
  const order = [...entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  await rows.nth(order.indexOf(expired)).click();
  const detail = view.locator('[data-testid=analysis]');
  const finding = detail.locator('[data-testid=diagnostic][data-severity=error]', { hasText: 'expired at connect' }).first();
  await finding.waitFor();
  const expIso = new Date(exp * 1000).toISOString().replace('.000Z', 'Z');
  assert.match(await finding.textContent(), new RegExp(`exp ${expIso} is 10 min`));
  assert.match(await token(detail).locator('[data-testid=token-time][data-claim=exp]').textContent(), new RegExp(String(exp)));
  assert.match(await view.locator('[data-testid=timeline]').textContent(), /OPEN/);

  // The Phoenix connection: every frame, the token sent in connect_document, the topic lane.
  await rows.nth(order.indexOf(phoenix)).click();
  await view.locator('[data-testid=shown-count]', { hasText: `${messages(phoenix)} shown` }).waitFor();
  const card = token(detail).first();
  await card.waitFor();
  assert.match(await card.textContent(), /JSON at \$\[4\]\.token/);
  const docClaims = decodeUnverified(cfg.phoenix.token).claims;
  const claimsText = await card.locator('[data-testid=token-claims]').textContent();
  assert.ok(claimsText.includes(docClaims.documentId) && claimsText.includes(docClaims.tenantId), claimsText);
  await view.getByRole('tab', { name: 'Topics' }).click();
  await view.locator('[data-testid=lane]', { hasText: cfg.phoenix.topic }).waitFor();
  await shot(page, 'standalone-har');

  // Both exports of what was imported, tokens redacted (the default): the same sockets and
  // frames, no token left, and the status line gives the saved file's size.
  const save = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), view.locator(`[data-testid=${testid}]`).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const name = download.suggestedFilename();
    const saved = `Saved ${name} (${Buffer.byteLength(text)} bytes, tokens redacted).`;
    await view.locator('[data-testid=problems]', { hasText: saved }).waitFor();
    return { name, text, json: JSON.parse(text) };
  };
  // Every JWT in the input (URL queries, the Phoenix payload, the subprotocol's base64 aside).
  const tokens = [...new Set(JSON.stringify(har).match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g))];
  assert.ok(tokens.length >= 3 && tokens.includes(expiredToken), `the imported HAR carries the tokens: ${tokens.length}`);
  const noTokens = (file) => tokens.forEach((t) => assert.ok(!file.text.includes(t.split('.')[2]), `a token's signature is in ${file.name}`));
  const shape = (es) => es.map((e) => `${new URL(e.request.url).pathname} ${messages(e)}`).sort();
  const exportedHar = await save('export-har');
  assert.equal(exportedHar.name, 'socketscope.har');
  assert.deepEqual(shape(exportedHar.json.log.entries), shape(entries), 'each socket with its frame count');
  noTokens(exportedHar);
  const session = await save('export-session');
  assert.equal(session.name, 'socketscope-session.json');
  const events = session.json.pages.flatMap((p) => p.events);
  assert.equal(events.filter((e) => e.type === 'frame').length, total);
  assert.equal(events.filter((e) => e.type === 'socket').length, 3);
  noTokens(session);

  // The HAR module was fetched once, for the import, and reused for the export; the export's own
  // code once, on the first Export click.
  assert.deepEqual(requests.servedAfterLoad().filter((p) => !isViewChunk(p)), [...LAZY_HAR, ...LAZY_EXPORT]);
  assertNoTraffic(requests, [...LAZY_HAR, ...LAZY_EXPORT]);
  assertNoErrors(errors);
  await page.close();
});

test('a view chunk that fails to load says so, the rest keeps working, and the next try loads it', async () => {
  const { page, errors } = await openStandalone();
  let blocked = true;
  await page.route('**/split_after_first_screen.wasm', (route) => (blocked ? route.abort() : route.continue()));
  await page.click('[data-testid=tab-import]');
  await page.setInputFiles('[data-testid=import-file]', {
    name: 'demo.har', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(har)),
  });
  const phoenix = har.log.entries.find((e) => e.request.url.includes('/socket/websocket'));
  const frames = phoenix._webSocketMessages.filter((m) => m.type !== 'error').length;
  const view = page.locator('[data-testid=import-analysis]');
  const rows = view.locator('[data-testid=connection]');
  // The connection chosen by itself cannot show its details: the message says what to do. (The
  // toolbar's buttons, from the same chunk, say so too, and wait for the reload.)
  const failed = view.locator('[data-testid=lazy-failed]', { hasText: 'connection details' });
  await failed.waitFor();
  assert.match(await failed.textContent(), /^The connection details could not be loaded: .* Reload the page to try again/);
  // Nothing else broke: the list still has every connection of the file.
  assert.equal(await rows.count(), har.log.entries.length);
  // A failed load is not remembered: the next connection chosen fetches the chunk and draws its
  // details (the Phoenix one; if it was the one shown, another first, then back).
  blocked = false;
  const phoenixRow = rows.filter({ hasText: '/socket/websocket' });
  if (await phoenixRow.getAttribute('aria-selected') === 'true') {
    await rows.filter({ hasNotText: '/socket/websocket' }).first().click();
    await view.locator('[data-testid=analysis]').waitFor();
  }
  await phoenixRow.click();
  await view.locator('[data-testid=shown-count]', { hasText: `${frames} shown` }).waitFor();
  await view.getByRole('tab', { name: 'Topics' }).click();
  await view.locator('[data-testid=lane]', { hasText: cfg.phoenix.topic }).waitFor();
  assert.equal(await failed.count(), 0);
  // The only errors are the blocked fetch's own.
  assert.ok(errors.length > 0 && errors.every((e) => /Failed to fetch|ERR_FAILED|split_after_first_screen/.test(e)), errors.join('\n'));
  await page.close();
});

test('a pasted malformed token is partly decoded, with the exact place of the damage', async () => {
  const { page, requests, errors } = await openStandalone();
  const good = (await (await fetch(`${origin}/config.json`)).json()).chat.token;
  const [h, c, s] = good.split('.');
  const at = 7; // replace one base64url character of the claims with '*'
  const broken = `${h}.${c.slice(0, at)}*${c.slice(at + 1)}.${s}`;
  await page.fill('[data-testid=token-input]', broken);
  const card = token(page);
  await card.waitFor();
  // The header still decodes: its alg is shown.
  assert.match(await card.locator('[data-testid=token-header]').textContent(), /HS256/);
  await card.locator('[data-testid=token-claims-missing]').waitFor();
  const errorsShown = await card.locator('[data-testid=diagnostic][data-severity=error]').allTextContents();
  const want = `part 2 (claims) is not base64url: '*' at offset ${at} (token offset ${h.length + 1 + at})`;
  assert.ok(errorsShown.some((e) => e.includes(want)), `${want}\nnot in:\n${errorsShown.join('\n')}`);
  // A token is never put in the URL, and nothing is stored.
  assert.ok(!page.url().includes(h), page.url());
  assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]), [0, 0, '']);
  await shot(page, 'standalone-malformed-token');
  assertNoTraffic(requests);
  assertNoErrors(errors);
  await page.close();
});

test('a JWKS verification picks its key by kid', async () => {
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const k1 = rsa();
  const k2 = rsa();
  const jwk = (pair, kid) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k2' })}.${b64({ sub: 'jwks-user', iat: now, exp: now + 600 })}`;
  const sig = createSign('RSA-SHA256').update(input).sign(k2.privateKey).toString('base64url');
  const jwt = `${input}.${sig}`;

  const { page, requests, errors } = await openStandalone();
  await page.fill('[data-testid=token-input]', jwt);
  await token(page).waitFor();
  // k1 first: a verifier that tried keys in order without kid would still need k2.
  await page.fill('[data-testid=verify-key]', JSON.stringify({ keys: [jwk(k1, 'k1'), jwk(k2, 'k2')] }));
  await page.click('[data-testid=verify-button]');
  const outcome = page.locator('[data-testid=verify-outcome]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-state'), 'ok', await outcome.textContent());
  assert.match(await outcome.textContent(), /kid "k2"/);

  // Without k2 the kid is missing, and the message names the kids the JWKS has.
  await page.fill('[data-testid=verify-key]', JSON.stringify({ keys: [jwk(k1, 'k1')] }));
  await page.click('[data-testid=verify-button]');
  await page.locator('[data-testid=verify] [data-testid=diagnostic]', { hasText: 'kid "k2" is not in the JWKS (it has "k1")' }).waitFor();
  assert.equal(await outcome.getAttribute('data-state'), 'bad');
  // The verify module was fetched once, on the first click, not at start-up.
  assert.deepEqual(requests.servedAfterLoad().filter((p) => !isViewChunk(p)), LAZY_VERIFY);
  assertNoTraffic(requests, LAZY_VERIFY);
  assertNoErrors(errors);
  await page.close();
});

test('#code=4001 opens the close-code lookup; only the page\'s own files are ever requested', async () => {
  const { page, requests, errors } = await openStandalone('#code=4001');
  const title = page.locator('[data-testid=close-title]');
  await title.waitFor();
  assert.equal(await page.getAttribute('[data-testid=tab-close]', 'aria-selected'), 'true');
  assert.match(await title.textContent(), /^4001 /);
  await page.click('[data-testid=load-django]');
  await page.locator('[data-testid=close-title]', { hasText: '4001 Authentication failed (Django Channels example)' }).waitFor();
  // 4004: the project's "Rate limited" collides with graphql-ws's own 4004.
  await page.fill('[data-testid=close-lookup-code]', '4004');
  await page.locator('[data-testid=close-card] [data-testid=diagnostic][data-severity=warning]', { hasText: 'Rate limited' }).waitFor();
  assert.ok(page.url().endsWith('#code=4004'), page.url());
  await shot(page, 'standalone-close-lookup');

  assertNoTraffic(requests);
  assertNoErrors(errors);
  await page.close();
});
