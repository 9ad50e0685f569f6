// The page-visible WebSocket API checks, run inside a page (page.evaluate(identityChecks, wsBase)).
// Returns { check name: observed value }. Every value is plain JSON so two runs (with and without
// the extension) compare with deepStrictEqual. Each check is listed with its expected value in
// tests/e2e/capture-identity.test.mjs.
export async function identityChecks(base) {
  const out = {};
  const err = (f) => { try { f(); return 'no exception'; } catch (e) { return `${e.constructor.name} ${e.name}: ${e.message}`; } };
  const desc = (o, k) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    if (!d) return null;
    const kind = (v) => (v === undefined ? 'undefined' : typeof v === 'function' ? `fn ${v.name}/${v.length}` : typeof v === 'object' ? 'object' : JSON.stringify(v));
    return 'value' in d
      ? `value=${kind(d.value)} w=${d.writable} e=${d.enumerable} c=${d.configurable}`
      : `get=${kind(d.get)} set=${kind(d.set)} e=${d.enumerable} c=${d.configurable}`;
  };
  const ft = Function.prototype.toString;
  const url = `${base}/echo`;

  // constructor identity
  out.typeof = typeof WebSocket;
  out.name = WebSocket.name;
  out.length = WebSocket.length;
  out['String(WebSocket)'] = String(WebSocket);
  out['toString.call(WebSocket)'] = ft.call(WebSocket);
  out['toString.call(send)'] = ft.call(WebSocket.prototype.send);
  out['toString.call(close)'] = ft.call(WebSocket.prototype.close);
  out['toString.call(toString)'] = ft.call(ft);
  out['toString.name/length'] = `${ft.name}/${ft.length}`;
  out['send.name/length'] = `${WebSocket.prototype.send.name}/${WebSocket.prototype.send.length}`;
  out['close.name/length'] = `${WebSocket.prototype.close.name}/${WebSocket.prototype.close.length}`;
  out['window.WebSocket descriptor'] = desc(window, 'WebSocket');
  out['Function.prototype.toString descriptor'] = desc(Function.prototype, 'toString');
  out['getPrototypeOf(WebSocket) === EventTarget'] = Object.getPrototypeOf(WebSocket) === EventTarget;
  out['prototype.constructor === WebSocket'] = WebSocket.prototype.constructor === WebSocket;
  out['own keys of WebSocket'] = Reflect.ownKeys(WebSocket).map(String);
  out['own keys of prototype'] = Reflect.ownKeys(WebSocket.prototype).map(String);
  out['prototype descriptors'] = Object.fromEntries(Reflect.ownKeys(WebSocket.prototype).map((k) => [String(k), desc(WebSocket.prototype, k)]));
  out['static descriptors'] = Object.fromEntries(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED', 'prototype', 'name', 'length'].map((k) => [k, desc(WebSocket, k)]));
  for (const [k, v] of Object.entries({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })) {
    out[`constant ${k}`] = [WebSocket[k], WebSocket.prototype[k]].join(',') + ` (expect ${v})`;
  }

  // synchronous exceptions
  out['call without new'] = err(() => WebSocket(url));
  out['bad URL'] = err(() => new WebSocket('ws://[::1'));
  out['bad scheme'] = err(() => new WebSocket('ftp://127.0.0.1/'));
  out['URL with fragment'] = err(() => new WebSocket(`${url}#frag`));
  out['duplicate protocols'] = err(() => new WebSocket(url, ['a', 'a']));
  out['invalid protocol token'] = err(() => new WebSocket(url, 'a b'));
  out['no arguments'] = err(() => new WebSocket());

  // an instance, its state and its events
  const ws = new WebSocket(`${url}?q=1`, ['chat', 'v2']);
  out['instance constants'] = [ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED].join(',');
  out['String(ws)'] = String(ws);
  out['toStringTag'] = Object.prototype.toString.call(ws);
  out['ws instanceof WebSocket'] = ws instanceof WebSocket;
  out['ws instanceof EventTarget'] = ws instanceof EventTarget;
  out['ws.constructor === WebSocket'] = ws.constructor === WebSocket;
  out['getPrototypeOf(ws) === prototype'] = Object.getPrototypeOf(ws) === WebSocket.prototype;
  out['own keys of instance'] = Reflect.ownKeys(ws).map(String);
  out['url'] = ws.url.replace(base, 'BASE');
  out['readyState at construction'] = ws.readyState;
  out['binaryType default'] = ws.binaryType;
  ws.binaryType = 'bogus';
  out['binaryType after bogus'] = ws.binaryType;
  out['protocol/extensions before open'] = `${JSON.stringify(ws.protocol)} ${JSON.stringify(ws.extensions)}`;
  out['bufferedAmount before open'] = ws.bufferedAmount;
  out['send while CONNECTING'] = err(() => ws.send('x'));
  out['close(1001)'] = err(() => ws.close(1001));
  out['close(1000, 124-byte reason)'] = err(() => ws.close(1000, 'x'.repeat(124)));
  out['close(5000)'] = err(() => ws.close(5000));

  const calls = [];
  ws.addEventListener('message', (e) => { calls.push(`A:${e.data}`); if (e.data === 'stop') e.stopImmediatePropagation(); });
  ws.onmessage = (e) => calls.push(`B:${e.data}`);
  ws.addEventListener('message', (e) => calls.push(`C:${e.data}`));
  ws.addEventListener('message', (e) => calls.push(`D(capture):${e.data}`), true);
  const opened = await new Promise((resolve) => { ws.onopen = (e) => resolve(e); ws.onerror = () => resolve(null); });
  out['open event'] = opened && `${opened.constructor.name} trusted=${opened.isTrusted} target=${opened.target === ws} current=${opened.currentTarget === ws}`;
  out['readyState in onopen'] = ws.readyState;
  out['protocol after open'] = ws.protocol;
  out['extensions after open'] = ws.extensions;
  out['bufferedAmount after open'] = typeof ws.bufferedAmount;

  const messages = [];
  const nextMessage = () => new Promise((resolve) => { const f = (e) => { ws.removeEventListener('message', f); resolve(e); }; ws.addEventListener('message', f); });
  let m = nextMessage(); ws.send('one'); const e1 = await m; messages.push(e1);
  // replacing the handler keeps its position in the listener list
  ws.onmessage = (e) => calls.push(`B2:${e.data}`);
  m = nextMessage(); ws.send('two'); await m;
  m = new Promise((r) => setTimeout(r, 300)); ws.send('stop'); await m;
  out['listener order'] = calls.join(' ');
  out['message event'] = `${e1.constructor.name} proto=${Object.getPrototypeOf(e1) === MessageEvent.prototype} trusted=${e1.isTrusted} target=${e1.target === ws} current=${e1.currentTarget === null} phase=${e1.eventPhase} origin=${e1.origin.replace(base, 'BASE')} data=${e1.data}`;

  // binary both ways, both binaryTypes, byte for byte
  const bytes = new Uint8Array(256).map((_, i) => i);
  const roundTrip = async (type, payload) => {
    ws.binaryType = type;
    const p = nextMessage(); ws.send(payload); const e = await p;
    const buf = e.data instanceof Blob ? await e.data.arrayBuffer() : e.data;
    return `${Object.prototype.toString.call(e.data)} ${Array.from(new Uint8Array(buf)).join(',') === Array.from(bytes).join(',')}`;
  };
  out['binary arraybuffer <- Uint8Array'] = await roundTrip('arraybuffer', bytes);
  out['binary blob <- ArrayBuffer'] = await roundTrip('blob', bytes.buffer);
  out['binary arraybuffer <- Blob'] = await roundTrip('arraybuffer', new Blob([bytes]));
  out['binary arraybuffer <- DataView'] = await roundTrip('arraybuffer', new DataView(bytes.buffer));
  out['text <- object with toString'] = await (async () => { ws.binaryType = 'blob'; const p = nextMessage(); let n = 0; ws.send({ toString() { n++; return 'obj'; } }); const e = await p; return `${e.data} toString calls=${n}`; })();
  out['send return value'] = String(ws.send('r'));
  await new Promise((r) => setTimeout(r, 100));

  // subclassing
  class Sub extends WebSocket { hello() { return 'sub'; } }
  const s = new Sub(url);
  out['subclass'] = `${s instanceof Sub} ${s instanceof WebSocket} ${s.constructor === Sub} ${s.hello()} ${Object.getPrototypeOf(Sub) === WebSocket} ${Object.getPrototypeOf(Sub.prototype) === WebSocket.prototype} ${String(s)}`;
  const subOpen = await new Promise((r) => { s.onopen = () => r('open'); s.onerror = () => r('error'); });
  out['subclass open'] = subOpen;
  s.close();

  // close: readyState transitions and the CloseEvent
  const closed = new Promise((resolve) => { ws.onclose = (e) => resolve(e); });
  ws.close(4000, 'bye');
  out['readyState after close()'] = ws.readyState;
  const ce = await closed;
  out['close event'] = `${ce.constructor.name} trusted=${ce.isTrusted} target=${ce.target === ws} code=${ce.code} reason=${ce.reason} wasClean=${ce.wasClean}`;
  out['readyState in onclose'] = ws.readyState;
  out['send after close'] = err(() => ws.send('late'));
  return out;
}
