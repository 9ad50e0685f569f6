// Forged events: a hostile page tries to inject sockets/frames into the pipeline, steal the hook's
// channel, and subvert the hook by patching prototypes. The panel must show exactly the page's one
// real socket and its four real frames (text and binary, each way), nothing else, and the page must
// never get hold of a port or of the hook's binary pool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, tabIdOf, openCollector } from './lib/browser.mjs';
import { startCaptureServer } from '../servers/capture-server.mjs';

let server;
before(async () => { server = await startCaptureServer(); });
after(async () => { await server.close(); });

// The first inline script of the page: runs right after our document_start scripts.
const HOSTILE = (ws) => `<!doctype html><script>
  window.stolen = [];     // every foreign MessagePort or hook object the page managed to see
  const evil = new MessageChannel();
  const foreign = (e) => e.ports && Array.from(e.ports).some((p) => p !== evil.port2);
  window.calls = [];      // calls into patched prototypes made with the hook's data
  // 1. Early listeners to catch any hand-over, on every plausible event name.
  for (const type of ['message', 'socketscope-handoff', 'socketscope-ready', 'socketscope']) {
    window.addEventListener(type, (e) => { if (foreign(e)) stolen.push(type + ':port'); }, true);
    document.addEventListener(type, (e) => { if (foreign(e)) stolen.push(type + ':doc-port'); }, true);
  }
  // 2. Ask the hook for its channel the way the relay does, and offer the relay a forged one.
  evil.port1.onmessage = (e) => stolen.push('evil-port got ' + JSON.stringify(e.data).slice(0, 80));
  window.addEventListener('socketscope-handoff', (e) => { e.preventDefault(); if (foreign(e)) stolen.push('handoff-port'); }, true);
  window.dispatchEvent(new Event('socketscope-ready'));
  window.dispatchEvent(new MessageEvent('socketscope-handoff', { data: 'fakepage', ports: [evil.port2], cancelable: true }));
  // In the hook's batch layout: a forged socket and a forged frame, should a relay take that port.
  evil.port1.postMessage([2, 1, 10, 0, { type: 'socket', id: 'fakepage:1', t: 1, url: 'ws://forged/' }, 1, 1, 1, 'FORGED-FRAME', -1]);
  // 3. Patch the prototypes the hook would use if it looked them up late.
  const origPost = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, ...rest) {
    if (this !== evil.port1 && this !== evil.port2) calls.push('MessagePort.postMessage');
    return origPost.call(this, [1, 1, 0, 0, { type: 'socket', id: 'forged:1', t: 1, url: 'ws://forged/' }], ...rest);
  };
  const origAdd = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, ...rest) {
    if (this instanceof WebSocket) calls.push('addEventListener:' + type);
    return origAdd.call(this, type, fn, ...rest);
  };
  const origDispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (e) { calls.push('dispatchEvent:' + e.type); return origDispatch.call(this, e); };
  window.postMessage = function () { calls.push('window.postMessage'); };
  Object.defineProperty(MessageEvent.prototype, 'data', { get() { return 'FORGED-DATA'; }, configurable: true });
  Object.defineProperty(CloseEvent.prototype, 'code', { get() { return 4999; }, configurable: true });
  Object.defineProperty(Object.prototype, 'code', { set(v) { calls.push('Object.prototype.code setter'); }, configurable: true });
  Object.defineProperty(Array.prototype, '5', { set(v) { calls.push('Array.prototype[5] setter'); stolen.push(this); }, configurable: true });
  // The iteration protocol (a transfer list is read with it) and the typed-array copy the hook uses
  // for binary payloads: a page that reached the hook's pool through them could rewrite frames.
  const origIter = Array.prototype[Symbol.iterator];
  Array.prototype[Symbol.iterator] = function () {
    if (Array.prototype.some.call(this, (x) => x instanceof ArrayBuffer)) { calls.push('Array iterator'); stolen.push(this); }
    return origIter.call(this);
  };
  const ArrayIteratorProto = Object.getPrototypeOf([][Symbol.iterator].call([]));
  const origNext = ArrayIteratorProto.next;
  ArrayIteratorProto.next = function () {
    const r = origNext.call(this);
    if (r.value instanceof ArrayBuffer) { calls.push('ArrayIterator.next'); stolen.push(r.value); }
    return r;
  };
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const origSet = TypedArrayProto.set;
  TypedArrayProto.set = function (...a) { calls.push('TypedArray.set'); return origSet.apply(this, a); };
  const origSlice = ArrayBuffer.prototype.slice;
  ArrayBuffer.prototype.slice = function (...a) { calls.push('ArrayBuffer.slice'); return origSlice.apply(this, a); };
  // The hook scans texts over the cap for non-ASCII with a regex and cuts them with slice.
  const origExec = RegExp.prototype.exec, origTest = RegExp.prototype.test, origStrSlice = String.prototype.slice;
  RegExp.prototype.exec = function (s) { if (String(s).length > 60000) { calls.push('RegExp.exec'); stolen.push(String(s).slice(0, 9)); } return origExec.call(this, s); };
  RegExp.prototype.test = function (s) { if (String(s).length > 60000) calls.push('RegExp.test'); return origTest.call(this, s); };
  String.prototype.slice = function (...a) { if (this.length > 60000) calls.push('String.slice'); return origStrSlice.apply(this, a); };
  performance.now = () => 1;
  window.setTimeout = function (f, ms) { calls.push('setTimeout'); return 0; };
  // 4. Look-alike messages: a relay batch, a hook batch, a command, all posted to the window.
  const post = MessagePort.prototype.postMessage; // patched above; use the window's own path
  origDispatch.call(window, new MessageEvent('message', { data: { v: 1, page: 'fakepage', events: [{ seq: 1, type: 'socket', id: 'fakepage:1', t: 1, url: 'ws://forged/' }] } }));
  origDispatch.call(window, new MessageEvent('message', { data: [1, 1, 0, 1, 1, 1, 'FORGED-FRAME', -1] }));
  origDispatch.call(window, new MessageEvent('message', { data: { cmd: 'sync', v: 1, page: null, since: 0 } }));
  // 5. The one real socket, with synthetic events dispatched on it.
  window.done = false;
  const ws = new WebSocket('${ws}/echo?forgery=1');
  let opened = false;
  ws.onopen = () => {
    if (opened) return; // the synthetic 'open' below re-enters this handler
    opened = true;
    origDispatch.call(ws, new MessageEvent('message', { data: 'SYNTHETIC-MESSAGE' }));
    origDispatch.call(ws, new CloseEvent('close', { code: 4321, reason: 'SYNTHETIC-CLOSE', wasClean: true }));
    origDispatch.call(ws, new Event('error'));
    origDispatch.call(ws, new Event('open'));
    ws.send('real-1');
    ws.send(new Uint8Array([7, 8, 9]));
    ws.send('real-2' + 'x'.repeat(70000)); // over the 64 KiB cap, ASCII
  };
  ws.binaryType = 'arraybuffer';
  let real = 0;
  ws.addEventListener('message', () => { if (++real === 3) window.done = true; });
</script>`;

