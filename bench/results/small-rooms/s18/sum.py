import sys,re
# Sum Rss per mapping name (or anon classification) from a /proc/PID/smaps dump.
cur=None; tot={}
for line in open(sys.argv[1]):
    m=re.match(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$',line)
    if m:
        name=m.group(4) or '[anon]'
        size=(int(m.group(2),16)-int(m.group(1),16))//1024
        cur=(name.split('/')[-1], m.group(3)); continue
    if line.startswith('Rss:'):
        kb=int(line.split()[1]); tot[cur]=tot.get(cur,0)+kb
for k,v in sorted(tot.items(), key=lambda x:-x[1]):
    if v>0: print(f"{v:8d} kB  {k[1]}  {k[0]}")
print(sum(tot.values()),'total')
