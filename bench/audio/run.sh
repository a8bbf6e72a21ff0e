#!/usr/bin/env bash
# Audio preparation: × realtime on one core and peak RSS on the one-hour two-party call, side by
# side in the same run on the same pinned core: callbrief before the single-decode change, callbrief
# now, and the ffmpeg CLI doing the nearest equivalent (decode, silenceremove, resample to 16 kHz
# mono, 32 kbit/s mp3); then the chunk codecs compared on the same call, and the billed seconds
# saved on the call with a 30 s silence. Prints a Markdown section on stdout.
# Usage: bench/audio/run.sh [runs]
# The "before" binary is callbrief_audio_bench built from BEFORE_REV (exported with `git archive`
# into build/audio-before/ and built there once by that tree's scripts/build, so ccache finds the
# objects every checkout shares), or the one CALLBRIEF_AUDIO_BENCH_BEFORE names.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="${CALLBRIEF_AUDIO_BENCH:-$root/build/src/audio/callbrief_audio_bench}"
fixtures="${AUDIO_FIXTURES:-$root/build/fixtures-long}"
before_rev=${BEFORE_REV:-d2c30d0}  # the last commit that decoded twice and ran LAME at -q 3
runs=${1:-3}
core=$(( $(nproc) - 1 ))  # every contender pinned to the same core

[[ -x $binary ]] || { echo "bench/audio: $binary is missing (scripts/build release callbrief_audio_bench)" >&2; exit 1; }
[[ -f $fixtures/long.mp3 && -f $fixtures/pause_30s.mp3 ]] ||
  "$root/scripts/make-fixtures" --long "$fixtures" >&2

before="${CALLBRIEF_AUDIO_BENCH_BEFORE:-}"
if [[ -z $before ]]; then
  dir="$root/build/audio-before"
  before="$dir/build/src/audio/callbrief_audio_bench"
  if [[ ! -x $before || "$(cat "$dir/REV" 2>/dev/null)" != "$before_rev" ]]; then
    echo "bench/audio: building callbrief_audio_bench at $before_rev into $dir" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    git -C "$root" archive "$before_rev" | tar -x -C "$dir"
    ln -s "$root/node_modules" "$dir/node_modules"  # the build's configure step wants it
    "$dir/scripts/build" release callbrief_audio_bench >&2  # its own build/, ccache shared
    echo "$before_rev" >"$dir/REV"
  fi
fi

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
chunk_bytes() { python3 -c "import json,sys; print(sum(c['bytes'] for c in json.load(open(sys.argv[1]))['chunks']))" "$1"; }
seconds_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
cpu_of() { awk '{ printf "%.2f", $2 + $3 }' <<<"$1"; }
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

long="$fixtures/long.mp3"
duration=$(seconds_of "$long")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
cpu_ratios=""
wall_ratios=""
for run in $(seq "$runs"); do
  rm -rf "$work/chunks"
  old=$(timed before "$before" "$long" "$work/chunks")
  cp "$work/before.out" "$work/before.json"
  rm -rf "$work/chunks"
  ours=$(timed ours "$binary" "$long" "$work/chunks")
  cp "$work/ours.out" "$work/long.json"
  theirs=$(timed cli $(cli "$long" "$work/cli.mp3"))
  rows+="$(row "callbrief before ($before_rev), run $run" "$old" "$duration")"$'\n'
  rows+="$(row "**callbrief now**, run $run" "$ours" "$duration")"$'\n'
  rows+="$(row "ffmpeg CLI, run $run" "$theirs" "$duration")"$'\n'
  cpu_ratios+="$(ratio "$(cpu_of "$theirs")" "$(cpu_of "$ours")")× "
  wall_ratios+="$(ratio "$(cut -d' ' -f1 <<<"$theirs")" "$(cut -d' ' -f1 <<<"$ours")")× "
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
long_billed=$(field "$work/long.json" billed_seconds)
before_billed=$(field "$work/before.json" billed_seconds)
long_chunks=$(field "$work/long.json" chunk_count)
long_layout=$(field "$work/long.json" layout)
cli_long=$(seconds_of "$work/cli.mp3")

# The chunk codecs on the same call, each once: what the encoding pass costs and what it uploads.
codec_rows=""
for format in mp3 opus flac wav; do
  rm -rf "$work/chunks"
  t=$(timed codec "$binary" "$long" "$work/chunks" "$format")
  bytes=$(chunk_bytes "$work/codec.out")
  billed=$(field "$work/codec.out" billed_seconds)
  codec_rows+="$(awk -v f="$format" -v c="$(cpu_of "$t")" -v b="$bytes" -v s="$billed" -v d="$duration" 'BEGIN {
    printf "| %s | %.2f s | %.0f× | %.1f MB | %.1f kbit/s |\n", f, c, d / c, b / 1e6, b * 8 / s / 1000 }')"$'\n'
done

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
All three programs pinned to one core (\`taskset -c $core\`), alternating, in the same run.
callbrief decodes once into 16 kHz samples (kept in an unlinked spool file), analyses both
channels, detects the two-party layout and writes per-speaker 16 kHz mp3 chunks (32 kbit/s, LAME
\`-q 7\`); "before" ($before_rev) decoded twice and ran LAME at its default \`-q 3\`. The ffmpeg CLI
decodes once and writes one mono mix with pauses over 1 s removed:
\`$(cli long.mp3 out.mp3 | sed 's/-nostdin -hide_banner -loglevel error -y //')\`.
× realtime = recording seconds / wall seconds (and / CPU seconds: the one to compare when other
work shares the core). Load average before the runs: $load_before; after: $load_after.

| program | wall | CPU | × realtime (wall) | × realtime (CPU) | peak RSS |
|---|---|---|---|---|---|
${rows}
callbrief now against the ffmpeg CLI, per run: CPU ${cpu_ratios% } (CLI CPU / ours), wall ${wall_ratios% }.

One-hour call: layout \`$long_layout\`, $long_chunks chunks, billed $long_billed s of $(printf %.0f "$duration") s
($(pct "$long_billed" "$duration") less; before: $before_billed s); the ffmpeg CLI's mono output is $(printf %.0f "$cli_long") s.

Chunk codecs (\`AUDIO_CHUNK_FORMAT\`) on the same call, callbrief now, one run each, 32 kbit/s for
mp3 and opus: CPU of the whole preparation (decoding and analysis included) and what is uploaded.

| format | CPU | × realtime (CPU) | uploaded | per billed second |
|---|---|---|---|---|
${codec_rows}
Call with 30 s of silence (\`pause_30s.mp3\`, $pause_duration s, speech $pause_speech s): billed
$pause_billed s with callbrief ($(pct "$pause_billed" "$pause_duration") less than the recording; both
speakers' chunks together), $(printf %.1f "$cli_pause") s with the ffmpeg CLI command above ($(pct "$cli_pause" "$pause_duration") less).
MD
