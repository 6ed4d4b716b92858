#!/usr/bin/env bash
# Start the background worker and the web server together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --queue-name '*' --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Rathaus läuft auf http://127.0.0.1:8000/ (Esslingen) und http://musterhausen.localhost:8000/ – beenden mit Strg+C"
.venv/bin/python manage.py runserver 127.0.0.1:8000
