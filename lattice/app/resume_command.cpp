#include "resume_command.hpp"

#include "lattice/memory_check.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/run_job.hpp"
#include "run_command.hpp"
#include "stop_signals.hpp"

namespace lfm::app {

int resume_command(const ResumeArgs& a) {
  ResumableRun run(a.dir);
  require_memory(run.bytes_needed(), a.memory_limit);
  // Locked before the checkpoints are read: a run still going would change
  // what is newest. The handlers go in first, so a signal ends cleanly.
  const StopSignals stop;
  RunDirectory dir(a.dir, RunDirectory::Open::resume, print_notice);
  JobHooks notices;
  notices.notice = print_notice;
  Problem problem = run.load(dir, a.steps_total, notices);
  return run_in_directory(problem, dir, a.quiet, stop, a.distributed,
                          [&](const JobHooks& hooks) { return run.resume(problem, dir, hooks); });
}

}  // namespace lfm::app
