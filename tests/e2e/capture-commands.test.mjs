// Commands back from the panel, and the capture settings:
// - send a text and a binary frame through the page's socket, force-close it with a real
//   close(code, reason) recorded as started by the panel; the server sees all of it;
// - pause: frames are not recorded while paused, connections and states still are;
// - caps: payloads over max_payload keep a prefix, their true size and `truncated`; frames over
//   max_frames are counted in a `dropped` event, never silently lost; max_frames holds for the
//   whole tab (a top page and its cross-origin iframe share it);
// - the per-site switch: capture off clears and stops recording, persists across a reload, and
//   turning it back on records again.
// Commands go through the real transport.js (openCollector's `send`), as the panel's would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, tabIdOf, openCollector, openPanel, frameBytes } from './lib/browser.mjs';
import { startCaptureServer } from '../servers/capture-server.mjs';

let server;
before(async () => { server = await startCaptureServer(); });
after(async () => { await server.close(); });

const PAGE = '<!doctype html><title>commands</title><script>window.sockets = [];</script>';

async function setup(name) {
  const browser = await launch();
  const page = await browser.context.newPage();
  const url = server.page(name, PAGE);
  await page.goto(url);
  const tab = await tabIdOf(browser.context, page);
  const panel = await openCollector(browser.context, browser.extensionId, tab);
  await panel.waitFor((evs) => evs.some((e) => e.type === 'page'), 10000, 'the page event');
  return { browser, page, panel, url };
}

// Open a socket in the page; resolves once open. Returns its index in window.sockets.
const openSocket = (page, url) => page.evaluate((u) => new Promise((resolve) => {
  const ws = new WebSocket(u);
  ws.received = [];
  ws.onmessage = (e) => ws.received.push(e.data);
  ws.onopen = () => resolve(window.sockets.push(ws) - 1);
}), url);

test('the panel sends text and binary through a page socket and force-closes it', async () => {
  const { browser, page, panel } = await setup('cmd-send');
  try {
    await openSocket(page, `${server.ws}/echo?cmd=send`);
    const socket = await panel.waitFor((evs) => evs.find((e) => e.type === 'state' && e.state === 'OPEN') && evs.find((e) => e.type === 'socket'), 10000, 'open socket');
    const bytes = Buffer.from([0, 7, 128, 255]);
    await panel.send({ cmd: 'send', id: socket.id, op: 'text', data: 'from the panel' });
    await panel.send({ cmd: 'send', id: socket.id, op: 'binary', data: bytes.toString('base64') });
    // A command for a socket id that no page owns is ignored.
    await panel.send({ cmd: 'send', id: 'nope:1', op: 'text', data: 'lost' });
    const conn = server.connections.find((c) => c.query.cmd === 'send');
    await server.waitFor(() => conn.in.length === 2, 10000, 'the server to get both frames');
    assert.deepEqual(conn.in.map((m) => [m.binary, m.data.toString('hex')]), [[false, Buffer.from('from the panel').toString('hex')], [true, bytes.toString('hex')]]);
    await page.waitForFunction(() => window.sockets[0].received.length === 2);

    await panel.send({ cmd: 'close', id: socket.id, code: 4001, reason: 'panel says bye' });
    await server.waitFor(() => conn.closed, 10000, 'the close');
    assert.deepEqual(conn.closed, { code: 4001, reason: 'panel says bye' });
    const events = await panel.waitFor((evs) => evs.some((e) => e.type === 'close') && evs, 10000, 'close event');
    const frames = events.filter((e) => e.type === 'frame').map((f) => `${f.dir} ${f.op} ${frameBytes(f).toString('hex')}`);
    const hex = (s) => Buffer.from(s).toString('hex');
    // Per direction (an echo may arrive between the two sends).
    assert.deepEqual(frames.filter((f) => f.startsWith('out')), [`out text ${hex('from the panel')}`, `out binary ${bytes.toString('hex')}`]);
    assert.deepEqual(frames.filter((f) => f.startsWith('in')), [`in text ${hex('from the panel')}`, `in binary ${bytes.toString('hex')}`]);
    const call = events.filter((e) => e.type === 'close_call');
    assert.deepEqual(call.map((c) => [c.by, c.code, c.reason]), [['panel', 4001, 'panel says bye']]);
    const close = events.find((e) => e.type === 'close');
    assert.deepEqual([close.code, close.reason, close.was_clean, close.initiator], [4001, 'panel says bye', true, 'panel']);
    assert.ok(!JSON.stringify(events).includes('lost'));
  } finally {
    await browser.close();
  }
});

