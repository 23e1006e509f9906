#pragma once
// One macro marks the per-cell functions that host loops and device kernels
// share; it is empty for a host compiler.
#if defined(__CUDACC__)
#define LFM_HOST_DEVICE __host__ __device__
#else
#define LFM_HOST_DEVICE
#endif
