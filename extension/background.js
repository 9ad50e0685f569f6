// Socketscope background: a stateless router between the relays (one per document) and the panels
// of a tab. Chrome stops idle MV3 service workers at any time, so nothing here is data: the maps
// below only hold live ports (and the sync commands of attached panels, so relays that connect
// later are told what the panel wants). When the worker dies every port disconnects; relays and
// panels reconnect and the panel resyncs from the relays' buffers by sequence number.
// The same file runs as Chrome's service_worker and as Firefox's background script.
'use strict';

const V = 1;
const RELAY = 'socketscope-relay';
const PANEL = 'socketscope-panel:';
const EXT_ORIGIN = chrome.runtime.getURL('');

const panels = new Map(); // tab id -> Set of panel ports
const relays = new Map(); // tab id -> Set of relay ports
const syncs = new WeakMap(); // panel port -> its sync commands, replayed to relays that connect later

const add = (map, tab, port) => { if (!map.has(tab)) map.set(tab, new Set()); map.get(tab).add(port); };
const remove = (map, tab, port) => { const s = map.get(tab); if (s) { s.delete(port); if (!s.size) map.delete(tab); } };
const post = (port, msg) => { try { port.postMessage(msg); } catch { /* disconnected meanwhile */ } };

// Ask every relay of the tab to connect (they connect once at start-up and are told to detach
// while no panel is attached, so that no data crosses the port unless someone is looking).
function attach(tab) {
  chrome.tabs.sendMessage(tab, { v: V, kind: 'attach' }).catch(() => {});
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === RELAY) onRelay(port);
  else if (port.name.startsWith(PANEL)) onPanel(port, Number(port.name.slice(PANEL.length)));
  else port.disconnect();
});

function onRelay(port) {
  const tab = port.sender && port.sender.tab ? port.sender.tab.id : -1;
  if (!Number.isInteger(tab) || tab < 0) { port.disconnect(); return; }
  const ps = panels.get(tab);
  if (!ps) { post(port, { v: V, kind: 'detach' }); return; } // the relay disconnects itself
  add(relays, tab, port);
  port.onDisconnect.addListener(() => remove(relays, tab, port));
  port.onMessage.addListener((m) => {
    if (!m || m.v !== V || typeof m.page !== 'string' || !Array.isArray(m.events)) return;
    m.tab = tab;
    for (const p of panels.get(tab) || []) post(p, m);
  });
  for (const p of ps) for (const c of syncs.get(p) || []) post(port, c);
}

function onPanel(port, tab) {
  // Only our own extension pages (the DevTools panel, panel.html?tab=...) may attach; a content
  // script's port carries its page's URL.
  const url = (port.sender && port.sender.url) || '';
  if (!url.startsWith(EXT_ORIGIN) || !Number.isInteger(tab) || tab < 0) { port.disconnect(); return; }
  add(panels, tab, port);
  syncs.set(port, []);
  port.onDisconnect.addListener(() => {
    remove(panels, tab, port);
    if (panels.has(tab)) return;
    for (const r of relays.get(tab) || []) post(r, { v: V, kind: 'detach' });
    relays.delete(tab);
  });
  port.onMessage.addListener((c) => {
    if (!c || c.v !== V || typeof c.cmd !== 'string') return;
    if (c.cmd === 'sync') {
      const list = syncs.get(port);
      list.push(c);
      if (list.length > 256) list.splice(0, list.length - 256);
    }
    const rs = relays.get(tab);
    if (rs) for (const r of rs) post(r, c);
    else attach(tab);
  });
  attach(tab);
}

// The per-tab frame cap: a relay's count of stored frames goes to every document of its tab
// (relay.js, "the frame cap is per tab"). Counts only, never data.
chrome.runtime.onMessage.addListener((m, sender) => {
  if (!m || m.v !== V || m.kind !== 'usage' || sender.id !== chrome.runtime.id || !sender.tab) return;
  if (typeof m.page !== 'string' || !Number.isInteger(m.frames)) return;
  chrome.tabs.sendMessage(sender.tab.id, { v: V, kind: 'usage', page: m.page, frames: m.frames }).catch(() => {});
});

// Tab notices for the panel: navigation starts/ends, tab closed.
chrome.tabs.onUpdated.addListener((tab, info, t) => {
  const ps = panels.get(tab);
  if (!ps || (info.status !== 'loading' && info.status !== 'complete')) return;
  for (const p of ps) post(p, { v: V, notice: 'tab', status: info.status, url: (t && t.url) || '' });
});
chrome.tabs.onRemoved.addListener((tab) => {
  for (const p of panels.get(tab) || []) post(p, { v: V, notice: 'tab', status: 'closed', url: '' });
});

// Handshakes: the HTTP side of every ws:// and wss:// connection of a tab, including sockets the
// hook cannot see (workers, WebSocketStream). The status is remembered between onHeadersReceived
// and the request's end only; if the worker dies in between, the end event still arrives (with
// its own status on onCompleted).
const statusOf = new Map(); // requestId -> HTTP status
const FILTER = { urls: ['<all_urls>'], types: ['websocket'] };

function handshake(d, fields) {
  if (d.tabId < 0) return; // not a tab (e.g. a service worker's socket): nowhere to show it
  const event = { type: 'handshake', t: d.timeStamp, url: d.url, ...fields };
  const msg = { v: V, kind: 'handshake', event };
  const frameId = d.frameId >= 0 ? d.frameId : 0;
  chrome.tabs.sendMessage(d.tabId, msg, { frameId }).catch(() => {
    // The frame has no relay (yet, or any more): keep it with the tab's top document instead.
    if (frameId !== 0) chrome.tabs.sendMessage(d.tabId, msg, { frameId: 0 }).catch(() => {});
  });
}
chrome.webRequest.onHeadersReceived.addListener((d) => {
  if (statusOf.size > 1000) statusOf.clear();
  statusOf.set(d.requestId, d.statusCode);
}, FILTER);
chrome.webRequest.onCompleted.addListener((d) => {
  const status = d.statusCode || statusOf.get(d.requestId);
  statusOf.delete(d.requestId);
  handshake(d, status ? { status } : {});
}, FILTER);
chrome.webRequest.onErrorOccurred.addListener((d) => {
  const status = statusOf.get(d.requestId);
  statusOf.delete(d.requestId);
  handshake(d, status ? { status, error: d.error } : { error: d.error });
}, FILTER);
