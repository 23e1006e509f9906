#pragma once
// Device memory for the GPU backends: buffers from the device's
// stream-ordered pool (cudaMallocAsync), kept by the pool between advance
// calls so that re-allocating a field costs nothing after the first call,
// and chunked transfers through two pinned staging buffers so that the
// host-side copy of one chunk overlaps the DMA of the other.
#include <cuda_runtime.h>

#include <cstddef>
#include <string>
#include <utility>

namespace lfm::cuda {

// Throws std::runtime_error naming the call and the runtime's message.
void check(cudaError_t status, const char* call);
#define LFM_CUDA_CHECK(call) ::lfm::cuda::check((call), #call)

// The stream every GPU backend works on. Created once per process with the
// pool's release threshold raised, so freed blocks stay in the pool.
cudaStream_t work_stream();

// Bytes allocated by DeviceBuffer now, and the most at any moment.
void note_device_bytes(long delta);

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { resize(n); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~DeviceBuffer() { release(); }

  // Keeps the allocation when the size is unchanged.
  void resize(std::size_t n) {
    if (n == n_) return;
    release();
    if (n == 0) return;
    void* p = nullptr;
    LFM_CUDA_CHECK(cudaMallocAsync(&p, n * sizeof(T), work_stream()));
    p_ = static_cast<T*>(p);
    n_ = n;
    note_device_bytes(static_cast<long>(n * sizeof(T)));
  }
  void release() {
    if (!p_) return;
    cudaFreeAsync(p_, work_stream());  // no throw from a destructor; a failure here leaks at worst
    note_device_bytes(-static_cast<long>(n_ * sizeof(T)));
    p_ = nullptr;
    n_ = 0;
  }
  T* data() const { return p_; }
  std::size_t size() const { return n_; }
  friend void swap(DeviceBuffer& a, DeviceBuffer& b) noexcept {
    std::swap(a.p_, b.p_);
    std::swap(a.n_, b.n_);
  }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

// Host <-> device copies of `bytes` through the pinned staging buffers;
// both return once the data is where it was sent.
void upload(void* device, const void* host, std::size_t bytes);
void download(void* host, const void* device, std::size_t bytes);

}  // namespace lfm::cuda
