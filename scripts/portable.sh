#!/usr/bin/env bash
# The core and command-line tests in a portable build (ATTNVIZ_PORTABLE=ON: x86-64 baseline,
# no -march=native), in its own build directory. The native build's vector width (AVX2 or
# AVX-512 and FMA) changes the last bits of Eigen's sums; this job makes sure no test depends on
# them. CI runs it (.ci/run); extra arguments go to cmake.
#
# Environment: ATTNVIZ_PORTABLE_BUILD_DIR (default build-portable), ATTNVIZ_JOBS.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/packages.sh
source "$root/scripts/lib/packages.sh"
# shellcheck source=lib/partial_suite.sh
source "$root/scripts/lib/partial_suite.sh"
install_packages build-essential "${CONFIGURE_PACKAGES[@]}"
run_partial_suite portable "${ATTNVIZ_PORTABLE_BUILD_DIR:-$root/build-portable}" '^(core|cli)$' \
  -DATTNVIZ_PORTABLE=ON "$@"
