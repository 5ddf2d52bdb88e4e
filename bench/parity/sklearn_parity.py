#!/usr/bin/python3
"""Generate scikit-learn parity fixtures for gmm-fit's covariance families.

Writes test/fixtures/parity/sklearn.json (relative to the repository root).

For each dataset (iris 150x4, wine 178x13) and each covariance family
(spherical, diag, full), with K=3, seed 0, reg_covar=1e-6:

  1. builds gmm-fit's start (numpy legacy RandomState row choice, equal
     weights, per-component second moments about the chosen rows + reg_covar);
  2. runs sklearn.mixture.GaussianMixture from exactly that start for 50 EM
     iterations (tol=0 so it never stops early) and records its final LL,
     lower bound and parameters;
  3. runs the same 50 EM iterations in plain numpy (nk without sklearn's
     10*eps) and records the LL of the final parameters.

Self-checks (the script exits non-zero if any fails):
  * sklearn took exactly 50 iterations;
  * a max_iter=1 sklearn fit equals one manual numpy E+M step from the start
    (weights, means, covariances), and its lower_bound_ equals the numpy LL of
    the start -- i.e. sklearn really started from *_init and not from its
    init_params draw;
  * numpy's final LL agrees with sklearn's score(X)*n to 1e-9 relative, and the
    final parameters agree too.

Run:  /usr/bin/python3 bench/parity/sklearn_parity.py
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

import sklearn
from sklearn.datasets import load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

K = 3
SEED = 0
REG = 1e-6
ITERS = 50
FAMILIES = ("spherical", "diag", "full")
LL_RTOL = 1e-9          # numpy final LL vs sklearn score*n
STEP1_RTOL = 1e-10      # one-step parameter check (sklearn nk has +10*eps)
PARAM_RTOL = 1e-7       # final parameters after 50 iterations (reported; loose)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "test", "fixtures", "parity", "sklearn.json")


# ---------------------------------------------------------------- the start

def start(X, family):
    """gmm-fit's start rule, written in numpy."""
    n, d = X.shape
    np.random.seed(SEED)
    idx = np.random.choice(n, K, replace=False)
    means = X[idx].copy()
    weights = np.ones(K) / K
    if family == "spherical":
        cov = np.array([((X - means[j]) ** 2).mean() for j in range(K)]) + REG
    elif family == "diag":
        cov = np.array([((X - means[j]) ** 2).mean(axis=0) for j in range(K)]) + REG
    elif family == "full":
        cov = np.array([(X - means[j]).T @ (X - means[j]) / n + REG * np.eye(d)
                        for j in range(K)])
    else:
        raise ValueError(family)
    return idx, weights, means, cov


def precision_init(cov, family):
    """Precision in sklearn's shape for the family."""
    if family in ("spherical", "diag"):
        return 1.0 / cov
    P = np.array([np.linalg.inv(c) for c in cov])
    # inv() is symmetric only to rounding; sklearn takes the Cholesky of the
    # lower triangle, so make it exactly symmetric (changes P by ~1 ulp).
    return (P + np.transpose(P, (0, 2, 1))) / 2


# ---------------------------------------------------------------- numpy EM

def log_gauss(X, means, cov, family):
    """(n, K) matrix of log N(x_i; mu_j, Sigma_j)."""
    n, d = X.shape
    out = np.empty((n, K))
    c = d * math.log(2 * math.pi)
    for j in range(K):
        diff = X - means[j]
        if family == "spherical":
            out[:, j] = -0.5 * (c + d * np.log(cov[j]) + (diff ** 2).sum(1) / cov[j])
        elif family == "diag":
            out[:, j] = -0.5 * (c + np.log(cov[j]).sum() + (diff ** 2 / cov[j]).sum(1))
        else:
            L = np.linalg.cholesky(cov[j])
            z = solve_triangular(L, diff.T, lower=True)
            logdet = 2.0 * np.log(np.diag(L)).sum()
            out[:, j] = -0.5 * (c + logdet + (z ** 2).sum(0))
    return out


