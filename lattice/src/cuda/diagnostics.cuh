#pragma once
// SPEC §4 diagnostics of two levels already on the device.
#include "cuda/cuda_backends.hpp"
#include "cuda/device_fields.cuh"

namespace lfm::cuda {

// Four CUB reductions on work_stream(); returns when the scalars are back.
template <class T>
DeviceDiagnostics diagnose(const Levels<T>& l, const Params& p);

}  // namespace lfm::cuda
