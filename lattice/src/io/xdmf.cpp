#include "io/xdmf.hpp"

#include <iomanip>
#include <sstream>

#include "lattice/snapshot.hpp"

namespace lfm::detail {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::size_t>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ' ';
    s += std::to_string(values[i]);
  }
  return s;
}

std::string repeated(const std::string& value, std::size_t times) {
  std::string s;
  for (std::size_t i = 0; i < times; ++i) {
    if (i) s += ' ';
    s += value;
  }
  return s;
}

}  // namespace

std::string xdmf_text(const XdmfSeries& series) {
  // XDMF has no 1D co-rectilinear mesh: a line of N cells is a 1×N plane.
  std::vector<std::size_t> mesh = series.shape;
  if (mesh.size() == 1) mesh.insert(mesh.begin(), 1);
  const bool three_d = mesh.size() == 3;
  const std::string axes = std::to_string(mesh.size());

  std::ostringstream spacing;
  spacing << std::setprecision(17) << series.dx;
  std::ostringstream x;
  x << std::setprecision(17);
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
    << "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
    << "  <Domain>\n"
    << "    <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (const std::int64_t step : series.steps) {
    x << "      <Grid Name=\"step " << step << "\" GridType=\"Uniform\">\n"
      << "        <Time Value=\"" << static_cast<double>(step) * series.dt << "\"/>\n"
      << "        <Topology TopologyType=\"" << (three_d ? "3DCoRectMesh" : "2DCoRectMesh")
      << "\" Dimensions=\"" << joined(mesh) << "\"/>\n"
      << "        <Geometry GeometryType=\"" << (three_d ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY") << "\">\n"
      << "          <DataItem Name=\"Origin\" Dimensions=\"" << axes
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << repeated("0", mesh.size())
      << "</DataItem>\n"
      << "          <DataItem Name=\"Spacing\" Dimensions=\"" << axes
      << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
      << repeated(spacing.str(), mesh.size()) << "</DataItem>\n"
      << "        </Geometry>\n";
    for (const XdmfField& f : series.fields) {
      x << "        <Attribute Name=\"" << escaped(f.name)
        << "\" AttributeType=\"Scalar\" Center=\"Node\">\n"
        << "          <DataItem Dimensions=\"" << joined(series.shape)
        << "\" NumberType=\"Float\" Precision=\"" << f.bytes_per_value << "\" Format=\"HDF\">"
        << escaped(series.h5_reference) << ":" << escaped(snapshot_dataset_name(f.name, step))
        << "</DataItem>\n"
        << "        </Attribute>\n";
    }
    if (series.chi_bytes_per_value > 0) {
      x << "        <Attribute Name=\"chi\" AttributeType=\"Scalar\" Center=\"Node\">\n"
        << "          <DataItem Dimensions=\"" << joined(series.shape) << "\" NumberType=\"Float\" Precision=\""
        << series.chi_bytes_per_value << "\" Format=\"HDF\">" << escaped(series.h5_reference) << ":/chi</DataItem>\n"
        << "        </Attribute>\n";
    }
    x << "      </Grid>\n";
  }
  x << "    </Grid>\n"
    << "  </Domain>\n"
    << "</Xdmf>\n";
  return x.str();
}

}  // namespace lfm::detail
