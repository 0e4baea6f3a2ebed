#!/usr/bin/env bash
# Quick start: install what is missing, build Release into build/, open attnviz.
# Extra arguments go to the program (e.g. scripts/run.sh compute --preset tf-tutorial).
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" --target attnviz
exec "${ATTNVIZ_BUILD_DIR:-$ROOT/build}/bin/attnviz" "$@"
