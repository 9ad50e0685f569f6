#!/usr/bin/env bash
# Rebuilds dist/ and refreshes docs/screenshots/ (README shows them) and docs/screenshots/guide/
# (docs/debugging-guide.md shows them). The guide's images come from the real-apps tests' own
# shot() calls (SOCKETSCOPE_DOCS_SHOTS=1), so each symptom is reproduced in one place only.
# tests/docs/guide-quotes.mjs then checks the guide's quotes against the panel's text of that run.
# SKIP_BUILD=1 reuses the current dist/ (the node steps then hold the dist lock shared).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-0}" = 1 ] || scripts/build.sh
mkdir -p target
flock -s target/.dist.lock node tests/docs/screenshots.mjs
rm -rf docs/screenshots/guide
SOCKETSCOPE_DOCS_SHOTS=1 flock -s target/.dist.lock \
  node --test --test-concurrency=1 tests/e2e/real-apps.test.mjs
node tests/docs/guide-quotes.mjs
