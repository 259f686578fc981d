#!/usr/bin/env bash
# npm run bench: builds the native and wasm presets plus the C++ harness
# (hearth_core_bench) in both, then prints the benchmark tables
# (bench/run.mjs; see bench/README.md).
#
#   scripts/bench.sh                       # everything
#   scripts/bench.sh --only ingest,track   # arguments go to bench/run.mjs
#
# Setup (scripts/setup.sh: packages, .deps/) is assumed done. Timings are
# printed, never asserted: the machine is shared and noisy.
set -euo pipefail

# Emscripten's JS optimizer needs Debian's node modules (acorn) on every emcc call.
export NODE_PATH=/usr/share/nodejs

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
jobs="$(nproc 2>/dev/null || echo 2)"

# The release wasm module in js/wasm/ (what the JS benchmarks import) and the
# native tree; configures them when new.
bash "${root}/scripts/build.sh" native wasm >&2

# The harness is EXCLUDE_FROM_ALL: built only here.
for preset in native wasm; do
  echo "== build ${preset} --target hearth_core_bench" >&2
  cmake --build --preset "${preset}" --target hearth_core_bench -j "${jobs}" >&2
done

# --expose-gc: bench/lib.mjs collects garbage between samples.
exec node --expose-gc "${root}/bench/run.mjs" "$@"
