#!/usr/bin/env bash
# Configures (when needed) and builds CMake presets.
#
#   scripts/build.sh                 # native wasm wasm-debug
#   scripts/build.sh native-asan     # any presets from CMakePresets.json
#
# The wasm presets copy hearth_wasm.{mjs,wasm} to js/wasm/ (release) and
# js/wasm-debug/ (debug). Third-party sources must be in .deps/
# (scripts/fetch-deps.sh, run by scripts/setup.sh).
set -euo pipefail

# Emscripten's JS optimizer needs Debian's node modules (acorn) on every emcc call.
export NODE_PATH=/usr/share/nodejs

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

presets=("$@")
[[ ${#presets[@]} -gt 0 ]] || presets=(native wasm wasm-debug)
jobs="$(nproc 2>/dev/null || echo 2)"

"${root}/scripts/fetch-deps.sh" >/dev/null

for preset in "${presets[@]}"; do
  build_dir="${root}/build/${preset}"
  start=$(date +%s)
  # Configure only when the build tree is new or was never generated; after
  # that the generator re-runs CMake by itself when CMakeLists/globs change.
  if [[ ! -f "${build_dir}/CMakeCache.txt" || ! -f "${build_dir}/build.ninja" ]]; then
    echo "== configure ${preset}"
    cmake --preset "${preset}"
  fi
  echo "== build ${preset} (-j${jobs})"
  cmake --build --preset "${preset}" -j "${jobs}"
  echo "== ${preset} done in $(( $(date +%s) - start )) s"
done
