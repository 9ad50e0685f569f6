#!/usr/bin/env node
// Capture cost benchmark (a benchmark, not a test): `node tests/bench/capture-throughput.mjs [runs]`.
//
// The page's own WebSocket receive and send throughput with Socketscope recording, divided by the
// same without any extension, from a loopback server (tests/servers/capture-server.mjs), for
// 200,000 x 64 B JSON, 20,000 x 4 KiB and 200 x 1 MiB (text, plus binary rows for 4 KiB / 1 MiB).
// Variants, interleaved run by run (median of >= 5 runs):
//   none     no extension (the baseline)
//   ours     dist/chrome, no panel attached (recording into the relay's buffer)
//   panel    dist/chrome with a panel attached (events streamed through the background)
//   naive    a "postMessage every frame" hook (generated into target/bench/naive/), for comparison
//   floor    (diagnostic) a hook that only reads each message's data: the least any capture costs
// Chromium is started directly (no Playwright: its Network domain slows WebSocket delivery by
// 20-75%); the page reports its own timings to the server. Afterwards, memory after 1,000,000
// frames: the tab's and the extension's JS heap (CDP Runtime.getHeapUsage, attached only after the
// traffic) and process RSS. Results go to stdout and target/bench/capture-throughput.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, readdirSync, cpSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_FLAGS, CHROME_EXT, ROOT } from '../e2e/lib/browser.mjs';
import { startCaptureServer } from '../servers/capture-server.mjs';

const RUNS = Math.max(1, Number(process.argv[2] || 5));
const SCALE = Number(process.env.BENCH_SCALE || 1); // e.g. 0.1 for a quick look (not for numbers)
const DEBUG = process.env.BENCH_DEBUG === '1';      // Chromium's log (page console) on stderr
const OUT = path.join(ROOT, 'target/bench');
const NAIVE_EXT = path.join(OUT, 'naive');
const CASES = [
  ['text', 64, 200000], ['text', 4096, 20000], ['text', 1 << 20, 200],
  ['binary', 4096, 20000], ['binary', 1 << 20, 200],
].map(([k, s, n]) => [k, s, Math.max(1, Math.round(n * SCALE))])
  .filter(([k, s]) => !process.env.BENCH_CASES || process.env.BENCH_CASES.split(',').includes(`${k}-${s}`));
const MEMORY_FRAMES = 1000000;

// ---- the naive comparison hook: one window.postMessage per frame, JSON-able objects ----
function writeNaiveExtension() {
  mkdirSync(NAIVE_EXT, { recursive: true });
  writeFileSync(path.join(NAIVE_EXT, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'naive hook', version: '1.0',
    content_scripts: [
      { matches: ['<all_urls>'], js: ['hook.js'], world: 'MAIN', run_at: 'document_start', all_frames: true },
      { matches: ['<all_urls>'], js: ['relay.js'], run_at: 'document_start', all_frames: true },
    ],
  }));
  writeFileSync(path.join(NAIVE_EXT, 'hook.js'), `(() => {
    window[Symbol.for('naive.hook')] = true;
    const Native = WebSocket;
    const post = (m) => window.postMessage({ naive: 1, ...m }, '*');
    window.WebSocket = new Proxy(Native, { construct(t, a, n) {
      const ws = Reflect.construct(t, a, n);
      ws.addEventListener('message', (e) => post({ dir: 'in', t: performance.now(), data: e.data }));
      return ws;
    } });
    const send = Native.prototype.send;
    Native.prototype.send = function (d) { post({ dir: 'out', t: performance.now(), data: d }); return send.call(this, d); };
  })();`);
  writeFileSync(path.join(NAIVE_EXT, 'relay.js'), `const frames = [];
    addEventListener('message', (e) => { if (e.data && e.data.naive) frames.push(e.data); });`);
  // The floor of any page-level capture (diagnostic variant `floor`): a capturing listener that
  // reads each message's data, and a send wrapper that does nothing else. Chromium creates the
  // page's string or ArrayBuffer for a message only when a script reads `data`, which the bench
  // page itself never does; no hook can record a payload without paying for that.
  const floor = path.join(OUT, 'floor');
  mkdirSync(floor, { recursive: true });
  writeFileSync(path.join(floor, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'floor hook', version: '1.0',
    content_scripts: [{ matches: ['<all_urls>'], js: ['hook.js'], world: 'MAIN', run_at: 'document_start', all_frames: true }],
  }));
  writeFileSync(path.join(floor, 'hook.js'), `(() => {
    window[Symbol.for('floor.hook')] = true;
    const Native = WebSocket;
    let last = null;
    const read = (e) => { last = e.data; };
    window.WebSocket = new Proxy(Native, { construct(t, a, n) {
      const ws = Reflect.construct(t, a, n);
      ws.addEventListener('message', read, true);
      return ws;
    } });
    const send = Native.prototype.send;
    Native.prototype.send = function (d) { last = d; return send.call(this, d); };
  })();`);
}

