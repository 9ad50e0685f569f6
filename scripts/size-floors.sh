#!/usr/bin/env bash
# What the panel's startup size is made of: builds three floors exactly as the panel is built
# (release profile, `erase_components`, wasm-bindgen, scripts/wasm-opt.sh) and prints each one's
# wasm and glue JS gzipped next to the panel's own (dist/chrome, from scripts/build.sh):
#
#   core/examples/first_screen_floor.rs  the first screen's analysis (settings, ingest, diagnostics,
#                                        tokens, close explanation, filter), no UI, no wasm-bindgen
#   examples/leptos_floor.rs             a small Leptos app: the runtime and its glue, no panel view
#   examples/panel_floor.rs              both together: the panel without its views
#
# The panel minus panel_floor is what its views and their glue cost; the budget minus panel_floor
# is what the views may cost. Needs the setup of scripts/build.sh (run it first for the panel's row).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=target/floors
budget=$(node -e 'import("./scripts/startup-size.mjs").then((m) => console.log(m.BUDGET))')
mkdir -p "$out"
# Gzipped as the panel bench counts (scripts/startup-size.mjs; GNU gzip -9 differs by about 0.5%).
gz() { node scripts/startup-size.mjs --gz "$1"; }

cargo build --quiet --release --target wasm32-unknown-unknown -p socketscope-core --no-default-features --example first_screen_floor
cargo build --quiet --release --target wasm32-unknown-unknown --no-default-features --example leptos_floor --example panel_floor
examples=target/wasm32-unknown-unknown/release/examples
scripts/wasm-opt.sh "$examples/first_screen_floor.wasm" "$out/first_screen_floor.wasm"
for name in leptos_floor panel_floor; do
  wasm-bindgen --target web --no-typescript --out-dir "$out" "$examples/$name.wasm"
  scripts/wasm-opt.sh "$out/${name}_bg.wasm" "$out/${name}_bg.wasm"
done

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(($2 + $3))"; }
echo "| startup module | wasm gz | JS gz | total |"
echo "|---|---:|---:|---:|"
row "first screen's analysis alone (core)" "$(gz "$out/first_screen_floor.wasm")" 0
row "Leptos floor" "$(gz "$out/leptos_floor_bg.wasm")" "$(gz "$out/leptos_floor.js")"
floor_wasm=$(gz "$out/panel_floor_bg.wasm"); floor_js=$(gz "$out/panel_floor.js")
row "panel floor (both, no views)" "$floor_wasm" "$floor_js"
dist=dist/chrome
if [ -f "$dist/socketscope_bg.wasm" ]; then
  # Counted as the panel bench counts it (scripts/startup-size.mjs): boot, transport, chunk loader included.
  read -r wasm js < <(node -e 'import("./scripts/startup-size.mjs").then((m) => { const s = m.startupSize(process.argv[1]); console.log(s.wasm, s.js) })' "$dist")
  row "the panel (dist/chrome)" "$wasm" "$js"
  echo
  echo "views and their glue: $((wasm + js - floor_wasm - floor_js)) B gzipped; the budget ($budget B) leaves them $((budget - floor_wasm - floor_js)) B"
else
  echo "(no dist/chrome: run scripts/build.sh for the panel's row)"
fi
