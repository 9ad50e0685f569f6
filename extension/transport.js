// The panel's JS side of the transport seam (boot.js imports it; src/transport.rs wraps it).
//   createTransport(tabId) -> { listen(callback), send(command), backlog(), close() }
// The callback gets every message from the background as-is: Batch objects {v, tab, page, events}
// and notices {v, notice, ...}. On connect it asks for everything (`sync {page: null, since: 0}`).
// When the port drops (Chrome killed the service worker) it reconnects and asks each known page for
// what follows the last sequence number it saw, then everything of pages it has not seen, so nothing
// is lost; the Rust model dedupes by (page, seq) in case something arrives twice.
//
// The port connects before the panel's wasm has loaded, so the relay's replay overlaps the wasm
// compile. Messages that arrive before `listen` wait in `inbox`; a backlog is then handed over one
// slice per task (a MessageChannel hop, not setTimeout's 4 ms clamp), so the first slice is drawn
// at once and the rest is ingested between frames instead of in one long task.
const V = 1;
const SLICE = 250, FIRST_SLICE = 50; // events per hand-over to the panel (see below)

export function createTransport(tabId) {
  const listeners = [];
  const last = new Map(); // page -> highest seq received
  const queue = [];       // commands sent while disconnected
  const inbox = [];       // messages not yet handed to the listeners, in arrival order
  let port = null;
  let closed = false;
  let retry = 0;
  let draining = false;
  let drawn = false;      // the first hand-over has had its animation frame
  let sliced = false;     // a batch has been handed over (only the first slice is small)
  let heard = false;      // the first message marks the benchmark's timeline (tests/bench/panel.mjs)
  const hop = new MessageChannel();
  hop.port1.onmessage = () => { draining = false; deliverOne(); };

  function deliverOne() {
    const msg = inbox.shift();
    if (msg === undefined) return;
    for (const cb of listeners) {
      try { cb(msg); } catch (e) { console.error('socketscope: transport listener failed', e); }
    }
    if (inbox.length && !draining) {
      draining = true;
      // After the very first hand-over, let that frame be drawn before the backlog goes on.
      // A hidden page gets no animation frames (a panel tab in the background): then a timer.
      if (!drawn) {
        drawn = true;
        let gone = false;
        const go = () => { if (!gone) { gone = true; hop.port2.postMessage(null); } };
        requestAnimationFrame(go);
        setTimeout(go, 100);
      } else hop.port2.postMessage(null);
    }
  }

  function onMessage(msg) {
    if (!heard) { heard = true; performance.mark('socketscope:first-message'); }
    if (msg && typeof msg.page === 'string' && Array.isArray(msg.events) && msg.events.length) {
      const top = msg.events[msg.events.length - 1].seq;
      if (Number.isFinite(top) && top > (last.get(msg.page) ?? 0)) last.set(msg.page, top);
    }
    // The relay sends up to 1,000 events a message; smaller slices keep each ingest task short,
    // and the very first slice is smaller still: it is what the first screen waits for.
    const events = msg && Array.isArray(msg.events) ? msg.events : null;
    if (events && events.length > (sliced ? SLICE : FIRST_SLICE)) {
      for (let i = 0; i < events.length;) {
        const n = sliced ? SLICE : FIRST_SLICE;
        inbox.push({ ...msg, events: events.slice(i, i + n) });
        i += n;
        sliced = true;
      }
    } else {
      inbox.push(msg);
      if (events) sliced = true;
    }
    // Live traffic with nothing waiting goes straight through; otherwise it keeps its place in line.
    if (listeners.length && !draining) deliverOne();
  }

  function connect() {
    if (closed) return;
    port = chrome.runtime.connect({ name: `socketscope-panel:${tabId}` });
    port.onMessage.addListener((m) => { retry = 0; onMessage(m); });
    port.onDisconnect.addListener(() => {
      void chrome.runtime.lastError;
      port = null;
      if (!closed) setTimeout(connect, Math.min(1000, 50 * 2 ** retry++));
    });
    for (const [page, seq] of last) port.postMessage({ cmd: 'sync', v: V, page, since: seq + 1 });
    port.postMessage({ cmd: 'sync', v: V, page: null, since: 0 });
    for (const c of queue.splice(0)) port.postMessage(c);
  }

  connect();
  return {
    listen(callback) {
      listeners.push(callback);
      // The first waiting message at once (the panel listens once it is mounted, so the first
      // screen is drawn with data in the next frame), the rest one per task.
      if (inbox.length && !draining) deliverOne();
    },
    send(command) {
      const c = { v: V, ...(typeof command === 'string' ? JSON.parse(command) : command) };
      if (port) port.postMessage(c); else queue.push(c);
    },
    /** Messages received but not yet handed to the listeners (a backlog being drained). */
    backlog() { return inbox.length; },
    close() { closed = true; if (port) port.disconnect(); port = null; },
  };
}
