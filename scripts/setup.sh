#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and test Hearth, from nothing:
#   1. Debian packages (apt), only those missing;
#   2. npm dependencies, only when node_modules is missing or stale;
#   3. third-party C++ sources (scripts/fetch-deps.sh).
# Idempotent: with everything present it only checks, in a few seconds.
# Non-interactive (CI=true, no stdin); run as root or with sudo available.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
export DEBIAN_FRONTEND=noninteractive

# --- 1. Debian packages ------------------------------------------------------
packages=(
  emscripten                       # emcc/em++ 3.1.6 (clang 14, binaryen) for the wasm build
  chromium                         # browser end-to-end tests (driven by playwright-core)
  googletest libgmock-dev libgtest-dev  # /usr/src/googletest is built by CMakeLists.txt
  libbenchmark-dev                 # native benchmarks (HEARTH_BUILD_BENCH)
  cmake ninja-build g++            # native build
  clang clang-14 libclang-rt-14-dev  # clang tooling; clang-14 + libFuzzer for the fuzz preset (scripts/fuzz.sh)
  patch xz-utils ca-certificates   # fetch-deps.sh: Debian patches, .debian.tar.xz
  postgresql                       # PostgreSQL 15: the collector's server store (tests start a throwaway cluster)
)

is_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for pkg in "${packages[@]}"; do
  is_installed "${pkg}" || missing+=("${pkg}")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  fi
  # Wait for another apt/dpkg run instead of failing on its lock.
  apt_opts=(-o DPkg::Lock::Timeout=900 -o Dpkg::Use-Pty=0 -q)
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get "${apt_opts[@]}" update
  "${sudo[@]}" apt-get "${apt_opts[@]}" install -y "${missing[@]}" < /dev/null
else
  echo "setup: Debian packages present"
fi

# --- 2. npm dependencies -----------------------------------------------------
if [[ -f package.json ]]; then
  command -v npm >/dev/null || { echo "setup: npm not found (node 20 + npm are expected on this machine)" >&2; exit 1; }
  lock=package-lock.json
  [[ -f "${lock}" ]] || lock=package.json
  # npm writes node_modules/.package-lock.json on every install: if it is
  # newer than the lockfile, node_modules matches it.
  if [[ ! -d node_modules || ! -f node_modules/.package-lock.json \
        || "${lock}" -nt node_modules/.package-lock.json ]]; then
    npm_opts=(--no-audit --no-fund --loglevel=error)
    if [[ -f package-lock.json ]]; then
      echo "setup: npm ci"
      npm ci "${npm_opts[@]}" < /dev/null
    else
      echo "setup: npm install (no package-lock.json)"
      npm install "${npm_opts[@]}" < /dev/null
    fi
  else
    echo "setup: node_modules up to date"
  fi
else
  echo "setup: no package.json yet; skipping npm"
fi

# --- 3. Third-party C++ sources ----------------------------------------------
"${root}/scripts/fetch-deps.sh"
