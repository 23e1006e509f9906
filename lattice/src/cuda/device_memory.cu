#include "cuda/device_memory.cuh"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "cuda/cuda_backends.hpp"

namespace lfm::cuda {
namespace {

std::atomic<long> bytes_now{0};
std::atomic<long> bytes_peak{0};

// 8 MiB chunks: large enough for full PCIe speed, small enough that the
// host memcpy of one chunk hides behind the DMA of the other.
constexpr std::size_t chunk_bytes = std::size_t(8) << 20;

// Two pinned chunks and an event per chunk marking when its DMA is done.
struct Staging {
  void* chunk[2] = {nullptr, nullptr};
  cudaEvent_t done[2] = {nullptr, nullptr};
  Staging() {
    for (int i = 0; i < 2; ++i) {
      LFM_CUDA_CHECK(cudaMallocHost(&chunk[i], chunk_bytes));
      LFM_CUDA_CHECK(cudaEventCreateWithFlags(&done[i], cudaEventDisableTiming));
    }
  }
};

Staging& staging() {
  static Staging s;  // lives for the process: pinned memory is slow to allocate
  return s;
}

std::mutex transfer_mutex;  // the staging chunks serve one transfer at a time

}  // namespace

void check(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear a sticky-free error so later calls are not blamed for it
  throw std::runtime_error(std::string("CUDA error in ") + call + ": " + cudaGetErrorString(status));
}

cudaStream_t work_stream() {
  static cudaStream_t stream = [] {
    int device = 0;
    LFM_CUDA_CHECK(cudaGetDevice(&device));
    cudaMemPool_t pool = nullptr;
    LFM_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
    // Keep freed memory in the pool instead of returning it at every sync.
    std::uint64_t keep = UINT64_MAX;
    LFM_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
    cudaStream_t s = nullptr;
    LFM_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return s;
  }();
  return stream;
}

void note_device_bytes(long delta) {
  const long now = bytes_now.fetch_add(delta) + delta;
  long peak = bytes_peak.load();
  while (now > peak && !bytes_peak.compare_exchange_weak(peak, now)) {
  }
}

std::size_t peak_device_bytes() { return static_cast<std::size_t>(bytes_peak.load()); }

void upload(void* device, const void* host, std::size_t bytes) {
  const std::lock_guard lock(transfer_mutex);
  Staging& st = staging();
  const cudaStream_t stream = work_stream();
  auto* to = static_cast<char*>(device);
  const auto* from = static_cast<const char*>(host);
  for (std::size_t at = 0, k = 0; at < bytes; at += chunk_bytes, ++k) {
    const std::size_t n = std::min(chunk_bytes, bytes - at);
    const int i = static_cast<int>(k % 2);
    // The chunk's previous DMA must have finished before it is refilled.
    LFM_CUDA_CHECK(cudaEventSynchronize(st.done[i]));
    std::memcpy(st.chunk[i], from + at, n);
    LFM_CUDA_CHECK(cudaMemcpyAsync(to + at, st.chunk[i], n, cudaMemcpyHostToDevice, stream));
    LFM_CUDA_CHECK(cudaEventRecord(st.done[i], stream));
  }
  LFM_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void download(void* host, const void* device, std::size_t bytes) {
  const std::lock_guard lock(transfer_mutex);
  Staging& st = staging();
  const cudaStream_t stream = work_stream();
  auto* to = static_cast<char*>(host);
  const auto* from = static_cast<const char*>(device);
  const std::size_t chunks = (bytes + chunk_bytes - 1) / chunk_bytes;
  const auto start = [&](std::size_t k) {
    const std::size_t at = k * chunk_bytes, n = std::min(chunk_bytes, bytes - at);
    LFM_CUDA_CHECK(cudaMemcpyAsync(st.chunk[k % 2], from + at, n, cudaMemcpyDeviceToHost, stream));
    LFM_CUDA_CHECK(cudaEventRecord(st.done[k % 2], stream));
  };
  if (chunks > 0) start(0);
  for (std::size_t k = 0; k < chunks; ++k) {
    // Chunk k+1's DMA runs while chunk k is copied out of pinned memory.
    if (k + 1 < chunks) start(k + 1);
    LFM_CUDA_CHECK(cudaEventSynchronize(st.done[k % 2]));
    const std::size_t at = k * chunk_bytes, n = std::min(chunk_bytes, bytes - at);
    std::memcpy(to + at, st.chunk[k % 2], n);
  }
}

}  // namespace lfm::cuda
