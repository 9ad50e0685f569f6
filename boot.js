// Loads the panel's wasm without an inline script (MV3 forbids them) and picks the mode.
// One build, three modes, one transport seam:
//   DevTools panel   chrome.devtools.inspectedWindow exists      -> transport to that tab
//   extension tab    panel.html?tab=<id> inside the extension     -> transport to tab <id>
//   standalone page  anything else (no extension APIs)            -> no transport
import init, { start } from './socketscope.js';

// Compile the panel's wasm first: it is the longest step before the first screen, and it can run
// while the transport loads and the relays replay their buffers. compileStreaming needs the
// application/wasm type; a server without it gets the buffered path.
const compiled = fetch(new URL('./socketscope_bg.wasm', import.meta.url)).then((r) =>
  WebAssembly.compileStreaming(r.clone()).catch(async () => WebAssembly.compile(await r.arrayBuffer())));

function detect() {
  const ext = globalThis.chrome && chrome.runtime && chrome.runtime.id;
  if (ext && chrome.devtools && chrome.devtools.inspectedWindow) {
    return { mode: 'devtools', tab: chrome.devtools.inspectedWindow.tabId };
  }
  const tab = Number.parseInt(new URLSearchParams(location.search).get('tab') ?? '', 10);
  if (ext && Number.isInteger(tab)) return { mode: 'tab', tab };
  if (ext) return { mode: 'tab', tab: null }; // inside the extension but no tab chosen
  return { mode: 'standalone', tab: null };
}

const { mode, tab } = detect();
// Follow DevTools' theme (light or dark); elsewhere the CSS follows prefers-color-scheme.
if (mode === 'devtools' && chrome.devtools.panels && chrome.devtools.panels.themeName === 'dark') {
  document.documentElement.dataset.theme = 'dark';
}
let transport = null;
if (mode !== 'standalone' && tab !== null) {
  // Only the extension build ships transport.js; the standalone page never imports it.
  const { createTransport } = await import('./transport.js');
  transport = createTransport(tab);
}
// Signature verification (the crypto crates) is a wasm module of its own (verify/), imported on the
// first Verify click so the panel's startup wasm stays small. The verify box calls this; it answers
// the core's Verification as JSON.
let verifier = null;
globalThis.socketscopeVerify = async (token, key, nowMs, leewayS) => {
  verifier ??= import('./verify.js').then(async (m) => {
    await m.default({ module_or_path: './verify_bg.wasm' });
    return m;
  });
  try {
    return (await verifier).verify(token, key, nowMs, leewayS);
  } catch (e) {
    verifier = null; // try again on the next click
    throw e;
  }
};
await init({ module_or_path: await compiled });
start(mode, tab ?? undefined, transport ?? undefined);
