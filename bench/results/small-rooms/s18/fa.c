#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
static long rss(void){ FILE*f=fopen("/proc/self/statm","r"); long a,b; fscanf(f,"%ld %ld",&a,&b); fclose(f); return b*4; }
int main(int argc,char**argv){ int fd=open(argv[1],O_RDONLY); struct stat st; fstat(fd,&st);
 int adv=atoi(argv[2]); long stride=atol(argv[3]);
 char*p=mmap(0,st.st_size,PROT_READ|PROT_EXEC,MAP_PRIVATE,fd,0);
 if(adv==1) madvise(p,st.st_size,MADV_RANDOM);
 if(adv==2) madvise(p,st.st_size,MADV_NOHUGEPAGE);
 long before=rss(); volatile char s=0; long n=0;
 for(long off=0; off<st.st_size; off+=stride*4096){ s+=p[off]; n++; }
 printf("adv=%d touched %ld pages, rss grew %ld kB\n",adv,n,rss()-before); return 0; }
