// Socketscope relay. ISOLATED world, document_start, every frame.
//
// Job: own this document's capture buffer for the document's lifetime, give every event a dense
// sequence number, and stream schema events (core/src/schema.rs) to the background only while a
// panel is attached. The background holds nothing, so a panel that opens late, or reconnects after
// Chrome killed the service worker, asks here (`sync`) and gets everything again.
//
// Trust: the only event source is the private MessagePort the hook hands over during our own
// synchronous start-up (see `takeHookPort`). Afterwards we listen to nothing on the page: look-alike
// window messages and DOM events are simply never heard. Commands come only from our own
// background over the runtime port.
//
// Where the work is: the hook's batches are stored as they arrive (O(1) per batch while under the
// caps). Turning records into schema objects, measuring UTF-8 sizes, cutting to the payload cap and
// base64-encoding binary happen here, and only while streaming: Chrome's runtime ports serialise
// messages as JSON, so binary must become text somewhere, and this is the last place before the
// port. It runs on the page's main thread, which is why it is skipped entirely without a panel.
(() => {
  'use strict';
  if (globalThis.__socketscopeRelay) return; // this isolated world only; not visible to the page
  globalThis.__socketscopeRelay = true;

  const V = 1;
  const HANDOFF = 'socketscope-handoff', READY = 'socketscope-ready';
  const K_EV = 0, K_IN = 1, K_OUT = 2, K_BIN = 4;
  // Total payload kept per document, on top of the frame count cap: 1,000,000 frames of 64 KiB
  // would otherwise be 64 GB.
  const MAX_BYTES = 512 * 1024 * 1024;
  const STREAM_EVENTS = 1000, STREAM_BYTES = 1 << 20; // per runtime-port message
  const DEFAULTS = { enabled: true, max_frames: 1000000, max_payload: 64 * 1024 };
  const now = () => performance.timeOrigin + performance.now();
  const siteKey = location.origin && location.origin !== 'null' ? 'site:' + location.origin : null;

  // ---- the hook's private channel ----
  let hookPort = null, page = null;
  (function takeHookPort() {
    // Listen only while we dispatch "ready": a hook that ran before us answers synchronously with
    // the channel (a hook that runs after us offers it while our listener is gone, and waits for
    // a ready ping that never comes: manifest order puts the hook first). No page script has run
    // yet, so the only possible answer is the hook's.
    const onHandoff = (e) => {
      if (hookPort || !e.ports || !e.ports[0] || typeof e.data !== 'string') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      hookPort = e.ports[0];
      page = e.data;
    };
    addEventListener(HANDOFF, onHandoff, true);
    dispatchEvent(new Event(READY));
    removeEventListener(HANDOFF, onHandoff, true);
  })();
  if (!page) page = Math.random().toString(36).slice(2, 10) + 'r'; // no hook: handshakes only

  // ---- settings (per site, persisted) ----
  let settings = { ...DEFAULTS };
  let ready = false;          // settings known; until then batches wait in `pending` (no seq yet)
  const pending = [];

  function tellHook(msg) { if (hookPort) hookPort.postMessage(msg); }
  function applySettings(s, persist) {
    settings = {
      enabled: s.enabled !== false,
      max_frames: Number.isFinite(s.max_frames) && s.max_frames >= 0 ? s.max_frames : DEFAULTS.max_frames,
      max_payload: Number.isFinite(s.max_payload) && s.max_payload >= 0 ? s.max_payload : DEFAULTS.max_payload,
    };
    tellHook({ cmd: 'settings', enabled: settings.enabled, maxPayload: settings.max_payload });
    if (!settings.enabled) clearBuffer();
    if (persist && siteKey) chrome.storage.local.set({ [siteKey]: settings }).catch(() => {});
  }

  // ---- the buffer ----
  // Chunks in the hook's column layout ({count, kinds, times, sizes, data, offs, pool}, see hook.js);
  // seq is implicit: chunk.base + record index. A binary payload is a number there: its length in
  // the chunk's pool, at offs[i].
  let chunks = [];
  let nextSeq = 1;
  let framesStored = 0, bytesStored = 0;
  let droppedFrames = 0, droppedBytes = 0, dropTimer = 0;

  function append(c) {
    if (c.count === 0) return;
    c.base = nextSeq;
    chunks.push(c);
    nextSeq += c.count;
    onNew();
  }
  const ONE_EVENT = () => ({ count: 1, frames: 0, bytes: 0, kinds: new Int32Array(1), times: new Float64Array(1), sizes: new Float64Array(1), data: [null], offs: new Int32Array(1), text: '', pool: null });
  function addEvent(ev) {
    const c = ONE_EVENT();
    c.data[0] = ev;
    if (!ready) { pending.push(c); return; }
    if (settings.enabled) append(c);
  }
  function clearBuffer() {
    // Capture switched off: forget what this document captured (it may hold tokens). Sequence
    // numbers continue, so a panel sees the gap.
    chunks = []; framesStored = 0; bytesStored = 0; gen++;
    reportUsage();
  }

  // ---- the frame cap is per tab ----
  // Each document of a tab (the top one and every iframe) has its own relay and buffer. They share
  // `max_frames`: each relay tells the others, through the background, how many frames it stores,
  // at most once a second and only when the count changed, and counts theirs against the cap. A
  // tab's documents together may therefore pass the cap by at most a second of the other
  // documents' traffic; what does not fit is counted as dropped, as for one document.
  const others = new Map();   // another document's page id -> the frames it stores
  let othersFrames = 0;       // their sum, recounted when one changes (ingest reads it per batch)
  let usageTimer = 0, reported = 0;
  function sendUsage(frames) {
    reported = frames;
    try { chrome.runtime.sendMessage({ v: V, kind: 'usage', page, frames }).catch(() => {}); } catch { /* extension reloaded */ }
  }
  function reportUsage() {
    if (usageTimer) return;
    usageTimer = setTimeout(() => { usageTimer = 0; if (framesStored !== reported) sendUsage(framesStored); }, 1000);
  }
  function heardUsage(m) {
    if (m.page === page || typeof m.page !== 'string' || !Number.isInteger(m.frames) || m.frames < 0) return;
    if (m.frames) others.set(m.page, m.frames); else others.delete(m.page);
    othersFrames = 0;
    for (const f of others.values()) othersFrames += f;
  }
  // A document that goes away (or into the back/forward cache) no longer holds its frames.
  addEventListener('pagehide', (e) => { if (e.isTrusted && reported) sendUsage(0); }, true);
  addEventListener('pageshow', (e) => { if (e.isTrusted && e.persisted && framesStored) sendUsage(framesStored); }, true);
  // Bytes a frame holds here: its text's UTF-16 length, its pooled byte length, or its Blob's size.
  function payloadBytes(d) {
    return typeof d === 'number' ? d : d.size;
  }
  function textOf(c, i) { return c.text.slice(c.offs[i], c.offs[i] + c.data[i]); }
  // Keep records [0, n) of a batch, in right-sized arrays (the hook sends fixed-size columns).
  function compact(b, n) {
    return { count: n, kinds: b.kinds.slice(0, n), times: b.times.slice(0, n), sizes: b.sizes.slice(0, n), data: b.data.slice(0, n), offs: b.offs.slice(0, n), text: b.text, pool: b.pool };
  }
  function ingest(b) {
    if (!ready) { pending.push(b); return; }
    if (!settings.enabled) return;
    if (b.frames) reportUsage();
    const cap = settings.max_frames - othersFrames;
    if (framesStored + b.frames <= cap && bytesStored + b.bytes <= MAX_BYTES) {
      framesStored += b.frames; bytesStored += b.bytes;
      append(b.count === b.kinds.length ? b : compact(b, b.count));
      return;
    }
    // Over a cap: keep every non-frame event and as many frames as fit; count the rest.
    let kept = 0, dropF = 0, dropB = 0;
    for (let i = 0; i < b.count; i++) {
      const d = b.data[i];
      let keep = b.kinds[i] === K_EV;
      if (!keep) {
        const n = payloadBytes(d);
        if (framesStored < cap && bytesStored + n <= MAX_BYTES) { framesStored++; bytesStored += n; keep = true; }
        else { dropF++; dropB += b.sizes[i] >= 0 ? b.sizes[i] : utf8Size(textOf(b, i)); }
      }
      if (keep) { b.kinds[kept] = b.kinds[i]; b.times[kept] = b.times[i]; b.sizes[kept] = b.sizes[i]; b.data[kept] = d; b.offs[kept] = b.offs[i]; kept++; }
    }
    append(compact(b, kept));
    if (dropF) {
      droppedFrames += dropF; droppedBytes += dropB;
      // One cumulative `dropped` event per second at most, so a flood past the cap cannot grow the
      // buffer through its own loss reports.
      if (!dropTimer) dropTimer = setTimeout(() => {
        dropTimer = 0;
        const c = ONE_EVENT();
        c.data[0] = { type: 'dropped', t: now(), frames: droppedFrames, bytes: droppedBytes };
        append(c);
      }, droppedFrames === dropF ? 0 : 1000);
    }
  }

  // ---- encoding to schema events (only while streaming) ----
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(0);
  const NON_ASCII = /[\x80-\uffff]/; // about 7x faster to scan for than to encode
  function utf8Size(s) {
    if (!NON_ASCII.test(s)) return s.length;
    if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
    return encoder.encodeInto(s, scratch).written;
  }
  function toBase64(bytes) {
    if (bytes.toBase64) return bytes.toBase64();
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }
  function fromBase64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const bin = atob(text), out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  // One frame record -> schema `frame` event. `data` is already bytes (a Uint8Array) for binary.
  function encodeFrame(seq, kind, n, t, data, size) {
    const dir = kind === K_IN ? 'in' : 'out';
    const ev = { seq, type: 'frame', id: page + ':' + n, t, dir, op: 'text', size: 0, data: '' };
    if (typeof data === 'string') {
      // send() transmits USVString: lone surrogates went out as U+FFFD.
      let s = kind === K_OUT && !data.isWellFormed() ? data.toWellFormed() : data;
      let cut = size >= 0; // the hook cuts only text longer than the cap and then gives the true size
      if (!cut) {
        size = utf8Size(s);
        if (size > settings.max_payload) {
          const head = encoder.encodeInto(s, new Uint8Array(settings.max_payload));
          s = s.slice(0, head.read);
          cut = true;
        }
      }
      ev.size = size; ev.data = s;
      if (cut) ev.truncated = true;
      return ev;
    }
    const bytes = data;
    ev.op = 'binary'; ev.size = size; ev.data = toBase64(bytes);
    if (size > bytes.length) ev.truncated = true;
    return ev;
  }

  // ---- streaming to the background ----
  let bgPort = null, detached = false;
  let streaming = false, gotPageSync = false;
  let cursor = 1, gen = 0, pumping = false;

  function onNew() { if (streaming && !pumping) pump(); }

  // The chunk holding `seq` (binary search); chunks.length when past the end.
  function chunkOf(seq) {
    let lo = 0, hi = chunks.length - 1, ci = chunks.length;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid].base + chunks[mid].count > seq) { ci = mid; hi = mid - 1; } else lo = mid + 1;
    }
    return ci;
  }

  async function pump() {
    pumping = true;
    try {
      let myGen = gen, seq = cursor, ci = chunkOf(seq);
      while (streaming && bgPort) {
        const events = [];
        let bytes = 0;
        while (ci < chunks.length && events.length < STREAM_EVENTS && bytes < STREAM_BYTES) {
          const c = chunks[ci];
          if (seq < c.base) seq = c.base; // a gap (buffer cleared): skip ahead
          if (seq >= c.base + c.count) { ci++; continue; }
          const i = seq - c.base, k = c.kinds[i];
          if (k === K_EV) {
            events.push({ seq, ...c.data[i] });
            seq++;
            continue;
          }
          let d = c.data[i];
          if (!(k & K_BIN)) d = textOf(c, i);
          else if (typeof d === 'number') d = new Uint8Array(c.pool, c.offs[i], d);
          else if (d instanceof ArrayBuffer) d = new Uint8Array(d);
          else {
            d = await d.arrayBuffer(); // a Blob (binaryType "blob"): read once, keep the bytes
            c.data[i] = d;
            d = new Uint8Array(d);
            if (myGen !== gen) break;
          }
          const ev = encodeFrame(seq, k & 3, k >>> 3, c.times[i], d, c.sizes[i]);
          bytes += ev.data.length;
          events.push(ev);
          seq++;
        }
        if (myGen !== gen) { myGen = gen; seq = cursor; ci = chunkOf(seq); continue; } // re-synced
        if (!events.length || !streaming || !bgPort) break;
        bgPort.postMessage({ v: V, page, events });
        cursor = seq;
        // Yield between chunks of a large backlog so the page stays responsive.
        if (ci < chunks.length) await new Promise((res) => setTimeout(res, 0));
        if (myGen !== gen) { myGen = gen; seq = cursor; ci = chunkOf(seq); }
      }
    } finally {
      pumping = false;
    }
    if (streaming && bgPort && cursor < nextSeq) pump();
  }

  function startStream(since) {
    streaming = true;
    cursor = Math.max(1, since | 0);
    gen++;
    if (!pumping) pump();
  }

  function onCommand(c) {
    if (!c || c.v !== V) return;
    const mine = typeof c.id === 'string' && c.id.startsWith(page + ':');
    const n = mine ? Number(c.id.slice(page.length + 1)) : 0;
    switch (c.cmd) {
      case 'sync':
        // Reconnect protocol: a panel re-sends `sync {page, since}` for each page it knows, then
        // `sync {page: null, since: 0}` for pages it has never seen. A page that got its own sync
        // on this connection ignores the catch-all.
        if (c.page === page) { gotPageSync = true; startStream(Number(c.since) || 0); }
        else if (c.page == null && !gotPageSync) startStream(Number(c.since) || 0);
        break;
      case 'send':
        if (!mine || typeof c.data !== 'string') return;
        tellHook({ cmd: 'send', n, data: c.op === 'binary' ? fromBase64(c.data).buffer : c.data });
        break;
      case 'close':
        if (!mine) return;
        tellHook({ cmd: 'close', n, code: c.code, reason: typeof c.reason === 'string' ? c.reason : '' });
        break;
      case 'pause':
        tellHook({ cmd: 'pause', paused: c.paused === true });
        break;
      case 'settings':
        if (c.settings && typeof c.settings === 'object') applySettings(c.settings, true);
        break;
    }
  }

  function connect() {
    if (bgPort || !chrome.runtime || !chrome.runtime.id) return; // extension reloaded: stay quiet
    try { bgPort = chrome.runtime.connect({ name: 'socketscope-relay' }); } catch { return; }
    streaming = false; gotPageSync = false; detached = false;
    bgPort.onMessage.addListener((m) => {
      if (m && m.kind === 'detach') { detached = true; streaming = false; const p = bgPort; bgPort = null; p.disconnect(); return; }
      onCommand(m);
    });
    bgPort.onDisconnect.addListener(() => {
      // Without a `detach` first, the service worker died (or was stopped): connect again; the new
      // worker sends `detach` if no panel is attached, or the panel's syncs if one is.
      void chrome.runtime.lastError;
      bgPort = null; streaming = false;
      if (!detached) setTimeout(connect, 50);
    });
  }

  // Messages from our background only (content scripts of other tabs cannot reach us this way).
  chrome.runtime.onMessage.addListener((m, sender) => {
    if (sender.id !== chrome.runtime.id || sender.tab || !m || m.v !== V) return;
    if (m.kind === 'attach') connect();
    else if (m.kind === 'usage') heardUsage(m);
    else if (m.kind === 'handshake' && m.event && typeof m.event.url === 'string') {
      const e = m.event;
      const ev = { type: 'handshake', t: Number(e.t) || now(), url: e.url };
      if (Number.isInteger(e.status)) ev.status = e.status;
      if (typeof e.error === 'string') ev.error = e.error;
      addEvent(ev);
    }
  });

  // Firefox hands a content script the page compartment's copy behind Xray wrappers (so even
  // `instanceof ArrayBuffer` fails); one structured clone makes it ours. Chrome's isolated world
  // already gets its own copy.
  const OWN = typeof cloneInto === 'function' ? (d) => structuredClone(d) : (d) => d;
  if (hookPort) hookPort.onmessage = (e) => ingest(OWN(e.data));
  addEvent({ type: 'page', t: now(), url: location.href });

  const start = (stored) => {
    if (ready) return;
    ready = true;
    if (stored && typeof stored === 'object') applySettings(stored, false);
    for (const b of pending.splice(0)) ingest(b);
  };
  if (siteKey) chrome.storage.local.get(siteKey).then((r) => start(r[siteKey]), () => start(null));
  else start(null);
  connect(); // the background answers `detach` at once when no panel is attached
})();
