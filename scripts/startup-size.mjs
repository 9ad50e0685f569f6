#!/usr/bin/env node
// The panel's startup size, counted one way for every report: the wasm and the JS the panel loads
// before its first screen (boot.js, transport.js, socketscope.js, the chunk loader), gzipped with
// node's zlib at level 9; and, apart, the panel views' chunk fetched right after the first screen
// without a click (src/ui/lazy.rs), with every shared chunk it needs.
//
//   node scripts/startup-size.mjs [dist] [--check]
//   node scripts/startup-size.mjs --gz FILE      (one file, counted the same way)
//   node scripts/startup-size.mjs --after-files DIR   (the files of the chunk fetched right after the first screen)
//
// Prints one JSON line (or, with --gz, the number). With --check (scripts/build.sh, so ./test),
// exits 1 when the startup total is above issue #5's budget, BUDGET below.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Issue #5: the panel's wasm plus JS, gzipped, <= 250 KB. */
export const BUDGET = 256000;
const STARTUP_WASM = 'socketscope_bg.wasm';
const STARTUP_JS = ['socketscope.js', '__wasm_split.js', 'boot.js', 'transport.js'];
/** The chunk fetched as soon as there is a connection to show (src/ui/lazy.rs: the panel's views, the cards among them). */
export const AFTER_FIRST_SCREEN = 'after_first_screen';

/** A file's size gzipped, the one way every size report counts it (node's zlib, level 9). */
export const gzSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The files of the chunk fetched right after the first screen: the chunk, then the shared chunks it needs. */
export function afterFirstScreenFiles(dist) {
  // __wasm_split.js names, above each shared chunk, the split points that need it.
  const loader = readFileSync(path.join(dist, '__wasm_split.js'), 'utf8');
  const shared = [...loader.matchAll(/\/\* ([\w, ]+) \*\/\s*const __(chunk_\d+)/g)]
    .filter(([, users]) => users.split(', ').includes(AFTER_FIRST_SCREEN))
    .map(([, , chunk]) => `${chunk}.wasm`);
  return [`split_${AFTER_FIRST_SCREEN}.wasm`, ...shared];
}

export function startupSize(dist) {
  const gz = (f) => {
    try {
      return gzSize(path.join(dist, f));
    } catch (e) {
      throw new Error(`${path.join(dist, f)}: ${e.code || e.message}. Build the panel first (scripts/build.sh); a split_*.wasm missing means a chunk in src/ui/lazy.rs was renamed without this script.`);
    }
  };
  const wasm = gz(STARTUP_WASM);
  const js = STARTUP_JS.reduce((n, f) => n + gz(f), 0);
  const after = afterFirstScreenFiles(dist).reduce((n, f) => n + gz(f), 0);
  const onDemand = readdirSync(dist).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f)).map((f) => [f, gz(f)]);
  return { wasm, js, total: wasm + js, after_first_screen: after, on_demand: onDemand };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--gz') {
    console.log(gzSize(args[1]));
    process.exit(0);
  }
  if (args[0] === '--after-files') {
    console.log(afterFirstScreenFiles(args[1]).join('\n'));
    process.exit(0);
  }
  const check = args.includes('--check');
  const dist = args.find((a) => !a.startsWith('--')) || 'dist/chrome';
  const size = startupSize(dist);
  console.log(JSON.stringify({ total: size.total, wasm: size.wasm, js: size.js, after_first_screen: size.after_first_screen, budget: BUDGET }));
  if (check && size.total > BUDGET) {
    console.error(`[size] the panel's startup wasm + JS is ${size.total} B gzipped, above issue #5's budget of ${BUDGET} B. `
      + 'Something new is on the startup path: scripts/size-floors.sh shows what it is made of; '
      + 'put code the connections list (the first screen) does not need in the panel views\' chunk (src/ui/lazy.rs).');
    process.exit(1);
  }
}