def e_step(X, weights, means, cov, family):
    wlp = log_gauss(X, means, cov, family) + np.log(weights)
    lpn = logsumexp(wlp, axis=1)
    resp = np.exp(wlp - lpn[:, None])
    return float(lpn.sum()), resp


def m_step(X, resp, family):
    n, d = X.shape
    nk = resp.sum(0)                      # no 10*eps
    weights = nk / n
    means = resp.T @ X / nk[:, None]
    if family == "full":
        cov = np.empty((K, d, d))
        for j in range(K):
            diff = X - means[j]
            cov[j] = diff.T @ (resp[:, j, None] * diff) / nk[j] + REG * np.eye(d)
    else:
        dv = np.empty((K, d))
        for j in range(K):
            diff = X - means[j]
            dv[j] = (resp[:, j, None] * diff ** 2).sum(0) / nk[j] + REG
        cov = dv.mean(1) if family == "spherical" else dv
    return weights, means, cov


def loglik(X, weights, means, cov, family):
    return e_step(X, weights, means, cov, family)[0]


def numpy_em(X, weights, means, cov, family, iters):
    for _ in range(iters):
        _, resp = e_step(X, weights, means, cov, family)
        weights, means, cov = m_step(X, resp, family)
    return weights, means, cov, loglik(X, weights, means, cov, family)


# ---------------------------------------------------------------- sklearn

