#pragma once
// Time per phase of a step (stencil update, boundaries, ...) for `lfm
// profile`. Backends mark their phases with ScopedPhase; when no recorder is
// installed a mark costs one branch, so the marks stay in production code.
#include <chrono>
#include <map>
#include <string>

namespace lfm {

class PhaseRecorder {
 public:
  void add(const char* phase, double seconds) { seconds_[phase] += seconds; }
  const std::map<std::string, double>& seconds() const { return seconds_; }

 private:
  std::map<std::string, double> seconds_;
};

// Installs `r` for the calling process (nullptr removes it). Not for use
// while several threads record at once: profiling is single-run tooling.
void set_phase_recorder(PhaseRecorder* r);
PhaseRecorder* phase_recorder();

class ScopedPhase {
 public:
  explicit ScopedPhase(const char* phase) : phase_(phase), recorder_(phase_recorder()) {
    if (recorder_) start_ = std::chrono::steady_clock::now();
  }
  ~ScopedPhase() {
    if (recorder_) {
      recorder_->add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
  }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  const char* phase_;
  PhaseRecorder* recorder_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace lfm
