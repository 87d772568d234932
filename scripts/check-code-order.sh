#!/usr/bin/env bash
# Fails when the build stops laying out the server's hot code in the order of
# server/code-order.txt (server/build.rs), which keeps the code a running server touches in few
# of the kernel's 64 KiB fault-around windows and so keeps its resident memory small.
#
# Of the listed functions this binary has (the symbol hashes differ between profiles, so a debug
# build has only the standard library's and SQLite's), at least MIN_FOUND must be found, they
# must come in the list's order (allowing for local functions that several codegen units each
# have a copy of) and nothing else may lie between them.
# Usage: scripts/check-code-order.sh [BINARY]   (default target/debug/kartta; needs nm)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/debug/kartta}
order_file=server/code-order.txt
MIN_FOUND=${MIN_FOUND:-200}

nm --defined-only "$binary" | awk '$2 ~ /^[tTW]$/ { print $1, $3 }' | awk -v min_found="$MIN_FOUND" '
  # First input: the list; the rank of each name is its first line.
  FNR == NR {
    if ($0 !~ /^#/ && NF && !($1 in rank)) rank[$1] = ++ranked
    next
  }
  # Second input: "address name" of every function symbol of the binary.
  {
    # nm prints addresses as 16 hexadecimal digits, so as strings they compare as numbers do.
    address = "x" $1
    if ($2 in rank) {
      listed[++n_listed] = address
      listed_address[address] = 1
      if (!($2 in lowest) || address < lowest[$2]) lowest[$2] = address
      if (n_listed == 1 || address < first_listed) first_listed = address
      if (n_listed == 1 || address > last_listed) last_listed = address
    } else {
      other[++n_other] = address
    }
  }
  END {
    found = 0
    for (name in lowest) { by_rank[rank[name]] = lowest[name]; found++ }
    in_order = 0; pairs = 0; previous = ""
    for (r = 1; r <= ranked; r++) {
      if (!(r in by_rank)) continue
      if (previous != "") { pairs++; if (by_rank[r] > previous) in_order++ }
      previous = by_rank[r]
    }
    between = 0
    # Another name at a listed address is an alias of the same code (merged generic instances).
    for (i = 1; i <= n_other; i++)
      if (other[i] > first_listed && other[i] < last_listed && !(other[i] in listed_address)) between++
    printf "%d of %d listed functions found; %d of %d consecutive pairs in list order; %d other functions among them\n",
      found, ranked, in_order, pairs, between
    if (found < min_found) { print "too few listed functions found: regenerate server/code-order.txt (bench/code-order/collect.sh)"; exit 1 }
    if (in_order < 0.9 * pairs) { print "the listed functions are not in the list order: the build did not apply server/code-order.txt"; exit 1 }
    if (between > 0.02 * found) { print "other functions lie among the listed ones: the build did not apply server/code-order.txt"; exit 1 }
  }
' "$order_file" -
