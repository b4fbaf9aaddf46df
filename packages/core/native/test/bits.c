#include "dense-kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
int main(){int m=37,k=797,n=19; float*a=malloc(4*m*k),*w=malloc(4*n*k),*b=malloc(4*n),*c=malloc(4*m*n),*g=calloc(n*k,4),*gb=calloc(n,4),*e=malloc(4*m*k);
srand(3); for(int i=0;i<m*k;i++)a[i]=rand()/(float)RAND_MAX-0.5f; for(int i=0;i<n*k;i++)w[i]=rand()/(float)RAND_MAX-0.5f; for(int i=0;i<n;i++)b[i]=rand()/(float)RAND_MAX;
lrsim_gemm_nt(a,w,b,c,m,n,k); lrsim_gemm_tn_acc(c,a,g,gb,m,n,k); lrsim_gemm_nn(c,w,e,m,n,k);
uint64_t h=1469598103934665603ULL; uint32_t u;
for(int i=0;i<m*n;i++){memcpy(&u,c+i,4);h=(h^u)*1099511628211ULL;} printf("nt %016llx ",(unsigned long long)h);
for(int i=0;i<n*k;i++){memcpy(&u,g+i,4);h=(h^u)*1099511628211ULL;} printf("tn %016llx ",(unsigned long long)h);
for(int i=0;i<m*k;i++){memcpy(&u,e+i,4);h=(h^u)*1099511628211ULL;} printf("nn %016llx\n",(unsigned long long)h);}
