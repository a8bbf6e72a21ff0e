#!/usr/bin/env bash
# Stitching benchmark (issue: transcription and summary): parse + stitch a one-hour, ~1,000-segment
# transcript. Prints a Markdown section for bench/README.md. Usage: bench/asr/run.sh [iterations]
# Expects $BUILD_DIR/src/asr/asr_stitch_bench (BUILD_DIR defaults to build: scripts/build release).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BUILD_DIR:-build}/src/asr/asr_stitch_bench
[[ -x $bin ]] || { echo "run scripts/build release first ($bin missing)" >&2; exit 2; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "### Stitching a one-hour transcript ($(date -u +%Y-%m-%d), $(nproc) cores, ${cpu})"
echo
echo "\`bench/asr/run.sh\`: \`asr_stitch_bench\` (RelWithDebInfo) parses six 20-minute verbose_json"
echo "answers (two channels) with \`ParseTranscriptionResponse\` and runs \`Stitch\` (time maps with a"
echo "silence cut, hallucination filter, overlap check, merge by time). Target: under 5 ms."
echo
"$bin" "${1:-300}"
