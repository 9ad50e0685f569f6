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
// Code the first screen does not need is in wasm modules of their own, imported on first use so the
// panel's startup wasm stays small: signature verification (verify/: the crypto crates) and HAR
// import and export (har/). The panel calls `socketscopeModule(name, fn, ...args)`; each function
// answers with text (JSON).
const loaders = { verify: () => import('./verify.js'), har: () => import('./har.js') };
const modules = {};
globalThis.socketscopeModule = async (name, fn, ...args) => {
  if (!Object.hasOwn(loaders, name)) throw new Error(`no module "${name}"`);
  modules[name] ??= loaders[name]().then(async (m) => {
    await m.default({ module_or_path: `./${name}_bg.wasm` });
    return m;
  });
  try {
    return (await modules[name])[fn](...args);
  } catch (e) {
    delete modules[name]; // try again next time
    throw e;
  }
};
await init({ module_or_path: await compiled });
start(mode, tab ?? undefined, transport ?? undefined);
