// API identity: the page sees exactly the native WebSocket, with and without Socketscope.
// The same checks (tests/e2e/lib/identity-checks.mjs) run in a page of a browser without the
// extension and of one with it; both results must equal EXPECTED below (Chromium 156's own
// behaviour, "BASE" stands for the test server's ws://127.0.0.1:<port>) and each other.
// Then, with the extension: what the hook recorded from that same run, and the install-once guard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, tabIdOf, openCollector, ROOT } from './lib/browser.mjs';
import { identityChecks } from './lib/identity-checks.mjs';
import { startCaptureServer } from '../servers/capture-server.mjs';

const EXPECTED = {
  "typeof": "function",
  "name": "WebSocket",
  "length": 1,
  "String(WebSocket)": "function WebSocket() { [native code] }",
  "toString.call(WebSocket)": "function WebSocket() { [native code] }",
  "toString.call(send)": "function send() { [native code] }",
  "toString.call(close)": "function close() { [native code] }",
  "toString.call(toString)": "function toString() { [native code] }",
  "toString.name/length": "toString/0",
  "send.name/length": "send/1",
  "close.name/length": "close/0",
  "window.WebSocket descriptor": "value=fn WebSocket/1 w=true e=false c=true",
  "Function.prototype.toString descriptor": "value=fn toString/0 w=true e=false c=true",
  "getPrototypeOf(WebSocket) === EventTarget": true,
  "prototype.constructor === WebSocket": true,
  "own keys of WebSocket": ["length", "name", "prototype", "CONNECTING", "OPEN", "CLOSING", "CLOSED"],
  "own keys of prototype": ["url", "readyState", "bufferedAmount", "onopen", "onerror", "onclose", "extensions", "protocol", "onmessage", "binaryType", "CONNECTING", "OPEN", "CLOSING", "CLOSED", "close", "send", "constructor", "Symbol(Symbol.toStringTag)"],
  "prototype descriptors": {"url": "get=fn get url/0 set=undefined e=true c=true", "readyState": "get=fn get readyState/0 set=undefined e=true c=true", "bufferedAmount": "get=fn get bufferedAmount/0 set=undefined e=true c=true", "onopen": "get=fn get onopen/0 set=fn set onopen/1 e=true c=true", "onerror": "get=fn get onerror/0 set=fn set onerror/1 e=true c=true", "onclose": "get=fn get onclose/0 set=fn set onclose/1 e=true c=true", "extensions": "get=fn get extensions/0 set=undefined e=true c=true", "protocol": "get=fn get protocol/0 set=undefined e=true c=true", "onmessage": "get=fn get onmessage/0 set=fn set onmessage/1 e=true c=true", "binaryType": "get=fn get binaryType/0 set=fn set binaryType/1 e=true c=true", "CONNECTING": "value=0 w=false e=true c=false", "OPEN": "value=1 w=false e=true c=false", "CLOSING": "value=2 w=false e=true c=false", "CLOSED": "value=3 w=false e=true c=false", "close": "value=fn close/0 w=true e=true c=true", "send": "value=fn send/1 w=true e=true c=true", "constructor": "value=fn WebSocket/1 w=true e=false c=true", "Symbol(Symbol.toStringTag)": "value=\"WebSocket\" w=false e=false c=true"},
  "static descriptors": {"CONNECTING": "value=0 w=false e=true c=false", "OPEN": "value=1 w=false e=true c=false", "CLOSING": "value=2 w=false e=true c=false", "CLOSED": "value=3 w=false e=true c=false", "prototype": "value=object w=false e=false c=false", "name": "value=\"WebSocket\" w=false e=false c=true", "length": "value=1 w=false e=false c=true"},
  "constant CONNECTING": "0,0 (expect 0)",
  "constant OPEN": "1,1 (expect 1)",
  "constant CLOSING": "2,2 (expect 2)",
  "constant CLOSED": "3,3 (expect 3)",
  "call without new": "TypeError TypeError: Failed to construct 'WebSocket': Please use the 'new' operator, this DOM object constructor cannot be called as a function.",
  "bad URL": "DOMException SyntaxError: Failed to construct 'WebSocket': The URL 'ws://[::1' is invalid.",
  "bad scheme": "DOMException SyntaxError: Failed to construct 'WebSocket': The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. 'ftp' is not allowed.",
  "URL with fragment": "DOMException SyntaxError: Failed to construct 'WebSocket': The URL contains a fragment identifier ('frag'). Fragment identifiers are not allowed in WebSocket URLs.",
  "duplicate protocols": "DOMException SyntaxError: Failed to construct 'WebSocket': The subprotocol 'a' is duplicated.",
  "invalid protocol token": "DOMException SyntaxError: Failed to construct 'WebSocket': The subprotocol 'a b' is invalid.",
  "no arguments": "TypeError TypeError: Failed to construct 'WebSocket': 1 argument required, but only 0 present.",
  "instance constants": "0,1,2,3",
  "String(ws)": "[object WebSocket]",
  "toStringTag": "[object WebSocket]",
  "ws instanceof WebSocket": true,
  "ws instanceof EventTarget": true,
  "ws.constructor === WebSocket": true,
  "getPrototypeOf(ws) === prototype": true,
  "own keys of instance": [],
  "url": "BASE/echo?q=1",
  "readyState at construction": 0,
  "binaryType default": "blob",
  "binaryType after bogus": "blob",
  "protocol/extensions before open": "\"\" \"\"",
  "bufferedAmount before open": 0,
  "send while CONNECTING": "DOMException InvalidStateError: Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
  "close(1001)": "DOMException InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. 1001 is neither.",
  "close(1000, 124-byte reason)": "DOMException SyntaxError: Failed to execute 'close' on 'WebSocket': The close reason must not be greater than 123 UTF-8 bytes.",
  "close(5000)": "DOMException InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. 5000 is neither.",
  "open event": "Event trusted=true target=true current=true",
  "readyState in onopen": 1,
  "protocol after open": "chat",
  "extensions after open": "",
  "bufferedAmount after open": "number",
  "listener order": "A:one B:one C:one D(capture):one A:two B2:two C:two D(capture):two A:stop",
  "message event": "MessageEvent proto=true trusted=true target=true current=true phase=0 origin=BASE data=one",
  "binary arraybuffer <- Uint8Array": "[object ArrayBuffer] true",
  "binary blob <- ArrayBuffer": "[object Blob] true",
  "binary arraybuffer <- Blob": "[object ArrayBuffer] true",
  "binary arraybuffer <- DataView": "[object ArrayBuffer] true",
  "text <- object with toString": "obj toString calls=1",
  "send return value": "undefined",
  "subclass": "true true true sub true true [object WebSocket]",
  "subclass open": "open",
  "readyState after close()": 2,
  "close event": "CloseEvent trusted=true target=true code=4000 reason=bye wasClean=true",
  "readyState in onclose": 3,
  "send after close": "no exception",
};

