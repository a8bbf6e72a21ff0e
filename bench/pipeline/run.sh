#!/usr/bin/env bash
# Pipeline benchmark (issue 7): the real `callbrief serve` with the emulated Bitrix24, OpenAI and
# Telegram of tests/fakes. Our own overhead per call (wall time minus time inside provider
# requests) with emulators answering at once, and calls per minute at several WORKERS with 2 s
# per transcription and 3 s per summary. Prints a Markdown section for bench/README.md.
# Usage: bench/pipeline/run.sh [overhead_calls] [calls_per_throughput_run]
# Builds nothing: expects $BUILD_DIR/bench/pipeline/pipeline_bench and $BUILD_DIR/fixtures
# (BUILD_DIR defaults to build: scripts/build release).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
bin=$build/bench/pipeline/pipeline_bench
fixture=$build/fixtures/dialogue_stereo.mp3
[[ -x $bin ]] || { echo "run scripts/build release first ($bin missing)" >&2; exit 2; }
[[ -f $fixture ]] || { echo "run scripts/build release first ($fixture missing)" >&2; exit 2; }
calls=${1:-30}
batch=${2:-30}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A two-minute two-party call: the stereo dialogue fixture (manager left, client right) looped,
# encoded like the fixtures (mp3, 48 kbit/s, 22.05 kHz stereo).
ffmpeg -nostdin -hide_banner -loglevel error -y -stream_loop -1 -i "$fixture" -t 120 \
  -c:a libmp3lame -b:a 48k "$work/call.mp3"
seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/call.mp3")
bytes=$(stat -c %s "$work/call.mp3")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
"$bin" --recording "$work/call.mp3" --calls "$calls" --batch "$batch" >"$work/out.md"
took=$(( $(date +%s) - started ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<MD
### Pipeline overhead and throughput ($(date -u +%F), $(nproc) cores, ${cpu})

\`bench/pipeline/run.sh $calls $batch\` (took ${took} s; load average before ${load_before}, after ${load_after}):
\`pipeline_bench\` runs the real \`callbrief serve\` (RelWithDebInfo, SQLite on disk, default
settings: TRANSCRIBE_PARALLELISM=4, LOG_FORMAT=json at info) against the emulated Bitrix24,
OpenAI and Telegram of \`tests/fakes\`, as the e2e tests wire them. Each call is a two-minute
incoming call (the stereo dialogue fixture looped, $(printf %.0f "$seconds") s, $((bytes / 1024)) KiB mp3) bound to a CRM contact:
the webhook is posted, and the call goes resolve → download → prepare → transcribe → summarize
→ deliver (Telegram message and timeline comment). Every emulator sits behind a timing proxy in
the bench; "inside provider requests" is the union of the requests' intervals as the proxy saw
them — from the request's headers arriving to the answer written back, so uploads, downloads and
the emulators' own work count as provider time, while connecting, building requests, parsing
answers, audio preparation, SQLite commits and waiting for a worker count as ours. Bitrix24
REST calls, the recording download and Telegram are counted as providers as well as OpenAI. The
portal emulator's leaky bucket is on with the cloud defaults (50 of burst, 2 requests/s).

$(cat "$work/out.md")

How to read it: a two-party stereo call is prepared into one chunk per speaker (two minutes are
far below the 1200 s chunk limit) and both chunks are transcribed at once
(TRANSCRIBE_PARALLELISM=4 allows four), so a call spends at least 2 s + 3 s = 5 s in OpenAI and
W workers finish at most W × 12 calls/min. Every Bitrix24 request of the process also goes
through one budget of 2 requests/s (burst 10) that keeps callbrief inside the cloud portal's
limit; with the REST requests per call measured above, that caps the whole service at the
sustained Bitrix24 rate printed above, whatever WORKERS is. Past that point more workers only
queue for the budget (first come, first served): longer latency, not more calls and not more CPU.
MD
