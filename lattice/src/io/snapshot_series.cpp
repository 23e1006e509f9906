#include "io/snapshot_series.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "io/step_names.hpp"
#include "io/sync_path.hpp"
#include "lattice/error.hpp"
#include "lattice/snapshot.hpp"

namespace fs = std::filesystem;

namespace lfm::detail {
namespace {

fs::path temporary_name(const fs::path& path) {
  return path.string() + ".partial-" + std::to_string(::getpid());
}

void publish(const fs::path& temp, const fs::path& path) {
  int err = sync_path(temp);
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw WriteError(path.string() + ": cannot write (" + std::strerror(err) + ")");
  }
  sync_path(path.parent_path());
}


}  // namespace

fs::path step_directory_for(const fs::path& index) {
  return index.parent_path() / index.stem();
}

std::string step_link_target(const fs::path& index, std::int64_t step) {
  char name[40];
  std::snprintf(name, sizeof name, "step_%09lld.h5", static_cast<long long>(step));
  return (index.stem() / name).string();
}

std::string chi_link_target(const fs::path& index) { return (index.stem() / "chi.h5").string(); }

fs::path step_file_for(const fs::path& index, std::int64_t step) {
  return index.parent_path() / step_link_target(index, step);
}

std::vector<std::int64_t> steps_on_disk(const fs::path& index) {
  std::vector<std::int64_t> steps;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(step_directory_for(index), ec)) {
    std::int64_t step = 0;
    if (parse_step_name(e.path().filename().string(), ".h5", step)) steps.push_back(step);
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

void write_hdf5_atomically(const fs::path& path, const std::function<void(hid_t)>& fill) {
  const fs::path temp = temporary_name(path);
  try {
    H5Id file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create file");
    fill(file.get());
    if (!file.close()) throw Hdf5Error("closing the file failed: " + hdf5_failure_reason());
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  publish(temp, path);
}

void write_index(const fs::path& index, const std::vector<std::string>& fields,
                 const std::vector<std::int64_t>& steps, bool chi,
                 const std::function<void(hid_t)>& attributes) {
  write_hdf5_atomically(index, [&](hid_t file) {
    attributes(file);
    if (chi) {
      check_hdf5(H5Lcreate_external(chi_link_target(index).c_str(), "/chi", file, "/chi", H5P_DEFAULT, H5P_DEFAULT),
                 "link /chi");
    }
    for (const std::string& field : fields) {
      const std::string group = "/" + field;
      const H5Id g(H5Gcreate2(file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + group);
      for (const std::int64_t step : steps) {
        const std::string link = snapshot_dataset_name(field, step);
        check_hdf5(H5Lcreate_external(step_link_target(index, step).c_str(), group.c_str(), file,
                                      link.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   "link " + link);
      }
    }
  });
}

}  // namespace lfm::detail
