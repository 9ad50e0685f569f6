// The panel against the demo app in real Chromium with the extension: the close card and token
// card explain the 4001, the filter and topic lanes work on real traffic, the send and
// force-close actions round-trip through the page's own socket to the real server, an export
// holds the capture with its tokens redacted, and a copied wscat/websocat command reopens a socket
// on that server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, tabIdOf, openPanel, shot, startDemo } from './lib/browser.mjs';

let demo, browser, origin, cfg, page, panel;
let sentByPanel; // the message the send test typed into the compose box
const extensionRequests = []; // every extension file any page asked for (resource timing omits them)
/** The view chunks (split_*.wasm, shared chunk_*.wasm; src/ui/lazy.rs) fetched so far, in order. */
const chunksFetched = async () => extensionRequests
  .map((u) => new URL(u).pathname.slice(1)).filter((f) => /^(split|chunk)_\w+\.wasm$/.test(f));
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

before(async () => {
  demo = await startDemo();
  origin = demo.origin;
  browser = await launch();
  browser.context.on('request', (r) => r.url().startsWith('chrome-extension:') && extensionRequests.push(r.url()));
  page = await browser.context.newPage();
  // Keep the exact config (tokens) the page itself received: assertions use the page's own inputs.
  const cfgResponse = page.waitForResponse((r) => r.url().endsWith('/config.json'));
  await page.goto(`${origin}/`);
  cfg = await (await cfgResponse).json();
  await page.waitForFunction(() => /closed 4001/.test(document.getElementById('expired-state').textContent));
  await page.waitForFunction(() => document.getElementById('doc-log').textContent.includes('submitOp ok'));
  panel = await openPanel(browser.context, browser.extensionId, await tabIdOf(browser.context, page));
  await panel.locator('[data-testid=connection]').nth(2).waitFor();
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

const chatRow = () => panel.locator('[data-testid=connection]', { hasText: `/ws/chat/${cfg.chat.conversation}/` });

test('the 4001 connection is selected by itself and explained with the token\'s own exp', async () => {
  // The latest connection with a problem is the expired-token socket: shown without a click.
  const card = panel.locator('[data-testid=close-card]');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-code'), '4001');
  assert.match(await card.textContent(), /[Aa]uthentication failed/);
  assert.match(await panel.textContent('[data-testid=close-marker]'), /closed 4001 "token_expired"/);
  const expiredRow = panel.locator('[data-testid=connection]').filter({ has: panel.locator('[data-testid=close-code]', { hasText: '4001' }) });
  assert.equal(await expiredRow.count(), 1);
  const title = await panel.textContent('[data-testid=conn-title]');
  assert.ok(!title.includes(cfg.chat.token.split('.')[2]), 'the URL in the title masks the token');
  const tokenCard = panel.locator('[data-testid=token-card]').first();
  await tokenCard.waitFor();
  const text = await tokenCard.textContent();
  // The token card shows the exp of the token the page really used, in the panel's local time.
  const { exp, sub } = claimsOf(cfg.chat.expiredToken);
  const expected = await panel.evaluate((ms) => new Date(ms).toLocaleString(navigator.language, { timeZoneName: 'short' }), exp * 1000);
  const expLine = await panel.locator('[data-testid=token-time][data-claim=exp]').first().textContent();
  assert.ok(expLine.includes(expected), `exp shown as "${expected}": ${expLine}`);
  assert.ok(text.includes(sub), `claims show sub ${sub}`);
  const diag = await panel.locator('[data-testid=diagnostic]').allTextContents();
  assert.ok(diag.some((d) => /expired/i.test(d)), `diagnostics name the expiry: ${diag.join(' | ')}`);
  await shot(panel, 'panel-close-card');
  // The cards above, the frame list, the live actions, the token card's verify box and the
  // toolbar's buttons are one chunk, fetched as soon as the connections list (the first screen) is
  // drawn; nothing else is fetched before it is used.
  await panel.locator('[data-testid=shown-count]').waitFor();
  await panel.locator('.actions[aria-label="Live actions"]').waitFor();
  await tokenCard.locator('[data-testid=verify-key]').waitFor();
  await panel.locator('[data-testid=export-session]').waitFor();
  const splits = (await chunksFetched()).filter((c) => c.startsWith('split_')).sort();
  assert.deepEqual(splits, ['split_after_first_screen.wasm'], 'the first screen fetches only the chunk drawn right after it');
  // panel.html preloads exactly that chunk and the shared chunks it needs (scripts/build.sh): a
  // stale or missing name would show as one more file fetched, or one fewer preloaded.
  const preloaded = await panel.evaluate(() => [...document.querySelectorAll('link[rel=preload]')]
    .map((l) => l.getAttribute('href')).filter((h) => /^(split|chunk)_\w+\.wasm$/.test(h)));
  assert.deepEqual([...new Set(await chunksFetched())].sort(), [...preloaded].sort(), 'the chunks preloaded are the chunks the first screen fetches');
});

test('filter counts match the stream, and the Phoenix topic has its own lane', async () => {
  await chatRow().first().click();
  await panel.fill('[data-testid=filter]', 'stream_token');
  const reply = await page.textContent('#chat-reply');
  const words = reply.match(/\S+\s*/g).length; // one stream_token frame per word
  await panel.waitForFunction((n) => document.querySelector('[data-testid=shown-count]').textContent === `${n} shown`, words);
  await panel.fill('[data-testid=filter]', '-stream_token');
  const rest = await panel.textContent('[data-testid=shown-count]');
  assert.notEqual(rest, `${words} shown`);
  await panel.fill('[data-testid=filter]', '');

  await panel.locator('[data-testid=connection]', { hasText: '/socket/websocket' }).first().click();
  await panel.click('button[role=tab]:has-text("Topics")');
  const lane = panel.locator('[data-testid=lane]', { hasText: cfg.phoenix.topic });
  await lane.waitFor();
  assert.match(await lane.textContent(), /joined/);
  await shot(panel, 'panel-lanes');

  // A mark opens its frame (click, or Enter on the focused mark): the Frames tab shows that
  // frame's details, with the topic and the event the mark's title names.
  const detail = panel.locator('[data-testid=frame-detail]');
  for (const how of ['click', 'Enter']) {
    await panel.click('button[role=tab]:has-text("Topics")');
    // Marks of frames a millisecond apart overlap; the last one is drawn on top, so a real click
    // reaches it. Enter goes to the focused mark, wherever it is.
    const mark = how === 'click' ? lane.locator('.mark').last() : lane.locator('.mark').first();
    const event = (await mark.getAttribute('title')).split(' ')[1];
    if (how === 'click') await mark.click();
    else { await mark.focus(); await panel.keyboard.press('Enter'); }
    await detail.waitFor();
    const raw = await detail.locator('pre.raw').textContent();
    assert.ok(raw.includes(`"${cfg.phoenix.topic}"`) && raw.includes(`"${event}"`), `${how}: ${event} on ${cfg.phoenix.topic}: ${raw}`);
    await panel.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  }
  await panel.click('button[role=tab]:has-text("Frames")');
});

test('a push to a topic the page never joined is diagnosed, and its topic evidence filters the frames', async () => {
  const phoenixRow = panel.locator('[data-testid=connection]', { hasText: '/socket/websocket' }).first();
  await phoenixRow.click();
  const topic = `room:never-joined-${Date.now()}`;
  // Through the page's own socket, as a developer would try it: a Phoenix v2 push with no join.
  await panel.fill('[data-testid=compose]', JSON.stringify([null, '901', topic, 'new_msg', { body: 'hi' }]));
  await panel.click('[data-testid=send]');
  const diag = panel.locator('[data-testid=diagnostic]', { has: panel.locator('.diag-kind', { hasText: 'not joined' }) });
  await diag.first().waitFor({ timeout: 10000 });
  assert.match(await diag.first().innerText(), new RegExp(`sent to ${topic}.*never joined`));
  await diag.first().locator('button.evidence', { hasText: `topic ${topic}` }).click();
  // The frame list shows that topic only, and its filter says so.
  await panel.waitForFunction((t) => document.querySelector('[data-testid=filter-topic]').value === t, topic);
  const topics = await panel.locator('[data-testid=frame] .topic').allTextContents();
  assert.ok(topics.length >= 1 && topics.every((t) => t === topic), `frames shown: ${topics.join(', ')}`);
  assert.match(await panel.textContent('[data-testid=shown-count]'), new RegExp(`^${topics.length} shown$`));
  await panel.selectOption('[data-testid=filter-topic]', '');
});

test('send and force-close round-trip through the page\'s socket to the real server', async () => {
  await chatRow().first().click();
  const content = `from the panel ${Date.now()}`;
  sentByPanel = JSON.stringify({ type: 'message', content });
  await panel.fill('[data-testid=compose]', sentByPanel);
  assert.match(await panel.textContent('[data-testid=compose-check]'), /Valid JSON/);
  await panel.click('[data-testid=send]');
  // The real server answers the panel's message on the page's socket: the page renders it.
  await page.waitForFunction((c) => document.getElementById('chat-reply').textContent.includes(c), content);
  await panel.locator('[data-testid=frame][data-dir=out]', { hasText: content }).first().waitFor();

  await panel.fill('[data-testid=close-code-input]', '4001');
  await panel.fill('[data-testid=close-reason-input]', 'panel says bye');
  await panel.click('[data-testid=force-close]');
  // The page sees a real close with the panel's code; the panel says who started it.
  await page.waitForFunction(() => document.getElementById('chat-state').textContent === 'closed 4001');
  await panel.locator('[data-testid=close-marker]', { hasText: 'Socketscope force-closed it' }).waitFor();
  assert.match(await panel.textContent('[data-testid=close-marker]'), /closed 4001 "panel says bye"/);
  assert.deepEqual(panel.socketscopeErrors, []);
  await shot(panel, 'panel-force-closed');
});

test('frame details and settings arrive on first use as view chunks; the standalone page never does', async () => {
  await chatRow().first().click();
  // The frame the panel sent: its details show exactly that text, parsed into the JSON tree.
  await panel.locator('[data-testid=frame][data-dir=out]', { hasText: JSON.parse(sentByPanel).content }).first().click();
  const detail = panel.locator('[data-testid=frame-detail]');
  await detail.waitFor();
  assert.equal(await detail.locator('pre.raw').textContent(), sentByPanel);
  assert.ok((await detail.locator('.json-tree').textContent()).includes(JSON.parse(sentByPanel).content));
  // Copy path: the status line says so only once the browser took it.
  await detail.locator('.j-leaf', { hasText: 'content' }).getByRole('button', { name: 'path' }).click();
  await panel.locator('[data-testid=problems]', { hasText: 'Copied the path $.content.' }).waitFor();
  await panel.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  // Settings show what the panel stored (localStorage), through their own chunk.
  await panel.click('[data-testid=settings-toggle]');
  const stored = JSON.parse(await panel.evaluate(() => localStorage.getItem('socketscope.settings')));
  assert.equal(await panel.inputValue('[data-testid=max-frames]'), String(stored.capture.max_frames));
  await panel.click('[data-testid=settings-toggle]');

  // Frame details, settings and topic lanes came with the first screen's chunk: no other view
  // chunk was fetched for them, each chunk once, and never the standalone page.
  await panel.locator('[data-testid=frame][data-dir=out]', { hasText: JSON.parse(sentByPanel).content }).first().click();
  await detail.waitFor();
  await panel.keyboard.press('Escape');
  const chunks = await chunksFetched();
  assert.deepEqual(chunks.filter((c) => c.startsWith('split_')), ['split_after_first_screen.wasm'], `view chunks fetched: ${chunks.join(', ')}`);
  assert.equal(new Set(chunks).size, chunks.length, `each chunk fetched once: ${chunks.join(', ')}`);
  assert.ok(!chunks.includes('split_standalone.wasm'), `the panel fetched the standalone page: ${chunks.join(', ')}`);
  assert.deepEqual(panel.socketscopeErrors, []);
});

test('Export session from the extension panel: its code arrives on the first click, the file holds the capture, tokens redacted', async () => {
  assert.ok(!(await chunksFetched()).includes('split_export.wasm'), 'the export code is not fetched before the click');
  const save = async () => {
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.click('[data-testid=export-session]')]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(download.suggestedFilename(), 'socketscope-session.json');
    await panel.locator('[data-testid=problems]', { hasText: `Saved socketscope-session.json (${Buffer.byteLength(text)} bytes, tokens redacted).` }).waitFor();
    return text;
  };
  const text = await save();
  const events = JSON.parse(text).pages.flatMap((p) => p.events);
  assert.ok(events.some((e) => e.type === 'frame' && e.dir === 'out' && e.data === sentByPanel), 'the message the panel sent is in the file');
  const closes = events.filter((e) => e.type === 'close').map((e) => e.code);
  assert.ok(closes.includes(4001), `the 4001 close is in the file: ${closes}`);
  // Every token the page was given: none of their signatures is left in the file.
  const tokens = [...new Set(JSON.stringify(cfg).match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g))];
  assert.ok(tokens.length >= 2 && tokens.includes(cfg.chat.token), `the page's tokens: ${tokens.length}`);
  for (const t of tokens) assert.ok(!text.includes(t.split('.')[2]), 'a token signature is in the export');
  // A second export reuses the loaded chunk.
  await save();
  assert.equal((await chunksFetched()).filter((c) => c === 'split_export.wasm').length, 1, 'split_export.wasm fetched once');
  assert.deepEqual(panel.socketscopeErrors, []);
});

