#!/usr/bin/env bash
# Trackers (issue 17, item 2): the cost of finding every tracker's phrases when a one-hour call's
# transcript is stored. Prints a Markdown section for bench/README.md.
# Usage: bench/trackers/run.sh [RUNS_PER_CASE]
# Expects $BUILD_DIR/src/store/store_trackers_bench (BUILD_DIR defaults to build:
# scripts/build release store_trackers_bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BUILD_DIR:-build}/src/store/store_trackers_bench
[[ -x $bin ]] || { echo "run scripts/build release first ($bin missing)" >&2; exit 2; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "### Trackers when a transcript is stored ($(date -u +%Y-%m-%d), $(nproc) cores, ${cpu})"
echo
echo "\`bench/trackers/run.sh ${1:-20}\` (RelWithDebInfo, SQLite in the temporary directory). A one-hour"
echo "call's transcript (600 lines, 9,000 words) is stored ${1:-20} times by FinishStage, which finds"
echo "the trackers' hits in the same transaction; the median and the fastest run are shown. Load"
echo "average (1, 5, 15 min) before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
"$bin" "${1:-20}"
echo
echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
