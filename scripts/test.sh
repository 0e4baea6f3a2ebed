#!/usr/bin/env bash
# Install what is missing, build everything, run the whole test suite on the offscreen platform.
# Extra arguments go to ctest (e.g. scripts/test.sh -R attention).
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTNVIZ_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 "$@"
