#!/usr/bin/env bash
# Mutation testing, run by hand — NOT by CI: it rebuilds and reruns tests once
# per mutant, which takes an hour or more on two cores.
#
# Applies each mutation of ci/mutants.txt on its own (a flipped sign, an
# off-by-one bound, a changed weight, a dropped term in the optimized CPU
# backends, the diagnostics and the .npy/checkpoint I/O), rebuilds what the
# mutant's tests need (incrementally, through ccache), runs those tests —
# a subset of the `correctness` label chosen per mutant by the test sets
# named in the file, not the whole label, and stopping at the first failure,
# to keep it to minutes — puts the source back, and prints mutant →
# killed/survived with the (first) killing test.
#
# The source is restored by copying the saved original back, after every
# mutant and on any exit (trap), so an interrupted run leaves no mutation
# behind; the script also refuses to start on a target file with
# uncommitted changes. The build lives in its own directory (default
# build/mutants, CUDA off: the mutants are CPU code, and nvcc would rebuild
# for minutes whenever the shared kernel header changes).
#
#   ci/mutants.sh                  every mutant
#   ci/mutants.sh --only ID[,ID]   some of them
#   ci/mutants.sh --check          only check that every `find` text occurs once
#   ci/mutants.sh --list           list the mutants
#
# Environment: LFM_MUTANTS_BUILD_DIR (build/mutants), LFM_MUTANTS_JOBS (2),
# LFM_MUTANTS_TIMEOUT (per test, seconds; 300). Results also go to
# $BUILD_DIR/mutants-results.md. Exit status 0 when every mutant was
# killed or is marked with a note, 1 otherwise, 2 on a usage or setup error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
spec="ci/mutants.txt"
build="${LFM_MUTANTS_BUILD_DIR:-$root/build/mutants}"
jobs="${LFM_MUTANTS_JOBS:-2}"
timeout="${LFM_MUTANTS_TIMEOUT:-300}"

only="" mode="run"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only=",$2,"; shift 2 ;;
    --check) mode="check"; shift ;;
    --list) mode="list"; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "mutants.sh: unknown argument '$1' (expected --only ID[,ID], --check or --list)" >&2; exit 2 ;;
  esac
done

# --- read ci/mutants.txt ------------------------------------------------------
declare -A sets=()
ids=() files=() finds=() replaces=() tests=() whats=() notes=()
n=-1
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  if [[ "$line" =~ ^set[[:space:]]+([a-z_0-9]+)[[:space:]]+(.+)$ ]]; then
    sets[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
  elif [[ "$line" =~ ^mutant[[:space:]]+([a-z_0-9]+)[[:space:]]*$ ]]; then
    n=$((n + 1))
    ids[n]="${BASH_REMATCH[1]}" files[n]="" finds[n]="" replaces[n]="" tests[n]="" whats[n]="" notes[n]=""
  elif [[ $n -ge 0 && "$line" =~ ^[[:space:]]+(file|find|replace|tests|what|note)[[:space:]]+(.*)$ ]]; then
    value="${BASH_REMATCH[2]}"
    case "${BASH_REMATCH[1]}" in
      file) files[n]="$value" ;;
      find) finds[n]="$value" ;;
      replace) replaces[n]="$value" ;;
      tests) tests[n]="$value" ;;
      what) whats[n]="$value" ;;
      note) notes[n]="${notes[n]:+${notes[n]} }$value" ;;
    esac
  else
    echo "mutants.sh: $spec: cannot read the line: $line" >&2
    exit 2
  fi
done < "$spec"

# The ctest regex of a mutant: its test sets joined by '|'.
regex_of() {
  local r="" s
  for s in ${tests[$1]}; do
    if [[ -z "${sets[$s]+x}" ]]; then
      echo "mutants.sh: mutant ${ids[$1]}: no test set '$s' in $spec" >&2
      exit 2
    fi
    r="${r:+$r|}${sets[$s]}"
  done
  echo "$r"
}

# Replaces the one occurrence of `find` (exact text) in `file`; fails when
# it occurs other than once. With dry=1 only counts.
apply() {
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import sys
path, find, replace, dry = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
text = open(path, encoding="utf-8").read()
count = text.count(find)
if count != 1:
    sys.exit(f"{path}: the text to mutate occurs {count} times, expected once: {find}")
if not dry:
    open(path, "w", encoding="utf-8").write(text.replace(find, replace, 1))
PY
}

selected=()
for i in "${!ids[@]}"; do
  [[ -z "$only" || "$only" == *",${ids[i]},"* ]] && selected+=("$i")
