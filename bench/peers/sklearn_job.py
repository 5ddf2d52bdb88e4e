"""scikit-learn peer for `npm run bench` (bench/run.js), workloads `synthetic` and `synthetic-kmeans`.

    sklearn_job.py synthetic synthetic.txt [iterations=50]
    sklearn_job.py kmeans synthetic.txt [max_iter=50]

`kmeans` is described at its function below.

Loads the same text file as gmm-fit with np.loadtxt, takes the course's initial
mixture init(X, 8, 0) (bench/reference/course.py: rows X[idx] with
np.random.seed(0); idx = np.random.choice(n, 8, replace=False), var_j = mean of
(X - mu_j)^2 over all n*d cells, p_j = 1/8) and fits

    GaussianMixture(n_components=8, covariance_type='spherical', max_iter=50,
                    tol=0, reg_covar=0, weights_init=p0, means_init=mu0,
                    precisions_init=1/var0, init_params='random_from_data',
                    random_state=0, warm_start=False)

tol=0: sklearn stops when |Δ mean LL| < tol, never true, so exactly max_iter
E+M iterations (and a ConvergenceWarning, which is caught and recorded).

init_params: sklearn >= 1.3 skips the init_params step when weights_init,
means_init and precisions_init are all given (scikit-learn PR #26021, issue
#26015). Before 1.3 (e.g. Debian's 1.2.1) NONE is skipped: the chosen method
runs and its result is thrown away (the given *_init values win). The default
'kmeans' would run a whole k-means; 'random_from_data' is the cheapest choice
there (K row picks + one parameter estimate from the sparse responsibilities,
about one M-step's work); on >= 1.3 it is simply ignored.

Timed: gm.fit(X) with time.perf_counter -> ms_per_iteration = fit time / 50.
That includes, beside the 50 E+M iterations, input validation, the discarded
init above (sklearn < 1.3) and one extra E-step that fit() always runs at the end
(for fit_predict consistency). To size those, after the fit it times one
gm._e_step(X) and one gm._initialize_parameters(X, rs) separately and reports
them, plus (fit - final E-step - init) / 50 as "ms_per_iteration_em_only".

"ll" = lower_bound_ * n: in sklearn 1.x lower_bound_ is the mean log-likelihood
per sample computed in the last (50th) E-step, i.e. before the last M-step,
the same quantity as gmm-fit's logLikelihood.

Prints one JSON line on stdout (fields as numpy_job.py, plus "sklearn",
"n_iter", "lower_bound", "converged", "warnings", ...).
"""
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "reference"))
import course as c  # noqa: E402

sys.path.insert(0, HERE)
from numpy_job import run_job  # noqa: E402  (the shared JSON report)

INIT_PARAMS = "random_from_data"


def version_tuple(v):
    out = []
    for part in v.split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def synthetic(args):
    import sklearn
    from sklearn.mixture import GaussianMixture
    from sklearn.utils import check_random_state

    if not args:
        raise SystemExit("sklearn_job.py synthetic: needs the data file")
    X = np.loadtxt(args[0])
    iterations = int(args[1]) if len(args) > 1 else 50
    K, seed = 8, 0
    n, d = X.shape
    mu0, var0, p0 = c.init(X, K, seed)
    gm = GaussianMixture(
        n_components=K, covariance_type="spherical", max_iter=iterations, tol=0, reg_covar=0,
        weights_init=p0, means_init=mu0, precisions_init=1.0 / var0,
        init_params=INIT_PARAMS, random_state=0, warm_start=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        gm.fit(X)
        fit_s = time.perf_counter() - t0
    result = {
        "ll": float(gm.lower_bound_) * n, "k": K, "seed": seed, "iterations": int(gm.n_iter_),
        "n_iter": int(gm.n_iter_), "lower_bound": float(gm.lower_bound_), "converged": bool(gm.converged_),
        "rows": n, "cols": d,
        "seconds_fit": fit_s, "ms_per_iteration": fit_s * 1000 / iterations,
        "warnings": sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught}),
        "sklearn": sklearn.__version__, "init_params": INIT_PARAMS,
        "init_params_runs": version_tuple(sklearn.__version__) < (1, 3),
    }
    # Size the extra work inside fit(): one E-step (fit's final one) and the
    # init_params step (run and discarded before sklearn 1.3). Done after the
    # figures above are taken; _initialize_parameters overwrites the fitted state.
    t0 = time.perf_counter()
    gm._e_step(X)
    estep_s = time.perf_counter() - t0
    init_s = 0.0
    if result["init_params_runs"]:
        t0 = time.perf_counter()
        gm._initialize_parameters(X, check_random_state(0))
        init_s = time.perf_counter() - t0
    result["ms_one_e_step"] = estep_s * 1000
    result["ms_init_params"] = init_s * 1000
    result["ms_per_iteration_em_only"] = max(fit_s - estep_s - init_s, 0.0) * 1000 / iterations
    return result