test('a verify key is kept only on opt-in: prefilled after a reload, gone after Forget, never sent', async () => {
  const p = await openPanel(browser.context, browser.extensionId, await tabIdOf(browser.context, page));
  const key = `remembered-key-${Date.now()}`;
  const seen = [];
  p.on('request', (r) => seen.push(`${r.url()} ${r.postData() ?? ''}`));
  const box = () => p.locator('[data-testid=verify]').first();
  const stored = () => p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('socketscope.verify-key:')));
  await box().waitFor();
  assert.equal(await box().locator('[data-testid=verify-remember]').isChecked(), false, 'off by default');
  assert.deepEqual(await stored(), []);

  await box().locator('[data-testid=verify-remember]').check();
  await box().locator('[data-testid=verify-key]').fill(key);
  await box().locator('[data-testid=verify-forget]').waitFor();
  assert.equal((await stored()).length, 1);

  await p.reload();
  await box().waitFor();
  await p.waitForFunction((k) => document.querySelector('[data-testid=verify-key]')?.value === k, key);
  assert.equal(await box().locator('[data-testid=verify-remember]').isChecked(), true);

  await box().locator('[data-testid=verify-forget]').click();
  assert.equal(await box().locator('[data-testid=verify-key]').inputValue(), '');
  assert.deepEqual(await stored(), []);
  await p.reload();
  await box().waitFor();
  assert.equal(await box().locator('[data-testid=verify-key]').inputValue(), '');
  assert.equal(await box().locator('[data-testid=verify-remember]').isChecked(), false);
  assert.deepEqual(seen.filter((s) => s.includes(key)), [], 'the key went out in a request');
  assert.deepEqual(p.socketscopeErrors, []);
  await p.close();
});

