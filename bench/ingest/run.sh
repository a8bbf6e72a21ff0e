#!/usr/bin/env bash
# Durable webhook intake: acknowledged events per second and latency under concurrency, with the
# pipeline's workers (WORKERS, default 4) taking every event in the same run.
# Each run starts `callbrief serve` on a fresh database — SQLite, and PostgreSQL when its server
# binaries are installed (one throwaway cluster with the default durability: fsync on,
# synchronous_commit on) — drives it with wrk at 64 keep-alive connections, and checks the
# database holds at least every acknowledged event. Runs several times because a shared 2-core
# machine varies from run to run; reports every run with the load average.
# Also measures the no-op route (GET /api/bitrix-webhook/test: the HTTP server's own cost).
# Prints a Markdown section on stdout. Usage: bench/ingest/run.sh [seconds per run] [runs]
# With CALLBRIEF_BASELINE_BINARY=<other callbrief> both binaries are measured, interleaved.
# BENCH_BACKENDS="sqlite postgresql" chooses the databases (default: both when PostgreSQL's
# initdb is found). Synced commits are counted with `perf stat` (fsync/fdatasync of the server
# process) on SQLite and from pg_stat_wal (wal_sync) on PostgreSQL; "-" where neither works.
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

pg_bin=""
for dir in ${CALLBRIEF_PG_BINDIR:-} /usr/lib/postgresql/*/bin; do
  [[ -x $dir/initdb ]] && pg_bin=$dir
done
backends=${BENCH_BACKENDS:-sqlite${pg_bin:+ postgresql}}

work=$(mktemp -d)
chmod 755 "$work"
pid=""
pg_port=""
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null
  [[ -n $pg_port ]] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_postgres() {
  mkdir -p "$work/pg"
  [[ $(id -u) == 0 ]] && chown postgres "$work/pg"
  as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust >"$work/pg-initdb.log" 2>&1
  pg_port=$(free_port)
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -o \
    "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
}
psql_pg() { psql -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
pg_wal_syncs() { psql_pg -d postgres -c "SELECT wal_sync FROM pg_stat_wal"; }

start_server() {  # $1 = run dir, $2 = port, $3 = DATABASE_URL; the binary is $binary
  local port=$2
  (cd "$1" && HOST=127.0.0.1 PORT=$port BITRIX24_APPLICATION_TOKEN=bench-token DATABASE_URL=$3 \
    exec "$binary" serve >serve.log 2>&1) &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { echo "callbrief serve did not start:" >&2; cat "$1/serve.log" >&2; exit 1; }
}

stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# One SQL answer from the run's database. $1 = backend, $2 = database, $3 = query.
query() {
  if [[ $1 == sqlite ]]; then
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$2" "$3"
  else
    psql_pg -d "$2" -c "$3"
  fi
}

# One server run: the no-op route, then the durable webhook. Appends one row to each table.
# $1 = label, $2 = binary, $3 = run number, $4 = backend.
bench_one() {
  local label=$1 bin=$2 run=$3 backend=$4
  local dir="$work/$backend-$label-run$run"; mkdir -p "$dir"
  local port; port=$(free_port)
  local url database
  if [[ $backend == sqlite ]]; then
    database="$dir/data/callbrief.db"; url="sqlite://$database"
  else
    database="bench_${label}_$run"
    psql_pg -d postgres -c "CREATE DATABASE $database"
    url="postgresql://postgres@127.0.0.1:$pg_port/$database"
  fi
  binary=$bin start_server "$dir" "$port" "$url"
  if [[ $run == 1 ]]; then
    sleep 2
    idle+="| $backend | $label | $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB |"$'\n'
  fi
  wrk -t$threads -c$connections -d${noop_duration}s --latency \
    "http://127.0.0.1:$port/api/bitrix-webhook/test" >"$dir/noop.txt"
  local n="$dir/noop.txt"
  noop_rows+="| $run | $backend | $label | $(awk '/Requests\/sec/ {print $2}' "$n") | $(awk '/^ +50%/ {print $2}' "$n") | $(awk '/^ +99%/ {print $2}' "$n") | $(awk '/Non-2xx/ {print $5}' "$n") |"$'\n'
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local syncs_before="" perf_pid=""
  if [[ $backend == sqlite ]]; then
    perf stat -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$pid" \
      -o "$dir/perf.txt" 2>/dev/null &
    perf_pid=$!
  else
    syncs_before=$(pg_wal_syncs)
  fi
  wrk -t$threads -c$connections -d${duration}s --latency -s "$root/bench/ingest/post_call_end.lua" \
    "http://127.0.0.1:$port" -- "$label$run$(date +%s)" >"$dir/wrk.txt"
  local syncs="-"
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    syncs=$(awk -F, '/sys_enter_f/ {s += $1} END {print s + 0}' "$dir/perf.txt" 2>/dev/null || echo "-")
  else
    syncs=$(( $(pg_wal_syncs) - syncs_before ))
  fi
  local peak_kib; peak_kib=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  stop_server
  local w="$dir/wrk.txt"
  local acked non2xx stored stage_runs taken
  acked=$(awk '/requests in/ {print $1}' "$w")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$w")
  stored=$(query "$backend" "$database" "select count(*) from calls")
  # What the workers did meanwhile: stage runs stored, and calls they moved out of `received`.
  stage_runs=$(query "$backend" "$database" "select count(*) from stage_runs")
  taken=$(query "$backend" "$database" "select count(*) from calls where stage <> 'received'")
  local per_event="-"
  [[ $syncs != "-" && $acked -gt 0 ]] && per_event=$(python3 -c "print(f'{$syncs / $acked:.3f}')")
  rows+="| $run | $backend | $label | $load | $(awk '/Requests\/sec/ {print $2}' "$w") | $(awk '/^ +50%/ {print $2}' "$w") | $(awk '/^ +99%/ {print $2}' "$w") | $acked (non-2xx ${non2xx:-0}) | $stored | $taken | $((stage_runs / duration)) | $syncs ($per_event) | $((peak_kib / 1024)) MiB |"$'\n'
}

[[ $backends == *postgresql* ]] && start_postgres
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
  for backend in $backends; do
    for i in "${!labels[@]}"; do bench_one "${labels[$i]}" "${binaries[$i]}" "$run" "$backend"; done
  done
done

baseline_note=""
[[ -n "$baseline" ]] && baseline_note="
\"baseline\" is \`$baseline\` ($("$baseline" --version 2>/dev/null | head -1)), \"current\" is
\`$binary\` ($("$binary" --version 2>/dev/null | head -1)); they run alternately."
pg_note=""
[[ $backends == *postgresql* ]] && pg_note=" PostgreSQL $(psql_pg -d postgres -c 'SHOW server_version' | cut -d' ' -f1) runs on the same machine with the default durability (fsync on, synchronous_commit on)."
cat <<MD
### Durable webhook intake ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))

\`bench/ingest/run.sh $duration $runs\`: wrk, $threads threads, $connections keep-alive connections on the same cores.${baseline_note}${pg_note}

The no-op route (\`GET /api/bitrix-webhook/test\`, a fixed answer: the HTTP server's own cost),
${noop_duration} s a run:

| run | database | server | req/s | p50 | p99 | non-2xx |
|---|---|---|---|---|---|---|
${noop_rows}
The durable webhook, ${duration} s a run: every request a distinct form-encoded ONVOXIMPLANTCALLEND
event; each 200 is sent only after the event is durable (SQLite: WAL, synchronous=FULL;
PostgreSQL: a committed transaction). The pipeline's workers (WORKERS=4, the default) take every
event meanwhile: "taken" is calls a worker moved out of \`received\` (without a Bitrix24 webhook
configured the resolve stage parks each call as a configuration problem: one claim and one stored
stage result per call), "stage runs/s" the stage results stored per second of the run. "stored"
counts rows afterwards: at least every acknowledged event (plus requests in flight when wrk
stopped). "syncs" is fsync + fdatasync calls of the server process during the run (SQLite) or
WAL syncs of the cluster (PostgreSQL), and per acknowledged event. "load" is the machine's
1-minute load average when the run started.

| run | database | server | load | durable acks/s | p50 | p99 | answered | stored | taken | stage runs/s | syncs (per ack) | peak RSS |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows}
Idle RSS of \`callbrief serve\` (2 s after start, before the first run):

| database | server | VmRSS |
|---|---|---|
${idle}
MD
