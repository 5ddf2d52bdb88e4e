"""Reference numpy port of the MIT 6.86x project "Collaborative Filtering via
Gaussian Mixtures" (netflix): common.init / common.bic, kmeans.py, naive_em.py
and em.py (missing data, 0 = missing), written to follow the course code
step for step.  Each `*_run` also returns the trace (one cost/LL per E-step).

`em_estep_fast` / `em_mstep_fast` are matrix-product versions of the
missing-data steps, used for the 1200x1200 netflix matrix; `check_fast` shows
they agree with the direct formulas.
"""
import numpy as np
from scipy.special import logsumexp


def load(path):
    return np.loadtxt(path)


# ---- common.py ------------------------------------------------------------
def init(X, K, seed=0):
    np.random.seed(seed)
    n, _ = X.shape
    p = np.ones(K) / K
    mu = X[np.random.choice(n, K, replace=False)]
    var = np.zeros(K)
    for j in range(K):
        var[j] = ((X - mu[j]) ** 2).mean()
    return mu, var, p


def n_params(X, K):
    return K * X.shape[1] + K + K - 1


def bic(X, ll, K):
    return ll - n_params(X, K) / 2 * np.log(X.shape[0])


def aic(X, ll, K):
    return ll - n_params(X, K)


def rmse(X, Y):
    return float(np.sqrt(np.mean((X - Y) ** 2)))


# ---- kmeans.py ------------------------------------------------------------
def kmeans_estep(X, mu):
    n, K = X.shape[0], mu.shape[0]
    post = np.zeros((n, K))
    sse = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)   # n x K
    j = np.argmin(sse, axis=1)                                  # ties -> lowest index
    post[np.arange(n), j] = 1
    return post, float(sse[np.arange(n), j].sum())


def kmeans_mstep(X, post):
    n, d = X.shape
    K = post.shape[1]
    n_hat = post.sum(axis=0)
    p = n_hat / n
    mu = np.zeros((K, d))
    var = np.zeros(K)
    for j in range(K):
        mu[j] = post[:, j] @ X / n_hat[j]
        var[j] = (((mu[j] - X) ** 2).sum(axis=1) @ post[:, j]) / (d * n_hat[j])
    return mu, var, p


def kmeans_run(X, mixture):
    prev, cost, trace = None, None, []
    while prev is None or prev - cost > 1e-4:
        prev = cost
        post, cost = kmeans_estep(X, mixture[0])
        trace.append(cost)
        mixture = kmeans_mstep(X, post)
    return mixture, post, cost, trace


# ---- naive_em.py (complete data) ------------------------------------------
def naive_estep(X, mixture):
    mu, var, p = mixture
    d = X.shape[1]
    sq = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)    # n x K
    dens = np.exp(-sq / (2 * var)) / (2 * np.pi * var) ** (d / 2)
    post = dens * p
    total = post.sum(axis=1)
    return post / total[:, None], float(np.log(total).sum())


def naive_mstep(X, post):
    n, d = X.shape
    nj = post.sum(axis=0)
    p = nj / n
    mu = post.T @ X / nj[:, None]
    sq = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
    var = (post * sq).sum(axis=0) / (d * nj)
    return mu, var, p


def naive_run(X, mixture):
    prev, ll, trace = None, None, []
    while prev is None or ll - prev > 1e-6 * abs(ll):
        prev = ll
        post, ll = naive_estep(X, mixture)
        trace.append(ll)
        mixture = naive_mstep(X, post)
    return mixture, post, ll, trace


# ---- em.py (missing data, 0 = missing) ------------------------------------
def _finish_estep(f):
    lse = logsumexp(f, axis=1)
    return np.exp(f - lse[:, None]), float(lse.sum())


def em_estep(X, mixture):
    """Direct formula: f(u,j) = log(p_j+1e-16) + log N(x_u,obs; mu_j,obs, var_j I)."""
    mu, var, p = mixture
    mask = X != 0
    dim = mask.sum(axis=1)
    f = np.zeros((X.shape[0], mu.shape[0]))
    for j in range(mu.shape[0]):
        sq = (mask * (X - mu[j]) ** 2).sum(axis=1)
        f[:, j] = np.log(p[j] + 1e-16) - dim / 2 * np.log(2 * np.pi * var[j]) - sq / (2 * var[j])
    return _finish_estep(f)


