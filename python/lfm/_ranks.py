"""Calls made on every rank of an mpi4py communicator (lfm.run, lfm.resume,
lfm.Simulation): rank 0 checks the arguments and does the work, with the
other ranks serving it in the library while it does; then every rank
returns what rank 0 returned, or raises what it raised.

Rank 0 tells the others in two messages on the caller's communicator: once
its arguments are checked (None: start serving, or the error), and once the
work is done (("ok", result) or the error). Between the two it holds a
RootSession open, and closes it whatever happens: that ends their serve."""

from __future__ import annotations

import builtins
import operator
from typing import Any, Callable

from . import _core

# What rank 0 does: check, then return go(session, decomposition, exchange_depth).
Prepare = Callable[[], Callable[[Any, str, int], Any]]


def ranks_of(comm: Any) -> int:
    if comm is None:
        return 1
    if not all(hasattr(comm, name) for name in ("Get_size", "Get_rank", "py2f", "bcast")):
        raise TypeError(f"comm is a {type(comm).__name__}; expected an mpi4py communicator such as MPI.COMM_WORLD")
    return comm.Get_size()


def is_worker(comm: Any) -> bool:
    return ranks_of(comm) > 1 and comm.Get_rank() != 0


def on_root(comm: Any, prepare: Prepare, decomposition: str = "", exchange_depth: int = 0,
            serves: bool = True) -> Any:
    """Rank 0's side (or one process's). `serves`: the others serve while go() runs."""
    if ranks_of(comm) <= 1:
        if decomposition or exchange_depth:
            raise ValueError("decomposition and exchange_depth apply to distributed runs: pass comm=, a "
                             "communicator of several ranks (mpiexec -n P python ...)")
        return prepare()(None, "", 0)
    try:
        if not isinstance(decomposition, str):
            raise TypeError(f"decomposition is a {type(decomposition).__name__}; expected ranks per axis "
                            f"such as '2x2x1'")
        depth = operator.index(exchange_depth)
        if serves and not _core.mpi_built:
            _core.RootSession(comm.py2f())  # raises why
        go = prepare()
    except BaseException as e:
        comm.bcast(_failure(e), root=0)
        raise
    comm.bcast(None, root=0)
    session = _core.RootSession(comm.py2f()) if serves else None
    try:
        result = go(session, decomposition, depth)
    except BaseException as e:
        if session is not None:
            session.close()
        comm.bcast(_failure(e), root=0)
        raise
    if session is not None:
        session.close()
    comm.bcast(("ok", result), root=0)
    return result


def on_worker(comm: Any, serves: bool = True) -> Any:
    """Any other rank's side: serve rank 0, then return or raise what it did."""
    told = comm.bcast(None, root=0)
    if told is None:
        if serves:
            _core.serve(comm.py2f())
        told = comm.bcast(None, root=0)
    if told[0] == "ok":
        return told[1]
    _, kind, message = told
    error = getattr(builtins, kind, None)
    if not (isinstance(error, type) and issubclass(error, BaseException)):
        error = RuntimeError
    raise error(f"{message} (raised on rank 0)")


def _failure(e: BaseException) -> tuple[str, str, str]:
    return ("failed", type(e).__name__, str(e))