test('a hostile page cannot forge events, steal the channel, or reach the hook through prototypes', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.page('hostile', HOSTILE(server.ws)));
    await page.waitForFunction(() => window.done === true, null, { timeout: 10000 });
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'frame').length >= 6 && evs, 10000, 'the six real frames');
    await new Promise((r) => setTimeout(r, 500)); // anything forged would have arrived by now
    const all = await panel.events();

    // Exactly one page (the real one), one socket (the real one), two frames (the real ones).
    assert.deepEqual([...new Set(all.map((e) => e.page))], [events[0].page]);
    assert.notEqual(events[0].page, 'fakepage');
    const sockets = all.filter((e) => e.type === 'socket');
    assert.deepEqual(sockets.map((s) => s.url), [`${server.ws}/echo?forgery=1`]);
    // Binary arrives base64-encoded: 07 08 09 is "BwgJ".
    const long = (f) => `${f.size} bytes, ${f.data.length} kept, ${f.data.slice(0, 6)}`;
    assert.deepEqual(all.filter((e) => e.type === 'frame').map((f) => `${f.dir}:${f.op}:${f.truncated ? long(f) : f.data}`),
      ['out:text:real-1', 'out:binary:BwgJ', 'out:text:70006 bytes, 65536 kept, real-2',
        'in:text:real-1', 'in:binary:BwgJ', 'in:text:70006 bytes, 65536 kept, real-2']);
    assert.deepEqual(all.filter((e) => e.id === sockets[0].id && e.type === 'state').map((s) => s.state), ['CONNECTING', 'OPEN']);
    for (const type of ['close', 'error', 'close_call']) assert.equal(all.filter((e) => e.type === type).length, 0, `no ${type} event`);
    // Real clock, not the page's patched performance.now.
    assert.ok(all.every((e) => e.t > 1e12), 'epoch timestamps');
    const text = JSON.stringify(all);
    for (const forged of ['FORGED', 'SYNTHETIC', 'forged', 'fakepage', '4321', '4999']) assert.ok(!text.includes(forged), `no trace of ${forged}`);

    // The page saw no port and no hook object, and none of its patched functions was used for us.
    const seen = await page.evaluate(() => ({ stolen: window.stolen.map((s) => (typeof s === 'string' ? s : 'an object')), calls: window.calls }));
    assert.deepEqual(seen.stolen, []);
    assert.deepEqual(seen.calls.filter((c) => c !== 'dispatchEvent:message' && c !== 'addEventListener:message'), []);
    // The page's own addEventListener('message') on its socket is the only patched call seen.
    assert.deepEqual(seen.calls, ['addEventListener:message']);
  } finally {
    await browser.close();
  }
});
