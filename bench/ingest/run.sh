#!/usr/bin/env bash
# Durable webhook intake: acknowledged events per second and latency under concurrency.
# Each run starts `callbrief serve` on a fresh SQLite database, drives it with wrk at 64 keep-alive
# connections, and checks the database holds at least every acknowledged event. Runs several
# times because a shared 2-core machine varies from run to run; reports every run.
# Also measures the no-op route (GET /api/bitrix-webhook/test: the HTTP server's own cost).
# Prints a Markdown section on stdout. Usage: bench/ingest/run.sh [seconds per run] [runs]
# With CALLBRIEF_BASELINE_BINARY=<other callbrief> both binaries are measured, interleaved.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="${CALLBRIEF_BINARY:-$root/build/callbrief}"
# Another build to compare with in the same invocation (e.g. the commit before a change, built in
# /tmp): each run then measures it and the current binary back to back.
baseline="${CALLBRIEF_BASELINE_BINARY:-}"
duration=${1:-15}
noop_duration=${NOOP_SECONDS:-5}
runs=${2:-3}
connections=64
threads=2   # wrk threads; the server gets the same 2 cores.

work=$(mktemp -d)
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {  # $1 = run dir, $2 = port; the binary is $binary
  local port=$2
  (cd "$1" && HOST=127.0.0.1 PORT=$port BITRIX24_APPLICATION_TOKEN=bench-token exec "$binary" serve \
    >serve.log 2>&1) &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { echo "callbrief serve did not start:" >&2; cat "$1/serve.log" >&2; exit 1; }
}

stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# One server run: the no-op route, then the durable webhook. Appends one row to each table.
# $1 = label, $2 = binary, $3 = run number.
bench_one() {
  local label=$1 bin=$2 run=$3
  local dir="$work/$label-run$run"; mkdir -p "$dir"
  local port; port=$(free_port)
  binary=$bin start_server "$dir" "$port"
  if [[ $run == 1 ]]; then
    sleep 2
    idle+="| $label | $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB |"$'\n'
  fi
  wrk -t$threads -c$connections -d${noop_duration}s --latency \
    "http://127.0.0.1:$port/api/bitrix-webhook/test" >"$dir/noop.txt"
  local n="$dir/noop.txt"
  noop_rows+="| $run | $label | $(awk '/Requests\/sec/ {print $2}' "$n") | $(awk '/^ +50%/ {print $2}' "$n") | $(awk '/^ +99%/ {print $2}' "$n") | $(awk '/Non-2xx/ {print $5}' "$n") |"$'\n'
  wrk -t$threads -c$connections -d${duration}s --latency -s "$root/bench/ingest/post_call_end.lua" \
    "http://127.0.0.1:$port" -- "$label$run$(date +%s)" >"$dir/wrk.txt"
  local peak_kib; peak_kib=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  stop_server
  local w="$dir/wrk.txt"
  local acked non2xx stored
  acked=$(awk '/requests in/ {print $1}' "$w")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$w")
  stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from calls').fetchone()[0])" "$dir/data/callbrief.db")
  rows+="| $run | $label | $(awk '/Requests\/sec/ {print $2}' "$w") | $(awk '/^ +50%/ {print $2}' "$w") | $(awk '/^ +90%/ {print $2}' "$w") | $(awk '/^ +99%/ {print $2}' "$w") | $acked (non-2xx ${non2xx:-0}) | $stored | $((peak_kib / 1024)) MiB |"$'\n'
}

rows=""
noop_rows=""
idle=""
labels=(current)
binaries=("$binary")
if [[ -n "$baseline" ]]; then
  labels=(baseline current)
  binaries=("$baseline" "$binary")
fi
for run in $(seq "$runs"); do
  # Interleaved, so both servers see the same machine load.
  for i in "${!labels[@]}"; do bench_one "${labels[$i]}" "${binaries[$i]}" "$run"; done
done

baseline_note=""
[[ -n "$baseline" ]] && baseline_note="
\"baseline\" is \`$baseline\` ($("$baseline" --version 2>/dev/null | head -1)), \"current\" is
\`$binary\` ($("$binary" --version 2>/dev/null | head -1)); they run alternately."
cat <<MD
### Durable webhook intake ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))

\`bench/ingest/run.sh $duration $runs\`: wrk, $threads threads, $connections keep-alive connections on the same cores.${baseline_note}

The no-op route (\`GET /api/bitrix-webhook/test\`, a fixed answer: the HTTP server's own cost),
${noop_duration} s a run:

| run | server | req/s | p50 | p99 | non-2xx |
|---|---|---|---|---|---|
${noop_rows}
The durable webhook, ${duration} s a run: every request a distinct form-encoded ONVOXIMPLANTCALLEND
event; each 200 is sent only after the event is committed to SQLite (WAL, synchronous=FULL) by the
group committer. "stored" counts rows afterwards: at least every acknowledged event (plus requests
in flight when wrk stopped).

| run | server | durable acks/s | p50 | p90 | p99 | answered | stored | peak RSS |
|---|---|---|---|---|---|---|---|---|
${rows}
Idle RSS of \`callbrief serve\` (2 s after start, before the first run):

| server | VmRSS |
|---|---|
${idle}
MD
