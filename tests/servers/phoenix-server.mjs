#!/usr/bin/env node
// A Phoenix-protocol document service (the guide's "Levee") for the official phoenix.js client.
// Tests import startPhoenixServer(); `node tests/servers/phoenix-server.mjs` runs it by hand
// (PHOENIX_PORT, default 4000) and prints a page URL with a fresh token.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PhoenixEndpoint } from './lib/phoenix-protocol.mjs';
import { documentChannel } from './lib/document-channel.mjs';
import { createAppServer, listen, closeServer, staticHandler, SERVERS_DIR, PHOENIX_MJS } from './lib/http.mjs';
import { sign, newSecret, nowSeconds } from './lib/jwt.mjs';

/** The socket path phoenix.js gets from `new Socket("/socket")`. */
export const SOCKET_PATH = '/socket/websocket';

/** The endpoint and its document service, for a server of one's own (the demo mounts these). */
export function createPhoenixApp({ tenants, documents }) {
  const docs = documentChannel({ tenants, documents });
  const endpoint = new PhoenixEndpoint({ path: SOCKET_PATH, channels: [docs.channel] });
  return { endpoint, docs, pages: { '/phoenix/': path.join(SERVERS_DIR, 'phoenix'), '/vendor/phoenix.mjs': PHOENIX_MJS } };
}

/** A Levee-style token for `tenantId`/`documentId`, signed with that tenant's secret. */
export function documentToken(secret, { tenantId, documentId, user = { id: 'user-1' }, scopes = ['doc:read', 'doc:write'], ttlS = 3600, extra = {} }) {
  const iat = nowSeconds();
  return sign({ tenantId, documentId, user, scopes, iat, exp: iat + ttlS, ver: '1.0', ...extra }, secret);
}

/**
 * Starts the server on 127.0.0.1 (port 0 = a free one). Resolves to
 * {port, origin, socketUrl, docs, close()}; `socketUrl` is what phoenix.js takes ("ws://.../socket").
 */
export async function startPhoenixServer({ port = 0, tenants, documents }) {
  const app = createPhoenixApp({ tenants, documents });
  const server = createAppServer({ http: staticHandler(app.pages), routes: [app.endpoint.route()] });
  const bound = await listen(server, port);
  const origin = `http://127.0.0.1:${bound}`;
  return {
    port: bound,
    origin,
    socketUrl: `ws://127.0.0.1:${bound}/socket`,
    pageUrl: `${origin}/phoenix/`,
    docs: app.docs,
    endpoint: app.endpoint,
    close: () => closeServer(server, [app.endpoint.wss]),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tenants = { acme: newSecret(), globex: newSecret() };
  const documents = ['acme:doc-1', 'acme:doc-2', 'globex:doc-1'];
  const port = Number(process.env.PHOENIX_PORT ?? 4000);
  const srv = await startPhoenixServer({ port, tenants, documents }).catch((err) => {
    console.error(`phoenix-server: ${err.message}`);
    process.exit(1);
  });
  const token = documentToken(tenants.acme, { tenantId: 'acme', documentId: 'doc-1' });
  console.log(`Phoenix-protocol server on ${srv.socketUrl}/websocket (documents: ${documents.join(', ')})`);
  console.log(`Page: ${srv.pageUrl}?topic=document:acme:doc-1&token=${token}`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
