"""summary.py PREFIX...: one line per run of measure.sh: peak RSS, the binary's resident code and
read-only data, and the server's page faults (all, in the binary's code, in its read-only data)."""

import gzip
import os
import sys


def kb(path, field):
    try:
        for line in open(path):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def section_kb(path, name):
    try:
        for line in open(path):
            fields = line.split()
            if fields and fields[0] == name:
                return int(fields[-2])
    except FileNotFoundError:
        return None
    return None


def binary_ranges(maps_path):
    ranges = {"r-xp": [], "r--p": []}
    lines = [line.split() for line in open(maps_path)]
    binary = next(f[5] for f in lines if len(f) >= 6 and f[1] == "r-xp")
    for f in lines:
        if len(f) >= 6 and f[5] == binary and f[1] in ranges:
            start, end = (int(x, 16) for x in f[0].split("-"))
            ranges[f[1]].append((start, end))
    return ranges


def faults(prefix):
    ranges = binary_ranges(prefix + ".maps")
    total = code = data = 0
    # The fault lists are kept compressed in the repository.
    path = prefix + ".faults"
    lines = gzip.open(path + ".gz", "rt") if not os.path.exists(path) else open(path)
    for line in lines:
        line = line.strip()
        if not line:
            continue
        address = int(line, 16)
        total += 1
        if any(a <= address < b for a, b in ranges["r-xp"]):
            code += 1
        elif any(a <= address < b for a, b in ranges["r--p"]):
            data += 1
    return total, code, data


def mb(value):
    # MB of 1024 kB, as bench/report.mjs prints them.
    return "–" if value is None else f"{value / 1024:.2f}"


def main():
    print("| run | VmHWM idle MB | VmHWM end MB | .text resident idle / end MB | .rodata resident idle / end MB | faults (all / code / ro data) |")
    print("|---|---:|---:|---:|---:|---:|")
    for prefix in sys.argv[1:]:
        name = prefix.split("/")[-1]
        hwm_idle = kb(prefix + ".idle.status", "VmHWM")
        hwm_end = kb(prefix + ".status", "VmHWM")
        text = (section_kb(prefix + ".idle.sections", ".text"), section_kb(prefix + ".sections", ".text"))
        rodata = (section_kb(prefix + ".idle.sections", ".rodata"), section_kb(prefix + ".sections", ".rodata"))
        total, code, data = faults(prefix)
        print(f"| {name} | {mb(hwm_idle)} | {mb(hwm_end)} | {mb(text[0])} / {mb(text[1])} | {mb(rodata[0])} / {mb(rodata[1])} | {total} / {code} / {data} |")


if __name__ == "__main__":
    main()
