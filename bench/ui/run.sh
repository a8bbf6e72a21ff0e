#!/usr/bin/env bash
# The Calls list, search and dashboard with 100,000 stored calls on SQLite: seeds a database once
# (kept in build/bench-ui/, reused while it has the same count), starts `callbrief serve` on it and
# times the UI's requests (bench/ui/measure.mjs). Prints a Markdown section for bench/README.md.
# Usage: bench/ui/run.sh [calls] [iterations]
# With BENCH_PG_URL=postgresql://… (an empty database, or one this script seeded before) it runs on
# PostgreSQL instead: the calls are written with SQL (bench/ui/seed_postgres.sql, needs psql).
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-100000}
iterations=${2:-30}
build=${BUILD_DIR:-build}
work="$build/bench-ui"
db="$work/calls-$calls.db"
mkdir -p "$work"
database_url="sqlite://$db"
if [[ -n "${BENCH_PG_URL:-}" ]]; then
  database_url=$BENCH_PG_URL
  DATABASE_URL=$database_url "$build/callbrief" migrate >/dev/null
  if [[ $(psql "$database_url" -Atc 'SELECT COUNT(*) FROM calls') != "$calls" ]]; then
    started=$(date +%s)
    psql "$database_url" -q -v ON_ERROR_STOP=1 -v n="$calls" -f bench/ui/seed_postgres.sql
    echo "seed-calls: wrote $calls calls with SQL in $(( $(date +%s) - started )) s" > "$work/pg-$calls.seeded"
  fi
  db="$work/pg-$calls"
elif [[ ! -f "$db" ]]; then
  rm -f "$db.tmp"*
  # 1,000 calls through the store (all its writes, one transaction each), then copied with SQL:
  # writing 100,000 calls one stage at a time would take an hour on this disk.
  seeded=$("$build/tests/support/seed-calls" --database "sqlite://$db.tmp" --no-demo \
    --random 1000 --days 365 --seed 7 --copies $((calls / 1000 - 1)) | tail -1)
  mv "$db.tmp" "$db"
  rm -f "$db.tmp-wal" "$db.tmp-shm"
  echo "$seeded" > "$db.seeded"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
HOST=127.0.0.1 PORT=$port DATABASE_URL="$database_url" DATA_DIR="$work/data" LOG_LEVEL=warn \
  "$build/callbrief" serve >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //; s/ [0-9]*-Core.*//')
echo "### Calls list, search and dashboard with $(echo "$calls" | sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta') calls ($(date -u +%Y-%m-%d), $(nproc) cores, $cpu)"
echo
if [[ -n "${BENCH_PG_URL:-}" ]]; then
  echo "\`BENCH_PG_URL=… bench/ui/run.sh $calls $iterations\` on PostgreSQL $(psql "$database_url" -Atc 'SHOW server_version' | cut -d' ' -f1):"
  echo "$(sed 's/seed-calls: //' "$db.seeded") (bench/ui/seed_postgres.sql: three lines and a summary"
  echo "per done call, as \`seed-calls --random\`); times are the server's own (\`Server-Timing\`) and the"
  echo "client's round trip over loopback. Target: list and search under 50 ms server time."
  echo
  node bench/ui/measure.mjs "http://127.0.0.1:$port" "$iterations"
  echo
  echo "Search index: $(psql "$database_url" -Atc "SELECT pg_size_pretty(pg_total_relation_size('call_search'))"). RSS of \`callbrief serve\` afterwards: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB."
  exit 0
fi
echo "\`bench/ui/run.sh $calls $iterations\`: \`seed-calls --random 1000 --days 365 --copies $((calls / 1000 - 1))\` wrote"
echo "1,000 calls through the store and copied each with all its rows (new ids, numbers, times):"
echo "$(sed 's/seed-calls: //' "$db.seeded"); ~90 % done with a transcript and a summary, ten managers,"
echo "a year of days. \`callbrief serve\` on that SQLite file (WAL); times are"
echo "the server's own (\`Server-Timing\`, routing to answer, SQLite included) and the client's round"
echo "trip over loopback. Target: list and search under 50 ms server time."
echo
node bench/ui/measure.mjs "http://127.0.0.1:$port" "$iterations"
echo
echo "Database file: $(du -m "$db" | cut -f1) MiB. RSS of \`callbrief serve\` afterwards: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB."
