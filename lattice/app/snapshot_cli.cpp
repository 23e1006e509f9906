#include "snapshot_cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>

#include "commands.hpp"
#include "lattice/error.hpp"

namespace lfm::app {

void add_snapshot_options(CLI::App& run, SnapshotArgs& a) {
  integer_in(run.add_option("--snapshot-every", a.every,
                            "Write the fields every K steps (and at the start) to snapshots.h5 + .xdmf"),
             1, std::numeric_limits<std::int64_t>::max());
  run.add_option("--snapshot-fields", a.fields,
                 "Fields to snapshot, comma-separated: E, energy_density (default E)");
  integer_in(run.add_option("--snapshot-compression", a.compression,
                            "Deflate level of the snapshots, 0 (none) to 9 (default 1)"),
             0, 9, "a deflate level from 0 (none) to 9");
  run.add_flag("--snapshot-float32", a.float32, "Store float64 snapshot fields as float32");
}

std::optional<SnapshotOptions> snapshot_options(const SnapshotArgs& a) {
  if (!a.every) {
    const char* stray = a.fields ? "--snapshot-fields"
                        : a.compression ? "--snapshot-compression"
                        : a.float32 ? "--snapshot-float32" : nullptr;
    if (stray) throw InputError(std::string(stray) + " needs --snapshot-every K");
    return std::nullopt;
  }
  SnapshotOptions o;
  o.every = *a.every;
  if (a.fields) o.fields = parse_snapshot_fields(*a.fields);
  if (a.compression) o.compression = *a.compression;
  o.float32 = a.float32;
  validate(o);
  return o;
}

std::string byte_size_text(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  char buf[32];
  if (b < 1e3) std::snprintf(buf, sizeof buf, "%.0f B", b);
  else if (b < 1e6) std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
  else if (b < 1e9) std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  return buf;
}

void print_snapshot_summary(const SnapshotReport& r) {
  const SnapshotStats& s = r.stats;
  std::printf("  snapshots        %lld steps, %lld datasets in snapshots.h5 (+ snapshots.xdmf)\n",
              static_cast<long long>(s.snapshots), static_cast<long long>(s.datasets));
  std::printf("  compression      %.2fx (%s -> %s, shuffle + deflate %d%s)\n",
              s.compression_ratio(), byte_size_text(s.raw_bytes).c_str(),
              byte_size_text(s.file_bytes).c_str(), r.options.compression,
              r.options.float32 ? ", float32" : "");
  std::printf("  snapshot writes  %.1f MB/s on the writer thread (%.3f s; %.3f s CPU, %.1f MB/s per CPU-second)\n",
              s.write_mb_per_s(), s.write_s, s.write_cpu_s, s.write_mb_per_cpu_s());
  std::printf("  time loop        copied %.3f s, waited %.3f s (%lld of %lld captures found the queue of %zu full)\n",
              s.copy_s, s.wait_s, static_cast<long long>(s.waits),
              static_cast<long long>(s.snapshots), s.queue_depth);
  std::printf("  end of run       waited %.3f s for the writer to drain the queue\n", s.drain_s);
}

}  // namespace lfm::app
