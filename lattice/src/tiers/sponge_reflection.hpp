#pragma once
// The absorbing-boundary check's setup and its prediction: a 1D packet runs
// from the middle of the box into the sponge of SPEC §3 (the w last planes
// multiplied by f after every step), and the energy it sends back follows
// from the update rule, mode by mode.
#include <complex>
#include <cstdint>

#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm::tiers::detail {

struct SpongeSetup {
  Grid grid;
  Params params;          // order 2, χ = 0, absorbing
  double k0 = 0;          // the packet's central wave number
  double width = 0;       // its Gaussian envelope's σ, in Δx
  std::int64_t steps = 0; // until the reflected packet is back in the middle
};

SpongeSetup standard_sponge();

// The packet at the centre of the box, moving towards +x (exact travelling
// pair of the periodic lattice).
State<double> sponge_packet(const SpongeSetup& setup);

// The SPEC §4 energy of the cells between the two sponges.
double interior_energy(const State<double>& s, const SpongeSetup& setup);

// Amplitude reflection coefficient of the lattice wave e^{i(kx − ωt)} at
// the interface between the interior and a sponge that extends far enough
// for nothing to come back through it.
std::complex<double> mode_reflection(const Params& p, double k);

// Σ_k w_k |ψ̂_k|² |R_k|² / Σ_k w_k |ψ̂_k|² over the packet's lattice modes,
// w_k the energy of a unit travelling mode: the fraction of the packet's
// energy the sponge sends back.
double predicted_reflection(const SpongeSetup& setup);

}  // namespace lfm::tiers::detail
