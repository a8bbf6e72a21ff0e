#!/usr/bin/env bash
# Personal-data masking (issue 17, item 5): precision and recall on the Russian corpus
# (bench/privacy/corpus.tsv, written by make_corpus.py) and the masker's speed on a one-hour
# transcript and on hostile texts. Prints a Markdown section for bench/README.md.
# Usage: bench/privacy/run.sh [SECONDS_PER_CASE]
# Expects $BUILD_DIR/src/privacy/privacy_{pii,speed}_bench (BUILD_DIR defaults to build:
# scripts/build release privacy_pii_bench privacy_speed_bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${BUILD_DIR:-build}/src/privacy
for bin in privacy_pii_bench privacy_speed_bench; do
  [[ -x $dir/$bin ]] || { echo "run scripts/build release first ($dir/$bin missing)" >&2; exit 2; }
done
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "### Personal-data masking ($(date -u +%Y-%m-%d), $(nproc) cores, ${cpu})"
echo
echo "\`bench/privacy/run.sh ${1:-3}\` (RelWithDebInfo). The machine is shared with other work: load"
echo "average (1, 5, 15 min) before the run $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "#### Precision and recall on the corpus"
echo
echo "\`privacy_pii_bench bench/privacy/corpus.tsv\`: hand-written Russian call sentences, each value to"
echo "mask annotated; a span found counts when it overlaps an annotated value of the same type."
echo
"$dir/privacy_pii_bench" bench/privacy/corpus.tsv
echo
echo "#### Speed"
echo
echo "\`privacy_speed_bench bench/privacy/corpus.tsv ${1:-3}\`: the corpus' sentences in turn until"
echo "9,000 words (a one-hour call at ~150 words a minute, with far more personal data than a real"
echo "one), masked line by line as the pipeline does and as one text; then hostile texts, which must"
echo "cost their length (never quadratic). Each case runs for ${1:-3} s (at least 3 runs); the median run"
echo "is shown, as the process's CPU time (what the masker cost, however busy the shared machine was)"
echo "and wall time. Peak RSS is the process's high-water mark after the case (it only grows)."
echo
"$dir/privacy_speed_bench" bench/privacy/corpus.tsv "${1:-3}"
echo
echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)."
