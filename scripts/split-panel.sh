#!/usr/bin/env bash
# Cuts the panel's wasm into the startup module and one chunk per chunk name (src/ui/lazy.rs: the
# panel views, the standalone page, the session export), so the first screen loads only what it
# draws. Run by Trunk as a post_build hook (Trunk.toml), after Trunk's own wasm-bindgen step,
# whose output it replaces: the split has to happen before wasm-bindgen, from the linked wasm
# (built with --emit-relocs, build.rs). Writes into Trunk's staging folder, or target/trunk by hand.
#
# Output: socketscope.js + socketscope_bg.wasm (startup), __wasm_split.js (the chunk loader that
# socketscope.js imports), split_<chunk>.wasm per view, and chunk_<n>.wasm for code that several
# views share (each fetched with the first view that needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out="${TRUNK_STAGING_DIR:-target/trunk}"
linked="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/socketscope.wasm"
work=target/split
fail() { echo "[split] $*" >&2; exit 1; }

command -v wasm-split-cli >/dev/null || fail "wasm-split-cli is missing: run scripts/setup.sh build"
[ -f "$linked" ] || fail "$linked is missing: Trunk should have built it (index.html, data-cargo-features=split)"
rm -rf "$work" && mkdir -p "$work/bindgen" "$out"
wasm-split-cli "$linked" "$work" --target web --out-name socketscope >"$work/split.log" 2>&1 \
  || { cat "$work/split.log"; fail "wasm-split-cli failed: see the log above"; }
ls "$work"/split_*.wasm >/dev/null 2>&1 \
  || fail "no chunk was cut: was the panel built with the split feature (index.html data-cargo-features)?"
# --keep-lld-exports: the chunks import the main module's function table, which wasm-bindgen
# would otherwise drop.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$work/bindgen" --out-name socketscope "$work/socketscope.wasm"
cp "$work/bindgen/socketscope.js" "$work/bindgen/socketscope_bg.wasm" "$work/__wasm_split.js" "$out/"
rm -f "$out"/split_*.wasm "$out"/chunk_*.wasm
for chunk in "$work"/split_*.wasm "$work"/chunk_*.wasm; do
  [ -f "$chunk" ] || continue
  scripts/wasm-opt.sh "$chunk" "$out/$(basename "$chunk")"
done
