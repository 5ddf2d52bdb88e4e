"""scikit-learn peer of bench/optima.js (npm run bench:optima).

    sklearn_optima.py FILE FAMILIES KLIST N_INIT [SOLUTIONS.json]

FILE: a CSV with a header row (bench/optima.js's export). FAMILIES: comma-
separated, of spherical, diag, full. KLIST: comma-separated K. For each family
and K:

    GaussianMixture(n_components=K, covariance_type=FAMILY, n_init=N_INIT,
                    random_state=0, max_iter=1000, tol=TOL, reg_covar=1e-6)

(init_params='kmeans', scikit-learn's default). scikit-learn stops when the
change of the mean log-likelihood per row is below `tol`; gmm-fit when the
change of the total is at most 1e-6 of its size. The comparable tol is
1e-6 * |LL_1 / n|, LL_1 the single-Gaussian log-likelihood of that family
(fitted first, K=1 needs no tol), floored at 1e-12: it is reported per family.

Per fit: "ll" = score(X) * n, the log-likelihood of the final parameters (the
figure compared); "lower_bound" = lower_bound_ * n (the last E-step's, before
the last M-step, as gmm-fit's logLikelihood); n_iter_, converged_ of the best
of the N_INIT starts; "min_eig", the smallest eigenvalue of any component's
covariance (spherical: the variances; diag: every variance; full: numpy.linalg
.eigvalsh). A fit that raises is {"error": message}. With SOLUTIONS.json, every
fit's parameters are written there as gmm-fit model documents (format
gmm-fit/1), keyed "FAMILY/K", for bench/optima.js's check of a miss.

Prints one JSON line: {"sklearn", "numpy", "rows", "cols", "n_init", "fits":
{FAMILY: {"tol", "k": {K: {...}}}}, "seconds", "maxrss_kib"}.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

REG = 1e-6
MAX_ITER = 1000
GMM_FIT_TOL = 1e-6


def min_eig(gm, family):
    c = gm.covariances_
    if family in ("spherical", "diag"):
        return float(np.min(c))
    return float(min(np.linalg.eigvalsh(s).min() for s in c))


def model_doc(gm, family, X):
    k, d = gm.means_.shape
    mixture = {"mu": gm.means_.tolist(), "p": (gm.weights_ / gm.weights_.sum()).tolist()}
    if family == "full":
        mixture["covariance"] = gm.covariances_.tolist()
    else:
        mixture["var"] = gm.covariances_.tolist()
    return {"format": "gmm-fit/1", "model": family, "k": int(k), "d": int(d), "mixture": mixture}


def fit(X, family, k, n_init, tol):
    gm = GaussianMixture(n_components=k, covariance_type=family, n_init=n_init, random_state=0,
                         max_iter=MAX_ITER, tol=tol, reg_covar=REG)
    t = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        gm.fit(X)
    seconds = time.perf_counter() - t
    n = X.shape[0]
    out = {
        "ll": float(gm.score(X)) * n,
        "lower_bound": float(gm.lower_bound_) * n,
        "n_iter": int(gm.n_iter_),
        "converged": bool(gm.converged_),
        "min_eig": min_eig(gm, family),
        "seconds": seconds,
    }
    if caught:
        out["warnings"] = sorted({str(w.message).split("\n")[0][:200] for w in caught})
    return gm, out


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit("usage: sklearn_optima.py FILE FAMILIES KLIST N_INIT [SOLUTIONS.json]")
    path, families, ks, n_init = sys.argv[1], sys.argv[2].split(","), [int(x) for x in sys.argv[3].split(",")], int(sys.argv[4])
    solutions_path = sys.argv[5] if len(sys.argv) == 6 else None
    X = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    n = X.shape[0]
    t0 = time.perf_counter()
    fits, solutions = {}, {}
    for family in families:
        # K=1 is one M-step from any start: its per-row LL sets the comparable tol
        try:
            _, one = fit(X, family, 1, 1, 1e-3)
            tol = max(GMM_FIT_TOL * abs(one["ll"] / n), 1e-12)
        except Exception as e:
            tol = GMM_FIT_TOL
            one = {"error": f"{type(e).__name__}: {e}"}
        per_k = {}
        for k in ks:
            try:
                gm, per_k[str(k)] = fit(X, family, k, n_init, tol)
                if solutions_path:
                    solutions[f"{family}/{k}"] = model_doc(gm, family, X)
            except Exception as e:  # e.g. ill-defined covariance: reported, the other fits go on
                per_k[str(k)] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"}
        fits[family] = {"tol": tol, "k": per_k}
    if solutions_path:
        with open(solutions_path, "w") as f:
            json.dump(solutions, f)
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "rows": int(n),
        "cols": int(X.shape[1]),
        "n_init": n_init,
        "max_iter": MAX_ITER,
        "reg_covar": REG,
        "fits": fits,
        "seconds": time.perf_counter() - t0,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