let server;
before(async () => { server = await startCaptureServer(); });
after(async () => { await server.close(); });

async function runChecks(extension) {
  const browser = await launch({ extension });
  try {
    const page = await browser.context.newPage();
    await page.goto(server.page('identity', '<!doctype html><title>identity</title>'));
    const result = await page.evaluate(identityChecks, server.ws);
    return { browser, page, result };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

test('every WebSocket API check gives the same value with and without the extension', async () => {
  const without = await runChecks(false);
  await without.browser.close();
  const withExt = await runChecks(true);
  await withExt.browser.close();
  assert.deepEqual(without.result, EXPECTED, 'without the extension (the baseline itself changed?)');
  assert.deepEqual(withExt.result, without.result, 'with the extension');
});

test('the hook recorded the identity run faithfully', async () => {
  const { browser, page } = await runChecks(true);
  try {
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    const events = await panel.waitFor((evs) => evs.filter((e) => e.type === 'close').length >= 2 && evs, 15000, 'two closes');
    const sockets = events.filter((e) => e.type === 'socket');
    // Constructions that threw create nothing; the two that succeeded: the main socket and the subclass.
    assert.deepEqual(sockets.map((s) => s.url.replace(server.ws, 'BASE')), ['BASE/echo?q=1', 'BASE/echo']);
    assert.deepEqual(sockets[0].protocols, ['chat', 'v2']);
    assert.match(sockets[0].stack, /identityChecks|eval/, 'creation stack names the page function');
    assert.doesNotMatch(sockets[0].stack, /extension:\/\//, 'no extension frames in the stack');
    const main = sockets[0].id;
    const of = (type) => events.filter((e) => e.type === type && e.id === main);
    const open = of('state').find((s) => s.state === 'OPEN');
    assert.equal(open.protocol, 'chat');
    assert.equal(open.extensions, '');
    assert.deepEqual(of('state').map((s) => s.state), ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);
    const se = of('send_error');
    assert.equal(se.length, 1);
    assert.equal(se[0].name, 'InvalidStateError');
    assert.equal(se[0].message, "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.");
    // The throwing close() calls are not recorded; the real one is, with its code and reason.
    assert.deepEqual(of('close_call').map((c) => [c.by, c.code, c.reason]), [['page', 4000, 'bye']]);
    const close = of('close')[0];
    assert.deepEqual([close.code, close.reason, close.was_clean, close.initiator], [4000, 'bye', true, 'page']);
    const frames = of('frame');
    const texts = (dir) => frames.filter((f) => f.dir === dir && f.op === 'text').map((f) => f.data);
    // 'late' was sent after close(): the browser sends nothing, so nothing is recorded.
    assert.deepEqual(texts('out'), ['one', 'two', 'stop', 'obj', 'r']);
    assert.deepEqual(texts('in'), ['one', 'two', 'stop', 'obj', 'r']);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64');
    const bins = (dir) => frames.filter((f) => f.dir === dir && f.op === 'binary');
    assert.equal(bins('out').length, 4);
    assert.equal(bins('in').length, 4);
    for (const f of [...bins('out'), ...bins('in')]) assert.deepEqual([f.size, f.data], [256, all]);
    // Synthetic events would have added frames; none were dispatched here, but the counts above
    // would catch a doubled listener too.
    const sub = events.filter((e) => e.id === sockets[1].id);
    assert.deepEqual(sub.filter((e) => e.type === 'state').map((s) => s.state), ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);
  } finally {
    await browser.close();
  }
});

test('a second injection of the hook changes nothing (install once)', async () => {
  const browser = await launch({ extension: true });
  try {
    const page = await browser.context.newPage();
    await page.goto(server.page('twice', '<!doctype html><title>twice</title>'));
    const before = await page.evaluate(() => { window.__ws = WebSocket; window.__send = WebSocket.prototype.send; window.__ts = Function.prototype.toString; return 1; });
    assert.equal(before, 1);
    // Run the hook's own source again in the page, as a second injection would.
    await page.addScriptTag({ content: readFileSync(path.join(ROOT, 'extension/hook.js'), 'utf8') });
    const same = await page.evaluate(() => [WebSocket === window.__ws, WebSocket.prototype.send === window.__send, Function.prototype.toString === window.__ts]);
    assert.deepEqual(same, [true, true, true]);
    await page.evaluate((url) => new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => ws.send('once');
      ws.onmessage = () => { ws.close(); resolve(); };
    }), `${server.ws}/echo`);
    const tab = await tabIdOf(browser.context, page);
    const panel = await openCollector(browser.context, browser.extensionId, tab);
    const frames = await panel.waitFor((evs) => evs.some((e) => e.type === 'close') && evs.filter((e) => e.type === 'frame'), 10000, 'close');
    assert.deepEqual(frames.map((f) => `${f.dir}:${f.data}`), ['out:once', 'in:once']);
  } finally {
    await browser.close();
  }
});
