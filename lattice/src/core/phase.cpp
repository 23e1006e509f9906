#include "lattice/phase.hpp"

namespace lfm {
namespace {
PhaseRecorder* current = nullptr;
}  // namespace

void set_phase_recorder(PhaseRecorder* r) { current = r; }
PhaseRecorder* phase_recorder() { return current; }

}  // namespace lfm