def kmeans(args):
    """KMeans(algorithm='lloyd', n_init=1, init=X[idx], tol=0, max_iter=50) from the course's start rows.

    idx = the rows of init(X, 8, 0) (np.random.seed(0); np.random.choice(n, 8, replace=False)),
    the rows gmm-fit's seed 0 draws. tol=0: sklearn stops when the labels no longer change
    (strict convergence; also when the centres did not move at all), else after max_iter.
    inertia_ is computed from the final centres and labels (at strict convergence: the
    centres of the last M-step, whose labels were those of the E-step before it).

    Timed: km.fit(X) (input validation, the copy of X and its centring, the init check, the
    loop, the final inertia) -> ms_per_iteration = fit time / n_iter_. Then, separately, the
    loop alone: sklearn's own _kmeans_single_lloyd on the centred copy, from the same start
    (ms_per_iteration_loop_only = its time / its n_iter_), when that private function is there.
    Reports the cost (inertia_), n_iter_, the start rows, the cluster sizes and the OpenMP
    threads used (sklearn's _openmp_effective_n_threads()).
    """
    import sklearn
    from sklearn.cluster import KMeans

    if not args:
        raise SystemExit("sklearn_job.py kmeans: needs the data file")
    X = np.loadtxt(args[0])
    max_iter = int(args[1]) if len(args) > 1 else 50
    K, seed = 8, 0
    n, d = X.shape
    np.random.seed(seed)
    idx = np.random.choice(n, K, replace=False)  # what c.init(X, K, seed) draws
    mu0 = X[idx]
    assert np.array_equal(mu0, c.init(X, K, seed)[0])
    km = KMeans(n_clusters=K, algorithm="lloyd", n_init=1, init=mu0, tol=0, max_iter=max_iter)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        km.fit(X)
        fit_s = time.perf_counter() - t0
    n_iter = int(km.n_iter_)
    result = {
        "ll": None, "cost": float(km.inertia_), "k": K, "seed": seed, "iterations": n_iter, "n_iter": n_iter,
        "max_iter": max_iter, "stopped_before_max_iter": n_iter < max_iter,
        "rows": n, "cols": d, "initial_rows": [int(i) for i in idx],
        "cluster_sizes": [int(v) for v in np.bincount(km.labels_, minlength=K)],
        "seconds_fit": fit_s, "ms_per_iteration": fit_s * 1000 / n_iter,
        "warnings": sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught}),
        "sklearn": sklearn.__version__, "algorithm": "lloyd",
    }
    try:
        from sklearn.cluster._kmeans import _kmeans_single_lloyd
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        threads = _openmp_effective_n_threads()
        Xc = X - X.mean(axis=0)
        start = mu0 - X.mean(axis=0)
        weights = np.ones(n, dtype=X.dtype)
        t0 = time.perf_counter()
        _, inertia, _, loop_iter = _kmeans_single_lloyd(Xc, weights, start, max_iter=max_iter, tol=0, n_threads=threads)
        loop_s = time.perf_counter() - t0
        result.update({
            "threads": threads, "ms_loop_only": loop_s * 1000, "loop_only_n_iter": int(loop_iter),
            "ms_per_iteration_loop_only": loop_s * 1000 / int(loop_iter), "loop_only_cost": float(inertia),
        })
    except ImportError as e:
        result["loop_only_skipped"] = f"sklearn {sklearn.__version__}: {e}"
    return result


JOBS = {"synthetic": synthetic, "kmeans": kmeans}


def main(argv):
    return run_job(JOBS, argv, "usage: sklearn_job.py synthetic|kmeans FILE [iterations]")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
