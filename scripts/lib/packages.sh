# Sourced by the scripts: install_packages NAME... installs the Debian packages that are missing,
# with sudo when not root, and does nothing (no apt-get update) when all are there.
# SPDX-License-Identifier: GPL-3.0-or-later
install_packages() {
  local missing=()
  for p in "$@"; do
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

# What configuring and building the project needs (every script that configures uses it): the
# compiler comes separately (build-essential, or clang for the fuzzers).
CONFIGURE_PACKAGES=(
  cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-svg-dev libgl1-mesa-dev
  libeigen3-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libpcre2-dev libutf8proc-dev
)
