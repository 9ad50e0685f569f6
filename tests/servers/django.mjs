#!/usr/bin/env node
// Starts the real stack of tests/servers/django_chat/: Debian's redis-server (no persistence) and
// Daphne serving the Django Channels app, each on a free 127.0.0.1 port, after building the React
// chat page with esbuild into target/django-chat/. Tests import startDjango(); by hand:
// `node tests/servers/django.mjs` (or tests/servers/start-django.sh) prints URLs and a token.
import path from 'node:path';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { startProcess, freePort } from './lib/process.mjs';
import { ROOT, SERVERS_DIR } from './lib/http.mjs';
import { sign, newSecret, nowSeconds } from './lib/jwt.mjs';

const APP_DIR = path.join(SERVERS_DIR, 'django_chat');
export const PAGE_DIR = path.join(ROOT, 'target/django-chat');
const VENV = process.env.SOCKETSCOPE_VENV || path.join(ROOT, 'target/venv');
const REDIS = process.env.REDIS_SERVER || '/usr/bin/redis-server';

/** Bundles static/app.jsx (React 19 from node_modules, no CDN) next to a copy of index.html. */
export async function buildChatPage(outDir = PAGE_DIR) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(APP_DIR, 'static/app.jsx')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  copyFileSync(path.join(APP_DIR, 'static/index.html'), path.join(outDir, 'index.html'));
  return outDir;
}

/**
 * Starts redis + daphne. Options become the app's environment (see config/settings.py):
 * idleTimeoutS, heartbeatIntervalS, rateLimit, rateWindowS, tokenDelayS, extraOrigins, and
 * allowedOrigins(origin) to replace the default list (the server's own origin, by IP and by localhost).
 * Resolves to {origin, wsBase, secret, token(claims), stop(), redis, daphne}.
 */
export async function startDjango({ idleTimeoutS = 60, heartbeatIntervalS = 20, rateLimit = 5, rateWindowS = 10, tokenDelayS = 0.05, extraOrigins = [], allowedOrigins, secret = newSecret() } = {}) {
  const daphneBin = path.join(VENV, 'bin/daphne');
  if (!existsSync(daphneBin)) throw new Error(`${daphneBin} is missing: run scripts/setup.sh (it installs tests/servers/requirements.txt)`);
  await buildChatPage();

  const redisPort = await freePort();
  const redis = await startProcess(REDIS, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    ready: /Ready to accept connections/, name: 'redis-server',
  });
  let daphne;
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    daphne = await startProcess(daphneBin, ['-b', '127.0.0.1', '-p', String(port), '--access-log', '-', 'config.asgi:application'], {
      cwd: APP_DIR,
      name: 'daphne',
      ready: new RegExp(`Listening on TCP address 127\\.0\\.0\\.1:${port}`),
      env: {
        PYTHONUNBUFFERED: '1',
        DJANGO_SETTINGS_MODULE: 'config.settings',
        REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
        CHAT_JWT_SECRET: secret,
        CHAT_ALLOWED_ORIGINS: (allowedOrigins ? allowedOrigins(origin) : [origin, `http://localhost:${port}`, ...extraOrigins]).join(','),
        CHAT_IDLE_TIMEOUT_S: String(idleTimeoutS),
        CHAT_HEARTBEAT_INTERVAL_S: String(heartbeatIntervalS),
        CHAT_RATE_LIMIT: String(rateLimit),
        CHAT_RATE_WINDOW_S: String(rateWindowS),
        CHAT_TOKEN_DELAY_S: String(tokenDelayS),
        CHAT_STATIC_DIR: PAGE_DIR,
      },
    });
    return {
      origin,
      port,
      redisPort,
      wsBase: `ws://127.0.0.1:${port}`,
      secret,
      /** An HS256 token for this server; `claims` override sub/iat/exp (1 hour by default). */
      token: (claims = {}) => sign({ sub: 'user-1', iat: nowSeconds(), exp: nowSeconds() + 3600, ...claims }, secret),
      redis,
      daphne,
      async stop() {
        await daphne.stop();
        await redis.stop();
      },
    };
  } catch (err) {
    await daphne?.stop();
    await redis.stop();
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const srv = await startDjango({
    idleTimeoutS: Number(env.CHAT_IDLE_TIMEOUT_S ?? 60),
    heartbeatIntervalS: Number(env.CHAT_HEARTBEAT_INTERVAL_S ?? 20),
  }).catch((err) => {
    console.error(`django: ${err.message}`);
    process.exit(1);
  });
  const token = srv.token({ sub: 'manual-user' });
  console.log(`Redis:    127.0.0.1:${srv.redisPort} (pid ${srv.redis.child.pid})`);
  console.log(`Daphne:   ${srv.origin} (pid ${srv.daphne.child.pid})`);
  console.log(`Chat page: ${srv.origin}/?token=${token}&send=hello`);
  console.log(`Socket:    ${srv.wsBase}/ws/chat/c1/?token=${token}`);
  console.log('Press Ctrl-C to stop.');
  const stop = () => srv.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
