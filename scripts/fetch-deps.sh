#!/usr/bin/env bash
# Fetches the C++ dependencies that both the native and the WebAssembly build
# compile from source: Debian's source packages of abseil and simdjson.
#
#   .deps/abseil    upstream abseil + every patch in Debian's debian/patches/series
#                   (among them CVE-2025-0838), so the wasm build carries the same
#                   fixes as Debian's native libabsl-dev. One local change after
#                   the series: see "vocabulary types" below.
#   .deps/simdjson  upstream simdjson (we compile singleheader/simdjson.{h,cpp}).
#
# The sources come through apt's deb-src mechanism, reusing the system's own
# source list in a private apt directory: no host name is written anywhere and
# the system's apt state is left untouched. Nothing fetched here is committed
# (.deps/ is git-ignored).
#
# Idempotent: .deps/.stamp records the versions; when it is present (and the
# trees exist) the script only prints the versions and exits.
# Set HEARTH_REFETCH_DEPS=1 to force a fresh download.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="${root}/.deps"
stamp="${deps}/.stamp"
packages=(abseil simdjson)
# Bump when the way the trees are prepared changes: older trees are redone.
recipe="recipe 2: abseil = Debian series + std vocabulary types"

if [[ "${HEARTH_REFETCH_DEPS:-0}" != 1 && -f "${stamp}" \
      && "$(tail -n 1 "${stamp}")" == "${recipe}" \
      && -f "${deps}/abseil/CMakeLists.txt" \
      && -f "${deps}/simdjson/singleheader/simdjson.cpp" ]]; then
  echo "fetch-deps: up to date:" $(head -n 2 "${stamp}")
  exit 0
fi

for tool in apt-get tar patch xz; do
  command -v "${tool}" >/dev/null || { echo "fetch-deps: '${tool}' is missing (run scripts/setup.sh)" >&2; exit 1; }
done
system_sources=/etc/apt/sources.list.d/debian.sources
[[ -r "${system_sources}" ]] || { echo "fetch-deps: ${system_sources} not found" >&2; exit 1; }

mkdir -p "${deps}"
work="$(mktemp -d "${deps}/.fetch.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

# A private apt configuration: deb-src twins of the system's own entries, with
# private lists and caches, so `apt-get update` here neither needs nor touches
# the system's lock, lists or package cache.
mkdir -p "${work}/apt/parts" "${work}/apt/lists/partial" "${work}/apt/cache/archives/partial"
sed 's/^Types: deb$/Types: deb-src/' "${system_sources}" > "${work}/apt/parts/src.sources"
apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=${work}/apt/parts"
  -o "Dir::State::Lists=${work}/apt/lists"
  -o "Dir::Cache=${work}/apt/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
echo "fetch-deps: updating the private deb-src index..."
apt-get "${apt_opts[@]}" -qq update
mkdir -p "${work}/src"
(cd "${work}/src" && apt-get "${apt_opts[@]}" -qq source --download-only "${packages[@]}")

# version_of PKG: the Debian version from the downloaded .dsc name.
version_of() {
  local dsc
  dsc="$(ls "${work}/src/${1}"_*.dsc)"
  dsc="$(basename "${dsc}" .dsc)"
  echo "${dsc#${1}_}"
}

# extract_orig PKG DEST: unpacks the upstream tarball into DEST (no top directory).
extract_orig() {
  local orig
  orig="$(ls "${work}/src/${1}"_*.orig.tar.*)"
  mkdir -p "${2}"
  tar -xf "${orig}" -C "${2}" --strip-components=1
}

# abseil: upstream source plus Debian's patch series, in order.
extract_orig abseil "${work}/abseil"
mkdir -p "${work}/abseil-debian"
tar -xf "$(ls "${work}/src/abseil"_*.debian.tar.*)" -C "${work}/abseil-debian"
series="${work}/abseil-debian/debian/patches/series"
applied=0
if [[ -f "${series}" ]]; then
  while IFS= read -r line || [[ -n "${line}" ]]; do
    line="${line%%#*}"                      # drop comments
    read -r name _ <<< "${line}" || true    # first word; ignores options like -p1
    [[ -z "${name:-}" ]] && continue
    echo "fetch-deps: abseil: applying debian/patches/${name}"
    patch -p1 --forward --batch --silent -d "${work}/abseil" \
      < "${work}/abseil-debian/debian/patches/${name}"
    applied=$((applied + 1))
  done < "${series}"
fi

# Vocabulary types. Debian's configure.diff pins absl::string_view, optional,
# any and variant to Abseil's own classes (ABI stability of the shared
# libabsl). We link Abseil statically from this tree, so that buys nothing,
# and it makes absl::string_view a different type from std::string_view:
# StrCat(std::string_view) and heterogeneous flat_hash_map lookups stop
# compiling. Restore upstream's default (2: alias the std:: types in C++17).
# The series' other choices (inline namespace, ABSL_OPTION_HARDENED=1) stay.
options_h="${work}/abseil/absl/base/options.h"
sed -i -E 's/^#define ABSL_OPTION_USE_STD_(ANY|OPTIONAL|STRING_VIEW|VARIANT) 0$/#define ABSL_OPTION_USE_STD_\1 2/' "${options_h}"
if [[ "$(grep -cE '^#define ABSL_OPTION_USE_STD_(ANY|OPTIONAL|STRING_VIEW|VARIANT) 2$' "${options_h}")" != 4 ]]; then
  echo "fetch-deps: could not set the std vocabulary types in ${options_h}" >&2
  exit 1
fi
echo "fetch-deps: abseil: absl/base/options.h: ABSL_OPTION_USE_STD_{ANY,OPTIONAL,STRING_VIEW,VARIANT} 0 -> 2 (upstream default)"

# simdjson: upstream source as released (its single-header amalgamation).
extract_orig simdjson "${work}/simdjson"
[[ -f "${work}/simdjson/singleheader/simdjson.cpp" ]] \
  || { echo "fetch-deps: simdjson has no singleheader/simdjson.cpp" >&2; exit 1; }

abseil_version="$(version_of abseil)"
simdjson_version="$(version_of simdjson)"

# Swap the new trees in only once everything succeeded.
rm -rf "${deps}/abseil" "${deps}/simdjson"
mv "${work}/abseil" "${deps}/abseil"
mv "${work}/simdjson" "${deps}/simdjson"
printf 'abseil %s\nsimdjson %s\n%s\n' "${abseil_version}" "${simdjson_version}" "${recipe}" > "${stamp}"
echo "fetch-deps: abseil ${abseil_version} (${applied} Debian patches applied), simdjson ${simdjson_version}"
