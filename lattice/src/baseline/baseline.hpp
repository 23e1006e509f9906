#pragma once
#include "lattice/backend.hpp"

namespace lfm {

// `baseline`: the literal transcription of SPEC §1–3 and the single source
// of truth every other backend is validated against.
class BaselineBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
};

}  // namespace lfm
