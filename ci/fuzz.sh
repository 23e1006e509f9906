#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`, clang 14) and runs each for a
# bounded time from the seed corpus in fuzz/corpus/<target>/. Fails on the
# first finding; the crashing input is left in build/fuzz/findings/<target>/
# to turn into a regression test.
#   usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-${LFM_FUZZ_SECONDS:-60}}
targets=(npy params_json checkpoint)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

status=0
for t in "${targets[@]}"; do
  work=build/fuzz/corpus/$t          # grows as the fuzzer learns; the seeds stay untouched
  findings=build/fuzz/findings/$t
  mkdir -p "$work" "$findings"
  echo "fuzz: $t for ${seconds}s"
  # -rss_limit_mb: a reader that allocates what the input cannot hold is a finding.
  if ! build/fuzz/bin/fuzz_"$t" "$work" "fuzz/corpus/$t" \
      -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=65536 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$findings/" 2>build/fuzz/"$t".log; then
    echo "fuzz: $t FOUND A PROBLEM; input in $findings/, log in build/fuzz/$t.log" >&2
    tail -n 40 build/fuzz/"$t".log >&2
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build/fuzz/"$t".log | sed "s/^/fuzz: $t /" || true
done
exit $status