done
if [[ ${#selected[@]} -eq 0 ]]; then
  echo "mutants.sh: no mutant selected" >&2
  exit 2
fi

status=0
for i in "${selected[@]}"; do
  for field in "file:${files[i]}" "find:${finds[i]}" "replace:${replaces[i]}" "tests:${tests[i]}" "what:${whats[i]}"; do
    if [[ "$field" == *: ]]; then
      echo "mutants.sh: mutant ${ids[i]} has no '${field%:}'" >&2
      status=2
    fi
  done
  [[ -f "${files[i]}" ]] || { echo "mutants.sh: mutant ${ids[i]}: no file ${files[i]}" >&2; status=2; continue; }
  apply "${files[i]}" "${finds[i]}" "${replaces[i]}" 1 || status=2
  regex_of "$i" > /dev/null
done
[[ $status -eq 0 ]] || exit "$status"

if [[ "$mode" == "list" ]]; then
  for i in "${selected[@]}"; do printf '%-28s %-44s %s\n' "${ids[i]}" "${files[i]}" "${whats[i]}"; done
  exit 0
fi
if [[ "$mode" == "check" ]]; then
  echo "mutants.sh: ${#selected[@]} mutants, every one applies to its file exactly once"
  exit 0
fi

for i in "${selected[@]}"; do
  if ! git diff --quiet HEAD -- "${files[i]}"; then
    echo "mutants.sh: ${files[i]} has uncommitted changes; commit or stash them first" >&2
    exit 2
  fi
done

# --- restore on any exit ------------------------------------------------------
saved="$(mktemp -d)"
mutated=""
restore() {
  if [[ -n "$mutated" ]]; then
    cp "$saved/original" "$mutated"
    echo "mutants.sh: restored $mutated" >&2
    mutated=""
  fi
}
trap 'restore; rm -rf "$saved"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build once, and check the tests pass unmutated ----------------------------
export CCACHE_BASEDIR="$root"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  nice cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLFM_CUDA=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > "$build.configure.log" 2>&1 ||
    { echo "mutants.sh: configure failed, see $build.configure.log" >&2; exit 2; }
fi
echo "mutants.sh: building $build (nice, -j$jobs)"
nice cmake --build "$build" -j "$jobs" > "$build/mutants-build.log" 2>&1 ||
  { echo "mutants.sh: the unmutated build fails, see $build/mutants-build.log" >&2; exit 2; }

# The executables a test regex runs, as build targets (plus the CLI, which
# the CLI tests start).
targets_of() {
  ctest --test-dir "$build" --show-only=json-v1 -L '^correctness$' -R "$1" | python3 -c '
import json, os, sys
names = {os.path.basename(t["command"][0]) for t in json.load(sys.stdin)["tests"] if t.get("command")}
print(" ".join(sorted(n for n in names if n.startswith("test_")) + ["lfm"]))'
}

# regex [extra ctest options] -> status of ctest
run_tests() {
  local regex="$1"
  shift
  nice ctest --test-dir "$build" -L '^correctness$' -R "$regex" -j "$jobs" --timeout "$timeout" \
    --output-on-failure "$@" > "$build/mutants-ctest.log" 2>&1
}

union=""
for i in "${selected[@]}"; do union="${union:+$union|}$(regex_of "$i")"; done
echo "mutants.sh: running the selected tests on the unmutated source"
if ! run_tests "$union"; then
  echo "mutants.sh: tests fail without any mutation; fix that first:" >&2
  cat "$build/Testing/Temporary/LastTestsFailed.log" >&2 || true
  exit 2
fi

# --- one mutant at a time -----------------------------------------------------
results="$build/mutants-results.md"
{
  echo "| mutant | file | result | killed by | bug |"
  echo "|---|---|---|---|---|"
} > "$results"
killed=0 survived=0 explained=0 stillborn=0
for i in "${selected[@]}"; do
  id="${ids[i]}" file="${files[i]}" regex="$(regex_of "$i")"
  started=$(date +%s)
  cp "$file" "$saved/original"
  mutated="$file"
  apply "$file" "${finds[i]}" "${replaces[i]}" 0
  result="" by=""
  # shellcheck disable=SC2046  # the target list is meant to split
  if ! nice cmake --build "$build" -j "$jobs" --target $(targets_of "$regex") > "$build/mutants-build.log" 2>&1; then
    result="did not build" by="(compile error: not counted)"
    stillborn=$((stillborn + 1))
  elif run_tests "$regex" --stop-on-failure; then  # one failing test is enough to kill it
    if [[ -n "${notes[i]}" ]]; then
      result="survived (explained)" by="${notes[i]}"
      explained=$((explained + 1))
    else
      result="SURVIVED" by=""
      survived=$((survived + 1))
    fi
  else
    by="$(head -n 1 "$build/Testing/Temporary/LastTestsFailed.log" | cut -d: -f2- | sed 's/  # GetParam.*//')"
    result="killed"
    killed=$((killed + 1))
  fi
  restore
  printf '%-28s %-20s %s  [%ds]\n' "$id" "$result" "$by" $(($(date +%s) - started))
  echo "| $id | ${file#lattice/} | $result | $by | ${whats[i]} |" >> "$results"
done

# Leave the build matching the restored source.
nice cmake --build "$build" -j "$jobs" > "$build/mutants-build.log" 2>&1 || true

total=$((killed + survived + explained))
echo
echo "mutation score: $killed killed of $total mutants that built ($explained survived with a note saying why," \
  "$survived unexplained survivors, $stillborn did not build)"
echo "table: $results"
[[ $survived -eq 0 ]]
