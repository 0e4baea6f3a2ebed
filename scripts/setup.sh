#!/usr/bin/env bash
# Shared by run.sh and test.sh: install missing Debian packages, configure, build.
# Idempotent: a second run with nothing changed installs nothing and builds nothing.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTNVIZ_BUILD_DIR:-$ROOT/build}"

# Debian 12 packages the build, the tests and the screenshots need.
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-svg-dev libgl1-mesa-dev
  libeigen3-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libbenchmark-dev
  xvfb xauth python3-numpy
)

install_missing_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "attnviz: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "attnviz: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  local args=(-S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release)
  # Point the tests that use shared data at the repository beside this one when it is there.
  [ -d "$ROOT/../shared/data" ] && args+=(-DATTNVIZ_SHARED_DATA_DIR="$(cd "$ROOT/../shared/data" && pwd)")
  [ -n "${ATTNVIZ_PORTABLE:-}" ] && args+=(-DATTNVIZ_PORTABLE="$ATTNVIZ_PORTABLE")
  if [ ! -f "$BUILD_DIR/build.ninja" ] || [ -n "${ATTNVIZ_RECONFIGURE:-}" ]; then
    cmake "${args[@]}" >&2
  fi
  cmake --build "$BUILD_DIR" --parallel "$(nproc)" "$@" >&2
}

install_missing_packages
configure_and_build "$@"