test('pause stops recording frames but not connections and states', async () => {
  const { browser, page, panel } = await setup('cmd-pause');
  try {
    await openSocket(page, `${server.ws}/echo?cmd=pause`);
    await page.evaluate(() => window.sockets[0].send('before'));
    await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length === 2, 10000, 'before frames');
    await panel.send({ cmd: 'pause', paused: true });
    await new Promise((r) => setTimeout(r, 300)); // the command reaches the hook
    await page.evaluate(() => window.sockets[0].send('while paused'));
    await openSocket(page, `${server.ws}/echo?cmd=pause2`);
    await page.waitForFunction(() => window.sockets[0].received.length === 2);
    await panel.send({ cmd: 'pause', paused: false });
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => window.sockets[1].send('after'));
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 4 && evs, 10000, 'after frames');
    assert.deepEqual(events.filter((e) => e.type === 'frame').map((f) => `${f.dir}:${f.data}`), ['out:before', 'in:before', 'out:after', 'in:after']);
    // The socket opened while paused is there with its states.
    const second = events.filter((e) => e.type === 'socket')[1];
    assert.equal(second.url, `${server.ws}/echo?cmd=pause2`);
    assert.deepEqual(events.filter((e) => e.type === 'state' && e.id === second.id).map((s) => s.state), ['CONNECTING', 'OPEN']);
    assert.equal(server.connections.find((c) => c.query.cmd === 'pause').in.length, 2, 'the page really sent while paused');
  } finally {
    await browser.close();
  }
});

test('payloads over the cap keep a prefix and their true size; frames over the cap are counted as dropped', async () => {
  const { browser, page, panel } = await setup('cmd-caps');
  try {
    const CAP = 1024, MAX = 8;
    await panel.send({ cmd: 'settings', settings: { enabled: true, max_frames: MAX, max_payload: CAP } });
    await new Promise((r) => setTimeout(r, 300));
    await openSocket(page, `${server.ws}/echo?cmd=caps`);
    const long = 'abcdefghij'.repeat(300);          // 3000 chars: cut by the hook
    const wide = 'é'.repeat(600);                    // 600 chars, 1200 UTF-8 bytes: cut by the relay
    await page.evaluate(([a, b]) => {
      const ws = window.sockets[0];
      ws.binaryType = 'arraybuffer';
      ws.send(a); ws.send(b); ws.send(new Uint8Array(2000).map((_, i) => i & 255));
    }, [long, wide]);
    await page.waitForFunction(() => window.sockets[0].received.length === 3);
    const capped = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length === 6 && evs.filter((e) => e.type === 'frame'), 10000, 'six frames');
    for (const dir of ['out', 'in']) {
      const [a, b, c] = capped.filter((f) => f.dir === dir);
      assert.deepEqual([a.op, a.size, a.truncated, a.data], ['text', 3000, true, long.slice(0, CAP)], `${dir} long text`);
      assert.deepEqual([b.op, b.size, b.truncated, b.data], ['text', 1200, true, wide.slice(0, CAP / 2)], `${dir} multi-byte text`);
      assert.deepEqual([c.op, c.size, c.truncated], ['binary', 2000, true], `${dir} binary`);
      assert.deepEqual([...frameBytes(c)], Array.from({ length: CAP }, (_, i) => i & 255));
    }
    // 2 more frames fit (8 in all), then 10 more are dropped and counted.
    await page.evaluate(() => { for (let i = 0; i < 6; i++) window.sockets[0].send('small ' + i); });
    await page.waitForFunction(() => window.sockets[0].received.length === 9);
    const events = await panel.waitFor((evs) => evs.some((e) => e.type === 'dropped' && e.frames === 10) && evs, 10000, 'dropped 10');
    const frames = events.filter((e) => e.type === 'frame');
    assert.equal(frames.length, MAX);
    assert.deepEqual(frames.slice(6).map((f) => `${f.dir}:${f.data}`), ['out:small 0', 'out:small 1']);
    const dropped = events.filter((e) => e.type === 'dropped').at(-1);
    assert.deepEqual([dropped.frames, dropped.bytes], [10, 4 * 7 + 6 * 7 ]);
  } finally {
    await browser.close();
  }
});

