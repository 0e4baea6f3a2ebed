#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in a separate build directory and runs each one
# for N seconds, seeded with the fixtures of tests/data/attention.
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]   default 20 seconds per target, every target
#
# Targets: fuzz_npy, fuzz_safetensors, fuzz_attention_json (attention tensor files, seeded with
# tests/data/attention), fuzz_session_json (session files, seeded with resources/presets) and
# fuzz_model (seq2seq model files, seeded with fuzz/seeds/tiny-model.safetensors), fuzz_hf_config
# (Hugging Face config.json + shard index over tests/data/hf fixtures, seeded with fuzz/seeds/hf),
# fuzz_tokenizer_json (tokenizer.json, seeded with tests/data/tokenizers).
#
# Environment: ATTNVIZ_FUZZ_BUILD_DIR (default build-fuzz), CXX (default clang++, else
# clang++-14), ATTNVIZ_FUZZ_JOBS (build parallelism, default 2).
# Exit status: 0 when no target found a crash; 1 otherwise (the crashing inputs are kept in
# $ATTNVIZ_FUZZ_BUILD_DIR/artifacts/).
set -euo pipefail

seconds=${1:-20}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ATTNVIZ_FUZZ_BUILD_DIR:-$root/build-fuzz}
# shellcheck source=lib/packages.sh
source "$root/scripts/lib/packages.sh"
# clang with libFuzzer and the sanitizer runtimes, plus what the project's configure step needs.
install_packages clang libclang-rt-14-dev "${CONFIGURE_PACKAGES[@]}"
cxx=${CXX:-$(command -v clang++ || command -v clang++-14 || true)}
if [[ -z "$cxx" ]] || ! "$cxx" --version | grep -q clang; then
  echo "fuzz.sh: needs clang++ with libFuzzer (set CXX)" >&2
  exit 2
fi
targets=(fuzz_npy fuzz_safetensors fuzz_attention_json fuzz_session_json fuzz_model fuzz_hf_config fuzz_tokenizer_json)
[ $# -gt 1 ] && targets=("${@:2}")

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd "$root/.." && pwd)}"  # shared with other clones
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTNVIZ_BUILD_FUZZERS=ON \
  -DATTNVIZ_BUILD_TESTS=OFF -DATTNVIZ_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "${ATTNVIZ_FUZZ_JOBS:-2}" --target "${targets[@]}"

seeds=$root/tests/data/attention
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  case $t in
    fuzz_npy) cp -n "$seeds"/*.npy "$corpus"/ ;;
    fuzz_safetensors) cp -n "$seeds"/*.safetensors "$corpus"/ ;;
    fuzz_attention_json) cp -n "$seeds"/*.json "$corpus"/ ;;
    fuzz_session_json) cp -n "$root"/resources/presets/*.json "$corpus"/ ;;
    fuzz_model) cp -n "$root"/fuzz/seeds/*.safetensors "$corpus"/ ;;
    fuzz_hf_config) cp -n "$root"/fuzz/seeds/hf/*.seed "$corpus"/ ;;
    fuzz_tokenizer_json) cp -n "$root"/tests/data/tokenizers/*.json "$corpus"/ ;;
    *) echo "fuzz.sh: unknown target $t" >&2; exit 2 ;;
  esac
  echo "== $t: ${seconds}s"
  # -max_len: the seeds are < 3 KB; larger inputs only slow the search down.
  if ! "$build/fuzz/$t" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
      2> "$build/$t.log"; then
    echo "!! $t found a problem; see $build/$t.log and $build/artifacts/" >&2
    tail -n 40 "$build/$t.log" >&2
    status=1
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+.*DONE" "$build/$t.log" || true
done
exit $status
