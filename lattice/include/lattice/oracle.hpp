#pragma once
// The exact reference of SPEC §5: with periodic boundaries and scalar χ every
// discrete Fourier mode k evolves on its own by
//   a_{n+1} = (2 − γ − Δt²(c² λ_k + χ²)) a_n − (1 − γ) a_{n−1},
// λ_k the symbol of −∇²_h. Transforming the initial pair (FFTW), running each
// mode's recurrence and transforming back gives the lattice state after n
// steps to round-off, independently of any backend's stencil code.
#include <complex>
#include <cstdint>
#include <functional>
#include <vector>

#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

// Symbol of −∇²_h for integer wave numbers m (k_i = 2π m_i / (N_i Δx)):
// order 2: Σ 4/Δx² sin²(k_iΔx/2); order 4: Σ (16 sin²(k_iΔx/2) − sin²(k_iΔx)) / (3Δx²).
double laplacian_symbol(const Params& p, const Grid& g, const std::vector<long>& m);

// Advances s by `steps` steps exactly. Throws InputError unless the boundary
// is periodic and χ is a scalar.
void exact_advance(State<double>& s, const Params& p, std::int64_t steps);

// The angular frequency of mode m from the discrete dispersion relation
// 4 sin²(ωΔt/2)/Δt² = c² λ_k + χ² (γ = 0).
double discrete_omega(const Params& p, const Grid& g, const std::vector<long>& m);

// The initial pair (E at t = 0, E_prev at t = −Δt) of the lattice wave whose
// t = 0 state is Re Ψ and whose every Fourier mode moves forward at its
// discrete frequency (γ = 0). With Ψ = g(x) e^{i k0·x} for a wide envelope g
// this is a packet travelling along k0 that the update carries exactly, with
// no spurious backward or standing part.
State<double> travelling_wave(const Grid& g, const Params& p,
                              const std::function<std::complex<double>(const Grid::Index&)>& psi);

}  // namespace lfm
