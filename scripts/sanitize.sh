#!/usr/bin/env bash
# The core and command-line tests built with AddressSanitizer and UndefinedBehaviorSanitizer
# (ATTNVIZ_SANITIZE=address,undefined through attnviz::options; every report is fatal), in
# their own build directory. CI runs it (.ci/run); extra arguments go to cmake, e.g.
# -DATTNVIZ_SANITIZE=undefined for UBSan alone.
#
# Environment: ATTNVIZ_SANITIZE_BUILD_DIR (default build-sanitize), ATTNVIZ_JOBS.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/packages.sh
source "$root/scripts/lib/packages.sh"
# shellcheck source=lib/partial_suite.sh
source "$root/scripts/lib/partial_suite.sh"
install_packages build-essential "${CONFIGURE_PACKAGES[@]}"
# abort_on_error: a report ends the test at once, with a stack; UBSan prints its stack too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
run_partial_suite sanitize "${ATTNVIZ_SANITIZE_BUILD_DIR:-$root/build-sanitize}" '^(core|cli)$' \
  -DATTNVIZ_SANITIZE=address,undefined "$@"
