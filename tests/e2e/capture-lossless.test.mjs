// Nothing lost between the page and the panel:
// - late open: a page exchanges frames with no panel attached; a panel that attaches afterwards
//   gets every socket, state, handshake and frame since document_start, and a reload while attached
//   starts a second page whose events also arrive;
// - texts over the cap sent and received with no panel attached keep their true UTF-8 size;
// - service-worker kill: the worker is stopped through CDP (twice) while frames flow both ways;
//   the panel's frames match the server's own record in count, order and SHA-256.
// "The panel" here is the real transport.js inside an extension page (openCollector).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, tabIdOf, openCollector, stopServiceWorker, frameBytes } from './lib/browser.mjs';
import { startCaptureServer, sha256 } from '../servers/capture-server.mjs';

let server;
before(async () => { server = await startCaptureServer(); });
after(async () => { await server.close(); });

const digest = (frames) => sha256(frames.map(frameBytes));
const framesOf = (events, id, dir) => events.filter((e) => e.type === 'frame' && e.id === id && e.dir === dir);

/** Every page's seqs must be exactly 1..n: a gap would be a loss. */
function assertDense(events) {
  const byPage = new Map();
  for (const e of events) byPage.set(e.page, [...(byPage.get(e.page) || []), e.seq]);
  for (const [page, seqs] of byPage) {
    seqs.sort((a, b) => a - b);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `seq of page ${page} is dense from 1`);
  }
}

test('a panel opened after the traffic sees everything since document_start, and across a reload', async () => {
  const ECHO = 300, FLOOD = 500;
  const url = server.page('late', `<!doctype html><script>
    // Starts before any panel exists: an echo socket (page sends ${ECHO}) and a flood (${FLOOD} in).
    window.done = 0;
    const echo = new WebSocket('${server.ws}/echo?late=1');
    let got = 0;
    echo.onopen = () => { for (let i = 0; i < ${ECHO}; i++) echo.send('late-' + i + '-' + 'x'.repeat(i % 50)); };
    echo.onmessage = () => { if (++got === ${ECHO}) window.done++; };
    const flood = new WebSocket('${server.ws}/flood?n=${FLOOD}&size=120&late=1');
    let n = 0;
    flood.onmessage = () => { if (++n === ${FLOOD}) window.done++; };
  </script>`);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.done === 2, null, { timeout: 15000 });
    // Everything has happened; only now does a panel attach.
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    // Handshake records come from the background's webRequest listener, another process: they can
    // reach the relay after the page's last frame, so wait for them too.
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 2 * ECHO + FLOOD
      && evs.filter((e) => e.type === 'handshake').length >= 2 && evs, 15000, 'all frames and both handshakes');
    const [echoConn, floodConn] = ['/echo', '/flood'].map((p) => server.connections.find((c) => c.path === p && c.query.late === '1'));
    const sockets = events.filter((e) => e.type === 'socket');
    assert.deepEqual(sockets.map((s) => s.url), [`${server.ws}/echo?late=1`, `${server.ws}/flood?n=${FLOOD}&size=120&late=1`]);
    const [echoId, floodId] = sockets.map((s) => s.id);
    assert.equal(events[0].type, 'page');
    assert.equal(events[0].url, url);
    const handshakes = events.filter((e) => e.type === 'handshake');
    assert.deepEqual(handshakes.map((h) => [h.url, h.status]).sort(), sockets.map((s) => [s.url, 101]).sort());
    for (const [id, dir, conn, side] of [[echoId, 'out', echoConn, 'in'], [echoId, 'in', echoConn, 'out'], [floodId, 'in', floodConn, 'out']]) {
      const frames = framesOf(events, id, dir);
      assert.equal(frames.length, conn[side].length, `${dir} frames of ${conn.path}`);
      assert.equal(digest(frames), server.digest(conn[side]), `SHA-256 of ${dir} frames of ${conn.path}`);
    }
    assertDense(events);

    // Reload with the panel attached: a new page (new id, seq from 1) joins the same stream.
    const firstPage = events[0].page;
    await page.reload();
    await page.waitForFunction(() => window.done === 2, null, { timeout: 15000 });
    const after = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 2 * (2 * ECHO + FLOOD) && evs, 15000, 'frames of both pages');
    const pages = [...new Set(after.map((e) => e.page))];
    assert.equal(pages.length, 2);
    assert.equal(pages[0], firstPage);
    assert.equal(after.filter((e) => e.page === pages[1] && e.type === 'frame').length, 2 * ECHO + FLOOD);
    assertDense(after);
  } finally {
    await browser.close();
  }
});

