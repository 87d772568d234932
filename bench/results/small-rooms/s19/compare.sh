#!/usr/bin/env bash
# compare.sh OUTDIR BEFORE_BIN AFTER_BIN [YSWEET_BIN]: three rounds, each one idle start, one
# workshop and one scale50 load (10 s) of each binary in turn (measure.sh), and the same loads
# of y-sweet (ysweet-smaps.sh); then medians.py prints the medians.
set -euo pipefail
OUT=$1; BEFORE=$2; AFTER=$3; YSWEET=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
for round in 1 2 3; do
  for scenario in idle workshop scale50; do
    "$HERE/measure.sh" "$BEFORE" "$scenario" 10 "$OUT/before-$scenario-$round"
    "$HERE/measure.sh" "$AFTER" "$scenario" 10 "$OUT/after-$scenario-$round"
    if [ -n "$YSWEET" ] && [ "$scenario" != idle ]; then
      "$HERE/ysweet-smaps.sh" "$YSWEET" "$scenario" 10 "$OUT/ysweet-$scenario-$round"
    fi
  done
done
python3 "$HERE/medians.py" "$OUT" before after
for scenario in workshop scale50; do
  for status in "$OUT"/ysweet-$scenario-*.status; do
    [ -f "$status" ] && echo "ysweet $scenario $(basename "$status"): $(grep VmHWM "$status")"
  done
done
