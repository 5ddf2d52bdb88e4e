"""scikit-learn peer for the `families` workload of `npm run bench` (bench/families.js).

    sklearn_family.py FILE FAMILY [K=8] [ITERATIONS=20]

Loads FILE with np.loadtxt and fits GaussianMixture(covariance_type=FAMILY) for
exactly ITERATIONS E+M steps (tol=0) from gmm-fit's start for that family (the
rule of bench/parity/sklearn_parity.py, which the parity test checks: rows
X[idx] with np.random.seed(0); idx = np.random.choice(n, K, replace=False),
weights 1/K, and per component the mean of (X - mu_j)^2 over every cell
(spherical), per column (diag) or the scatter (X - mu_j)^T (X - mu_j)/n (full),
plus reg_covar: gmm-fit's defaults, 0 for spherical (the course's model, as in
sklearn_job.py) and 1e-6 for diag and full (scikit-learn's default).

Timed: gm.fit(X) / ITERATIONS (it also validates X, runs the discarded init
step of scikit-learn < 1.3 and one final E-step, as in sklearn_job.py).
"ll" = lower_bound_ * n, the log-likelihood of the last E-step, as gmm-fit's.
"ms_per_iteration_steady": a second estimator from the same start, its EM loop
run here as fit() runs it (_e_step, _m_step and _compute_lower_bound, private
methods of scikit-learn 0.2x-1.x; null if they are not there), each iteration
timed: the median from the third on, as bench/synth-gmm.js reports gmm-fit's.
Prints one JSON line.
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

def reg_covar(family):
    return 0.0 if family == "spherical" else 1e-6


def start(X, family, k):
    REG = reg_covar(family)
    n, d = X.shape
    np.random.seed(0)
    idx = np.random.choice(n, k, replace=False)
    means = X[idx].copy()
    weights = np.ones(k) / k
    if family == "spherical":
        cov = np.array([((X - means[j]) ** 2).mean() for j in range(k)]) + REG
        precisions = 1.0 / cov
    elif family == "diag":
        cov = np.array([((X - means[j]) ** 2).mean(axis=0) for j in range(k)]) + REG
        precisions = 1.0 / cov
    elif family == "full":
        cov = np.array([(X - means[j]).T @ (X - means[j]) / n + REG * np.eye(d) for j in range(k)])
        P = np.array([np.linalg.inv(c) for c in cov])
        precisions = (P + np.transpose(P, (0, 2, 1))) / 2
    else:
        raise SystemExit(f"sklearn_family.py: unknown family {family!r}")
    return weights, means, precisions


def steady_ms(X, family, k, iterations, weights, means, precisions):
    """The median time of one E+M iteration from the third on, or None (fewer than 4, or no such methods)."""
    if iterations < 4:
        return None
    gm = GaussianMixture(n_components=k, covariance_type=family, tol=0, max_iter=iterations, reg_covar=reg_covar(family),
                         weights_init=weights, means_init=means, precisions_init=precisions,
                         init_params="random_from_data", random_state=0)
    try:
        gm._initialize_parameters(X, np.random.RandomState(0))
        times = []
        for _ in range(iterations):
            t = time.perf_counter()
            log_prob_norm, log_resp = gm._e_step(X)
            gm._m_step(X, log_resp)
            gm._compute_lower_bound(log_resp, log_prob_norm)
            times.append(time.perf_counter() - t)
    except AttributeError:
        return None
    return float(np.median(times[2:])) * 1000


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: sklearn_family.py FILE FAMILY [K=8] [ITERATIONS=20]")
    path, family = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    iterations = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    X = np.loadtxt(path, ndmin=2)
    weights, means, precisions = start(X, family, k)
    gm = GaussianMixture(n_components=k, covariance_type=family, tol=0, max_iter=iterations, reg_covar=reg_covar(family),
                         weights_init=weights, means_init=means, precisions_init=precisions,
                         init_params="random_from_data", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t = time.perf_counter()
        gm.fit(X)
        seconds = time.perf_counter() - t
    print(json.dumps({
        "family": family,
        "sklearn": sklearn.__version__,
        "rows": X.shape[0],
        "cols": X.shape[1],
        "k": k,
        "iterations": int(gm.n_iter_),
        "ll": float(gm.lower_bound_) * X.shape[0],
        "ms_per_iteration": seconds * 1000 / iterations,
        "ms_per_iteration_steady": steady_ms(X, family, k, iterations, weights, means, precisions),
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