// ---- pages ----
function benchPage(server, runId) {
  return `<!doctype html><title>bench</title><script>
  const WS = ${JSON.stringify(server.ws)}, CASES = ${JSON.stringify(CASES)};
  function payloads(kind, size) {
    const out = [];
    for (let k = 0; k < 16; k++) {
      if (kind === 'binary') { const b = new Uint8Array(size); for (let i = 0; i < size; i++) b[i] = (i + k) & 255; out.push(b); }
      else { const head = '{"i":' + k + ',"d":"', body = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1); out.push(head + body.slice(k, k + size - head.length - 2) + '"}'); }
    }
    return out;
  }
  function recv(kind, size, n) {
    return new Promise((resolve) => {
      const ws = new WebSocket(WS + '/flood?n=' + n + '&size=' + size + '&binary=' + (kind === 'binary' ? 1 : 0));
      ws.binaryType = 'arraybuffer';
      let c = 0, t0 = 0;
      ws.onopen = () => { t0 = performance.now(); };
      ws.onmessage = () => { if (++c === n) { const t = performance.now() - t0; ws.close(); resolve(t); } };
    });
  }
  async function send(kind, size, n) {
    const ws = new WebSocket(WS + '/sink');
    await new Promise((r) => { ws.onopen = r; });
    const pool = payloads(kind, size);
    const reply = new Promise((r) => { ws.onmessage = (e) => r(e.data); });
    const t0 = performance.now();
    let i = 0;
    await new Promise((resolve) => {
      const pump = () => {
        while (i < n) { ws.send(pool[i & 15]); i++; if (ws.bufferedAmount > (16 << 20)) return setTimeout(pump, 0); }
        resolve();
      };
      pump();
    });
    ws.send('done?');
    const answer = await reply;
    const t = performance.now() - t0;
    ws.close();
    if (answer !== 'done ' + n) throw new Error('server counted ' + answer + ', expected ' + n);
    return t;
  }
  // What keeping bytes costs here, in ms per MiB: 128 MiB copied into new 4 MiB buffers, all kept
  // until measured (most of it is the page faults of fresh memory). A recorder pays at least this
  // for every payload byte it keeps, and the page itself keeps nothing, so it bounds what any
  // recorder can reach (see \`ceiling\`).
  function freshMemoryCost() {
    const kept = [], from = new Uint8Array(4 << 20).fill(1), t0 = performance.now();
    for (let i = 0; i < 32; i++) { const b = new Uint8Array(4 << 20); b.set(from); kept.push(b); }
    return (performance.now() - t0) / 128;
  }
  (async () => {
    const results = {};
    try {
      for (const [kind, size, n] of CASES) {
        console.log('bench: recv', kind, size, n);
        results['recv ' + kind + ' ' + size] = await recv(kind, size, n);
        console.log('bench: send', kind, size, n);
        await new Promise((r) => setTimeout(r, 200));
        results['send ' + kind + ' ' + size] = await send(kind, size, n);
        await new Promise((r) => setTimeout(r, 200));
      }
    } catch (e) { results.error = String(e); }
    const hooks = Object.getOwnPropertySymbols(window).map(String);
    const freshMsPerMiB = freshMemoryCost();
    await fetch('/report', { method: 'POST', body: JSON.stringify({ runId: ${JSON.stringify(runId)}, hooks, results, freshMsPerMiB }) });
  })();
  </script>`;
}