test('the frame cap is per tab: a top page and its cross-origin iframe share it', async () => {
  const browser = await launch();
  try {
    const childUrl = server.page('cap-child', '<!doctype html><title>child</title>').replace('127.0.0.1', 'localhost');
    const topUrl = server.page('cap-top', `<!doctype html><title>top</title><iframe src="${childUrl}"></iframe>`);
    const page = await browser.context.newPage();
    await page.goto(topUrl);
    const child = page.frames().find((f) => f.url() === childUrl);
    assert.ok(child, 'the iframe loaded');
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    await panel.waitFor((evs) => evs.filter((e) => e.type === 'page').length === 2, 10000, 'both documents');
    const MAX = 50, N = 40;
    await panel.send({ cmd: 'settings', settings: { enabled: true, max_frames: MAX, max_payload: 64 * 1024 } });
    await new Promise((r) => setTimeout(r, 300));
    // Each document receives N frames; the top one first, then (once its count has been heard) the iframe.
    const flood = (frame, base, tag) => frame.evaluate(([u, n]) => new Promise((resolve) => {
      const ws = new WebSocket(u);
      let got = 0;
      ws.onmessage = () => { if (++got === n) resolve(); };
    }), [`${base}/flood?n=${N}&size=20&tag=${tag}`, N]);
    await flood(page.mainFrame(), server.ws, 'top');
    await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length === N, 10000, 'the top page\'s frames');
    await new Promise((r) => setTimeout(r, 1800)); // a relay reports its count at most once a second
    await flood(child, server.ws.replace('127.0.0.1', 'localhost'), 'child');
    // `dropped` is cumulative and sent at most once a second: the flood can span several batches.
    const events = await panel.waitFor((evs) => evs.some((e) => e.type === 'dropped' && e.frames === N - (MAX - N)) && evs, 10000, 'the dropped count');
    const pages = events.filter((e) => e.type === 'page');
    const childPage = pages.find((p) => p.url === childUrl).page;
    const framesOf = (pg) => events.filter((e) => e.type === 'frame' && e.page === pg).length;
    assert.equal(framesOf(pages.find((p) => p.url === topUrl).page), N, 'the top page kept all of its frames');
    assert.equal(framesOf(childPage), MAX - N, 'the iframe kept what was left of the tab\'s cap');
    const dropped = events.filter((e) => e.type === 'dropped').at(-1);
    assert.deepEqual([dropped.page, dropped.frames], [childPage, N - (MAX - N)], 'the rest is counted as dropped, by the iframe');
    // ... and the real panel says so.
    const ui = await openPanel(browser.context, browser.extensionId, tab);
    await ui.waitForFunction((n) => (document.querySelector('[data-testid=losses]')?.textContent || '').includes(`${n} frames (`), N - (MAX - N), { timeout: 10000 });
    assert.match(await ui.textContent('[data-testid=losses]'), /^30 frames \(\d+ B\) not kept: over the frame cap\. Raise it in Settings, or Clear\.$/);
  } finally {
    await browser.close();
  }
});

test('capture off for a site: nothing recorded, kept across reloads, back on records again', async () => {
  const { browser, page, panel, url } = await setup('cmd-site');
  try {
    await openSocket(page, `${server.ws}/echo?cmd=site1`);
    await panel.waitFor((evs) => evs.some((e) => e.type === 'socket'), 10000, 'first socket');
    await panel.send({ cmd: 'settings', settings: { enabled: false, max_frames: 1000000, max_payload: 65536 } });
    await new Promise((r) => setTimeout(r, 300));
    const stored = await (await browser.context.serviceWorkers()[0]).evaluate(() => chrome.storage.local.get(null));
    assert.deepEqual(stored[`site:${new URL(url).origin}`], { enabled: false, max_frames: 1000000, max_payload: 65536 });
    await page.evaluate(() => window.sockets[0].send('while off'));
    await page.reload();
    await openSocket(page, `${server.ws}/echo?cmd=site2`);
    await page.evaluate(() => window.sockets[0].send('still off'));
    await page.waitForFunction(() => window.sockets[0].received.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    let events = await panel.events();
    assert.equal(events.filter((e) => e.type === 'frame').length, 0, 'no frame while capture is off');
    assert.deepEqual(events.filter((e) => e.type === 'socket').map((s) => s.url), [`${server.ws}/echo?cmd=site1`], 'only the socket from before');
    assert.ok(!JSON.stringify(events).includes('cmd=site2'));

    await panel.send({ cmd: 'settings', settings: { enabled: true, max_frames: 1000000, max_payload: 65536 } });
    await new Promise((r) => setTimeout(r, 300));
    await openSocket(page, `${server.ws}/echo?cmd=site3`);
    await page.evaluate(() => window.sockets[1].send('back on'));
    events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length === 2 && evs, 10000, 'frames after turning capture on');
    assert.deepEqual(events.filter((e) => e.type === 'frame').map((f) => `${f.dir}:${f.data}`), ['out:back on', 'in:back on']);
  } finally {
    await browser.close();
  }
});
