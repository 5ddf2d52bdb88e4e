"""numpy peer for `npm run bench` (bench/run.js): the same job as one gmm-fit
invocation, done with the course code port bench/reference/course.py.

    numpy_job.py toy-fit   [toy.txt]
    numpy_job.py toy-sweep [toy.txt]
    numpy_job.py netflix   [incomplete.txt complete.txt out.txt]
    numpy_job.py synthetic synthetic.txt [iterations=50]

toy-fit    naive (complete-data) EM, K=3, seed 0 (gmm-fit data/toy.txt --k 3 --seed 0)
toy-sweep  naive EM for K=1..4 x seeds 0..4; per K the best LL (lowest seed wins
           ties), K selected by BIC (lowest K wins ties)   (--k 1..4 --seeds 0..4)
netflix    missing-data EM (0 = missing) with the matrix-product E/M steps
           em_estep_fast/em_mstep_fast, K=12, seeds 0..4, best LL kept;
           fill_matrix, rmse against the truth over all cells, and the completed
           matrix written with np.savetxt (shortest-ish %.17g, like the CLI's --out)
synthetic  complete-data EM, K=8, from course init(X, 8, 0), exactly 50 E+M steps
           (no convergence test), the course's naive_estep/naive_mstep in their
           strongest numpy form (see synthetic() below); the 50 iterations alone
           are timed with time.perf_counter -> "ms_per_iteration"; "ll" is the
           LL of the 50th E-step; "trace" every E-step's LL

Prints one JSON line on stdout:
  {"job", "ll", "k", "seed", "iterations" (E-steps summed over all fits),
   "rmse" (netflix), "ms_per_iteration"/"trace"/... (synthetic), "maxrss_kib" (getrusage RUSAGE_SELF ru_maxrss),
   "numpy", "scipy", "blas" (threadpoolctl info or null), "openblas_env"}
"""
import json
import os
import resource
import sys

import time

import numpy as np
import scipy
from scipy.special import logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "reference"))
import course as c  # noqa: E402


def data_dir():
    return os.environ.get("GMM_FIT_DATA") or os.path.join(ROOT, "..", "shared", "data")


def toy_fit(args):
    X = c.load(args[0] if args else os.path.join(ROOT, "data", "toy.txt"))
    _, _, ll, trace = c.naive_run(X, c.init(X, 3, 0))
    return {"ll": ll, "k": 3, "seed": 0, "iterations": len(trace)}


def toy_sweep(args):
    X = c.load(args[0] if args else os.path.join(ROOT, "data", "toy.txt"))
    total = 0
    best = {}                                   # K -> (ll, seed)
    for K in range(1, 5):
        for seed in range(5):
            _, _, ll, trace = c.naive_run(X, c.init(X, K, seed))
            total += len(trace)
            if K not in best or ll > best[K][0]:
                best[K] = (ll, seed)
    sel = None
    for K in range(1, 5):
        b = c.bic(X, best[K][0], K)
        if sel is None or b > sel[0]:
            sel = (b, K)
    K = sel[1]
    return {"ll": best[K][0], "k": K, "seed": best[K][1], "iterations": total, "bic": float(sel[0])}


def netflix(args):
    d = data_dir()
    inc = args[0] if len(args) > 0 else os.path.join(d, "netflix_incomplete.txt")
    full = args[1] if len(args) > 1 else os.path.join(d, "netflix_complete.txt")
    out = args[2] if len(args) > 2 else None
    X = np.loadtxt(inc)
    truth = np.loadtxt(full)
    total = 0
    best = None                                 # (ll, seed, mixture)
    for seed in range(5):
        mix, _, ll, trace = c.em_run(X, c.init(X, 12, seed), fast=True)
        total += len(trace)
        if best is None or ll > best[0]:
            best = (ll, seed, mix)
    filled = c.fill_matrix(X, best[2], fast=True)
    r = c.rmse(filled, truth)
    if out is not None:
        np.savetxt(out, filled, fmt="%.17g")
    return {"ll": best[0], "k": 12, "seed": best[1], "iterations": total, "rmse": r}