function memoryPage(server, runId) {
  return `<!doctype html><title>memory</title><script>
  const ws = new WebSocket(${JSON.stringify(server.ws)} + '/flood?n=${MEMORY_FRAMES}&size=64');
  let c = 0;
  ws.onmessage = () => { if (++c === ${MEMORY_FRAMES}) setTimeout(() => fetch('/report', { method: 'POST', body: JSON.stringify({ runId: ${JSON.stringify(runId)}, count: c }) }), 1500); };
  </script>`;
}

// ---- Chromium, started directly ----
function startChromium(variant, url) {
  const dir = mkdtempSync(path.join(tmpdir(), 'socketscope-bench-'));
  const ext = variant === 'none' ? null : variant === 'ours' || variant === 'panel' ? CHROME_EXT : path.join(OUT, variant);
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${dir}`, '--remote-debugging-port=0', '--no-default-browser-check',
    ...(DEBUG ? ['--enable-logging=stderr', '--v=0'] : []),
    ...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : []), 'about:blank'];
  const proc = spawn(process.env.CHROMIUM || '/usr/bin/chromium', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const handle = { proc, dir };
  live.add(handle);
  proc.on('exit', () => live.delete(handle));
  const devtools = new Promise((resolve, reject) => {
    let buf = '';
    proc.stderr.on('data', (d) => { if (DEBUG) process.stderr.write(d); buf += d; const m = buf.match(/DevTools listening on (ws:\/\/\S+)/); if (m) resolve(m[1]); });
    proc.on('exit', () => reject(new Error('chromium exited')));
  });
  devtools.catch(() => {});
  // With --load-extension Chromium ignores a URL on the command line, so open the page through the
  // browser endpoint; no CDP session is attached to it, so its sockets run at full speed.
  const opened = devtools.then(async (endpoint) => {
    const client = await cdp(endpoint);
    await client.send('Target.createTarget', { url });
    client.close();
  });
  opened.catch(() => {});
  return {
    opened,
    proc, dir, devtools,
    async stop() {
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((r) => { if (proc.exitCode !== null) r(); else { proc.once('exit', r); setTimeout(r, 5000); } });
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Minimal CDP client over the browser endpoint (flat sessions).
async function cdp(endpoint) {
  const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 << 20 });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  let id = 0;
  const pending = new Map();
  ws.on('message', (d) => { const m = JSON.parse(d); if (m.id && pending.has(m.id)) { const p = pending.get(m.id); pending.delete(m.id); m.error ? p.j(new Error(m.error.message)) : p.r(m.result); } });
  const send = (method, params = {}, sessionId) => new Promise((r, j) => { const i = ++id; pending.set(i, { r, j }); ws.send(JSON.stringify({ id: i, method, params, sessionId })); });
  return { send, close: () => ws.close() };
}
async function attach(client, targetId) {
  return (await client.send('Target.attachToTarget', { targetId, flatten: true })).sessionId;
}

// With a panel: open the extension's devtools.html in a second tab and run the real transport.js
// there, attached to the bench tab, counting what arrives (the counts are checked at the end).
async function attachPanel(browser) {
  const client = await cdp(await browser.devtools);
  let sw;
  for (let i = 0; i < 100 && !sw; i++) {
    sw = (await client.send('Target.getTargets')).targetInfos.find((t) => t.type === 'service_worker');
    if (!sw) await new Promise((r) => setTimeout(r, 50));
  }
  const extId = new URL(sw.url).host;
  // In the background: a foreground panel tab would hide the bench tab, and Chromium throttles the
  // timers of hidden tabs (the page's send loop paces itself with setTimeout).
  const { targetId } = await client.send('Target.createTarget', { url: `chrome-extension://${extId}/devtools.html`, background: true });
  const session = await attach(client, targetId);
  await new Promise((r) => setTimeout(r, 500));
  const expression = `(async () => {
    const tab = (await chrome.tabs.query({})).find((t) => (t.url || '').includes('/page/start-panel-') || (t.url || '').includes('/page/bench-panel-'));
    const { createTransport } = await import('./transport.js');
    window.__count = { events: 0, frames: 0 };
    createTransport(tab.id).listen((m) => { if (m.events) { window.__count.events += m.events.length; for (const e of m.events) if (e.type === 'frame') window.__count.frames++; } });
    return tab.id;
  })()`;
  const r = await client.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, session);
  if (r.exceptionDetails) throw new Error(`panel: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
  return { client, session, tab: r.result.value };
}

async function runOnce(server, variant, runId) {
  const bench = server.page(`bench-${runId}`, benchPage(server, runId));
  // Start on a waiting page so the extension is surely loaded before the measured document starts.
  const start = server.page(`start-${runId}`, `<!doctype html><script>setTimeout(() => { location.href = ${JSON.stringify(bench)}; }, 2500);</script>`);
  const report = waitReport(server, runId);
  const browser = startChromium(variant, start);
  let panel = null;
  try {
    await browser.opened;
    if (variant === 'panel') panel = await attachPanel(browser);
    const r = await report;
    if (panel) {
      await new Promise((res) => setTimeout(res, 1000));
      const c = await panel.client.send('Runtime.evaluate', { expression: 'window.__count', returnByValue: true }, panel.session);
      r.panelCount = c.result.value;
      panel.client.close();
    }
    return r;
  } finally {
    await browser.stop();
  }
}

function waitReport(server, runId, timeout = 600000) {
  return server.waitFor(() => server.reports.find((r) => r.runId === runId), timeout, `report ${runId}`);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function rss(pid) {
  try { return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024; } catch { return 0; }
}
async function memory(server, variant) {
  const runId = `mem-${variant}`;
  const url = server.page(`start-${runId}`, `<!doctype html><script>setTimeout(() => { location.href = ${JSON.stringify(server.page(runId, memoryPage(server, runId)))}; }, 2500);</script>`);
  const report = waitReport(server, runId);
  const browser = startChromium(variant, url);
  try {
    await browser.opened;
    await report;
    const client = await cdp(await browser.devtools);
    const { targetInfos } = await client.send('Target.getTargets');
    const heap = async (t) => {
      if (!t) return null;
      const s = await attach(client, t.targetId);
      await client.send('HeapProfiler.collectGarbage', {}, s).catch(() => {});
      return (await client.send('Runtime.getHeapUsage', {}, s)).usedSize;
    };
    const tabHeap = await heap(targetInfos.find((t) => t.type === 'page' && t.url.includes(runId)));
    const swHeap = await heap(targetInfos.find((t) => t.type === 'service_worker'));
    // RSS of this browser's renderer processes (its descendants); extension renderers (the service
    // worker's) carry --extension-process, the tab's renderer does not.
    const parent = new Map();
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try { parent.set(Number(p), Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1])); } catch { /* gone */ }
    }
    const isOurs = (pid) => { for (let q = pid, i = 0; q > 1 && i < 20; q = parent.get(q), i++) if (q === browser.proc.pid) return true; return false; };
    const procs = [];
    for (const pid of parent.keys()) {
      if (!isOurs(pid)) continue;
      let cmd = '';
      try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
      if (cmd.includes('--type=renderer')) procs.push({ ext: cmd.includes('--extension-process'), rss: rss(pid) });
    }
    client.close();
    return {
      tabHeap, swHeap,
      tabRss: procs.filter((p) => !p.ext).reduce((a, p) => Math.max(a, p.rss), 0),
      extRss: procs.filter((p) => p.ext).reduce((a, p) => a + p.rss, 0),
    };
  } finally {
    await browser.stop();
  }
}

// Browsers still running are stopped if the benchmark is interrupted.
const live = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { for (const b of live) try { process.kill(-b.proc.pid, 'SIGKILL'); rmSync(b.dir, { recursive: true, force: true }); } catch { /* gone */ } process.exit(130); });

// ---- main ----
const load0 = loadavg();
const server = await startCaptureServer({ record: false });
mkdirSync(OUT, { recursive: true });
writeNaiveExtension();
writeDiagnosticExtensions();
// Diagnostic variants (BENCH_VARIANTS=none,ours,floor,webrequest,scripts): the floor hook above,
// Socketscope with only its webRequest listeners (no content scripts), or only its content scripts
// (no webRequest).
const VARIANTS = (process.env.BENCH_VARIANTS || 'none,ours,panel,naive').split(',');
function writeDiagnosticExtensions() {
  const manifest = JSON.parse(readFileSync(path.join(CHROME_EXT, 'manifest.json'), 'utf8'));
  for (const [name, edit] of [['webrequest', (m) => { delete m.content_scripts; }], ['scripts', (m) => { m.permissions = m.permissions.filter((p) => p !== 'webRequest'); }]]) {
    const dir = path.join(OUT, name);
    rmSync(dir, { recursive: true, force: true });
    cpSync(CHROME_EXT, dir, { recursive: true });
    const m = structuredClone(manifest);
    edit(m);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
    if (name === 'scripts') writeFileSync(path.join(dir, 'background.js'), readFileSync(path.join(CHROME_EXT, 'background.js'), 'utf8').replace(/chrome\.webRequest\.\w+\.addListener/g, '(() => {})'));
  }
}
const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]));
const fresh = []; // freshMsPerMiB of every run
const KEPT_PER_PAYLOAD = 64 * 1024; // the default payload cap (CaptureSettings.max_payload)
const panelCounts = [];
try {
  for (let run = 0; run < RUNS; run++) {
    for (const variant of VARIANTS) {
      const r = await runOnce(server, variant, `${variant}-${run}`);
      if (r.results.error) throw new Error(`${variant} run ${run}: ${r.results.error}`);
      const hooked = r.hooks.includes('Symbol(socketscope.hook)') ? 'ours' : r.hooks.includes('Symbol(naive.hook)') ? 'naive' : r.hooks.includes('Symbol(floor.hook)') ? 'floor' : 'none';
      const expect = { none: 'none', ours: 'ours', panel: 'ours', naive: 'naive', floor: 'floor', webrequest: 'none', scripts: 'ours' }[variant];
      if (hooked !== expect) throw new Error(`${variant} run ${run}: page hook is ${hooked}`);
      if (variant === 'panel') {
        if (!r.panelCount || !r.panelCount.frames) throw new Error(`panel run ${run}: the panel received nothing`);
        panelCounts.push(r.panelCount);
      }
      runs[variant].push(r.results);
      fresh.push(r.freshMsPerMiB);
      process.stderr.write(`run ${run + 1}/${RUNS} ${variant}: ${Object.values(r.results).map((ms) => Math.round(ms)).join(' ')} ms\n`);
    }
  }
  const keys = Object.keys(runs.none[0]);
  const rows = keys.map((k) => {
    const [dir, kind, size] = k.split(' ');
    const n = CASES.find((c) => c[0] === kind && c[1] === Number(size))[2];
    const mbps = (v) => median(runs[v].map((r) => (n * Number(size)) / r[k] / 1000)); // MB/s
    // Ratio per run (same run, interleaved), then the median of the ratios.
    const ratios = Object.fromEntries(VARIANTS.filter((v) => v !== 'none').map((v) => [v, runs[v].map((r, i) => runs.none[i][k] / r[k])]));
    // The best ratio a recorder that keeps each payload byte once (up to the cap) can reach when the
    // page's thread is the bottleneck: the baseline's time per MiB plus fresh memory for the kept part.
    const perMiB = 1048576 / 1e6 * 1000 / mbps('none');
    const ceiling = perMiB / (perMiB + median(fresh) * Math.min(1, KEPT_PER_PAYLOAD / Number(size)));
    return {
      ceiling,
      case: `${dir} ${n} x ${Number(size) >= 1 << 20 ? '1 MiB' : Number(size) >= 1024 ? `${Number(size) / 1024} KiB` : `${size} B`} ${kind}`,
      baselineMBps: mbps('none'),
      ...Object.fromEntries(Object.entries(ratios).map(([v, rs]) => [v, median(rs)])),
      // The spread of the per-run ratios: on a small machine it is the noise the medians carry.
      range: Object.fromEntries(Object.entries(ratios).map(([v, rs]) => [v, [Math.min(...rs), Math.max(...rs)]])),
    };
  });
  process.stderr.write('memory after 1,000,000 frames...\n');
  const mem = process.env.BENCH_NO_MEMORY ? {} : { none: await memory(server, 'none'), ours: await memory(server, 'ours') };
  const fmt = (x) => x.toFixed(3);
  const MB = (b) => (b == null ? 'n/a' : `${(b / 1048576).toFixed(1)} MiB`);
  console.log(`\nCapture throughput, page-measured, median of ${RUNS} interleaved runs (ratio = with / without extension; lowest and highest run in brackets)`);
  console.log(`Machine: ${cpus().length} CPUs, load average at start ${load0.map((x) => x.toFixed(1)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine makes ratios noisy)`);
  console.log(`Keeping a copy of bytes in fresh memory costs ${median(fresh).toFixed(2)} ms per MiB in the page here (runs: ${Math.min(...fresh).toFixed(2)}-${Math.max(...fresh).toFixed(2)}). A recorder keeps what the page drops, so it pays that per MiB kept: "keep-once ceiling" is the best ratio any recorder can reach when the page's thread is the bottleneck.\n`);
  const LABEL = { ours: 'Socketscope, no panel', panel: 'Socketscope, panel attached', naive: 'naive postMessage hook', floor: 'read data only (floor)', webrequest: 'webRequest only', scripts: 'content scripts only' };
  const others = VARIANTS.filter((v) => v !== 'none');
  console.log(`| case | baseline MB/s | keep-once ceiling | ${others.map((v) => LABEL[v]).join(' | ')} |`);
  console.log(`|---|---:|---:|${others.map(() => '---:').join('|')}|`);
  for (const r of rows) console.log(`| ${r.case} | ${r.baselineMBps.toFixed(1)} | ${fmt(r.ceiling)}x | ${others.map((v) => `${fmt(r[v])}x (${r.range[v].map(fmt).join('-')})`).join(' | ')} |`);
  console.log(`\nMemory after ${MEMORY_FRAMES.toLocaleString('en')} frames of 64 B received (JS heap after GC; RSS):\n`);
  console.log('| | tab JS heap | tab renderer RSS | extension service worker heap | extension processes RSS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [v, m] of Object.entries(mem)) console.log(`| ${v === 'none' ? 'no extension' : 'Socketscope'} | ${MB(m.tabHeap)} | ${MB(m.tabRss)} | ${v === 'none' ? 'n/a' : m.swHeap == null ? 'not running (stopped when idle)' : MB(m.swHeap)} | ${MB(m.extRss)} |`);
  if (panelCounts.length) console.log(`\nPanel-attached runs: the panel received ${panelCounts.map((c) => c.frames).join(', ')} frames per run.`);
  writeFileSync(path.join(OUT, 'capture-throughput.json'), JSON.stringify({ runs, rows, freshMsPerMiB: fresh, memory: mem, panelCounts }, null, 1));
} finally {
  await server.close();
}
