#!/usr/bin/env bash
# Builds the panel with Trunk into target/trunk, shrinks the wasm with npm binaryen's wasm-opt, and
# assembles dist/{chrome,firefox,web} plus the store zips. Trunk empties its own output folder on
# every build, which is why dist/ is assembled here and not by Trunk.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
source scripts/versions.sh
export PATH="$HOME/.cargo/bin:$PATH"
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$here/target/xdg-cache}"
log() { printf '[build] %s\n' "$*"; }

# One build at a time per checkout: two builds race on target/trunk and dist/. End-to-end runs that
# must not see dist/ replaced mid-run can hold the same lock shared: `flock -s target/.dist.lock ...`.
mkdir -p target
exec 9>target/.dist.lock
flock 9

[ "${SOCKETSCOPE_SKIP_SETUP:-}" = 1 ] || scripts/setup.sh build

log "trunk build --release (offline)"
trunk build --release --offline >target/trunk-build.log 2>&1 || { cat target/trunk-build.log; echo "[build] trunk failed: see the log above" >&2; exit 1; }

wasm=target/trunk/socketscope_bg.wasm
scripts/wasm-opt.sh "$wasm" "$wasm"

# The lazily loaded modules (verify.js + verify_bg.wasm, har.js + har_bg.wasm) are built by Trunk's
# post_build hook, scripts/build-modules.sh, so `trunk serve` has them too.

# The panel's view chunks (split_*.wasm, and chunk_*.wasm for shared code; scripts/split-panel.sh).
chunks=($(cd target/trunk && ls | grep -E '^(split|chunk)_.+\.wasm$' || true))
panel_files=(boot.js socketscope.js socketscope_bg.wasm __wasm_split.js verify.js verify_bg.wasm har.js har_bg.wasm "${chunks[@]}")
css=$(cd target/trunk && ls *.css)
rm -rf dist && mkdir -p dist/web dist/chrome dist/firefox

cp target/trunk/index.html dist/web/index.html
for f in "${panel_files[@]}" $css; do cp "target/trunk/$f" dist/web/; done

after_first_screen=$(node scripts/startup-size.mjs --after-files target/trunk)
for browser in chrome firefox; do
  out="dist/$browser"
  cp -r extension/. "$out/" && rm -f "$out"/manifest.*.json
  cp "extension/manifest.$browser.json" "$out/manifest.json"
  # The extension panel fetches the panel views' chunk as soon as it has a connection to show (the
  # cards are in it): preload its files with the startup files, so only its compile is left between
  # the connections list and the cards. Not the standalone page: it needs them only after an import.
  node -e '
    const [html, out] = process.argv.slice(1), files = process.argv.slice(3);
    const fs = require("node:fs"), page = fs.readFileSync(html, "utf8");
    const links = files.map((f) => `    <link rel="preload" href="${f}" as="fetch" type="application/wasm" crossorigin />\n`).join("");
    if (!/\n\s*<\/head>/.test(page)) throw new Error(`${html}: no </head> line to put the preloads before`);
    fs.writeFileSync(out, page.replace(/\n(\s*)<\/head>/, (_, indent) => `\n${links}${indent}</head>`));
  ' target/trunk/index.html "$out/panel.html" $after_first_screen
  for f in "${panel_files[@]}" $css; do cp "target/trunk/$f" "$out/"; done
  python3 - "$out" "dist/socketscope-$browser.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(src):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, src))
PY
done

raw=$(stat -c %s "$wasm"); gz=$(gzip -9c "$wasm" | wc -c); js=$(gzip -9c target/trunk/socketscope.js | wc -c)
loader=$(gzip -9c target/trunk/__wasm_split.js | wc -c)
log "panel wasm: $raw bytes raw, $gz bytes gzipped; glue js: $js + $loader (chunk loader) bytes gzipped"
for chunk in "${chunks[@]}"; do
  log "  view chunk $chunk (loaded on first use): $(stat -c %s "target/trunk/$chunk") bytes raw, $(gzip -9c "target/trunk/$chunk" | wc -c) bytes gzipped"
done
for m in "verify:first Verify" "har:first HAR import or export"; do
  name=${m%%:*}; mwasm=target/trunk/${name}_bg.wasm
  mraw=$(stat -c %s "$mwasm"); mgz=$(gzip -9c "$mwasm" | wc -c); mjs=$(gzip -9c "target/$name/$name.js" | wc -c)
  log "$name module (loaded on ${m#*:}): $mraw bytes raw, $mgz bytes gzipped; its js: $mjs bytes gzipped"
done
log "dist/chrome dist/firefox dist/web dist/socketscope-chrome.zip dist/socketscope-firefox.zip"

# Issue #5's budget for what the panel loads before its first screen (scripts/startup-size.mjs).
size=$(node scripts/startup-size.mjs dist/chrome --check)
log "startup wasm + JS, as the panel bench counts it: $size"
