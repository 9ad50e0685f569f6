#!/usr/bin/env bash
# Runs every cargo-fuzz target in core/fuzz for N seconds each (default 20):
#   scripts/fuzz.sh [seconds]
# ./test calls it with 20 s; run it with e.g. 300 for a longer campaign. New inputs found go to
# core/fuzz/target/corpus/<target>/ (ignored); the committed seeds in core/fuzz/corpus/<target>/
# are only read. A crash leaves its input in core/fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/versions.sh"
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-20}"
cd "$here/core/fuzz"

if ! cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz $CARGO_FUZZ_VERSION"; then
  echo "[fuzz] installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo +nightly install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi

targets=$(cargo +nightly fuzz list)
# Build every target once, then run the binaries directly: `cargo fuzz run` would rebuild per
# target, and a source edit in the middle of a campaign would then mix versions.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}"   # as cargo fuzz run sets it
cargo +nightly fuzz build --release
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"
failed=()
for t in $targets; do
  mkdir -p "target/corpus/$t" "artifacts/$t" "corpus/$t"
  echo "[fuzz] $t for ${seconds}s"
  if ! "$bin/$t" "target/corpus/$t" "corpus/$t" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" >"target/fuzz-$t.log" 2>&1; then
    failed+=("$t")
    tail -40 "target/fuzz-$t.log"
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "target/fuzz-$t.log" | tr -s ' ' | tr '\n' ' '; echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "[fuzz] FAILED: ${failed[*]} (inputs in core/fuzz/artifacts/)"
  exit 1
fi
echo "[fuzz] all $(echo $targets | wc -w) targets ran ${seconds}s clean"
