#pragma once
// A thin owner for HDF5's C identifiers, and HDF5 failures turned into
// exceptions that say what failed and why (the deepest message on HDF5's
// error stack, e.g. "File too large").
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace lfm::detail {

// An HDF5 call that failed. Callers add the file name and turn it into the
// error their user sees (WriteError for outputs, InputError for inputs).
class Hdf5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every thread calls this before its first HDF5 call. HDF5 prints its error
// stack on stderr unless told not to, a setting kept per thread in a
// thread-safe build. Once per process, before HDF5 starts, it also turns off
// HDF5's clean-up at exit: after a failed write HDF5 cannot close the file,
// retries at exit and crashes; every file lfm opens is closed explicitly.
void prepare_hdf5_thread();

// Why the last HDF5 call on this thread failed, from its error stack.
std::string hdf5_failure_reason();

// Throws Hdf5Error("<what>: <reason>") when `status` < 0; returns it.
template <class Status>
Status check_hdf5(Status status, const std::string& what) {
  if (status < 0) throw Hdf5Error(what + ": " + hdf5_failure_reason());
  return status;
}

// Owns one identifier (file, group, dataset, dataspace, datatype, attribute
// or property list) and closes it with the function for its kind.
class H5Id {
 public:
  H5Id() = default;
  // Takes `id` when valid, else throws Hdf5Error naming `what`.
  H5Id(hid_t id, const std::string& what) : id_(check_hdf5(id, what)) {}
  ~H5Id() { close(); }
  H5Id(H5Id&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  H5Id& operator=(H5Id&& other) noexcept {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now. False when HDF5 reports a failure, which for a file means
  // its last buffered writes did not reach the disk.
  bool close() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
};

}  // namespace lfm::detail
