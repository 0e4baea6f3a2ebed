# Sourced by portable.sh and sanitize.sh: configure a build directory of its own, build only the
# tests whose ctest label matches, and run them.
#
#   run_partial_suite NAME BUILD_DIR LABEL_REGEX [CMAKE_ARG...]
#
# The test targets come from `ctest -N -L LABEL_REGEX` after configuring (a test's name is its
# executable's target; tests that run the attnviz executable depend on it, so it is built with
# them). Labels are given by attnviz_add_test in tests/CMakeLists.txt: core, cli, gui.
# ccache is used when installed. ATTNVIZ_JOBS sets the build's and ctest's parallelism (default:
# nproc).
# The last lines printed are ctest's summary; the exit status is ctest's (or the build's).
# SPDX-License-Identifier: GPL-3.0-or-later

run_partial_suite() {
  local name=$1 build=$2 labels=$3
  shift 3
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local args=(-S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DATTNVIZ_BUILD_BENCH=OFF "$@")
  [ -d "$root/../shared/data" ] && args+=(-DATTNVIZ_SHARED_DATA_DIR="$(cd "$root/../shared/data" && pwd)")
  if command -v ccache >/dev/null; then
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # Paths relative to the checkout's parent, so that this build shares cache entries with
    # other checkouts and build directories.
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd "$root/.." && pwd)}"
  fi
  local start=$SECONDS
  echo "== $name: configuring $build" >&2
  cmake "${args[@]}" >/dev/null
  local targets
  mapfile -t targets < <(ctest --test-dir "$build" -N -L "$labels" | sed -n 's/^ *Test *#[0-9]*: *//p')
  if [ ${#targets[@]} -eq 0 ]; then
    echo "$name: no tests labelled '$labels'" >&2
    return 1
  fi
  echo "== $name: building ${#targets[@]} test targets" >&2
  cmake --build "$build" --parallel "${ATTNVIZ_JOBS:-$(nproc)}" --target "${targets[@]}" >&2
  # The build's time here; ctest's summary ("Total Test time") gives the tests' and ends the output.
  echo "== $name: configured and built in $((SECONDS - start)) s; running tests labelled '$labels'" >&2
  QT_QPA_PLATFORM=offscreen ctest --test-dir "$build" -L "$labels" --output-on-failure --timeout 900 \
    --parallel "${ATTNVIZ_JOBS:-$(nproc)}"
}
