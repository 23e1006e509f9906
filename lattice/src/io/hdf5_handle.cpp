#include "io/hdf5_handle.hpp"

#include <vector>

namespace lfm::detail {
namespace {

herr_t collect_description(unsigned, const H5E_error2_t* e, void* out) {
  if (e->desc) static_cast<std::vector<std::string>*>(out)->push_back(e->desc);
  return 0;
}

}  // namespace

void prepare_hdf5_thread() {
  static const bool no_exit_cleanup = H5dont_atexit() >= 0;
  thread_local const bool quiet = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)no_exit_cleanup;
  (void)quiet;
}

std::string hdf5_failure_reason() {
  std::vector<std::string> stack;  // outermost call first
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &stack);
  if (stack.empty()) return "unknown HDF5 error";
  // A failed system call carries the C library's message, which is what a
  // person can act on ("File too large", "No space left on device").
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    const std::string marker = "error message = '";
    const auto at = it->find(marker);
    if (at != std::string::npos) {
      const auto start = at + marker.size();
      return it->substr(start, it->find('\'', start) - start);
    }
  }
  return stack.back();
}

bool H5Id::close() noexcept {
  if (id_ < 0) return true;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  switch (H5Iget_type(id)) {
    case H5I_FILE: return H5Fclose(id) >= 0;
    case H5I_GROUP: return H5Gclose(id) >= 0;
    case H5I_DATASET: return H5Dclose(id) >= 0;
    case H5I_DATASPACE: return H5Sclose(id) >= 0;
    case H5I_DATATYPE: return H5Tclose(id) >= 0;
    case H5I_ATTR: return H5Aclose(id) >= 0;
    case H5I_GENPROP_LST: return H5Pclose(id) >= 0;
    default: return H5Idec_ref(id) >= 0;
  }
}

}  // namespace lfm::detail
