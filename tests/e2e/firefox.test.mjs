// Firefox ESR: the same extension (dist/firefox) really works there, checked over WebDriver BiDi
// (tests/e2e/lib/firefox.mjs), and `web-ext lint` finds no errors in it.
// Smoke: a page's text and binary frames in both directions, a refused handshake (Firefox's
// webRequest does report the 403 that Chromium cannot), and the hook's identity basics, all read
// through the real transport.js inside an extension page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { launchFirefox, FIREFOX_EXT } from './lib/firefox.mjs';
import { ROOT } from './lib/browser.mjs';
import { startCaptureServer } from '../servers/capture-server.mjs';

let server;
before(async () => { server = await startCaptureServer(); });
after(async () => { await server.close(); });

test('web-ext lint: no errors in dist/firefox', async () => {
  const { stdout } = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', FIREFOX_EXT, '--output', 'json', '--no-config-discovery'], { cwd: ROOT, maxBuffer: 16 << 20 }).catch((e) => e);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.errors.map((e) => `${e.code}: ${e.message} (${e.file})`), []);
  assert.equal(report.summary.errors, 0);
});

test('Firefox ESR: captured frames and handshakes reach an extension page', async () => {
  const url = server.page('firefox', `<!doctype html><script>
    window.got = [];
    const ws = new WebSocket('${server.ws}/echo?ff=1', ['chat']);
    ws.binaryType = 'arraybuffer';
    // The third text is over the 64 KiB cap and multi-byte: its true size is 140,000 bytes.
    ws.onopen = () => { ws.send('hello-firefox'); ws.send(new Uint8Array([0, 1, 254, 255])); ws.send('é'.repeat(70000)); };
    ws.onmessage = (e) => { got.push(typeof e.data !== 'string' ? Array.from(new Uint8Array(e.data)).join(',') : e.data.length > 100 ? 'long ' + e.data.length : e.data); if (got.length === 3) ws.close(4002, 'done'); };
    const refused = new WebSocket('${server.ws}/refuse?ff=1');
    refused.onclose = (e) => { window.refusedCode = e.code; };
  </script>`);
  const ff = await launchFirefox({ logName: 'firefox-smoke' });
  try {
    const page = await ff.open(url);
    const seen = await ff.waitFor(page, () => window.got.length === 3 && window.refusedCode && {
      got: window.got, refused: window.refusedCode,
      toString: Function.prototype.toString.call(WebSocket), name: WebSocket.name, length: WebSocket.length,
      ctor: WebSocket.prototype.constructor === WebSocket, inst: ws instanceof WebSocket && ws instanceof EventTarget,
    }, null, { what: 'page traffic' });
    assert.deepEqual(seen, {
      got: ['hello-firefox', '0,1,254,255', 'long 70000'], refused: 1006,
      toString: 'function WebSocket() {\n    [native code]\n}', name: 'WebSocket', length: 1, ctor: true, inst: true,
    });

    const ext = await ff.open(ff.extensionUrl('devtools.html'));
    const tab = await ff.evaluate(ext, async (u) => (await browser.tabs.query({})).find((t) => t.url === u)?.id, url);
    assert.ok(Number.isInteger(tab), 'the extension sees the page tab');
    await ff.evaluate(ext, async (t) => {
      const { createTransport } = await import('./transport.js');
      window.__events = [];
      createTransport(t).listen((m) => { if (Array.isArray(m.events)) window.__events.push(...m.events.map((e) => ({ ...e, page: m.page, tab: m.tab }))); });
      return true;
    }, tab);
    const events = await ff.waitFor(ext, () => window.__events.some((e) => e.type === 'handshake' && e.status === 403) && window.__events.filter((e) => e.type === 'close').length === 2 && window.__events, null, { what: 'events in the extension page' });
    assert.ok(events.every((e) => e.tab === tab));
    const sockets = events.filter((e) => e.type === 'socket');
    assert.deepEqual(sockets.map((s) => [s.url, s.protocols]), [[`${server.ws}/echo?ff=1`, ['chat']], [`${server.ws}/refuse?ff=1`, []]]);
    assert.match(sockets[0].stack, /\/page\/firefox:\d+:\d+/);
    const echoId = sockets[0].id;
    const frames = events.filter((e) => e.type === 'frame' && e.id === echoId).map((f) => `${f.dir} ${f.op} ${f.size} ${f.truncated ? `prefix of ${f.data.length}` : f.data}`);
    const b64 = Buffer.from([0, 1, 254, 255]).toString('base64');
    const conn = server.connections.find((c) => c.path === '/echo' && c.query.ff === '1');
    const wide = conn.in[2].data.length; // what went over the wire, in bytes
    assert.equal(wide, 140000);
    // 65,536 bytes of the cap hold 32,768 two-byte characters.
    assert.deepEqual(frames, ['out text 13 hello-firefox', `out binary 4 ${b64}`, `out text ${wide} prefix of 32768`,
      'in text 13 hello-firefox', `in binary 4 ${b64}`, `in text ${wide} prefix of 32768`]);
    assert.deepEqual(conn.in.slice(0, 2).map((m) => m.data.toString(m.binary ? 'base64' : 'utf8')), ['hello-firefox', b64]);
    const closes = events.filter((e) => e.type === 'close').map((c) => [c.id === echoId ? 'echo' : 'refused', c.code, c.initiator]);
    assert.deepEqual(closes.sort(), [['echo', 4002, 'page'], ['refused', 1006, 'server']]);
    const hs = events.filter((e) => e.type === 'handshake').map((h) => [h.url, h.status]).sort();
    assert.deepEqual(hs, [[`${server.ws}/echo?ff=1`, 101], [`${server.ws}/refuse?ff=1`, 403]]);
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'dense seq');
  } finally {
    await ff.close();
  }
});

test('Firefox ESR: the panel\'s wasm starts, and a view chunk loads on first use', async () => {
  const ff = await launchFirefox({ logName: 'firefox-panel' });
  try {
    // Unattached (no tab id): the panel starts and says how to attach; Settings is a view chunk.
    const panel = await ff.open(ff.extensionUrl('panel.html'));
    const hint = await ff.waitFor(panel, () => document.querySelector('[data-testid=empty]')?.textContent, null, { what: 'the panel\'s empty state' });
    assert.match(hint, /No tab attached/);
    const before = await ff.evaluate(panel, () => !!document.querySelector('[data-testid=settings]'));
    assert.equal(before, false, 'settings are not drawn before the click');
    // The toolbar's buttons are drawn right after the first screen, from a chunk (src/ui/lazy.rs).
    await ff.waitFor(panel, () => !!document.querySelector('[data-testid=settings-toggle]'), null, { what: 'the toolbar\'s buttons' });
    await ff.evaluate(panel, () => { document.querySelector('[data-testid=settings-toggle]').click(); return true; });
    const stored = await ff.waitFor(panel, () => document.querySelector('[data-testid=max-frames]') && {
      shown: document.querySelector('[data-testid=max-frames]').value,
      stored: JSON.parse(localStorage.getItem('socketscope.settings')).capture.max_frames,
      failed: !!document.querySelector('[data-testid=lazy-failed]'),
    }, null, { what: 'the settings view chunk' });
    assert.equal(stored.shown, String(stored.stored));
    assert.equal(stored.failed, false);
  } finally {
    await ff.close();
  }
});