def sk_fit(X, weights, means, P, family, max_iter):
    gm = GaussianMixture(n_components=K, covariance_type=family, tol=0,
                         max_iter=max_iter, reg_covar=REG, means_init=means,
                         weights_init=weights, precisions_init=P,
                         init_params="random_from_data", random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm


def max_rel(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def max_rel_scaled(a, b):
    """max |a-b| / max|b| -- for matrices with near-zero off-diagonals."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def check(cond, msg):
    if not cond:
        print("CHECK FAILED: " + msg, file=sys.stderr)
        sys.exit(1)


# ---------------------------------------------------------------- main

def run_one(X, family, name):
    n, d = X.shape
    idx, w0, mu0, cov0 = start(X, family)
    P = precision_init(cov0, family)

    # (a) one step: sklearn max_iter=1 vs a manual numpy E+M step.
    gm1 = sk_fit(X, w0, mu0, P, family, 1)
    ll0, resp0 = e_step(X, w0, mu0, cov0, family)
    w1, mu1, cov1 = m_step(X, resp0, family)
    r_mu1 = max_rel(gm1.means_, mu1)
    r_w1 = max_rel(gm1.weights_, w1)
    r_c1 = max_rel_scaled(gm1.covariances_, cov1)
    r_lb1 = abs(gm1.lower_bound_ * n - ll0) / abs(ll0)
    print(f"  [{name}/{family}] one step: means {r_mu1:.2e}  weights {r_w1:.2e}  "
          f"cov {r_c1:.2e}  start LL {ll0:.12g} vs sklearn lower_bound*n rel {r_lb1:.2e}")
    check(gm1.n_iter_ == 1, f"{name}/{family}: max_iter=1 fit took {gm1.n_iter_}")
    check(r_mu1 < STEP1_RTOL, f"{name}/{family}: one-step means differ {r_mu1}")
    check(r_w1 < STEP1_RTOL, f"{name}/{family}: one-step weights differ {r_w1}")
    check(r_c1 < STEP1_RTOL, f"{name}/{family}: one-step covariances differ {r_c1}")
    check(r_lb1 < STEP1_RTOL, f"{name}/{family}: start LL differs {r_lb1}")

    # (b) 50 iterations in sklearn.
    gm = sk_fit(X, w0, mu0, P, family, ITERS)
    check(gm.n_iter_ == ITERS, f"{name}/{family}: n_iter_={gm.n_iter_}, expected {ITERS}")
    score_n = float(gm.score(X) * n)
    lb_n = float(gm.lower_bound_ * n)

    # (c) 50 iterations in numpy.
    wN, muN, covN, llN = numpy_em(X, w0, mu0, cov0, family, ITERS)
    r_ll = abs(llN - score_n) / abs(score_n)
    r_mu = max_rel_scaled(muN, gm.means_)
    r_w = max_rel(wN, gm.weights_)
    r_c = max_rel_scaled(covN, gm.covariances_)
    # numpy LL of the parameters after 49 iterations = sklearn's lower bound.
    _, _, _, llN49 = numpy_em(X, w0, mu0, cov0, family, ITERS - 1)
    r_lb = abs(llN49 - lb_n) / abs(lb_n)
    print(f"  [{name}/{family}] 50 iters: sklearn score*n {score_n:.15g}  numpy {llN:.15g}  "
          f"diff {llN - score_n:+.3e} (rel {r_ll:.2e}); lower_bound*n {lb_n:.15g} vs numpy@49 "
          f"rel {r_lb:.2e}; params rel: means {r_mu:.2e} weights {r_w:.2e} cov {r_c:.2e}; "
          f"converged={gm.converged_}")
    check(r_ll < LL_RTOL, f"{name}/{family}: numpy vs sklearn LL rel diff {r_ll}")
    check(r_lb < LL_RTOL, f"{name}/{family}: numpy@49 vs sklearn lower bound rel {r_lb}")
    check(max(r_mu, r_w, r_c) < PARAM_RTOL,
          f"{name}/{family}: final parameters differ (means {r_mu}, weights {r_w}, cov {r_c})")
    check(all(np.all(np.isfinite(a)) for a in (gm.means_, gm.weights_, gm.covariances_)),
          f"{name}/{family}: non-finite sklearn parameters")

    st = {"rows": [int(i) for i in idx], "means": mu0.tolist(), "weights": w0.tolist()}
    st["covariance" if family == "full" else "var"] = cov0.tolist()
    return {
        "start": st,
        "sklearn": {
            "score_n": score_n,
            "lower_bound_n": lb_n,
            "n_iter": int(gm.n_iter_),
            "converged": bool(gm.converged_),
            "means": gm.means_.tolist(),
            "weights": gm.weights_.tolist(),
            "covariances": gm.covariances_.tolist(),
        },
        "numpy_ll_final": llN,
    }, r_ll, llN - score_n


def main():
    datasets = {"iris": load_iris().data, "wine": load_wine().data}
    out = {
        "source": f"bench/parity/sklearn_parity.py, scikit-learn {sklearn.__version__}, "
                  f"numpy {np.__version__}",
        "k": K, "seed": SEED, "reg_covar": REG, "iterations": ITERS,
        "datasets": {},
    }
    summary = []
    for name, X in datasets.items():
        X = np.ascontiguousarray(X, dtype=np.float64)
        n, d = X.shape
        print(f"{name}: n={n} d={d}")
        fams = {}
        for family in FAMILIES:
            fams[family], r_ll, dll = run_one(X, family, name)
            summary.append((name, family, fams[family]["sklearn"]["score_n"],
                            fams[family]["numpy_ll_final"], dll, r_ll,
                            fams[family]["start"]["rows"]))
        out["datasets"][name] = {"n": n, "d": d, "X": X.tolist(), "families": fams}

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")

    # Round-trip: the JSON floats must reproduce the numbers bit for bit.
    with open(OUT) as f:
        back = json.load(f)
    for name, X in datasets.items():
        check(np.array_equal(np.array(back["datasets"][name]["X"]), X),
              f"{name}: X did not round-trip")

    print()
    print(f"{'dataset':8} {'family':10} {'sklearn score_n':>22} {'numpy_ll_final':>22} "
          f"{'numpy-sklearn':>11} {'rel':>9}  rows")
    for name, family, s, nl, dll, r, rows in summary:
        print(f"{name:8} {family:10} {s:22.15g} {nl:22.15g} {dll:+11.2e} {r:9.2e}  {rows}")
    print(f"\nwrote {os.path.relpath(OUT, REPO)}  (sklearn {sklearn.__version__}, "
          f"numpy {np.__version__}, scipy {scipy.__version__})")


if __name__ == "__main__":
    main()
