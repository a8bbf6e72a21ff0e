#!/usr/bin/env bash
# Build and CI times from a clean clone of HEAD, as CI and a newcomer see them:
#   - the service alone (what ./scripts/run builds before it starts), cold and warm;
#   - .ci/run (scripts/test with CI=true), cold and warm, with the time of each of its steps.
# "Cold" is an empty ccache (a private CCACHE_DIR made for the run); "warm" is a second clean clone
# built with the cache the cold run filled, which is what CI on a developer's machine sees. apt and
# npm are not timed (the packages are already installed here). Each measurement uses its own clone,
# so no build tree is reused. Prints a Markdown section on stdout.
# Usage: bench/build/run.sh [warm]   (warm: skip the cold runs and use the developer's own cache)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-cold}
work=$(mktemp -d /tmp/callbrief-build-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ $mode == cold ]]; then
  export CCACHE_DIR="$work/ccache"  # filled by the cold CI run, then used by the warm runs
fi
commit=$(git -C "$root" rev-parse --short HEAD)

clone() {  # clone NAME → path of a fresh clone of HEAD whose npm packages are installed
  local dir="$work/$1"
  git clone -q "$root" "$dir"
  git -C "$dir" checkout -q "$commit"
  (cd "$dir" && scripts/setup >/dev/null)
  echo "$dir"
}

minutes() { awk -v s="$1" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }'; }

time_service_build() {  # $1 = label
  local dir started
  dir=$(clone "service-$1")
  started=$SECONDS
  (cd "$dir" && scripts/build release callbrief >/dev/null)
  echo "| \`scripts/run\` until the binary is built ($1) | $(minutes $((SECONDS - started))) |"
}

time_ci() {  # $1 = label; the step table of scripts/test goes to $work/steps-$1
  local dir started status=0
  dir=$(clone "ci-$1")
  started=$SECONDS
  (cd "$dir" && CI=true .ci/run >"$work/ci-$1.log" 2>&1) || status=$?
  local took=$((SECONDS - started))
  sed -n '/^== time per step/,$p' "$work/ci-$1.log" | tail -n +2 >"$work/steps-$1"
  echo "| \`.ci/run\` ($1, exit $status) | $(minutes $took) |"
}

rows=()
if [[ $mode == cold ]]; then
  rows+=("$(CCACHE_DIR="$work/ccache-service" time_service_build cold)")  # a cache of its own
  rows+=("$(time_ci cold)")
fi
rows+=("$(time_service_build warm)")
rows+=("$(time_ci warm)")

echo "### Build and CI ($(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $commit)"
echo
echo "Clean clones of HEAD; cold = empty ccache, warm = the cache a previous clone filled. Load"
echo "average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| what | wall time |"
echo "|---|---|"
printf '%s\n' "${rows[@]}"
for label in cold warm; do
  [[ -s $work/steps-$label ]] || continue
  echo
  echo "Steps of \`.ci/run\` ($label):"
  echo
  echo '```'
  cat "$work/steps-$label"
  echo '```'
done
