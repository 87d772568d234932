#!/usr/bin/env bash
# The cargo-fuzz targets (fuzz/):
#   decode_and_apply  a websocket frame decoded and applied to a board document
#   json_import       an uploaded JSON export parsed and imported into a board
#   csv_import        an uploaded CSV sheet parsed and imported (actors, then relations)
#   awareness         an awareness payload validated, and check_json against serde_json
#
#   scripts/fuzz.sh build                   builds every target as a plain binary and replays
#                                           the committed seeds (fuzz/seeds/) through it: what
#                                           CI checks, in seconds; no nightly needed
#   scripts/fuzz.sh run TARGET [SECONDS] [LIBFUZZER FLAGS...]
#                                           fuzzes TARGET with libFuzzer for SECONDS (default
#                                           300), e.g. `run decode_and_apply 3600 -runs=10000000`;
#                                           needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP lets
#                                           the stable toolchain accept the sanitizer flags
#                                           cargo-fuzz passes. New inputs go to fuzz/corpus/TARGET
#                                           (not committed), crashes to fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
targets=(decode_and_apply json_import csv_import awareness)

# Longest input tried per target: a frame may be large; a sheet or an export of a few hundred
# elements is a few KiB; an awareness payload holds one state of at most 16 KiB.
max_len() {
  case "$1" in
    decode_and_apply) echo 65536 ;;
    awareness) echo 20000 ;;
    *) echo 16384 ;;
  esac
}

case "${1:-build}" in
  build)
    cargo build --quiet --bins
    for target in "${targets[@]}"; do
      if [ -d "seeds/$target" ]; then
        # Given files, a libFuzzer binary runs each once and stops at the first failure.
        if ! output=$("target/debug/$target" seeds/"$target"/* 2>&1); then
          echo "$output"; echo "FAILED: $target on its seeds"; exit 1
        fi
      fi
    done ;;
  run)
    target=${2:?usage: $0 run TARGET [SECONDS] [LIBFUZZER FLAGS...]}
    seconds=${3:-300}
    shift $(($# < 3 ? $# : 3))
    mkdir -p "corpus/$target"
    seeds=()
    if [ -d "seeds/$target" ]; then seeds=("seeds/$target"); fi
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$target")" "$@" ;;
  *) echo "usage: $0 build | run TARGET [SECONDS] [LIBFUZZER FLAGS...]"; exit 2 ;;
esac
