// Shared harness for end-to-end tests: real Debian Chromium with the built extension loaded.
// Every test uses this file, so launch flags and panel opening live in one place.
import { chromium } from 'playwright-core';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess } from '../../servers/lib/process.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHROME_EXT = path.join(ROOT, 'dist/chrome');
export const ARTIFACTS = path.join(ROOT, 'target/e2e');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launch Chromium with (or, with extension:false, without) the extension. */
export async function launch({ extension = true, args = [] } = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'socketscope-chromium-'));
  const extArgs = extension
    ? [`--disable-extensions-except=${CHROME_EXT}`, `--load-extension=${CHROME_EXT}`]
    : [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: false, // --headless=new below; Playwright's own headless mode cannot load extensions
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...CHROMIUM_FLAGS, ...extArgs, ...args],
  });
  trackCodeFetches(context);
  let extensionId = null;
  let worker = null;
  if (extension) {
    worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15000 }));
    extensionId = new URL(worker.url()).host;
    // The worker exists before its script has run: until then its webRequest listeners are not
    // registered and a page's handshakes go unrecorded (only ever right after install).
    await worker.evaluate(() => true);
  }
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, extensionId, worker, close };
}

/** Pages' wasm and JS fetches in flight (view chunks, modules), so shot() can wait for them. */
const codeInFlight = new WeakMap();
function trackCodeFetches(context) {
  const isCode = (r) => /\.(wasm|js)$/.test(new URL(r.url()).pathname);
  const pageOf = (r) => { try { return r.frame().page(); } catch { return null; } };
  const add = (r, d) => {
    const page = isCode(r) && pageOf(r);
    if (page) codeInFlight.set(page, (codeInFlight.get(page) || 0) + d);
  };
  context.on('request', (r) => add(r, 1));
  context.on('requestfinished', (r) => add(r, -1));
  context.on('requestfailed', (r) => add(r, -1));
}

/** Wait until the page fetches no code and has drawn what the fetched code added. */
async function settled(page) {
  for (let i = 0; i < 200; i++) {
    if (!(codeInFlight.get(page) > 0)) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      if (!(codeInFlight.get(page) > 0)) return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The background's current service worker (it can be restarted by Chrome or by a test). */
export async function serviceWorker(context) {
  return context.serviceWorkers()[0] || context.waitForEvent('serviceworker', { timeout: 15000 });
}

/** Chrome's tab id for a Playwright page, asked of the extension's service worker. */
export async function tabIdOf(context, page) {
  const url = page.url();
  const sw = await serviceWorker(context);
  const ids = await sw.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u).map((t) => t.id), url);
  if (ids.length !== 1) throw new Error(`expected one tab with url ${url}, found ${ids.length}`);
  return ids[0];
}

/** Open the panel as an extension tab attached to `tabId` (`panel.html?tab=<id>`). */
export async function openPanel(context, extensionId, tabId) {
  const panel = await context.newPage();
  const errors = [];
  panel.on('pageerror', (e) => errors.push(String(e)));
  panel.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await panel.goto(`chrome-extension://${extensionId}/panel.html?tab=${tabId}`);
  panel.socketscopeErrors = errors;
  return panel;
}

/** Where `scripts/docs.sh` (SOCKETSCOPE_DOCS_SHOTS=1) also puts shots: docs/debugging-guide.md shows them. */
export const GUIDE_SHOTS = path.join(ROOT, 'docs/screenshots/guide');
/** Every shot has this size, so the guide's images match and a rerun changes only what the panel changed. */
export const SHOT_VIEWPORT = { width: 1280, height: 800 };

/**
 * Save a screenshot under target/e2e/ (never into tracked files). With SOCKETSCOPE_DOCS_SHOTS=1 the
 * same image also goes to docs/screenshots/guide/<name>.png: the tests are the one place that
 * reproduces each symptom, and the docs command reuses them instead of copying their scenarios.
 */
