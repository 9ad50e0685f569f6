// Firefox ESR for end-to-end tests, driven over its built-in WebDriver BiDi from node `ws`
// (geckodriver cannot be installed here). The add-on is installed with webExtension.install
// {type: "path"}, and its moz-extension:// UUID is pinned through `extensions.webextensions.uuids`
// so tests can open its pages. Logs go to target/e2e/.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ROOT, ARTIFACTS } from './browser.mjs';

export const FIREFOX_EXT = path.join(ROOT, 'dist/firefox');
export const FIREFOX_ID = 'socketscope@socketscope.dev'; // manifest.firefox.json gecko id

const PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.autoDisableScopes': 0,
  'remote.active-protocols': 1, // BiDi only
};

/** Launch headless Firefox ESR with the extension installed. */
export async function launchFirefox({ extensionPath = FIREFOX_EXT, logName = 'firefox' } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'socketscope-firefox-'));
  const uuid = randomUUID();
  const prefs = { ...PREFS, 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: uuid }) };
  writeFileSync(path.join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
  const log = createWriteStream(path.join(ARTIFACTS, `${logName}.log`));
  // --remote-allow-system-access: BiDi may then navigate to moz-extension:// pages (refused otherwise).
  const proc = spawn(process.env.FIREFOX || '/usr/bin/firefox-esr', ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', '--remote-allow-system-access'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Both pipes write to one log, which close() ends once the process's pipes are closed: stderr can
  // still deliver output after stdout has ended (a write after end throws outside any test).
  const closed = new Promise((r) => proc.once('close', r));
  proc.stdout.on('data', (d) => log.writableEnded || log.write(d));
  const endpoint = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('firefox: no WebDriver BiDi endpoint within 30 s')), 30000);
    proc.stderr.on('data', (d) => {
      if (!log.writableEnded) log.write(d);
      buf += d;
      const m = buf.match(/WebDriver BiDi listening on (ws:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`firefox exited early (${code}); see target/e2e/${logName}.log`)); });
  });
  const ws = new WebSocket(`${endpoint}/session`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === 'error') reject(new Error(`${msg.error}: ${msg.message}`));
      else resolve(msg.result);
    } else if (msg.type === 'event') {
      for (const l of listeners) l(msg);
    }
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  await send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } });
  const { extension } = await send('webExtension.install', { extensionData: { type: 'path', path: extensionPath } });

  const self = {
    send,
    uuid,
    extensionId: extension,
    extensionUrl: (file) => `moz-extension://${uuid}/${file}`,
    onEvent: (fn) => listeners.push(fn),
    /** Open a new tab at `url` and wait for its load; returns the BiDi context id. */
    async open(url) {
      const { context } = await send('browsingContext.create', { type: 'tab' });
      await send('browsingContext.navigate', { context, url, wait: 'complete' });
      return context;
    },
    /** Evaluate `fn(arg)` (serialised as source) in a context and return its JSON result. */
    async evaluate(context, fn, arg) {
      const expression = `(async () => JSON.stringify(await (${fn})(${JSON.stringify(arg ?? null)})))()`;
      const r = await send('script.evaluate', { expression, target: { context }, awaitPromise: true, resultOwnership: 'none' });
      if (r.type === 'exception') throw new Error(`firefox evaluate: ${r.exceptionDetails.text}`);
      return r.result.type === 'string' ? JSON.parse(r.result.value) : undefined;
    },
    async waitFor(context, fn, arg, { timeout = 15000, what = 'condition' } = {}) {
      const end = Date.now() + timeout;
      let last;
      while (Date.now() < end) {
        last = await self.evaluate(context, fn, arg);
        if (last) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`firefox: timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 500)}`);
    },
    async close() {
      try { await Promise.race([send('browser.close'), new Promise((r) => setTimeout(r, 3000))]); } catch { /* already gone */ }
      ws.close();
      if (proc.exitCode === null) { proc.kill('SIGTERM'); await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); }); }
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      log.end();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return self;
}
