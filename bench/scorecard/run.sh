#!/usr/bin/env bash
# Scorecards, one request or two (issue 16, item 5): what answering the checklist costs per call in
# tokens, USD and latency, for design A (inside the summary request, what callbrief does) and
# design B (a second, scoring-only request, what re-scoring sends). The requests are callbrief's
# own, captured by the OpenAI emulator (scorecard_requests); tokens are counted with gpt-4o's
# encoding (npm gpt-tokenizer, installed into bench/scorecard/node_modules). Prints a Markdown
# section for bench/README.md.
# Expects $BUILD_DIR/bench/scorecard/scorecard_requests (scripts/build release scorecard_requests).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BUILD_DIR:-build}/bench/scorecard/scorecard_requests
[[ -x $bin ]] || { echo "run scripts/build release scorecard_requests first ($bin missing)" >&2; exit 2; }
[[ -d bench/scorecard/node_modules/gpt-tokenizer ]] || npm ci --prefix bench/scorecard --silent >&2
requests=$(mktemp)
trap 'rm -f "$requests"' EXIT
"$bin" bench/scorecard/calls.json > "$requests"
echo "### Scorecards: one request or two ($(date -u +%Y-%m-%d))"
echo
echo "\`bench/scorecard/run.sh\`: the requests callbrief sends for the fixture conversations of"
echo "\`bench/scorecard/calls.json\` (three seeded demo calls and a 5-minute sale), captured by the"
echo "OpenAI emulator, with the shipped six-criterion sales checklist. Completions are the"
echo "hand-written summaries and checklist answers of that file. Tokens: o200k_base (gpt-4o's"
echo "encoding), chat framing included; the strict JSON schema counted as its text (an"
echo "approximation: OpenAI does not document how it bills the schema). Prices: gpt-4o \$2.50 in /"
echo "\$10.00 out, gpt-4o-mini \$0.15 / \$0.60 per 1M tokens (shared/reference/providers.md §2.4,"
echo "November 2026, cached input ignored). Latency is not measured (no network here): it is the"
echo "extra output tokens at third-party measured output speeds (gpt-4o 31.7–65.5 t/s, gpt-4o-mini"
echo "59 t/s, first token 0.2–0.4 s; sources in measure.mjs)."
echo
node bench/scorecard/measure.mjs "$requests"
