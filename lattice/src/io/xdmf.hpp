#pragma once
// The XDMF sidecar of a snapshot file: a light XML description that points
// into the HDF5 file, so that ParaView and VisIt open the series as a time
// collection on a uniform (co-rectilinear) mesh.
#include <cstdint>
#include <string>
#include <vector>

namespace lfm::detail {

struct XdmfField {
  std::string name;       // the attribute name shown in the viewer, and the HDF5 group
  int bytes_per_value;    // 4 (float32) or 8 (float64), as stored
};

struct XdmfSeries {
  std::string h5_reference;  // the HDF5 file relative to the sidecar, e.g. "snapshots.h5"
  std::vector<std::size_t> shape;  // slowest axis first, as in the HDF5 datasets
  double dx = 1;
  double dt = 1;
  std::vector<XdmfField> fields;
  std::vector<std::int64_t> steps;  // one grid per step, every field at each
  int chi_bytes_per_value = 0;      // > 0: a static χ field at /chi, shown at every step
};

// XDMF 3 text. 3D lattices are a 3DCoRectMesh; 2D and 1D (as a 1×N plane)
// a 2DCoRectMesh, with origin 0 and spacing dx on every axis. Values sit on
// the mesh nodes, one per lattice cell.
std::string xdmf_text(const XdmfSeries& series);

}  // namespace lfm::detail