test('texts over the cap, captured before a panel attached, keep a prefix and their true UTF-8 size', async () => {
  // The hook measures a received text over the cap by encoding it; a sent one is sized by the step
  // send() adds to bufferedAmount. Either way the size must be the bytes on the wire, multi-byte
  // characters and a lone surrogate (sent as U+FFFD) included, and the prefix the wire's start.
  const texts = ['x'.repeat(100000), 'é'.repeat(70000), 'a'.repeat(70000) + '\ud800' + '😀', '😀'.repeat(40000)];
  const url = server.page('held-cap', `<!doctype html><script>
    window.done = false;
    const ws = new WebSocket('${server.ws}/echo?heldcap=1');
    const texts = ${JSON.stringify(texts)};
    let got = 0;
    ws.onopen = () => { for (const t of texts) ws.send(t); };
    ws.onmessage = () => { if (++got === texts.length) window.done = true; };
  </script>`);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.done, null, { timeout: 15000 });
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 2 * texts.length && evs, 15000, 'all frames');
    const conn = server.connections.find((c) => c.query.heldcap === '1');
    for (const [dir, side] of [['out', 'in'], ['in', 'out']]) {
      const frames = events.filter((e) => e.type === 'frame' && e.dir === dir);
      assert.equal(frames.length, texts.length, `${dir} frames`);
      frames.forEach((f, i) => {
        const wire = conn[side][i].data;
        assert.equal(f.size, wire.length, `${dir} text ${i}: size is the wire's byte count`);
        assert.equal(f.truncated, true, `${dir} text ${i} is cut`);
        const kept = Buffer.from(f.data);
        assert.ok(kept.length <= 64 * 1024 && kept.length > 60000, `${dir} text ${i}: a prefix up to the cap (${kept.length} B)`);
        assert.ok(wire.subarray(0, kept.length).equals(kept), `${dir} text ${i}: the prefix is the wire's start`);
      });
    }
  } finally {
    await browser.close();
  }
});

test('stopping the service worker mid-stream loses nothing', async () => {
  const SENDS = 1500, FLOOD = 3000;
  const url = server.page('kill', `<!doctype html><script>
    window.done = 0;
    const echo = new WebSocket('${server.ws}/echo?kill=1');
    let got = 0, i = 0;
    echo.onopen = () => {
      const t = setInterval(() => {
        for (let k = 0; k < 2 && i < ${SENDS}; k++, i++) echo.send(JSON.stringify({ i, pad: 'y'.repeat(i % 200) }));
        if (i === ${SENDS}) clearInterval(t);
      }, 2);
    };
    echo.onmessage = () => { if (++got === ${SENDS}) window.done++; };
    const flood = new WebSocket('${server.ws}/flood?n=${FLOOD}&size=300&interval=1&binary=1&kill=1');
    flood.binaryType = 'arraybuffer';
    let n = 0;
    flood.onmessage = () => { if (++n === ${FLOOD}) window.done++; };
  </script>`);
  const browser = await launch();
  try {
    // The panel attaches first, so the kills hit live streaming, not only the initial sync.
    const page = await browser.context.newPage();
    await page.goto(server.page('blank', '<!doctype html><title>blank</title>'));
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    await page.goto(url);
    let kills = 0;
    for (const atFrames of [400, 2000]) {
      await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= atFrames, 15000, `${atFrames} frames`);
      const sw = await browser.context.serviceWorkers()[0];
      if (sw) await sw.evaluate(() => { self.__beforeKill = true; }).catch(() => {});
      await stopServiceWorker(browser.context, browser.extensionId);
      kills++;
    }
    assert.equal(kills, 2);
    const stillStreaming = await page.evaluate(() => window.done);
    assert.ok(stillStreaming < 2, 'the kills happened while frames were still flowing');
    await page.waitForFunction(() => window.done === 2, null, { timeout: 30000 });
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 2 * SENDS + FLOOD && evs, 20000, 'all frames after the kills');
    // A fresh worker carries the traffic now (the marker set before the last kill is gone).
    const sw = browser.context.serviceWorkers().at(-1);
    assert.equal(await sw.evaluate(() => self.__beforeKill === true), false);
    const [echoConn, floodConn] = ['/echo', '/flood'].map((p) => server.connections.find((c) => c.path === p && c.query.kill === '1'));
    const sockets = events.filter((e) => e.type === 'socket');
    const echoId = sockets.find((s) => s.url.includes('/echo')).id;
    const floodId = sockets.find((s) => s.url.includes('/flood')).id;
    for (const [id, dir, conn, side] of [[echoId, 'out', echoConn, 'in'], [echoId, 'in', echoConn, 'out'], [floodId, 'in', floodConn, 'out']]) {
      const frames = framesOf(events, id, dir);
      assert.equal(frames.length, conn[side].length, `${dir} frame count of ${conn.path}`);
      assert.equal(digest(frames), server.digest(conn[side]), `SHA-256 of ${dir} frames of ${conn.path}`);
    }
    assertDense(events.filter((e) => e.page === sockets[0].page));
  } finally {
    await browser.close();
  }
});