/** POSIX shell words of a command made only of plain words and single-quoted ones (`'it'\''s'`). */
function shellWords(cmd) {
  const words = [];
  let word = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      assert.ok(end > i, `unterminated quote in ${cmd}`);
      word = (word ?? '') + cmd.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && cmd[i + 1] === "'") {
      word = (word ?? '') + "'";
      i++;
    } else if (c === ' ') {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

test('Copy as wscat and websocat: the copied command reopens the chat socket, token and all', async () => {
  // Playwright grants permissions to web origins only: the demo page reads back what the panel
  // copied (one clipboard per browser).
  await browser.context.grantPermissions(['clipboard-read'], { origin });
  await chatRow().first().click();
  const copied = async (name) => {
    await panel.bringToFront();
    await panel.getByRole('button', { name: `Copy as ${name}` }).click();
    await panel.locator('[data-testid=problems]', { hasText: `Copied a ${name} command (it contains the token` }).waitFor();
    await page.bringToFront();
    return shellWords(await page.evaluate(() => navigator.clipboard.readText()));
  };
  // The URL the page opened (demo.js), with its real token: the list masks it, the command must not.
  const url = `${origin.replace(/^http/, 'ws')}/ws/chat/${cfg.chat.conversation}/?token=${cfg.chat.token}`;
  const arg = (words, flag) => words.flatMap((w, i) => (w === flag ? [words[i + 1]] : []));
  const wscat = await copied('wscat');
  assert.deepEqual(wscat, ['wscat', '-c', url, '-o', origin]);
  const websocat = await copied('websocat');
  assert.deepEqual(websocat, ['websocat', '-H', `Origin: ${origin}`, url]);
  assert.deepEqual(arg(wscat, '-s'), [], 'the chat socket asked for no subprotocol');
  // What the command does, done with a real client: the server accepts the token and greets its user.
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(url, { origin });
  const greeting = await new Promise((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
    ws.once('error', reject);
  });
  ws.close();
  assert.equal(greeting.type, 'connection_established');
  assert.equal(greeting.user, claimsOf(cfg.chat.token).sub);
});
