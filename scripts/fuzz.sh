#!/usr/bin/env bash
# The cargo-fuzz target `decode_and_apply` (fuzz/).
#   scripts/fuzz.sh build          builds it as a plain binary (what CI checks; no nightly needed)
#   scripts/fuzz.sh run [SECONDS]  fuzzes with libFuzzer for SECONDS (default 300); needs
#                                  `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP lets the stable
#                                  toolchain accept the sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
case "${1:-build}" in
  build) cargo build --quiet --bins ;;
  run)
    seconds=${2:-300}
    mkdir -p corpus/decode_and_apply
    RUSTC_BOOTSTRAP=1 cargo fuzz run decode_and_apply corpus/decode_and_apply -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 ;;
  *) echo "usage: $0 build | run [SECONDS]"; exit 2 ;;
esac
