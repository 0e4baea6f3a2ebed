#!/usr/bin/env bash
# Shared by run.sh and test.sh: install missing Debian packages, configure, build.
# Idempotent: a second run with nothing changed installs nothing and builds nothing.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTNVIZ_BUILD_DIR:-$ROOT/build}"
# shellcheck source=lib/packages.sh
source "$ROOT/scripts/lib/packages.sh"

# Debian 12 packages the build, the tests and the screenshots need.
PACKAGES=(
  build-essential "${CONFIGURE_PACKAGES[@]}"
  libbenchmark-dev
  xvfb xauth python3-numpy
)

configure_and_build() {
  # ccache keys on paths relative to the checkout's parent, so that another clone (CI's) or build
  # directory at the same depth reuses the cache.
  command -v ccache >/dev/null && export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd "$ROOT/.." && pwd)}"
  local args=(-S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release)
  # Point the tests that use shared data at the repository beside this one when it is there.
  [ -d "$ROOT/../shared/data" ] && args+=(-DATTNVIZ_SHARED_DATA_DIR="$(cd "$ROOT/../shared/data" && pwd)")
  [ -n "${ATTNVIZ_PORTABLE:-}" ] && args+=(-DATTNVIZ_PORTABLE="$ATTNVIZ_PORTABLE")
  # A rebuild after a small change takes seconds instead of the 20 minutes of a cold build.
  command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$BUILD_DIR/build.ninja" ] || [ -n "${ATTNVIZ_RECONFIGURE:-}" ]; then
    cmake "${args[@]}" >&2
  fi
  cmake --build "$BUILD_DIR" --parallel "$(nproc)" "$@" >&2
}

install_packages "${PACKAGES[@]}"
configure_and_build "$@"
