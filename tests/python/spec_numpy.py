"""SPEC §1-4 transcribed in NumPy, independently of the library: the
reference the Python package is checked against on random inputs."""

from __future__ import annotations

import numpy as np


def laplacian(E: np.ndarray, dx: float, order: int) -> np.ndarray:
    """∇²_h with periodic wrap: the sum over axes of the 1D stencil (SPEC §2)."""
    out = np.zeros_like(E)
    for axis in range(E.ndim):
        r = lambda k: np.roll(E, -k, axis=axis)  # r(k)[i] = E[i + k]
        if order == 2:
            out += (r(-1) - 2 * E + r(1)) / (dx * dx)
        else:
            out += (-r(-2) + 16 * r(-1) - 30 * E + 16 * r(1) - r(2)) / (12 * dx * dx)
    return out


def apply_boundary(E: np.ndarray, p: dict) -> None:
    """SPEC §3, axis 0 first."""
    mode = p.get("boundary", "periodic")
    for axis in range(E.ndim):
        planes = [slice(None)] * E.ndim

        def plane(s):
            idx = list(planes)
            idx[axis] = s
            return tuple(idx)

        if mode == "reflective":
            E[plane(0)] = E[plane(1)]
            E[plane(-1)] = E[plane(-2)]
        elif mode == "absorbing":
            w, f = p.get("absorb_width", 4), p.get("absorb_factor", 1.0)
            for s in (slice(0, w), slice(-w, None)):
                if f >= 1:
                    E[plane(s)] = 0
                else:
                    E[plane(s)] *= f


def step(E: np.ndarray, E_prev: np.ndarray, p: dict, chi=None) -> np.ndarray:
    """E_next of SPEC §1, in float64."""
    E, E_prev = E.astype(np.float64), E_prev.astype(np.float64)
    chi = p.get("chi", 0.0) if chi is None else np.asarray(chi, dtype=np.float64)
    dt, dx, g = p["dt"], p["dx"], p.get("gamma_damp", 0.0)
    c2 = p.get("alpha", 1.0) / p.get("beta", 1.0)
    lap = laplacian(E, dx, p.get("stencil_order", 2))
    E_next = (2 - g) * E - (1 - g) * E_prev + dt * dt * (c2 * lap - chi * chi * E)
    apply_boundary(E_next, p)
    return E_next


def run(E, E_prev, p, steps, chi=None):
    """The pairs after 1..steps steps: [(E_1, E_0), (E_2, E_1), ...]."""
    E, E_prev = E.astype(np.float64), E_prev.astype(np.float64)  # copies: callers step theirs
    pairs = []
    for _ in range(steps):
        E, E_prev = step(E, E_prev, p, chi), E
        pairs.append((E, E_prev))
    return pairs


def energy(E, E_prev, p, chi=None) -> float:
    """SPEC §4: Δx^d Σ ½ (E_t² + c² |∇E|² + χ² E²), central differences with wrap."""
    E, E_prev = E.astype(np.float64), E_prev.astype(np.float64)
    chi = p.get("chi", 0.0) if chi is None else np.asarray(chi, dtype=np.float64)
    dt, dx = p["dt"], p["dx"]
    c2 = p.get("alpha", 1.0) / p.get("beta", 1.0)
    Et = (E - E_prev) / dt
    grad2 = sum(((np.roll(E, -1, a) - np.roll(E, 1, a)) / (2 * dx)) ** 2 for a in range(E.ndim))
    return float(dx ** E.ndim * np.sum(0.5 * (Et * Et + c2 * grad2 + chi * chi * E * E)))


def invariant(E, E_prev, p, chi=None) -> float:
    """SPEC §4's H with E⁺ = E: Δx^d Σ [½ ((E − E_prev)/Δt)² + ½ E (A E_prev)]."""
    E, E_prev = E.astype(np.float64), E_prev.astype(np.float64)
    chi = p.get("chi", 0.0) if chi is None else np.asarray(chi, dtype=np.float64)
    dt, dx = p["dt"], p["dx"]
    c2 = p.get("alpha", 1.0) / p.get("beta", 1.0)
    A_prev = -c2 * laplacian(E_prev, dx, p.get("stencil_order", 2)) + chi * chi * E_prev
    Et = (E - E_prev) / dt
    return float(dx ** E.ndim * np.sum(0.5 * Et * Et + 0.5 * E * A_prev))
