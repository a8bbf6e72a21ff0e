#!/usr/bin/env bash
# Durable webhook intake: acknowledged events per second and latency under concurrency.
# Starts `callbrief serve` on a fresh SQLite database, drives it with wrk at 64 keep-alive
# connections, checks every acknowledged event is in the database, and measures idle RSS.
# Prints a Markdown section on stdout. Usage: bench/ingest/run.sh [duration_seconds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="${CALLBRIEF_BINARY:-$root/build/callbrief}"
duration=${1:-15}
connections=64
threads=2   # wrk threads; the server gets the same 2 cores.

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cd "$work"
HOST=127.0.0.1 PORT=$port BITRIX24_APPLICATION_TOKEN=bench-token "$binary" serve >serve.log 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
sleep 2
kill -0 "$pid" 2>/dev/null || { echo "callbrief serve did not start:" >&2; cat serve.log >&2; exit 1; }
idle_rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

wrk -t$threads -c$connections -d${duration}s --latency -s "$root/bench/ingest/post_call_end.lua" \
  "http://127.0.0.1:$port" -- "$(date +%s)" >wrk.txt
loaded_rss_kib=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)

rps=$(awk '/Requests\/sec/ {print $2}' wrk.txt)
p50=$(awk '/^ +50%/ {print $2}' wrk.txt)
p90=$(awk '/^ +90%/ {print $2}' wrk.txt)
p99=$(awk '/^ +99%/ {print $2}' wrk.txt)
total=$(awk '/requests in/ {print $1}' wrk.txt)
non2xx=$(awk '/Non-2xx/ {print $5}' wrk.txt)
errors=$(grep -E 'Socket errors' wrk.txt || true)
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from calls').fetchone()[0])" data/callbrief.db)

cat <<MD
### Durable webhook intake ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))

\`bench/ingest/run.sh $duration\`: wrk, $threads threads, $connections keep-alive connections, ${duration} s, every
request a distinct form-encoded ONVOXIMPLANTCALLEND event; each 200 is sent only after the event is
committed to SQLite (WAL, synchronous=FULL) by the group committer. wrk runs on the same 2 cores.

| metric | value |
|---|---|
| durable acks/s | $rps |
| latency p50 / p90 / p99 | $p50 / $p90 / $p99 |
| requests answered | $total (non-2xx: ${non2xx:-0}) ${errors:+— $errors} |
| calls in the database afterwards | $rows |
| idle RSS of \`callbrief serve\` | $((idle_rss_kib / 1024)) MiB ($idle_rss_kib KiB) |
| peak RSS during the run | $((loaded_rss_kib / 1024)) MiB |
MD
