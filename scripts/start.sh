#!/usr/bin/env bash
# Starts the Hearth demo storefront from a fresh machine: installs what is
# missing (scripts/setup.sh), builds the release wasm into js/wasm/, then
# serves demo/ on http://127.0.0.1:${PORT:-8080}/ (PORT=0 picks a free port).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

bash scripts/setup.sh
bash scripts/build.sh wasm
exec node demo/server.mjs
