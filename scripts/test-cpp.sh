#!/usr/bin/env bash
# Runs the C++ tests (GoogleTest under ctest) natively, under ASan+UBSan, and
# compiled to wasm in Node. Builds what is missing or stale first.
#
#   scripts/test-cpp.sh                  # native native-asan wasm-debug
#   scripts/test-cpp.sh native           # a subset
set -euo pipefail

export NODE_PATH=/usr/share/nodejs

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

presets=("$@")
[[ ${#presets[@]} -gt 0 ]] || presets=(native native-asan wasm-debug)
jobs="$(nproc 2>/dev/null || echo 2)"

"${root}/scripts/build.sh" "${presets[@]}"
for preset in "${presets[@]}"; do
  echo "== test ${preset}"
  ctest --preset "${preset}" --output-on-failure -j "${jobs}"
done
