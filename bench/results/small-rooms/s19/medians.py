"""medians.py DIR LABEL...: median (min–max) of measure.sh's figures per label and scenario."""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
import summary  # noqa: E402

directory, *labels = sys.argv[1:]


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


for label in labels:
    for scenario in ("idle", "workshop", "scale50"):
        prefixes = sorted(
            os.path.join(directory, name[: -len(".maps")])
            for name in os.listdir(directory)
            if name.startswith(f"{label}-{scenario}-") and name.endswith(".maps")
        )
        if not prefixes:
            continue
        end = "idle." if scenario == "idle" else ""
        hwm = [summary.kb(p + f".{end}status", "VmHWM") for p in prefixes]
        text = [summary.section_kb(p + f".{end}sections", ".text") for p in prefixes]
        rodata = [summary.section_kb(p + f".{end}sections", ".rodata") for p in prefixes]
        code_faults = [summary.faults(p)[1] for p in prefixes]
        mb = lambda values: [None if v is None else v / 1024 for v in values]  # noqa: E731
        print(
            f"{label} {scenario} (n={len(prefixes)}): VmHWM {spread(mb(hwm))} MB; "
            f".text resident {spread(mb(text))} MB; .rodata {spread(mb(rodata))} MB; "
            f"faults in code {spread(code_faults)}"
        )
