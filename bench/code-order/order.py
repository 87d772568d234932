"""Writes the link order of the server's code from callgrind dumps of one run.

Usage: order.py BINARY OUTPUT PHASE_DUMP...

Each dump is one phase of the run (start, sync load, web app and API, exports, shutdown), in the
order given. A function goes into the list at the first phase that executed it; inside a phase,
the most executed first. The linker then places these functions at the start of `.text`, in this
order, so the code a running server touches shares few of the 64 KiB windows the kernel maps
around each page fault of a file mapping.
"""

import os
import re
import sys

COST_LINE = re.compile(r"^[0-9+\-*]")
COMPRESSED = re.compile(r"^\((\d+)\)(?: (.*))?$")


def instructions_per_function(dump_path, binary_path):
    """Instructions executed per function of `binary_path` in one callgrind dump."""
    binary_path = os.path.realpath(binary_path)
    # Callgrind names each object and function once per file as "(id) name" and by "(id)" after.
    object_names = {}
    function_names = {}
    current_object = None
    current_function = None
    after_calls_line = False
    instructions = {}

    def expand(table, value):
        match = COMPRESSED.match(value)
        if not match:
            return value
        identifier, name = match.groups()
        if name is not None:
            table[identifier] = name
        return table.get(identifier, "")

    with open(dump_path, encoding="utf-8", errors="replace") as dump:
        for line in dump:
            line = line.rstrip("\n")
            if line.startswith("ob="):
                current_object = expand(object_names, line[3:])
            elif line.startswith("fn="):
                current_function = expand(function_names, line[3:])
            elif line.startswith("cob="):
                expand(object_names, line[4:])
            elif line.startswith("cfn="):
                expand(function_names, line[4:])
            elif line.startswith("calls="):
                # The cost line after a call is the callee's inclusive cost, not this function's.
                after_calls_line = True
            elif COST_LINE.match(line):
                if after_calls_line:
                    after_calls_line = False
                    continue
                if current_object and os.path.realpath(current_object) == binary_path:
                    fields = line.split()
                    if len(fields) >= 2:
                        instructions[current_function] = instructions.get(
                            current_function, 0
                        ) + int(fields[-1])
    return instructions


def defined_function_symbols(binary_path):
    """Names of the binary's function symbols, so the list holds only names the linker knows."""
    import subprocess

    listing = subprocess.run(
        ["nm", "--defined-only", binary_path], capture_output=True, text=True, check=True
    ).stdout
    names = set()
    for line in listing.splitlines():
        fields = line.split(" ", 2)
        if len(fields) == 3 and fields[1] in "tTW":
            names.add(fields[2])
    return names


def main():
    binary_path, output_path, *dump_paths = sys.argv[1:]
    known_symbols = defined_function_symbols(binary_path)
    ordered = []
    seen = set()
    for dump_path in dump_paths:
        instructions = instructions_per_function(dump_path, binary_path)
        phase_functions = sorted(instructions, key=lambda name: -instructions[name])
        added = 0
        for name in phase_functions:
            # Callgrind marks recursion depth and cycles with suffixes ("'2", " <cycle 1>").
            name = name.split("'")[0].split(" <cycle")[0]
            if name in seen or name not in known_symbols:
                continue
            seen.add(name)
            ordered.append(name)
            added += 1
        print(f"{os.path.basename(dump_path)}: {added} new functions", file=sys.stderr)
    with open(output_path, "w", encoding="utf-8") as output:
        output.write("\n".join(ordered) + "\n")
    print(f"{output_path}: {len(ordered)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
