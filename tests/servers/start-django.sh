#!/usr/bin/env bash
# Runs the Django Channels chat app by hand: redis-server + Daphne on free 127.0.0.1 ports, with
# the React chat page built into target/django-chat/. Prints the URLs and a token; Ctrl-C stops both.
# Env: CHAT_IDLE_TIMEOUT_S (default 60), CHAT_HEARTBEAT_INTERVAL_S (default 20).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x target/venv/bin/daphne ] || scripts/setup.sh test
exec node tests/servers/django.mjs