def synthetic(args):
    """course naive EM (complete data), K=8, seed 0, exactly `iterations` E+M steps.

    E-step: squared distances by matrix products, ||x||^2 - 2 X mu^T + ||mu||^2
    (||x||^2 computed once, inside the timed region), log densities, then
    scipy.special.logsumexp per row; posteriors exp(f - lse) in place.
    M-step: n_j = post.sum(0), p = n_j/n, mu = post.T @ X / n_j and
    var_j = (post[:, j] . ||x||^2 - n_j ||mu_j||^2) / (d n_j), which is the course's
    sum_u post_uj ||x_u - mu_j||^2 / (d n_j) expanded (equal in exact arithmetic,
    one K-vector product instead of a second n x K distance matrix; on this data
    the literal form was ~40% slower per iteration and agreed to ~1e-16 in LL).
    """
    if not args:
        raise SystemExit("numpy_job.py synthetic: needs the data file")
    X = np.loadtxt(args[0])
    iterations = int(args[1]) if len(args) > 1 else 50
    K, seed = 8, 0
    n, d = X.shape
    mu, var, p = c.init(X, K, seed)
    np.random.seed(seed)
    initial_rows = np.random.choice(n, K, replace=False).tolist()   # the rows init() took
    trace = []
    t0 = time.perf_counter()
    x2 = np.einsum("ij,ij->i", X, X)
    for _ in range(iterations):
        # E-step
        f = x2[:, None] - 2.0 * (X @ mu.T) + (mu * mu).sum(axis=1)[None, :]
        f /= -2.0 * var[None, :]
        f += (np.log(p) - d / 2 * np.log(2 * np.pi * var))[None, :]
        lse = logsumexp(f, axis=1)
        f -= lse[:, None]
        post = np.exp(f, out=f)
        trace.append(float(lse.sum()))
        # M-step
        nj = post.sum(axis=0)
        p = nj / n
        mu = (post.T @ X) / nj[:, None]
        var = (post.T @ x2 - nj * (mu * mu).sum(axis=1)) / (d * nj)
    seconds = time.perf_counter() - t0
    inc = np.diff(trace)
    rel = inc / np.abs(np.asarray(trace[1:]))
    return {
        "ll": trace[-1], "k": K, "seed": seed, "iterations": len(trace),
        "rows": n, "cols": d, "initial_rows": initial_rows,
        "seconds_iterations": seconds, "ms_per_iteration": seconds * 1000 / iterations,
        "ll_last_increase": float(inc[-1]) if len(inc) else None,
        "ll_rising_at_end": bool(inc[-1] > 0) if len(inc) else None,
        "min_rel_increase": float(rel.min()) if len(rel) else None,
        "min_rel_increase_at": int(rel.argmin()) + 2 if len(rel) else None,
        "trace": trace,
    }


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: v for k, v in lib.items() if k in
             ("user_api", "internal_api", "version", "threading_layer", "architecture", "num_threads", "filepath")}
            for lib in threadpool_info()]


JOBS = {"toy-fit": toy_fit, "toy-sweep": toy_sweep, "netflix": netflix, "synthetic": synthetic}


def run_job(jobs, argv, usage):
    """Runs jobs[argv[0]] on argv[1:] and prints its result, with the process's peak RSS and the BLAS in use, as one JSON line."""
    if len(argv) < 1 or argv[0] not in jobs:
        sys.stderr.write(usage + "\n")
        return 2
    result = {"job": argv[0]}
    result.update(jobs[argv[0]](argv[1:]))
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["numpy"] = np.__version__
    result["scipy"] = scipy.__version__
    result["blas"] = blas_info()
    result["openblas_env"] = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


def main(argv):
    return run_job(JOBS, argv, "usage: numpy_job.py toy-fit|toy-sweep|netflix|synthetic [paths...]")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
