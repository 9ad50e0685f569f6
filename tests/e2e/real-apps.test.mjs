// The panel on the two real apps of the context guides, with the built extension in Chromium:
// the Django Channels chat (Daphne + Redis, React useChat page) and the Levee document service
// (official phoenix.js against the Phoenix-protocol server). Each test drives one symptom from the
// guides and reads the panel's visible text, with values from the test's own inputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, tabIdOf, openPanel, shot } from './lib/browser.mjs';
import { startDjango } from '../servers/django.mjs';
import { startPhoenixServer, documentToken } from '../servers/phoenix-server.mjs';
import { sign, newSecret, nowSeconds } from '../servers/lib/jwt.mjs';

const RATE_LIMIT = 3;
const IDLE_TIMEOUT_S = 3;
const TOKEN_DELAY_MS = 20;
// A message with the app's stall marker stops its stream after STALL_AFTER_TOKENS tokens
// (tests/servers/django_chat/chat/consumers.py).
const STALLED = 'wait [stall]';
const STALL_AFTER_TOKENS = 3;
let django, phoenix, browser;
const tenants = { acme: newSecret(), globex: newSecret() };

before(async () => {
  // Only the 127.0.0.1 origin is allowed, so the same page opened via localhost gets 4003.
  django = await startDjango({ idleTimeoutS: IDLE_TIMEOUT_S, heartbeatIntervalS: 1, rateLimit: RATE_LIMIT, rateWindowS: 30, tokenDelayS: TOKEN_DELAY_MS / 1000, allowedOrigins: (o) => [o] });
  phoenix = await startPhoenixServer({ tenants, documents: ['acme:doc-1', 'acme:doc-2'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await django?.stop();
  await phoenix?.close();
});

/** Opens `url`, waits for `ready` on the page, then opens the panel for that tab. */
async function visit(url, ready) {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 15000 });
  const panel = await openPanel(browser.context, browser.extensionId, await tabIdOf(browser.context, page));
  await panel.locator('[data-testid=connection]').first().waitFor();
  // The detail area (diagnostics, cards) may be drawn a frame after the list while a backlog drains.
  await panel.locator('[data-testid=analysis]').first().waitFor();
  return { page, panel, async close() { await panel.close(); await page.close(); } };
}

/** Before a shot of frames or lanes: open that tab and scroll it to the top of the detail pane. */
async function showTab(panel, name) {
  const tab = panel.locator(`button[role=tab]:has-text("${name}")`);
  await tab.click();
  await tab.evaluate((el) => el.scrollIntoView({ block: 'start' }));
}

const failed = () => window.chat?.status.startsWith('failed');
const closeCard = (panel) => panel.locator('[data-testid=close-card]');

/** The visible text of the chosen connection's diagnostic of `kind` (e.g. 'idle drop'), once shown. */
async function diagnostic(panel, kind, timeout = 10000) {
  const item = panel.locator('[data-testid=diagnostic]', { has: panel.locator('.diag-kind', { hasText: kind }) }).first();
  await item.waitFor({ timeout });
  return item.innerText();
}

async function assertClose(panel, code, ...patterns) {
  await closeCard(panel).waitFor();
  assert.equal(await closeCard(panel).getAttribute('data-code'), String(code));
  const text = await closeCard(panel).innerText();
  for (const p of patterns) assert.match(text, p);
  return text;
}

test('Django 4001, expired token: authentication failed, and the token\'s exp before the connect', async () => {
  const exp = nowSeconds() - 90;
  const v = await visit(`${django.origin}/?token=${django.token({ sub: 'expired-user', exp })}`, failed);
  await assertClose(v.panel, 4001, /Authentication failed/);
  const iso = new Date(exp * 1000).toISOString().replace('.000Z', 'Z');
  const body = await v.panel.innerText('body');
  assert.ok(body.includes(iso), `exp ${iso} shown`);
  assert.match(body, /expired at connect/);
  assert.match(body, new RegExp(`exp ${iso} is [^.]* before the connect`));
  assert.ok(body.includes('expired-user'));
  await shot(v.panel, 'real-django-4001-expired');
  // Each evidence link leads to what it names: the card or the timeline takes the focus.
  for (const [label, place] of [['close 4001', 'close-card'], ['token: ', 'token-card'], ['handshake: HTTP 101', 'timeline'], ['transition #1', 'timeline']]) {
    await v.panel.locator('[data-testid=analysis] button.evidence', { hasText: label }).first().click();
    assert.equal(await v.panel.evaluate(() => document.activeElement?.getAttribute('data-testid')), place, `evidence "${label}"`);
  }
  await v.close();
});

test('Django 4001, token signed with another key: authentication failed, token not expired', async () => {
  const forged = sign({ sub: 'forger', exp: nowSeconds() + 3600 }, newSecret());
  const v = await visit(`${django.origin}/?token=${forged}`, failed);
  await assertClose(v.panel, 4001, /Authentication failed/);
  const body = await v.panel.innerText('body');
  assert.ok(body.includes('forger'));
  assert.doesNotMatch(body, /expired at connect/);
  // With the server's real secret, the panel's offline check says the signature is wrong; the
  // same check passes for a token the server did sign (so the check can tell them apart).
  const verifyWith = async (panel) => {
    await panel.fill('[data-testid=verify-key]', django.secret);
    await panel.selectOption('[data-testid=verify-kind]', 'secret');
    await panel.click('[data-testid=verify-button]');
    const outcome = panel.locator('[data-testid=verify-outcome]');
    await outcome.waitFor();
    return outcome.getAttribute('data-state');
  };
  assert.equal(await verifyWith(v.panel), 'bad');
  assert.match(await v.panel.innerText('[data-testid=verify-outcome]'), /Invalid signature/);
  await shot(v.panel, 'real-django-4001-bad-signature');
  await v.close();
  const good = await visit(`${django.origin}/?token=${django.token()}&retries=0`, () => window.chat?.status === 'open');
  await good.panel.locator('[data-testid=connection]').first().click();
  assert.notEqual(await verifyWith(good.panel), 'bad');
  await good.close();
  return;
});

test('Django 4003: the page\'s Origin (localhost) is not the allowed one', async () => {
  const url = `http://localhost:${django.port}/?token=${django.token()}`;
  const v = await visit(url, failed);
  await assertClose(v.panel, 4003, /Origin/i);
  await shot(v.panel, 'real-django-4003-origin');
  await v.close();
});

test(`Django 4004: rate limited after ${RATE_LIMIT} messages`, async () => {
  const v = await visit(`${django.origin}/?token=${django.token()}&retries=0`, () => window.chat?.status === 'open');
  await v.page.evaluate((n) => { for (let i = 0; i <= n; i++) window.chat.send(`burst ${i}`); }, RATE_LIMIT);
  await v.page.waitForFunction(failed);
  await assertClose(v.panel, 4004, /[Rr]ate limit/);
  await shot(v.panel, 'real-django-4004-rate-limit');
  await v.close();
});

test('Django 4005: a frame that is not the expected JSON', async () => {
  const v = await visit(`${django.origin}/?token=${django.token()}&retries=0`, () => window.chat?.status === 'open');
  const bad = `not json ${Date.now()}`;
  await v.page.evaluate((t) => window.chat.sendRaw(t), bad);
  await v.page.waitForFunction(failed);
  await assertClose(v.panel, 4005, /[Ii]nvalid message format/);
  assert.ok((await v.panel.innerText('body')).includes(bad), 'the offending frame is listed');
  await shot(v.panel, 'real-django-4005-invalid-format');
  await v.close();
});

test('Django healthy streamed reply: one stream_token frame per word, then stream_end', async () => {
  const content = `stream-${Date.now()}`;
  const v = await visit(`${django.origin}/?token=${django.token()}&send=${content}`, () => window.chat?.messages.some((m) => m.done && m.role === 'assistant'));
  const reply = (await v.page.evaluate(() => window.chat.messages.find((m) => m.role === 'assistant').text));
  await v.panel.locator('[data-testid=connection]').first().click();
  await v.panel.fill('[data-testid=filter]', 'stream_token');
  const words = reply.split(' ').length;
  await v.panel.waitForFunction((n) => document.querySelector('[data-testid=shown-count]')?.textContent === `${n} shown`, words, { timeout: 10000 });
  await v.panel.fill('[data-testid=filter]', '');
  assert.ok((await v.panel.innerText('body')).includes(content), 'the sent message is in the frames');
  await showTab(v.panel, 'Frames');
  await shot(v.panel, 'real-django-healthy-stream');
  await v.close();
});

test('Django idle drop: the server closes after the idle timeout when no heartbeat is sent', async () => {
  const v = await visit(`${django.origin}/?token=${django.token()}&heartbeat=0&retries=0`, () => window.chat?.closes.length > 0);
  await v.panel.locator('[data-testid=connection]').first().click();
  const body = await v.panel.innerText('body');
  assert.match(body, /idle_timeout/);
  assert.match(body, /closed 1000/);
  // The core explains it: the server's idle_timeout notice, then its close, after IDLE_TIMEOUT_S
  // of silence from the page, which sent no heartbeat (heartbeat=0).
  const diag = await diagnostic(v.panel, 'idle drop');
  assert.match(diag, /closed the connection \(1000\) for idleness/);
  assert.match(diag, /frame #\d+ \(idle_timeout/);
  assert.match(diag, new RegExp(`no frame from the page at all in the ${IDLE_TIMEOUT_S} s since the open`));
  assert.match(diag, /no heartbeat sent/);
  assert.match(diag, /idle_seconds/, 'the notice frame is cited');
  assert.match(diag, /implement heartbeat\/ping-pong; check for proxy timeouts/);
  await shot(v.panel, 'real-django-idle-drop');
  await v.close();
});

test('Django stalled stream: stream_start and three tokens, no stream_end, the socket still open', async () => {
  const v = await visit(`${django.origin}/?token=${django.token()}&send=${encodeURIComponent(STALLED)}`,
    () => window.chat?.messages.some((m) => m.role === 'assistant' && m.text.split(' ').length >= 3));
  await new Promise((r) => setTimeout(r, 800)); // many token delays: a live stream would have ended
  await v.panel.locator('[data-testid=connection]').first().click();
  await v.panel.fill('[data-testid=filter]', 'stream_token');
  await v.panel.waitForFunction((n) => document.querySelector('[data-testid=shown-count]')?.textContent === `${n} shown`, STALL_AFTER_TOKENS);
  await v.panel.fill('[data-testid=filter]', 'stream_end');
  await v.panel.waitForFunction(() => document.querySelector('[data-testid=shown-count]')?.textContent === '0 shown');
  await v.panel.fill('[data-testid=filter]', '');
  // The core diagnoses the stall once the silence passes the stream's own pace (tokens every
  // tokenDelayS, so the 2 s floor): the request, the item count, the last item, the next step.
  const diag = await diagnostic(v.panel, 'stream stalled', 15000);
  assert.match(diag, new RegExp(`the streamed reply to message .*${STALLED.replace(/[[\]]/g, '\\$&')}`));
  assert.match(diag, new RegExp(`delivered ${STALL_AFTER_TOKENS} item\\(s\\) after stream_start`));
  assert.match(diag, /the last, stream_token \(frame #\d+\), at \d{4}-\d\d-\d\dT[\d:.]+Z, then nothing for \d+ s so far/);
  const pace = Number(/items had come every (\d+) ms \(median\)/.exec(diag)?.[1]);
  assert.ok(pace >= TOKEN_DELAY_MS && pace < TOKEN_DELAY_MS * 5, `the stream's pace follows tokenDelayS: ${diag}`);
  assert.match(diag, /docker compose logs celery/);
  assert.match(diag, /redis-cli keys "asgi:\*"/);
  assert.doesNotMatch(await v.panel.innerText('[data-testid=analysis]'), /no reply/i, 'the stream answered the message');
  assert.equal(await v.page.evaluate(() => window.chat.status), 'open');
  await shot(v.panel, 'real-django-stalled-stream');
  // The frame evidence opens that frame: the last stream_token the diagnosis names.
  const stalled = v.panel.locator('[data-testid=diagnostic]', { has: v.panel.locator('.diag-kind', { hasText: 'stream stalled' }) });
  const last = /the last, stream_token \(frame #(\d+)\)/.exec(diag)[1];
  await stalled.locator('button.evidence', { hasText: `frame #${last}:` }).click();
  await v.panel.locator('[data-testid=frame-detail]').waitFor();
  assert.match(await v.panel.innerText('[data-testid=frame-detail]'), /stream_token/);
  assert.equal(await v.panel.locator('.frame-row.selected').count(), 1);
  await v.close();
});

test('Django route that refuses before accept(): the browser sees 1006; the panel says so', async () => {
  const v = await visit(`${django.origin}/?token=bad&route=legacy-chat&retries=0`, failed);
  await assertClose(v.panel, 1006, /Abnormal Closure/);
  assert.match(await v.panel.innerText('body'), /handshake failed/);
  assert.equal(await v.page.evaluate(() => window.chat.closes[0].wasClean), false);
  await v.close();
});

// Chromium hides the status of a refused upgrade from extensions (see capture-frames.test.mjs;
// Firefox reports it, checked in firefox.test.mjs), so the panel must say what it can prove: the
// server answered and refused before accepting, with 403-before-accept() as the first suspect.
test('Django route that refuses before accept(): the 1006 is explained as a refused upgrade', async () => {
  const v = await visit(`${django.origin}/?token=bad&route=legacy-chat&retries=0`, failed);
  await v.panel.locator('[data-testid=handshake]').first().waitFor();
  assert.match(await v.panel.innerText('[data-testid=handshake]'), /net::ERR_FAILED/);
  const diag = (await v.panel.locator('[data-testid=diagnostic]').allInnerTexts()).join('\n');
  assert.match(diag, /answered the WebSocket upgrade for ws:\/\/[^ ]+\/ws\/legacy-chat\//);
  assert.match(diag, /refused before accepting/);
  assert.match(diag, /403/);
  assert.match(diag, /accept\(\)/);
  await shot(v.panel, 'real-django-refused-before-accept');
  await v.close();
});

/** The Levee page with the official phoenix.js client, running `steps` in order. */
const leveePage = (topic, token, steps, extra = '') =>
  `${phoenix.pageUrl}?topic=${topic}&token=${token}&steps=${steps}${extra}`;
const leveeDone = () => window.levee?.done;

test('Phoenix: submitOp before connect_document shows the not_authenticated reply on its topic', async () => {
  const topic = 'document:acme:doc-1';
  const v = await visit(leveePage(topic, 'x', 'submitOp'), leveeDone);
  const body = await v.panel.innerText('body');
  assert.match(body, /Phoenix/);
  assert.match(body, /not_authenticated/);
  assert.ok(body.includes(topic));
  await shot(v.panel, 'real-phoenix-not-authenticated');
  await v.close();
});

test('Phoenix: each connect_document JWT error is visible with the token that caused it', async () => {
  const topic = 'document:acme:doc-1';
  const cases = [
    ['invalid_signature', documentToken(tenants.globex, { tenantId: 'acme', documentId: 'doc-1' })],
    ['token_expired', documentToken(tenants.acme, { tenantId: 'acme', documentId: 'doc-1', ttlS: -300 })],
    ['missing_claims', sign({ tenantId: 'acme', scopes: ['doc:read'], exp: nowSeconds() + 60 }, tenants.acme)],
  ];
  for (const [reason, token] of cases) {
    const v = await visit(leveePage(topic, token, 'connect_document'), leveeDone);
    const body = await v.panel.innerText('body');
    assert.ok(body.includes(reason), `${reason} shown`);
    await shot(v.panel, `real-phoenix-${reason.replaceAll('_', '-')}`);
    await v.close();
  }
});

test('Phoenix: a token without doc:write makes submitOp fail naming the scope', async () => {
  const token = documentToken(tenants.acme, { tenantId: 'acme', documentId: 'doc-1', scopes: ['doc:read'] });
  const v = await visit(leveePage('document:acme:doc-1', token, 'connect_document,submitOp'), leveeDone);
  const body = await v.panel.innerText('body');
  assert.match(body, /missing scope doc:write/);
  await shot(v.panel, 'real-phoenix-missing-scope');
  await v.close();
});

test('Phoenix: a wrong topic and an unknown document are visible as join / reply errors', async () => {
  const wrong = await visit(leveePage('documents:acme:doc-1', 'x', ''), leveeDone);
  assert.match(await wrong.panel.innerText('body'), /unmatched topic/);
  await shot(wrong.panel, 'real-phoenix-wrong-topic');
  await wrong.close();
  const token = documentToken(tenants.acme, { tenantId: 'acme', documentId: 'ghost' });
  const ghost = await visit(leveePage('document:acme:ghost', token, 'connect_document'), leveeDone);
  assert.match(await ghost.panel.innerText('body'), /session not found/);
  await shot(ghost.panel, 'real-phoenix-session-not-found');
  await ghost.close();
});

test('Phoenix: an op reaches both clients on the document, not the client on another document', async () => {
  const text = `op-${Date.now()}`;
  const tok = (documentId) => documentToken(tenants.acme, { tenantId: 'acme', documentId });
  const connected = () => window.levee?.done;
  const b = await visit(leveePage('document:acme:doc-2', tok('doc-2'), 'connect_document'), connected);
  const c = await visit(leveePage('document:acme:doc-1', tok('doc-1'), 'connect_document'), connected);
  const a = await visit(leveePage('document:acme:doc-2', tok('doc-2'), 'connect_document,submitOp', `&text=${text}`), connected);
  // b's page got the broadcast (its own log), and b's panel lists the frame that carried it.
  await b.page.waitForFunction((t) => window.levee.log.some((l) => l.kind === 'op' && l.detail.contents[0].insert === t), text);
  for (const v of [a, b]) {
    await v.panel.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 10000 });
  }
  // c is joined and authenticated on doc-1 but neither its page nor its panel saw the op.
  assert.equal(await c.page.evaluate(() => window.levee.log.some((l) => l.kind === 'op')), false);
  assert.ok(!(await c.panel.innerText('body')).includes(text));
  assert.ok((await c.panel.innerText('body')).includes('document:acme:doc-1'));
  await showTab(b.panel, 'Frames');
  await shot(b.panel, 'real-phoenix-broadcast-received');
  await showTab(c.panel, 'Topics');
  await c.panel.locator('[data-testid=lane]').first().waitFor();
  await shot(c.panel, 'real-phoenix-broadcast-other-document');
  for (const v of [a, b, c]) await v.close();
});
