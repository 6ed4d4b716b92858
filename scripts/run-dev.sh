#!/usr/bin/env bash
# Start the background worker and the web server together; Ctrl-C (or SIGTERM) stops both.
set -uo pipefail
cd "$(dirname "$0")/.."

pids=()
stop() {
  trap - INT TERM EXIT
  # Each process runs Django's autoreloader, whose child does the work: stop children, then parents.
  for pid in "${pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  echo "Rathaus beendet."
}
trap stop INT TERM EXIT

.venv/bin/python manage.py worker --queue-name '*' --interval 1 &
pids+=($!)
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
pids+=($!)
echo "Rathaus läuft auf http://127.0.0.1:8000/ (Esslingen) und http://musterhausen.localhost:8000/ – beenden mit Strg+C"
# Whichever stops first (a crash, a signal), the other one is stopped too.
wait -n
