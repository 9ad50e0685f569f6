#!/usr/bin/env bash
# Builds the lazily loaded signature-verification module (verify/ -> verify.js + verify_bg.wasm).
# Run by Trunk as a post_build hook (Trunk.toml), so `trunk build` and `trunk serve` both ship it;
# it writes into Trunk's staging folder, or target/trunk when run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out="${TRUNK_STAGING_DIR:-target/trunk}"
cargo build --release --target wasm32-unknown-unknown -p socketscope-verify >target/verify-build.log 2>&1 \
  || { cat target/verify-build.log; echo "[build] verify module failed: see the log above" >&2; exit 1; }
rm -rf target/verify
wasm-bindgen --target web --no-typescript --out-dir target/verify --out-name verify \
  target/wasm32-unknown-unknown/release/socketscope_verify.wasm
scripts/wasm-opt.sh target/verify/verify_bg.wasm "$out/verify_bg.wasm"
cp target/verify/verify.js "$out/verify.js"
