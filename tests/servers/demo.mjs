#!/usr/bin/env node
// The demo realtime app that `./run` starts in the foreground, so the panel has real traffic on
// the first run. 127.0.0.1 only, port DEMO_PORT (default 8787). The page at / opens:
//   - a chat socket, /ws/chat/<id>/?token=<HS256 JWT>, streaming each reply as several frames;
//   - a Phoenix v2 socket, /socket/websocket?vsn=2.0.0, via the official phoenix.js client;
//   - a chat socket with an expired token, which the server accepts and then closes with 4001.
// The JWT secrets are made at start; /config.json hands the page its tokens.
import path from 'node:path';
import { chatSocket } from './lib/chat-socket.mjs';
import { createPhoenixApp, documentToken } from './phoenix-server.mjs';
import { createAppServer, listen, closeServer, staticHandler, SERVERS_DIR } from './lib/http.mjs';
import { sign, newSecret, nowSeconds } from './lib/jwt.mjs';

const port = Number(process.env.DEMO_PORT ?? 8787);
const chatSecret = newSecret();
const tenants = { acme: newSecret() };
const phoenix = createPhoenixApp({ tenants, documents: ['acme:welcome'] });
const chat = chatSocket({ secret: chatSecret });

function config() {
  const now = nowSeconds();
  return {
    chat: {
      conversation: 'demo-1',
      token: sign({ sub: 'demo-user', iat: now, exp: now + 3600 }, chatSecret),
      // Expired ten minutes ago: the server accepts, then closes with 4001.
      expiredToken: sign({ sub: 'demo-user', iat: now - 4200, exp: now - 600 }, chatSecret),
    },
    phoenix: {
      topic: 'document:acme:welcome',
      token: documentToken(tenants.acme, { tenantId: 'acme', documentId: 'welcome', user: { id: 'demo-user' } }),
    },
  };
}

const files = staticHandler({ '/': path.join(SERVERS_DIR, 'demo'), ...phoenix.pages });
const server = createAppServer({
  http: async (req, res) => {
    if (new URL(req.url, 'http://x').pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(config()));
      return true;
    }
    return files(req, res);
  },
  routes: [chat.route(), phoenix.endpoint.route()],
});

try {
  await listen(server, port);
} catch (err) {
  console.error(`demo: ${err.message} (set DEMO_PORT to use another port)`);
  process.exit(1);
}
const origin = `http://127.0.0.1:${port}`;
console.log(`Demo app:           ${origin}/`);
console.log(`  chat socket:      ws://127.0.0.1:${port}/ws/chat/<conversation_id>/?token=<JWT>`);
console.log(`  Phoenix socket:   ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`);
console.log(`  Phoenix page:     ${origin}/phoenix/?topic=document:acme:welcome&token=...`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  await closeServer(server, [chat.wss, phoenix.endpoint.wss]);
  console.log(`demo: stopped (${signal})`);
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
