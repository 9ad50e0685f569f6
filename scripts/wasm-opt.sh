#!/usr/bin/env bash
# wasm-opt -Oz with npm binaryen (pinned in package.json): scripts/wasm-opt.sh IN OUT.
# Debian's binaryen (108) produces a broken module here; npm binaryen works when the features are
# named (--all-features emits "compact imports", which Chromium rejects).
# --merge-similar-functions first: generic code instantiated many times (Leptos views, serde) often
# differs only in constants; merging those saved 3.1 KB gzipped of the panel's startup wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$2.tmp"
node_modules/binaryen/bin/wasm-opt --merge-similar-functions -Oz --enable-bulk-memory --enable-reference-types \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  "$1" -o "$tmp"
mv "$tmp" "$2"
