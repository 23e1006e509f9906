#!/usr/bin/env python3
"""The scaling model of docs/optimizations/mpi.md: time per step of a
distributed run from the measured interior rate and an alpha-beta model of
the interconnect, for the splits lfm implements (slabs of axis 0; blocks of
slices x rows, axes 0 and 1) and for the 3D block split it does not have,
at each point the exchange depth k that minimizes the time per step.

    python3 perf_tests/mpi_model.py --cell-ns 6.9 [--alpha-us 1.5] [--gbps 100]

--cell-ns: one core's time per cell per step (lfm run --backend cpu on one
thread, order 2, float64: ms_per_step / cells). Prints Markdown tables.

Per step, k steps between exchanges, stencil reach r (1 at order 2):
  slab   compute = mean over the block of (N/P + 2 r (k - j)) N^2 cells
         exchange = 2 fields x 2 neighbours x (alpha + 8 r k N^2 / beta), once per k steps
  columns compute = mean over the block of (N/a + 2 r (k - j)) (N/b + 2 r (k - j)) N cells,
         a x b = P as MPI_Dims_create makes it (the most even factors)
         exchange = 2 fields x 2 neighbours x (alpha + 8 r k (N/b + 2 r k) N / beta)
                  + 2 fields x 2 neighbours x (alpha + 8 r k (N/a + 2 r k) N / beta), once per k steps
         (the corners' bytes counted with the row halos of every padded slice; lfm
         sends them as 4 more small messages to the diagonal neighbours, whose
         latency is left out);
         a column holds whole diagnostics slabs: N/b >= 8192/N rows
  blocks compute = mean over the block of (b + 2 r (k - j))^3 cells, b = N / P^(1/3)
         exchange = 2 fields x 6 faces x (alpha + 8 r k (b + 2 r k)^2 / beta), once per k steps
         (faces in three phases, each carrying the previous ones' halos: edges and corners included)
Sends to both neighbours overlap; nothing of the exchange hides behind compute
(lfm overlaps it with each block's last step, which pays only where an
interconnect moves the halos while the cores compute: pessimistic).
"""
import argparse


def slab(n, p, k, r, cell, alpha, beta):
    planes = n / p
    if planes < r * k:
        return None  # the halo does not fit in one neighbour's slab
    compute = sum((planes + 2 * r * (k - j)) * n * n for j in range(1, k + 1)) / k * cell
    exchange = 2 * 2 * (alpha + 8 * r * k * n * n / beta) / k
    return compute, exchange


def columns(n, p, k, r, cell, alpha, beta):
    b = int(p ** 0.5)
    while p % b:
        b -= 1
    a = p // b
    slices, rows = n / a, n / b
    if slices < r * k or rows < r * k or rows < 8192 / n:
        return None
    compute = sum((slices + 2 * r * (k - j)) * (rows + 2 * r * (k - j)) * n for j in range(1, k + 1)) / k * cell
    exchange = 2 * 2 * (2 * alpha + 8 * r * k * ((rows + 2 * r * k) + (slices + 2 * r * k)) * n / beta) / k
    return compute, exchange


def blocks(n, p, k, r, cell, alpha, beta):
    side = round(p ** (1 / 3))
    if side ** 3 != p:
        return None
    b = n / side
    if b < r * k:
        return None
    compute = sum((b + 2 * r * (k - j)) ** 3 for j in range(1, k + 1)) / k * cell
    exchange = 2 * 6 * (alpha + 8 * r * k * (b + 2 * r * k) ** 2 / beta) / k
    return compute, exchange


def best(model, n, p, r, cell, alpha, beta):
    options = [(sum(t), k, t) for k in range(1, 9) if (t := model(n, p, k, r, cell, alpha, beta))]
    return min(options) if options else None


def cell_text(result, ideal):
    if not result:
        return "—"
    total, k, (compute, exchange) = result
    time = f"{total:.3g} s" if total >= 1 else f"{1e3 * total:.3g} ms"
    return f"{time}, k={k}, {100 * ideal / total:.0f} %, {100 * exchange / total:.0f} % exch."


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cell-ns", type=float, required=True, nargs="+",
                    help="one or more rates: a table for each")
    ap.add_argument("--alpha-us", type=float, default=1.5)
    ap.add_argument("--gbps", type=float, default=100.0, help="link bandwidth in Gbit/s")
    ap.add_argument("--order", type=int, default=2)
    a = ap.parse_args()
    for cell_ns in a.cell_ns:
        tables(cell_ns * 1e-9, a)


def tables(cell, a):
    alpha, beta, r = a.alpha_us * 1e-6, a.gbps * 1e9 / 8, a.order // 2
    ranks = [64, 512, 4096]
    print(f"Model inputs: {cell * 1e9:g} ns per cell per step per rank, alpha = {a.alpha_us} us, "
          f"beta = {a.gbps:g} Gbit/s, order {a.order}, float64.\n")
    print("Strong scaling (each cell: time per step, best k, parallel efficiency, exchange share):\n")
    print("| lattice | split | " + " | ".join(f"{p} ranks" for p in ranks) + " |")
    print("|---|---|" + "---|" * len(ranks))
    for n in [1024, 2048, 4096, 8192]:
        for name, model in [("slabs", slab), ("slices × rows", columns), ("3D blocks", blocks)]:
            row = [cell_text(best(model, n, p, r, cell, alpha, beta), n ** 3 * cell / p) for p in ranks]
            print(f"| {n}³ | {name} | " + " | ".join(row) + " |")
    print("\nWeak scaling, 256³ cells per rank (lattice (256³·P)^(1/3) on a side):\n")
    print("| ranks | lattice | slabs | slices × rows | 3D blocks |")
    print("|---|---|---|---|---|")
    for p in ranks:
        n = round((256 ** 3 * p) ** (1 / 3))
        ideal = 256 ** 3 * cell
        row = [cell_text(best(model, n, p, r, cell, alpha, beta), ideal) for model in (slab, columns, blocks)]
        print(f"| {p} | {n}³ | " + " | ".join(row) + " |")
    print()

if __name__ == "__main__":
    main()
