#!/usr/bin/env bash
# Audio preparation: × realtime on one core and peak RSS on the one-hour two-party call, side by
# side (same run, same pinned core) with the ffmpeg CLI doing the nearest equivalent (decode,
# silenceremove, resample to 16 kHz mono, 32 kbit/s mp3); and the billed seconds saved on the
# call with a 30 s silence. Prints a Markdown section on stdout.
# Usage: bench/audio/run.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="${CALLBRIEF_AUDIO_BENCH:-$root/build/src/audio/callbrief_audio_bench}"
fixtures="${AUDIO_FIXTURES:-$root/build/fixtures-long}"
runs=${1:-3}
core=$(( $(nproc) - 1 ))  # both contenders pinned to the same core

[[ -x $binary ]] || { echo "bench/audio: $binary is missing (scripts/build release)" >&2; exit 1; }
[[ -f $fixtures/long.mp3 && -f $fixtures/pause_30s.mp3 ]] ||
  "$root/scripts/make-fixtures" --long "$fixtures" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# timed NAME COMMAND...: runs pinned to one core; prints "wall user sys maxrss_kib".
timed() {
  local name=$1; shift
  if ! taskset -c "$core" /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" \
      >"$work/$name.out" 2>"$work/$name.err"; then
    cat "$work/$name.err" >&2; exit 1
  fi
  cat "$work/time"
}
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['report'][sys.argv[2]])" "$@"; }
seconds_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
# The ffmpeg CLI's nearest equivalent, as in the issue: one mono stream, pauses over 1 s removed.
cli() {
  echo ffmpeg -nostdin -hide_banner -loglevel error -y -threads 1 -i "$1" \
    -af "silenceremove=stop_periods=-1:stop_duration=1:stop_threshold=-45dB,aresample=16000" \
    -ac 1 -c:a libmp3lame -b:a 32k "$2"
}
# row LABEL "wall user sys rss" AUDIO_SECONDS
row() {
  read -r wall user sys rss <<<"$2"
  awk -v l="$1" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v d="$3" 'BEGIN {
    cpu = u + s; printf "| %s | %.2f s | %.2f s | %.0f× | %.0f× | %d MiB |\n", l, w, cpu, d / w, d / cpu, r / 1024 }'
}

long="$fixtures/long.mp3"
duration=$(seconds_of "$long")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for run in $(seq "$runs"); do
  rm -rf "$work/chunks"
  ours=$(timed ours "$binary" "$long" "$work/chunks")
  cp "$work/ours.out" "$work/long.json"
  theirs=$(timed cli $(cli "$long" "$work/cli.mp3"))
  rows+="$(row "callbrief, run $run" "$ours" "$duration")"$'\n'
  rows+="$(row "ffmpeg CLI, run $run" "$theirs" "$duration")"$'\n'
done
long_billed=$(field "$work/long.json" billed_seconds)
long_chunks=$(field "$work/long.json" chunk_count)
long_layout=$(field "$work/long.json" layout)
cli_long=$(seconds_of "$work/cli.mp3")

pause="$fixtures/pause_30s.mp3"
rm -rf "$work/chunks"
timed ours "$binary" "$pause" "$work/chunks" >/dev/null
pause_duration=$(field "$work/ours.out" duration_seconds)
pause_billed=$(field "$work/ours.out" billed_seconds)
pause_speech=$(field "$work/ours.out" speech_seconds)
timed cli $(cli "$pause" "$work/cli.mp3") >/dev/null
cli_pause=$(seconds_of "$work/cli.mp3")
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f %%", 100 * (1 - a / b) }'; }

cat <<MD
### Audio preparation ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))

\`bench/audio/run.sh $runs\` on the one-hour two-party call (\`make-fixtures --long\`: espeak-ng
dialogue repeated with pauses and 20–40 s holds, stereo mp3 48 kbit/s at 22.05 kHz, $(printf %.0f "$duration") s).
Both programs pinned to one core (\`taskset -c $core\`), alternating, in the same run. callbrief
decodes twice (analysis, then encoding), analyses both channels, detects the two-party layout and
writes per-speaker 16 kHz mp3 chunks (32 kbit/s); the ffmpeg CLI decodes once and writes one mono
mix with pauses over 1 s removed:
\`$(cli long.mp3 out.mp3 | sed 's/-nostdin -hide_banner -loglevel error -y //')\`.
× realtime = recording seconds / wall seconds (and / CPU seconds: the one to compare when other
work shares the core; load average before the runs: $load_before).

| program | wall | CPU | × realtime (wall) | × realtime (CPU) | peak RSS |
|---|---|---|---|---|---|
${rows}
One-hour call: layout \`$long_layout\`, $long_chunks chunks, billed $long_billed s of $(printf %.0f "$duration") s
($(pct "$long_billed" "$duration") less); the ffmpeg CLI's mono output is $(printf %.0f "$cli_long") s.

Call with 30 s of silence (\`pause_30s.mp3\`, $pause_duration s, speech $pause_speech s): billed
$pause_billed s with callbrief ($(pct "$pause_billed" "$pause_duration") less than the recording; both
speakers' chunks together), $(printf %.1f "$cli_pause") s with the ffmpeg CLI command above ($(pct "$cli_pause" "$pause_duration") less).
MD
