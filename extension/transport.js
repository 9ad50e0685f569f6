// The panel's JS side of the transport seam (boot.js imports it; src/transport.rs wraps it).
//   createTransport(tabId) -> { listen(callback), send(command), close() }
// The callback gets every message from the background as-is: Batch objects {v, tab, page, events}
// and notices {v, notice, ...}. On connect it asks for everything (`sync {page: null, since: 0}`).
// When the port drops (Chrome killed the service worker) it reconnects and asks each known page for
// what follows the last sequence number it saw, then everything of pages it has not seen, so nothing
// is lost; the Rust model dedupes by (page, seq) in case something arrives twice.
const V = 1;

export function createTransport(tabId) {
  const listeners = [];
  const last = new Map(); // page -> highest seq received
  const queue = [];       // commands sent while disconnected
  let port = null;
  let closed = false;
  let retry = 0;

  function onMessage(msg) {
    if (msg && typeof msg.page === 'string' && Array.isArray(msg.events) && msg.events.length) {
      const top = msg.events[msg.events.length - 1].seq;
      if (Number.isFinite(top) && top > (last.get(msg.page) ?? 0)) last.set(msg.page, top);
    }
    for (const cb of listeners) {
      try { cb(msg); } catch (e) { console.error('socketscope: transport listener failed', e); }
    }
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
    listen(callback) { listeners.push(callback); },
    send(command) {
      const c = { v: V, ...(typeof command === 'string' ? JSON.parse(command) : command) };
      if (port) port.postMessage(c); else queue.push(c);
    },
    close() { closed = true; if (port) port.disconnect(); port = null; },
  };
}
