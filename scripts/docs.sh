#!/usr/bin/env bash
# Rebuilds dist/ and refreshes docs/screenshots/ (README and docs/debugging-guide.md show them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
node tests/docs/screenshots.mjs
