# resident.py PID BINARY: which ELF sections of BINARY are resident in PID, from /proc/PID/pagemap.
import sys,struct,subprocess,re
pid,binary=sys.argv[1],sys.argv[2]
import os
real=os.path.realpath(binary)
maps=[l.split() for l in open(f'/proc/{pid}/maps')]
segs=[]
for m in maps:
    if len(m)>=6 and os.path.realpath(m[5])==real:
        a,b=[int(x,16) for x in m[0].split('-')]; off=int(m[2],16); segs.append((a,b,off))
base=min(a-off for a,b,off in segs)
pm=open(f'/proc/{pid}/pagemap','rb')
def present(vaddr):
    pm.seek((vaddr//4096)*8); v=struct.unpack('<Q',pm.read(8))[0]; return (v>>63)&1
out=subprocess.run(['readelf','-SW',binary],capture_output=True,text=True).stdout
tot=0
for line in out.splitlines():
    m=re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)',line)
    if not m: continue
    name,addr,off,size=m.group(1),int(m.group(2),16),int(m.group(3),16),int(m.group(4),16)
    if addr==0 or size==0: continue
    pages=set(range((base+addr)//4096,(base+addr+size-1)//4096+1))
    r=sum(present(p*4096) for p in pages)
    if r: print(f"{name:22s} size {size//1024:6d} KB resident {r*4:6d} KB"); tot+=r*4
print('total',tot)
