// Socketscope page hook. MAIN world, document_start, every frame (including about:blank).
//
// Job: observe every WebSocket the page creates and hand compact batches to the relay
// (extension/relay.js) over a private MessageChannel, while the page sees exactly the WebSocket it
// would see without the extension.
//
// How it stays invisible:
// - `WebSocket` becomes a Proxy of the native constructor with only a `construct` trap, which calls
//   Reflect.construct(Native, args, newTarget): name, length, prototype, constants, statics,
//   subclassing and `instanceof` all fall through to the native. `prototype.constructor` is pointed
//   at the Proxy so `ws.constructor === WebSocket` still holds.
// - Frames are observed with capturing listeners added at construction (they run before any page
//   listener and do not affect `on*` ordering or stopImmediatePropagation); untrusted (synthetic)
//   events are ignored, so `ws.dispatchEvent(new MessageEvent(...))` cannot forge a frame.
// - Only `send` and `close` are wrapped (there is no event for them), as Proxies with an `apply`
//   trap. `Function.prototype.toString` is itself replaced by a Proxy that answers for our Proxies
//   with the native functions' text, and for itself with its own native text.
//
// Why it cannot be fooled later: every built-in it uses on the hot path (getters, postMessage,
// performance.now, setTimeout, String methods...) is captured here, at install time, before any page
// script runs, and called through the captured Reflect.apply. Queues are null-prototype arrays, so
// setters a page puts on Array.prototype never see them.
//
// Cost per frame: one trusted check, one getter, one clock read, five array stores. No object per
// frame, no JSON, no cross-context message: batches go out FLUSH_MS after their first record, or
// at CAP records. (Flushing once per task turn, setTimeout 0, made almost every frame its own batch
// under a flood, since Chromium delivers each message in its own task: a postMessage per frame.)
// Text is sized (UTF-8) only when it is over the payload cap, which is also the only case in which
// the hook cuts it, and even then without encoding when it can (see cutText); smaller payloads are
// measured lazily by the relay, only when a panel is attached. Binary is copied at receipt (the
// page may mutate its buffer), up to the cap, into one pool the hook keeps; each batch transfers an
// exact-size copy of its part to the relay: an ArrayBuffer per frame cost about 7x more
// (allocation plus a structured-clone copy each).
(() => {
  'use strict';
  const W = globalThis;
  // Install once. The marker is non-configurable so a page cannot remove it to get a second hook
  // installed, and a page cannot set it first because this runs before any page script.
  const MARK = Symbol.for('socketscope.hook');
  if (Object.prototype.hasOwnProperty.call(W, MARK)) return;
  Object.defineProperty(W, MARK, { value: true });
  const Native = W.WebSocket;
  if (typeof Native !== 'function') return;

  // ---- captured built-ins (never looked up again) ----
  const { apply, construct, defineProperty, getOwnPropertyDescriptor: gopd } = Reflect;
  const ProxyCtor = Proxy;
  const getter = (proto, name) => gopd(proto, name).get;
  const wmGet = WeakMap.prototype.get, wmSet = WeakMap.prototype.set;
  const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const isView = ArrayBuffer.isView;
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const taBuffer = getter(TypedArrayProto, 'buffer');
  const taOffset = getter(TypedArrayProto, 'byteOffset');
  const taLength = getter(TypedArrayProto, 'byteLength');
  const dvBuffer = getter(DataView.prototype, 'buffer');
  const dvOffset = getter(DataView.prototype, 'byteOffset');
  const dvLength = getter(DataView.prototype, 'byteLength');
  const blobSize = getter(Blob.prototype, 'size');
  const blobSlice = Blob.prototype.slice;
  const strSlice = String.prototype.slice, strIndexOf = String.prototype.indexOf;
  const U8 = Uint8Array, I32 = Int32Array, F64 = Float64Array, subarray = TypedArrayProto.subarray;
  const taSet = TypedArrayProto.set, ITERATOR = Symbol.iterator;
  const arrSlice = Array.prototype.slice;
  const isArray = Array.isArray;
  const msgData = getter(MessageEvent.prototype, 'data');
  const closeCode = getter(CloseEvent.prototype, 'code');
  const closeReason = getter(CloseEvent.prototype, 'reason');
  const closeClean = getter(CloseEvent.prototype, 'wasClean');
  const wsUrl = getter(Native.prototype, 'url');
  const wsProtocol = getter(Native.prototype, 'protocol');
  const wsExtensions = getter(Native.prototype, 'extensions');
  const wsReadyState = getter(Native.prototype, 'readyState');
  const wsBuffered = getter(Native.prototype, 'bufferedAmount');
  const nativeSend = Native.prototype.send;
  const nativeClose = Native.prototype.close;
  const addListener = EventTarget.prototype.addEventListener;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const removeListener = EventTarget.prototype.removeEventListener;
  const portPost = MessagePort.prototype.postMessage;
  const NativeMessageChannel = MessageChannel, NativeMessageEvent = MessageEvent, NativeError = Error;
  const nativeSetTimeout = W.setTimeout;
  const perf = W.performance, perfNow = Performance.prototype.now;
  const timeOrigin = perf.timeOrigin;
  const encoder = new TextEncoder(), encodeInto = TextEncoder.prototype.encodeInto;
  // Any UTF-16 unit outside ASCII. Called through the captured built-in exec, which reads only this
  // regex's internal slots (test() would look `exec` up on RegExp.prototype, where a page can patch
  // it). Scanning with it is about 7x faster than UTF-8 encoding in Chromium: 0.13 ms per MiB.
  const NON_ASCII = /[\x80-\uffff]/, regexExec = RegExp.prototype.exec;
  const randomValues = Crypto.prototype.getRandomValues, cryptoObj = W.crypto;
  const location = W.location; // [LegacyUnforgeable]: a page cannot replace it or its href

  const now = () => timeOrigin + apply(perfNow, perf, []);
  const nullArray = () => { const a = []; Object.setPrototypeOf(a, null); return a; };

  // ---- identity: document id and socket counter ----
  const rnd = apply(randomValues, cryptoObj, [new Uint32Array(2)]);
  const docId = rnd[0].toString(36) + rnd[1].toString(36).slice(0, 4);
  let counter = 0;

  // ---- capture state (configured later by the relay; the hook never waits for it) ----
  let enabled = true;      // per-site switch: when false, new sockets are not tracked, frames dropped
  let paused = false;      // panel's pause: frames are not recorded, connections and states are
  let cap = 64 * 1024;     // payload cap in bytes (CaptureSettings.max_payload)

  // ---- batching ----
  // Column layout (the relay reads the same): one record per frame or event, `count` records used.
  //   kinds: Int32Array   socket number * 8 + (K_BIN for binary) + K_IN | K_OUT, or K_EV for any
  //                       other event
  //   times: Float64Array epoch ms (frames)
  //   sizes: Float64Array true size in bytes, or -1 = "text, measure later" (frames)
  //   data:  Array        text: its length in UTF-16 units, at offs in `text`; binary: its byte
  //                       length, at offs in `pool`, or a Blob; other events: the event object
  //                       (schema shape without seq)
  //   offs:  Int32Array   where a frame's payload starts in `text` or `pool`
  //   text:  string       the batch's text payloads, concatenated: one string crosses to the relay
  //                       instead of one per frame (measured 1.5x cheaper at 4 KiB, 3.7x at 64 B)
  //   pool:  ArrayBuffer  the batch's binary bytes (null when it has none), transferred with it
  // Typed arrays clone as one copy and never consult prototypes. `data` is a copy of a template
  // filled now, before any page script: every later store hits an own element, so no setter a page
  // puts on Array.prototype runs. (Filling a fresh `new Array(n)` later would write into holes and
  // reach such setters.) The template's own `constructor: undefined` makes slice() create a plain
  // array without consulting Array[Symbol.species], which a page could also redefine.
  const K_EV = 0, K_IN = 1, K_OUT = 2, K_BIN = 4;
  const CAP = 1024;                   // records per batch before an early flush
  const FLUSH_MS = 5;                 // the longest a record waits (the panel's live view adds it)
  const MAX_BATCH_BYTES = 8 << 20;    // payload bytes per batch before an early flush
  const template = new Array(CAP).fill(0);
  defineProperty(template, 'constructor', { value: undefined });
  // The columns are filled in place and reused; a flush sends exact-size copies, so the relay stores
  // them as they are and a small batch costs little (fresh CAP-size columns per batch dominated).
  const kinds = new I32(CAP), times = new F64(CAP), sizes = new F64(CAP), offs = new I32(CAP);
  const data = apply(arrSlice, template, [0]);
  let text = '', pool = new U8(64 * 1024), poolN = 0, qn = 0, qFrames = 0, qBytes = 0, scheduled = false;
  // The first n values of a column, copied without TypedArray species lookups (slice and subarray
  // consult `constructor`/Symbol.species, which a page can redefine).
  function head(col, Ctor, n) {
    const out = new Ctor(n);
    apply(taSet, out, [new Ctor(apply(taBuffer, col, []), 0, n)]);
    return out;
  }
  function headOfData(n) {
    const out = apply(arrSlice, template, [0, n]); // own elements: stores reach no page setter
    for (let i = 0; i < n; i++) { out[i] = data[i]; data[i] = 0; }
    return out;
  }
  // Copies `len` bytes of `buf` from `off` into the pool; returns where they start. The pool is
  // kept across batches (a fresh, growing pool per batch spent most of its time allocating), and a
  // flush sends an exact-size copy of its used part.
  function keepBytes(buf, off, len) {
    if (poolN + len > pool.length) {
      let size = pool.length * 2;
      while (size < poolN + len) size *= 2;
      const grown = new U8(size);
      if (poolN) apply(taSet, grown, [apply(subarray, pool, [0, poolN])]);
      pool = grown;
    }
    apply(taSet, pool, [new U8(buf, off, len), poolN]);
    const at = poolN;
    poolN += len;
    return at;
  }
  // postMessage's transfer list is read with the iteration protocol. An array would consult
  // Array.prototype[Symbol.iterator] and %ArrayIteratorPrototype%.next, which a page can patch to
  // reach (and rewrite) our pool; this iterable has only own properties.
  function transferOf(buffer) {
    let done = false;
    return { [ITERATOR]: () => ({ next: () => (done ? { done: true, value: undefined } : (done = true, { done: false, value: buffer })) }) };
  }
  let port = null;                    // our end of the private channel (null until handed over)
  const backlog = nullArray();        // batches produced before the relay took the channel

  function flush() {
    scheduled = false;
    if (qn === 0) return;
    const n = qn, buffer = poolN === 0 ? null : apply(taBuffer, head(pool, U8, poolN), []);
    const batch = {
      count: n, frames: qFrames, bytes: qBytes, kinds: head(kinds, I32, n), times: head(times, F64, n),
      sizes: head(sizes, F64, n), data: headOfData(n), offs: head(offs, I32, n), text, pool: buffer,
    };
    text = ''; poolN = 0; qn = 0; qFrames = 0; qBytes = 0;
    if (pool.length > 16 << 20) pool = new U8(64 * 1024); // after a burst of big frames, let it go
    if (!port) backlog[backlog.length] = batch;
    else if (buffer === null) apply(portPost, port, [batch]);
    else apply(portPost, port, [batch, transferOf(buffer)]);
  }
  function schedule() {
    if (!scheduled) { scheduled = true; apply(nativeSetTimeout, W, [flush, FLUSH_MS]); }
  }
  function pushEvent(ev) {
    kinds[qn] = K_EV; data[qn] = ev; qn++;
    if (qn === CAP) flush(); else schedule();
  }
  // `kind` is K_IN or K_OUT, plus K_BIN for binary; `d` a string (text), a byte length in the pool
  // at `at`, or a Blob.
  function pushFrame(kind, n, t, d, size, bytes, at) {
    kinds[qn] = n * 8 + kind; times[qn] = t; sizes[qn] = size;
    if (typeof d === 'string') { offs[qn] = text.length; data[qn] = d.length; text = text + d; }
    else { data[qn] = d; if (at !== undefined) offs[qn] = at; }
    qn++;
    qFrames++; qBytes += bytes;
    if (qn === CAP || qBytes >= MAX_BATCH_BYTES) flush(); else schedule();
  }

  // Text over the cap: keep a UTF-8 prefix of at most `cap` bytes and the true UTF-8 size. `size`
  // is that size when already known (a send's bufferedAmount step), else -1. Text that is not
  // ASCII is measured by encoding all of it (0.8 ms per MiB here); encoding only the rest, a sliced
  // string, was about 15x slower in Chromium (it takes a slow path). The scratch buffer is not kept
  // past 16 MiB.
  let scratch = new U8(0);
  function cutText(kind, n, t, s, size) {
    // ASCII (UTF-8 size = length exactly when every unit is ASCII): the prefix is the first `cap`
    // characters and the size is the length, with no encoding at all.
    if (size < 0 && apply(regexExec, NON_ASCII, [s]) === null) size = s.length;
    if (size === s.length) { pushFrame(kind, n, t, apply(strSlice, s, [0, cap]), size, cap); return; }
    if (scratch.length < cap) scratch = new U8(cap);
    const head = apply(encodeInto, encoder, [s, apply(subarray, scratch, [0, cap])]);
    if (size < 0) {
      if (scratch.length < s.length * 3) scratch = new U8(s.length * 3);
      size = apply(encodeInto, encoder, [s, scratch]).written;
      if (scratch.length > 16 << 20) scratch = new U8(0);
    }
    pushFrame(kind, n, t, apply(strSlice, s, [0, head.read]), size, head.read);
  }
  // Binary: copy (the page owns and may mutate its buffer) at most `cap` bytes; keep the true size.
  function binaryFrame(kind, n, t, d) {
    let len = -1;
    try { len = apply(abByteLength, d, []); } catch { /* not an ArrayBuffer */ }
    if (len >= 0) {
      const keep = len < cap ? len : cap;
      pushFrame(kind | K_BIN, n, t, keep, len, keep, keepBytes(d, 0, keep));
      return;
    }
    const size = apply(blobSize, d, []); // a Blob is immutable: keep (a slice of) it as is
    pushFrame(kind | K_BIN, n, t, size > cap ? apply(blobSlice, d, [0, cap]) : d, size, size < cap ? size : cap);
  }
  function viewFrame(kind, n, t, v) {
    let buf, off, len;
    try { buf = apply(taBuffer, v, []); off = apply(taOffset, v, []); len = apply(taLength, v, []); }
    catch { buf = apply(dvBuffer, v, []); off = apply(dvOffset, v, []); len = apply(dvLength, v, []); }
    const keep = len < cap ? len : cap;
    pushFrame(kind | K_BIN, n, t, keep, len, keep, keepBytes(buf, off, keep));
  }

  // ---- per-socket records ----
  const recs = new WeakMap();                 // socket -> record
  const live = Object.create(null);           // socket number -> socket (for panel commands)

  // Our own script's location as stack traces print it ("chrome-extension://<id>/hook.js" in Chrome,
  // "<anonymous code>" for Firefox's MAIN world), to drop our frames from creation stacks.
  const selfLocation = (() => {
    const s = new NativeError().stack || '';
    const first = s.split('\n').find((l) => /:\d+:\d+\)?$/.test(l) && !/^Error/.test(l)) || '';
    const m = first.match(/(?:@|\(|at )([^()@]*?):\d+:\d+\)?$/);
    return m ? m[1] : '-extension://';
  })();

  function creationStack() {
    // Up to 5 page frames: skip the "Error" line and our own frames (extension URLs). Only captured
    // string methods, so a page's patches cannot reach our objects (it can still shape its own stack
    // text through Error.prepareStackTrace: that is the page describing itself).
    let s = '';
    try { s = new NativeError().stack; } catch { /* ignore */ }
    if (typeof s !== 'string') return '';
    // V8 starts with an "Error" line; SpiderMonkey starts with the first frame.
    let out = '', lines = 0;
    let pos = apply(strIndexOf, s, ['Error']) === 0 ? apply(strIndexOf, s, ['\n']) + 1 : 0;
    while (pos > 0 || (pos === 0 && s.length)) {
      let end = apply(strIndexOf, s, ['\n', pos]);
      if (end < 0) end = s.length;
      let from = pos;
      while (from < end && (s[from] === ' ' || s[from] === '\t')) from++; // indentation
      const line = apply(strSlice, s, [from, end]);
      const ours = apply(strIndexOf, line, [selfLocation]) >= 0 || apply(strIndexOf, line, ['-extension://']) >= 0;
      if (line.length && !ours) { out += (lines ? '\n' : '') + line; if (++lines === 5) break; }
      if (end >= s.length) break;
      pos = end + 1;
    }
    return out;
  }

  function requestedProtocols(p) {
    // Read without iterating page iterables a second time (the native constructor already did).
    const out = nullArray();
    if (typeof p === 'string') out[0] = p;
    else if (isArray(p)) for (let i = 0; i < p.length; i++) out[i] = typeof p[i] === 'string' ? p[i] : '?';
    return out;
  }

  function track(ws, args) {
    const n = ++counter, id = docId + ':' + n, t = now();
    const rec = { n, id, state: 0, closer: null };
    apply(wmSet, recs, [ws, rec]);
    live[n] = ws;
    pushEvent({ type: 'socket', id, t, url: apply(wsUrl, ws, []), protocols: requestedProtocols(args[1]), stack: creationStack(), frame: location.href });
    pushEvent({ type: 'state', id, t, state: 'CONNECTING' });
    const onMessage = (e) => {
      if (!e.isTrusted || paused || !enabled) return; // isTrusted is an unforgeable own property
      const t = now(), d = apply(msgData, e, []);
      if (typeof d === 'string') {
        if (d.length > cap) cutText(K_IN, n, t, d, -1); else pushFrame(K_IN, n, t, d, -1, d.length);
      } else binaryFrame(K_IN, n, t, d);
    };
    const onOpen = (e) => {
      if (!e.isTrusted || !enabled) return;
      rec.state = 1;
      pushEvent({ type: 'state', id, t: now(), state: 'OPEN', protocol: apply(wsProtocol, ws, []), extensions: apply(wsExtensions, ws, []) });
    };
    const onError = (e) => {
      if (!e.isTrusted || !enabled) return;
      pushEvent({ type: 'error', id, t: now() });
    };
    const onClose = (e) => {
      if (!e.isTrusted) return;
      delete live[n];
      if (!enabled) return;
      const t = now();
      rec.state = 3;
      pushEvent({ type: 'state', id, t, state: 'CLOSED' });
      pushEvent({ type: 'close', id, t, code: apply(closeCode, e, []), reason: apply(closeReason, e, []), was_clean: apply(closeClean, e, []), initiator: rec.closer || 'server' });
    };
    apply(addListener, ws, ['message', onMessage, true]);
    apply(addListener, ws, ['open', onOpen, true]);
    apply(addListener, ws, ['error', onError, true]);
    apply(addListener, ws, ['close', onClose, true]);
  }

  // Record an outgoing frame for data the native send() accepted. `sent` is how much that send()
  // added to bufferedAmount, for a text over the cap: exactly the UTF-8 size the browser encoded
  // (lone surrogates as U+FFFD), so the hook need not encode the text a second time. A value
  // outside the only possible range (1 to 3 bytes per UTF-16 unit) falls back to measuring.
  function recordOut(rec, d, sent) {
    const t = now();
    if (typeof d === 'string') {
      if (d.length > cap) cutText(K_OUT, rec.n, t, d, sent >= d.length && sent <= d.length * 3 ? sent : -1);
      else pushFrame(K_OUT, rec.n, t, d, -1, d.length);
    } else if (apply(isView, ArrayBuffer, [d])) viewFrame(K_OUT, rec.n, t, d);
    else binaryFrame(K_OUT, rec.n, t, d);
  }
  function isBinary(d) {
    if (apply(isView, ArrayBuffer, [d])) return true;
    try { apply(abByteLength, d, []); return true; } catch { /* no */ }
    try { apply(blobSize, d, []); return true; } catch { /* no */ }
    return false;
  }
  function doSend(rec, ws, target, args) {
    let d = args[0];
    // Convert non-binary objects to a string ourselves, exactly once (the native would call their
    // toString once too), so the recorded text is what was sent without running page code twice.
    if (args.length > 0 && typeof d !== 'string' && typeof d !== 'symbol' && !isBinary(d)) {
      try { d = `${d}`; } catch (err) { sendError(rec, err); throw err; }
      args = [d];
    }
    // After close() the browser accepts send() silently and transmits nothing: record no frame.
    const open = apply(wsReadyState, ws, []) === 1;
    const big = open && typeof d === 'string' && d.length > cap;
    const before = big ? apply(wsBuffered, ws, []) : 0;
    let r;
    try { r = apply(target, ws, args); } catch (err) { sendError(rec, err); throw err; }
    if (open && !paused) recordOut(rec, d, big ? apply(wsBuffered, ws, []) - before : -1);
    return r;
  }
  function sendError(rec, err) {
    let name = '', message = '';
    try {
      const nm = err !== null && typeof err === 'object' ? err.name : undefined;
      const ms = err !== null && typeof err === 'object' ? err.message : undefined;
      name = typeof nm === 'string' ? nm : typeof err; message = typeof ms === 'string' ? ms : '';
    } catch { /* a throwing getter: keep the defaults */ }
    pushEvent({ type: 'send_error', id: rec.id, t: now(), name, message });
  }
  function closeCall(rec, ws, by, args) {
    const code = args[0], reason = args[1], t = now();
    if (rec.closer === null && rec.state < 2) rec.closer = by;
    // Literals only (never `ev.x = ...`): an assignment to a missing key would reach setters a page
    // defined on Object.prototype and hand it our event object.
    const hasCode = typeof code === 'number', hasReason = typeof reason === 'string';
    pushEvent(hasCode && hasReason ? { type: 'close_call', id: rec.id, t, by, code, reason }
      : hasCode ? { type: 'close_call', id: rec.id, t, by, code }
      : hasReason ? { type: 'close_call', id: rec.id, t, by, reason }
      : { type: 'close_call', id: rec.id, t, by });
    if (rec.state < 2 && apply(wsReadyState, ws, []) === 2) {
      rec.state = 2;
      pushEvent({ type: 'state', id: rec.id, t, state: 'CLOSING' });
    }
  }

  // ---- toString masking ----
  const nativeToString = Function.prototype.toString;
  const masks = new WeakMap(); // our proxy -> the native function whose text it shows
  const mask = (proxy, native) => { apply(wmSet, masks, [proxy, native]); return proxy; };
  const toStringProxy = mask(new ProxyCtor(nativeToString, {
    apply(target, self, args) {
      const m = apply(wmGet, masks, [self]);
      return apply(target, m === undefined ? self : m, args);
    },
  }), nativeToString);

  // ---- install ----
  const WSProxy = mask(new ProxyCtor(Native, {
    construct(target, args, newTarget) {
      const ws = construct(target, args, newTarget);
      if (enabled) track(ws, args);
      return ws;
    },
  }), Native);
  const sendProxy = mask(new ProxyCtor(nativeSend, {
    apply(target, self, args) {
      const rec = apply(wmGet, recs, [self]);
      if (rec === undefined || !enabled) return apply(target, self, args);
      return doSend(rec, self, target, args);
    },
  }), nativeSend);
  const closeProxy = mask(new ProxyCtor(nativeClose, {
    apply(target, self, args) {
      const r = apply(target, self, args); // throws exactly as the native does; nothing recorded then
      const rec = apply(wmGet, recs, [self]);
      if (rec !== undefined && enabled) closeCall(rec, self, 'page', args);
      return r;
    },
  }), nativeClose);

  const replace = (obj, key, value) => defineProperty(obj, key, { ...gopd(obj, key), value });
  replace(Function.prototype, 'toString', toStringProxy);
  replace(Native.prototype, 'send', sendProxy);
  replace(Native.prototype, 'close', closeProxy);
  replace(Native.prototype, 'constructor', WSProxy);
  replace(W, 'WebSocket', WSProxy);

  // ---- commands from the panel (via the relay) ----
  function onCommand(e) {
    const c = apply(msgData, e, []);
    if (c === null || typeof c !== 'object') return;
    if (c.cmd === 'settings') {
      enabled = c.enabled !== false;
      if (typeof c.maxPayload === 'number' && c.maxPayload >= 0) cap = c.maxPayload;
    } else if (c.cmd === 'pause') {
      paused = c.paused === true;
    } else if (c.cmd === 'send' || c.cmd === 'close') {
      const ws = live[c.n];
      const rec = ws && apply(wmGet, recs, [ws]);
      if (!rec) return;
      if (c.cmd === 'send') {
        try { doSend(rec, ws, nativeSend, [c.data]); } catch { /* recorded as send_error */ }
      } else {
        try { apply(nativeClose, ws, [c.code, c.reason]); closeCall(rec, ws, 'panel', [c.code, c.reason]); }
        catch (err) { sendError(rec, err); }
      }
    }
  }

  // ---- hand the private channel to the relay ----
  // A cancelable MessageEvent carrying the relay's end, dispatched synchronously on window. At
  // document_start no page listener exists yet, so only the relay (listening only during its own
  // synchronous start-up) can take it; it cancels the event to say so. If the relay has not run yet,
  // we answer its one-shot "ready" ping instead. Afterwards nothing page-reachable refers to either end.
  const HANDOFF = 'socketscope-handoff', READY = 'socketscope-ready';
  const channel = new NativeMessageChannel();
  const port1 = channel.port1, port2 = channel.port2;
  port1.onmessage = onCommand; // now, while MessagePort.prototype is still pristine
  function offer() {
    const ev = new NativeMessageEvent(HANDOFF, { data: docId, ports: [port2], cancelable: true });
    if (apply(dispatch, W, [ev])) return false; // nobody took it
    port = port1;
    for (let i = 0; i < backlog.length; i++) apply(portPost, port, [backlog[i]]);
    backlog.length = 0;
    return true;
  }
  if (!offer()) {
    const onReady = (e) => {
      if (!e.isTrusted && offer()) apply(removeListener, W, [READY, onReady, true]);
    };
    apply(addListener, W, [READY, onReady, true]);
  }
  // Flush what this task produced before the document goes away.
  apply(addListener, W, ['pagehide', (e) => { if (e.isTrusted) flush(); }, true]);
})();
