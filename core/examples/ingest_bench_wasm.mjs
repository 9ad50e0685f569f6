// Runs the ingest benchmark compiled to wasm32-unknown-unknown (what the panel runs) in Node's
// V8 and prints frames/s and memory per frame. `node core/examples/ingest_bench_wasm.mjs [frames]`
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// The UI crate is built alongside so that its getrandom "js" feature (needed by the JWT
// verifier's dependencies on wasm32) unifies into this build, as in the panel.
execFileSync("cargo", ["build", "--release", "-q", "-p", "socketscope", "-p", "socketscope-core", "--example", "ingest_bench_wasm", "--target", "wasm32-unknown-unknown"], { cwd: root, stdio: "inherit" });
const wasm = readFileSync(join(root, "target", "wasm32-unknown-unknown", "release", "examples", "ingest_bench_wasm.wasm"));
// The JWT verifier's dependencies leave wasm-bindgen imports in the module; the benchmark never
// reaches them, so stubs that throw are enough.
const module = await WebAssembly.compile(wasm);
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  imports[imp.module] ??= {};
  imports[imp.module][imp.name] = () => { throw new Error(`unexpected call to ${imp.module}.${imp.name}`); };
}
const instance = await WebAssembly.instantiate(module, imports);
const x = instance.exports;
const n = Number(process.argv[2] || 1_000_000);
console.log(`socketscope-core ingest benchmark (wasm32, ${process.version}): ${n} frames per protocol`);
for (const [kind, name] of [[0, "PhoenixV2"], [1, "SocketIo"]]) {
  x.bench_reset(kind);
  let busy = 0;
  for (let from = 0; from < n; from += 50_000) {
    const to = Math.min(n, from + 50_000);
    x.bench_prepare(kind, from, to);
    const t = performance.now();
    x.bench_ingest();
    busy += performance.now() - t;
  }
  const heap = x.bench_heap_bytes();
  console.log(`${name}: ${(n / busy / 1000).toFixed(2)} M frames/s (${(busy * 1e6 / n).toFixed(0)} ns/frame), ${(heap / n).toFixed(1)} B/frame held`);
}
