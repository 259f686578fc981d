#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, the `fuzz` CMake preset: clang-14,
# ASan + UBSan, -fno-sanitize-recover=all) and runs each for a fixed number
# of executions, then prints one row per target and fails on any finding.
#
#   scripts/fuzz.sh                        # every target, 10 million execs each (npm run fuzz)
#   scripts/fuzz.sh --runs 20000           # the short pass of npm test
#   scripts/fuzz.sh --target snapshot --runs 100000
#   scripts/fuzz.sh --max-time 600 --nice 15   # also stop each target after 600 s
#   scripts/fuzz.sh --runs 20000 --jobs 2      # two targets at a time (npm test: one per core)
#   scripts/fuzz.sh --corpus out/fuzz-corpus   # keep each target's corpus there, resume from it
#
# Each run starts from a fresh working corpus (build/fuzz/run/<target>/corpus;
# with --corpus DIR: DIR/<target>/, kept and grown across runs, so long
# passes resume where the last one stopped; out/ is git-ignored) and reads
# the seeds read-only: fuzz/corpus/<target>/ (hand-written, in the
# repository) and build/fuzz/seeds/<target>/ (binary seeds written by the
# current core, see fuzz/seed_writer.cc). Findings (crash-*, leak-*,
# timeout-*, oom-* files) land in build/fuzz/run/<target>/; reproduce one with
#   build/fuzz/fuzz/fuzz_<target> build/fuzz/run/<target>/crash-…
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

all_targets=(catalog game campaign promotions priors snapshot packed report)
runs=10000000
max_time=0
nice_level=0
jobs=1
corpus_root=""
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --max-time) max_time="$2"; shift 2 ;;
    --nice) nice_level="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --corpus) corpus_root="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" ${t} "* ]] || { echo "fuzz.sh: unknown target '${t}' (one of: ${all_targets[*]})" >&2; exit 2; }
done
[[ "${runs}" =~ ^[0-9]+$ && "${runs}" -gt 0 ]] || { echo "fuzz.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "${jobs}" =~ ^[0-9]+$ && "${jobs}" -gt 0 ]] || { echo "fuzz.sh: --jobs must be a positive integer" >&2; exit 2; }

# Input size bound per target: a little above each format's realistic size
# (and above the core's own limits where they are small, e.g. 4 KB reports).
declare -A max_len=(
  [catalog]=8192 [game]=8192 [campaign]=4096 [promotions]=4096 [priors]=2048
  [snapshot]=16384 [packed]=4096 [report]=4608
)

build_dir="${root}/build/fuzz"
if [[ ! -f "${build_dir}/CMakeCache.txt" || ! -f "${build_dir}/build.ninja" ]]; then
  echo "== configure fuzz"
  cmake --preset fuzz >/dev/null
fi
echo "== build fuzz"
nice -n "${nice_level}" cmake --build --preset fuzz --target hearth_fuzz -j "$(nproc 2>/dev/null || echo 2)" | grep -v '^\[' || true
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "fuzz.sh: build failed" >&2; exit 1; }

# UBSan must abort (the preset also compiles with -fno-sanitize-recover=all);
# ASan reports leaks at exit of every run.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

# Fuzzes one target; writes its table row to build/fuzz/run/<target>/row and
# returns non-zero on a finding.
fuzz_one() {
  local t="$1"
  local run_dir="${build_dir}/run/${t}"
  local corpus="${run_dir}/corpus"
  rm -rf "${run_dir}"
  mkdir -p "${run_dir}"
  if [[ -n "${corpus_root}" ]]; then corpus="${corpus_root}/${t}"; fi
  mkdir -p "${corpus}"
  # libFuzzer takes one dictionary: JSON syntax + the target's field names
  # (binary formats: only their own).
  local dict="${run_dir}/${t}.dict" seeds args start end status execs findings secs rate
  case "${t}" in
    snapshot|packed) cat "fuzz/dicts/${t}.dict" > "${dict}" ;;
    *) cat fuzz/json.dict "fuzz/dicts/${t}.dict" > "${dict}" ;;
  esac
  # git keeps no empty folders: the binary targets have no fuzz/corpus/<t>/ in a
  # clone (libFuzzer exits on a missing seed folder), only the written seeds.
  seeds=()
  [[ -d "fuzz/corpus/${t}" ]] && seeds+=("fuzz/corpus/${t}")
  [[ -d "${build_dir}/seeds/${t}" ]] && seeds+=("${build_dir}/seeds/${t}")
  if [[ ${#seeds[@]} -eq 0 ]]; then
    echo "fuzz.sh: ${t}: no seeds (fuzz/corpus/${t}/ or ${build_dir}/seeds/${t}/)" >&2
    return 1
  fi
  args=(
    -runs="${runs}" -dict="${dict}" -max_len="${max_len[${t}]}"
    -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="${run_dir}/"
    -entropic=0  # entropic scheduling spent 65% of each run in UpdateFeatureFrequency here (perf); vanilla is 3x faster
  )
  [[ "${max_time}" -gt 0 ]] && args+=(-max_total_time="${max_time}")
  echo "== fuzz ${t} (${runs} runs)"
  start=$(date +%s.%N)
  status=0
  nice -n "${nice_level}" "${build_dir}/fuzz/fuzz_${t}" "${args[@]}" "${corpus}" "${seeds[@]}" \
    > "${run_dir}/log" 2>&1 || status=$?
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "${run_dir}/log" | tail -1)
  execs=${execs:-0}
  corpus_files=$(find "${corpus}" -maxdepth 1 -type f | wc -l)
  findings=$(find "${run_dir}" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  if [[ ${status} -ne 0 && ${findings} -eq 0 ]]; then findings=1; fi  # died without an artifact (e.g. at startup)
  secs=$(awk -v a="${start}" -v b="${end}" 'BEGIN { printf "%.1f", b - a }')
  rate=$(awk -v n="${execs}" -v s="${secs}" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  printf '%-11s %12s %9s %9s %8s %8s\n' "${t}" "${execs}" "${secs}" "${rate}" "${findings}" "${corpus_files}" > "${run_dir}/row"
  if [[ ${findings} -ne 0 ]]; then
    echo "fuzz.sh: ${t}: finding(s) in ${run_dir}/ (exit ${status}); the log ends:" >&2
    grep -E 'ERROR|runtime error|invariant failed|SUMMARY|Test unit written' "${run_dir}/log" | head -20 >&2 || tail -20 "${run_dir}/log" >&2
    return 1
  fi
}

# Up to --jobs targets at once (each libFuzzer process is single-threaded).
failed=0
pids=()
for t in "${targets[@]}"; do
  if [[ ${#pids[@]} -ge ${jobs} ]]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
  fuzz_one "${t}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "${pid}" || failed=1; done

printf '\n%-11s %12s %9s %9s %8s %8s\n' target execs seconds execs/s crashes corpus
for t in "${targets[@]}"; do cat "${build_dir}/run/${t}/row" 2>/dev/null || printf '%-11s %12s\n' "${t}" "(no result)"; done
exit "${failed}"
