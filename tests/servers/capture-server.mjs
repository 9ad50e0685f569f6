// WebSocket + HTTP server for the capture tests and the capture benchmark. Listens on 127.0.0.1
// only, on a free port, and is stopped by the test that started it (`await server.close()`).
//
// HTTP: GET /page/<name> serves HTML registered with `server.page(name, html)`; any other GET is 404.
// WebSocket endpoints (the server keeps its own record of every message, so tests compare the
// panel's view with the server's, not with themselves):
//   /echo            echoes every message with its opcode
//   /flood?n&size&binary&interval   sends n messages of `size` bytes (text: JSON-ish ASCII), then
//                    keeps the connection open; `interval` ms between messages (default 0: burst)
//   /bytes           sends one binary message holding all 256 byte values, then echoes
//   /refuse          answers the handshake with HTTP 403 (the browser then reports close code 1006)
//   /sink            receives and counts (benchmark sends), answers "done <count>" on text "done?"
// Every connection is listed in `server.connections` with its path, query, and `in`/`out` arrays
// of {binary, data: Buffer}; `server.digest(list)` is the SHA-256 of a message list.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { WebSocketServer } from 'ws';

export function textPayload(size, i = 0) {
  // Deterministic ASCII JSON of exactly `size` bytes (size >= 16), different per index.
  const head = `{"i":${i},"d":"`;
  const tail = '"}';
  const fill = Math.max(0, size - head.length - tail.length);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const body = alphabet.repeat(Math.ceil(fill / alphabet.length) + 1).slice(i % alphabet.length, (i % alphabet.length) + fill);
  return head + body + tail;
}

export function binaryPayload(size, i = 0) {
  const b = Buffer.alloc(size);
  for (let k = 0; k < size; k++) b[k] = (i * 31 + k) & 0xff;
  return b;
}

export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export function sha256(buffers) {
  const h = createHash('sha256');
  for (const b of buffers) h.update(b);
  return h.digest('hex');
}

export async function startCaptureServer({ record = true } = {}) {
  const pages = new Map();
  const connections = [];
  const reports = [];
  const reportWaiters = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
        let r;
        try { r = JSON.parse(body); } catch { return; }
        reports.push(r);
        for (const w of reportWaiters.splice(0)) w();
      });
      return;
    }
    const m = url.pathname.match(/^\/page\/([\w.-]+)$/);
    if (req.method === 'GET' && m && pages.has(m[1])) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pages.get(m[1]));
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 << 20 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/refuse') {
      // What Daphne does when a Channels consumer closes before accept(): a plain HTTP 403.
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!['/echo', '/flood', '/bytes', '/sink'].includes(url.pathname)) { socket.destroy(); return; }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, url, req));
  });

  function onConnection(ws, url, req) {
    const conn = { path: url.pathname, query: Object.fromEntries(url.searchParams), origin: req.headers.origin, in: [], out: [], inCount: 0, closed: null };
    connections.push(conn);
    const send = (data, binary) => {
      if (record) conn.out.push({ binary, data: Buffer.from(data) });
      ws.send(data, { binary });
    };
    ws.on('message', (data, isBinary) => {
      conn.inCount++;
      if (record) conn.in.push({ binary: isBinary, data: Buffer.from(data) });
      if (url.pathname === '/echo' || url.pathname === '/bytes') send(data, isBinary);
      if (url.pathname === '/sink' && !isBinary && data.length === 5 && data.toString() === 'done?') {
        ws.send(`done ${conn.inCount - 1}`);
      }
    });
    ws.on('close', (code, reason) => { conn.closed = { code, reason: reason.toString() }; });
    if (url.pathname === '/bytes') send(ALL_BYTES, true);
    if (url.pathname === '/flood') {
      const n = Number(url.searchParams.get('n') || 0);
      const size = Number(url.searchParams.get('size') || 64);
      const binary = url.searchParams.get('binary') === '1';
      const interval = Number(url.searchParams.get('interval') || 0);
      let i = 0;
      // 64 distinct payloads per size, built once: the benchmark needs a server faster than the page.
      const pool = [];
      const payload = (k) => pool[k % 64] ??= (binary ? binaryPayload(size, k % 64) : textPayload(size, k % 64));
      const one = () => send(payload(i), binary);
      if (interval > 0) {
        const timer = setInterval(() => { if (i >= n || ws.readyState !== 1) return clearInterval(timer); one(); i++; }, interval);
      } else {
        // Burst, but respect backpressure so memory stays flat for the big runs.
        const pump = () => {
          while (i < n && ws.readyState === 1) {
            one(); i++;
            if (ws.bufferedAmount > 8 << 20) return setTimeout(pump, 1);
          }
        };
        pump();
      }
    }
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    connections,
    reports,
    page(name, html) { pages.set(name, html); return `http://127.0.0.1:${port}/page/${name}`; },
    digest: (list) => sha256(list.map((m) => m.data)),
    async waitFor(pred, timeout = 15000, what = 'condition') {
      const end = Date.now() + timeout;
      while (Date.now() < end) { const v = pred(); if (v) return v; await new Promise((r) => setTimeout(r, 20)); }
      throw new Error(`server: timed out waiting for ${what}`);
    },
    nextReport() { return new Promise((r) => reportWaiters.push(r)).then(() => reports[reports.length - 1]); },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
