# heap-sites.py FLAMEGRAPH: the heap at its peak by allocation site, from
# `heaptrack_print -f X.zst -F FLAMEGRAPH --flamegraph-cost-type peak`.
import re, sys, collections
sites = collections.Counter()
for line in open(sys.argv[1]):
    stack, _, cost = line.rstrip().rpartition(' ')
    frames = [f for f in stack.split(';') if not re.search(
        r'^(alloc|malloc|realloc|calloc|posix_memalign|aligned_alloc)$|alloc::|_RNv.*alloc|core::ptr|__rust|__rdl|GlobalAlloc|sys::alloc|grow|box_new|new_uninit', f)]
    sites[' <- '.join(frame[:90] for frame in frames[-4:][::-1])] += int(cost)
for site, cost in sites.most_common(25):
    print(f"{cost / 1024:9.1f}K {site}")