export async function shot(page, name) {
  const size = page.viewportSize();
  if (size?.width !== SHOT_VIEWPORT.width || size?.height !== SHOT_VIEWPORT.height) {
    await page.setViewportSize(SHOT_VIEWPORT);
    // Let the panel lay out again at the new size before the capture.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  // The views drawn right after the first screen come from chunks (src/ui/lazy.rs): shoot them too.
  await settled(page);
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // The visible text beside the image, so docs can quote the panel's words instead of retyping them.
  writeFileSync(path.join(ARTIFACTS, `${name}.txt`), await page.innerText('body'));
  if (process.env.SOCKETSCOPE_DOCS_SHOTS === '1') {
    mkdirSync(GUIDE_SHOTS, { recursive: true });
    copyFileSync(file, path.join(GUIDE_SHOTS, `${name}.png`));
  }
}

/**
 * Attach to `tabId` through the real pipeline (relay -> background -> transport.js) from inside an
 * extension page, without the Leptos panel: opens devtools.html, imports transport.js there and
 * collects every message the background delivers. Returns helpers to read what arrived.
 */
export async function openCollector(context, extensionId, tabId) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/devtools.html`);
  await page.evaluate(async (tab) => {
    const { createTransport } = await import('./transport.js');
    window.__messages = [];
    window.__transport = createTransport(tab);
    window.__transport.listen((m) => window.__messages.push(m));
  }, tabId);
  return collectorHelpers(page);
}

/** Read helpers over `window.__messages` of a collector page (see openCollector). */
export function collectorHelpers(page) {
  const self = {
    page,
    /** Every message as received (batches and notices). */
    messages: () => page.evaluate(() => window.__messages),
    /** Events of every batch, deduplicated by (page, seq) like the Rust model, each with its page. */
    events: () => page.evaluate(() => {
      const seen = new Set(), out = [];
      for (const m of window.__messages) {
        if (!Array.isArray(m.events)) continue;
        for (const e of m.events) {
          const k = m.page + ':' + e.seq;
          if (!seen.has(k)) { seen.add(k); out.push({ ...e, page: m.page, tab: m.tab }); }
        }
      }
      return out;
    }),
    /** Send a command to the tab's relays through the transport. */
    send: (cmd) => page.evaluate((c) => window.__transport.send(c), cmd),
    /** Poll `pred(events)` (run in node) until it returns a truthy value. */
    async waitFor(pred, timeout = 15000, what = 'events') {
      const end = Date.now() + timeout;
      let evs = [];
      while (Date.now() < end) {
        evs = await self.events();
        const v = pred(evs);
        if (v) return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`collector: timed out waiting for ${what}; have ${evs.length} events: ${JSON.stringify(evs.slice(-5)).slice(0, 800)}`);
    },
  };
  return self;
}

/**
 * Stop the extension's service worker through CDP (Target.closeTarget on its target), as Chrome
 * does to idle workers. Returns once the target is gone; the next event or connect starts a new one.
 */
export async function stopServiceWorker(context, extensionId) {
  const cdp = await context.browser().newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
    if (!sw) throw new Error('no running service worker to stop');
    await cdp.send('Target.closeTarget', { targetId: sw.targetId });
    for (let i = 0; i < 100; i++) {
      const { targetInfos: now } = await cdp.send('Target.getTargets');
      if (!now.some((t) => t.targetId === sw.targetId)) return sw.targetId;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('service worker target did not go away');
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Frame payloads as bytes (text as UTF-8, binary from base64), for hashing against the server. */
export function frameBytes(frame) {
  return Buffer.from(frame.data, frame.op === 'binary' ? 'base64' : 'utf8');
}

/** Start the demo app (tests/servers/demo.mjs) on a free port: {origin, stop()}. */
export async function startDemo() {
  const port = await freePort();
  const proc = await startProcess('node', [path.join(ROOT, 'tests/servers/demo.mjs')], {
    env: { DEMO_PORT: String(port) }, ready: /Press Ctrl-C/, name: 'demo server',
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => proc.stop() };
}
