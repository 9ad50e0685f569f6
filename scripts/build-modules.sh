#!/usr/bin/env bash
# Builds the lazily loaded wasm modules: verify/ -> verify.js + verify_bg.wasm (signature
# verification, on the first Verify click) and har/ -> har.js + har_bg.wasm (HAR import and export,
# on first use). Run by Trunk as a post_build hook (Trunk.toml), so `trunk build` and `trunk serve`
# both ship them; it writes into Trunk's staging folder, or target/trunk when run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out="${TRUNK_STAGING_DIR:-target/trunk}"
mkdir -p "$out"
for name in verify har; do
  cargo build --release --target wasm32-unknown-unknown -p "socketscope-$name" >"target/$name-build.log" 2>&1 \
    || { cat "target/$name-build.log"; echo "[build] $name module failed: see the log above" >&2; exit 1; }
  rm -rf "target/$name"
  wasm-bindgen --target web --no-typescript --out-dir "target/$name" --out-name "$name" \
    "target/wasm32-unknown-unknown/release/socketscope_$name.wasm"
  scripts/wasm-opt.sh "target/$name/${name}_bg.wasm" "$out/${name}_bg.wasm"
  cp "target/$name/$name.js" "$out/$name.js"
done
