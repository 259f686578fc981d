#!/usr/bin/env bash
# `npm test`: install what is missing, build every flavour, run every test.
#   1. GoogleTest natively, under ASan+UBSan, and the same binary in wasm (ctest)
#   2. the JS package against the real wasm build, the offline quality
#      evaluation (eval/), the collector (tests/collector/: PGlite and a
#      throwaway PostgreSQL on loopback), the fleet simulation (tests/fleet/:
#      300 real devices syncing to the collector), and the demo/browser tests
#      in Debian's Chromium (node's test runner), whose summary ends the output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

bash scripts/setup.sh
bash scripts/build.sh wasm
bash scripts/test-cpp.sh   # builds and runs native, native-asan, wasm-debug
bash scripts/fuzz.sh --runs 20000 --jobs 2   # libFuzzer short pass: every fuzz/ target, 20k execs each
node scripts/size-check.mjs
node --test --test-concurrency=1 tests/js/ eval/ tests/collector/ tests/fleet/ tests/e2e/