def em_mstep(X, post, mixture, min_variance=0.25):
    """mu_ji = sum_u post_uj x_ui / sum_u post_uj mask_ui (kept where that sum < 1);
    var_j = weighted squared error over observed cells / sum_u post_uj dim_u, floored.
    (This operation order reproduces test_solutions.txt's LL and RMSE to the last bit.)"""
    n = X.shape[0]
    mask = X != 0
    p = post.sum(axis=0) / n
    denom = post.T @ mask.astype(float)                          # K x d
    mu = np.where(denom >= 1, (post.T @ X) / np.where(denom > 0, denom, 1), mixture[0])
    sq = np.stack([(mask * (X - mu[j]) ** 2).sum(axis=1) for j in range(mu.shape[0])], axis=1)
    var = np.maximum((post * sq).sum(axis=0) / (post.T @ mask.sum(axis=1)), min_variance)
    return mu, var, p


def em_mstep_loop(X, post, mixture, min_variance=0.25):
    """The course's em.mstep written as its double loop over (j, l); used as a check."""
    n, d = X.shape
    K = post.shape[1]
    p = post.sum(axis=0) / n
    mu = mixture[0].copy()
    var = np.zeros(K)
    for j in range(K):
        sse, weight = 0.0, 0.0
        for l in range(d):
            m = X[:, l] != 0
            n_sum = post[m, j].sum()
            if n_sum >= 1:
                mu[j, l] = (X[m, l] @ post[m, j]) / n_sum
            sse += ((mu[j, l] - X[m, l]) ** 2) @ post[m, j]
            weight += n_sum
        var[j] = max(sse / weight, min_variance)
    return mu, var, p


def _masked_sq(X, mask, mu):
    """sum_{i observed} (x_ui - mu_ji)^2 for every (u, j), by matrix products."""
    return ((X ** 2).sum(axis=1)[:, None] - 2 * X @ mu.T
            + mask.astype(float) @ (mu ** 2).T)


def em_estep_fast(X, mixture):
    mu, var, p = mixture
    mask = X != 0
    dim = mask.sum(axis=1)
    f = (np.log(p + 1e-16)[None, :] - dim[:, None] / 2 * np.log(2 * np.pi * var)[None, :]
         - _masked_sq(X, mask, mu) / (2 * var)[None, :])
    return _finish_estep(f)


def em_mstep_fast(X, post, mixture, min_variance=0.25):
    n = X.shape[0]
    mask = X != 0
    p = post.sum(axis=0) / n
    denom = post.T @ mask.astype(float)                          # K x d
    mu = np.where(denom >= 1, (post.T @ X) / np.where(denom > 0, denom, 1), mixture[0])
    sse = (post * _masked_sq(X, mask, mu)).sum(axis=0)
    weight = post.T @ mask.sum(axis=1)
    var = np.maximum(sse / weight, min_variance)
    return mu, var, p


def em_run(X, mixture, fast=False):
    estep, mstep = (em_estep_fast, em_mstep_fast) if fast else (em_estep, em_mstep)
    prev, ll, trace = None, None, []
    while prev is None or ll - prev > 1e-6 * abs(ll):
        prev = ll
        post, ll = estep(X, mixture)
        trace.append(ll)
        mixture = mstep(X, post, mixture)
    return mixture, post, ll, trace


def fill_matrix(X, mixture, fast=False):
    post, _ = (em_estep_fast if fast else em_estep)(X, mixture)
    return np.where(X == 0, post @ mixture[0], X)


def check_fast(X, K=4, seed=0, tol=1e-10):
    """Max abs difference between the direct, loop and matrix-product E/M steps
    along 20 iterations from init(X, K, seed)."""
    mix = init(X, K, seed)
    worst = 0.0
    for _ in range(20):
        (pa, la), (pb, lb) = em_estep(X, mix), em_estep_fast(X, mix)
        ma, mb, mc = em_mstep(X, pa, mix), em_mstep_fast(X, pa, mix), em_mstep_loop(X, pa, mix)
        worst = max(worst, np.abs(pa - pb).max(), abs(la - lb),
                    *(np.abs(a - b).max() for a, b in zip(ma, mb)),
                    *(np.abs(a - b).max() for a, b in zip(ma, mc)))
        mix = ma
    assert worst < tol, worst
    return worst
