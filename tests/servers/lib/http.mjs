// Small HTTP plumbing shared by the demo and the Phoenix-protocol server: listen on 127.0.0.1 with
// a clear error for a taken port, serve a few static folders, and route WebSocket upgrades by path.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(SERVERS_DIR, '../..');
export const PHOENIX_MJS = path.join(ROOT, 'node_modules/phoenix/priv/static/phoenix.mjs');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
};

/**
 * Serves files. `mounts` maps a URL prefix ("/", "/vendor/") to a folder, or an exact path to a
 * file. Paths are resolved inside their folder, so `..` cannot escape it.
 */
export function staticHandler(mounts) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  return async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    for (const [prefix, target] of entries) {
      let file;
      if (pathname === prefix && !prefix.endsWith('/')) file = target;
      else if (prefix.endsWith('/') && pathname.startsWith(prefix)) {
        const rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
        file = path.resolve(target, rel);
        if (file !== target && !file.startsWith(target + path.sep)) continue;
      } else continue;
      try {
        if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
        return true;
      } catch {
        /* fall through to the next mount, then 404 */
      }
    }
    return false;
  };
}

/** Answers an upgrade request with a plain HTTP status instead of a WebSocket (what servers do when they refuse a handshake). */
export function refuseUpgrade(socket, status = 403, reason = 'Forbidden') {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Creates a server on 127.0.0.1. `routes` is a list of `{match(pathname), upgrade(req, socket, head, url)}`
 * for WebSocket paths; `http(req, res)` answers the rest (return false for 404).
 */
export function createAppServer({ http, routes = [] }) {
  const server = createServer(async (req, res) => {
    try {
      if (!(await http(req, res))) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x');
    const route = routes.find((r) => r.match(url.pathname));
    if (!route) return refuseUpgrade(socket, 404, 'Not Found');
    route.upgrade(req, socket, head, url);
  });
  return server;
}

/** Listens on 127.0.0.1:`port` (0 picks a free one). A taken port rejects with a message that says what to do. */
export function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} on 127.0.0.1 is already in use; stop whatever holds it or pick another port`));
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(server.address().port);
    });
  });
}

/** Closes the server and every open connection (ws keeps sockets alive, which would stall close()). */
export function closeServer(server, wsServers = []) {
  for (const wss of wsServers) for (const client of wss.clients) client.terminate();
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
