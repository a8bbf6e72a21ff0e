#!/usr/bin/env bash
# Durable webhook intake: acknowledged events per second and latency under concurrency.
# Each run starts `callbrief serve` on a fresh SQLite database, drives it with wrk at 64 keep-alive
# connections, and checks the database holds at least every acknowledged event. Runs several
# times because a shared 2-core machine varies from run to run; reports every run.
# Prints a Markdown section on stdout. Usage: bench/ingest/run.sh [seconds per run] [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="${CALLBRIEF_BINARY:-$root/build/callbrief}"
duration=${1:-15}
runs=${2:-3}
connections=64
threads=2   # wrk threads; the server gets the same 2 cores.

work=$(mktemp -d)
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {  # $1 = run dir
  local port=$2
  (cd "$1" && HOST=127.0.0.1 PORT=$port BITRIX24_APPLICATION_TOKEN=bench-token exec "$binary" serve \
    >serve.log 2>&1) &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { echo "callbrief serve did not start:" >&2; cat "$1/serve.log" >&2; exit 1; }
}

stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

rows=""
for run in $(seq "$runs"); do
  dir="$work/run$run"; mkdir -p "$dir"
  port=$(free_port)
  start_server "$dir" "$port"
  if [[ $run == 1 ]]; then
    sleep 2
    idle_rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fi
  wrk -t$threads -c$connections -d${duration}s --latency -s "$root/bench/ingest/post_call_end.lua" \
    "http://127.0.0.1:$port" -- "$run$(date +%s)" >"$dir/wrk.txt"
  peak_kib=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  stop_server
  w="$dir/wrk.txt"
  acked=$(awk '/requests in/ {print $1}' "$w")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$w")
  stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from calls').fetchone()[0])" "$dir/data/callbrief.db")
  rows+="| $run | $(awk '/Requests\/sec/ {print $2}' "$w") | $(awk '/^ +50%/ {print $2}' "$w") | $(awk '/^ +90%/ {print $2}' "$w") | $(awk '/^ +99%/ {print $2}' "$w") | $acked (non-2xx ${non2xx:-0}) | $stored | $((peak_kib / 1024)) MiB |"$'\n'
done

cat <<MD
### Durable webhook intake ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))

\`bench/ingest/run.sh $duration $runs\`: wrk, $threads threads, $connections keep-alive connections, ${duration} s a run, every
request a distinct form-encoded ONVOXIMPLANTCALLEND event; each 200 is sent only after the event is
committed to SQLite (WAL, synchronous=FULL) by the group committer. wrk runs on the same 2 cores.
"stored" counts rows afterwards: at least every acknowledged event (plus requests in flight when
wrk stopped).

| run | durable acks/s | p50 | p90 | p99 | answered | stored | peak RSS |
|---|---|---|---|---|---|---|---|
${rows}
Idle RSS of \`callbrief serve\` (2 s after start, before the first run): $((idle_rss_kib / 1024)) MiB ($idle_rss_kib KiB).
MD
