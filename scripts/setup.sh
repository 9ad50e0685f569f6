#!/usr/bin/env bash
# Installs what the build and tests need, skipping what is already there at the pinned version.
# Idempotent: a second run does nothing but checks. Every pin lives in scripts/versions.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/versions.sh"
cd "$here"

log() { printf '[setup] %s\n' "$*"; }
want="${1:-all}"   # all | build | test

export PATH="$HOME/.cargo/bin:$PATH"
# Failed tool downloads (should none be attempted) must not litter the user's cache.
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$here/target/xdg-cache}"

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

rust_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    log "rustup: adding wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

trunk_tool() {
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
    log "cargo: installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
  fi
}

wasm_bindgen_tool() {
  if wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $WASM_BINDGEN_VERSION"; then return; fi
  log "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Its lock file names webpki-roots 1.0.11, which the registry here does not serve; build from the
  # unpacked crate with that one dependency moved back to 1.0.10. First get the crate into cargo's cache.
  local crate
  crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$WASM_BINDGEN_VERSION".crate 2>/dev/null | head -1 || true)
  if [ -z "$crate" ]; then
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --quiet 2>/dev/null && return || true
    crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$WASM_BINDGEN_VERSION".crate | head -1)
  fi
  local work; work=$(mktemp -d)
  tar -xzf "$crate" -C "$work"
  ( cd "$work/wasm-bindgen-cli-$WASM_BINDGEN_VERSION"
    cargo update -q -p webpki-roots@1.0.11 --precise 1.0.10 2>/dev/null || true
    cargo install --path . --locked --quiet )
  rm -rf "$work"
}

wasm_split_tool() {
  # Cuts the panel's wasm into lazily loaded chunks (scripts/split-panel.sh). It has no --version.
  cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:" && return
  log "cargo: installing wasm-split-cli $WASM_SPLIT_VERSION (about 1 minute on 2 cores)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --quiet
}

npm_packages() {
  # package-lock.json is committed; `npm ci` installs exactly it. Skip when node_modules matches.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(sed -n '/"packages"/,$p' package-lock.json | grep -v '"node_modules/\.\?"' | md5sum) <(cat node_modules/.socketscope-lock 2>/dev/null); then
    log "npm: installing from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
    sed -n '/"packages"/,$p' package-lock.json | grep -v '"node_modules/\.\?"' | md5sum > node_modules/.socketscope-lock
  fi
}

python_env() {
  # A venv holds absolute paths: one copied or moved from elsewhere exists but cannot run, so prove
  # it imports the servers' packages instead of trusting that it exists.
  if ! cmp -s tests/servers/requirements.txt target/venv/.requirements 2>/dev/null \
     || ! target/venv/bin/python -c 'import daphne, channels, channels_redis, django, jwt, redis' 2>/dev/null \
     || ! head -1 target/venv/bin/daphne 2>/dev/null | grep -q "$here/target/venv/bin/python"; then
    log "pip: creating target/venv from tests/servers/requirements.txt"
    rm -rf target/venv
    python3 -m venv target/venv
    target/venv/bin/pip install -q --disable-pip-version-check -r tests/servers/requirements.txt
    cp tests/servers/requirements.txt target/venv/.requirements
  fi
}

case "$want" in
  build) rust_target; trunk_tool; wasm_bindgen_tool; wasm_split_tool; npm_packages ;;
  all|test)
    apt_install chromium chromium-driver firefox-esr redis-server
    rust_target; trunk_tool; wasm_bindgen_tool; wasm_split_tool; npm_packages
    [ -f tests/servers/requirements.txt ] && python_env || true ;;
  *) echo "usage: scripts/setup.sh [all|build|test]" >&2; exit 2 ;;
esac
log "ready"
