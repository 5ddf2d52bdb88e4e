"""scipy.sparse peer for `npm run bench:ratings` (bench/ratings.js): the course's
missing-data EM (bench/reference/course.py em_estep / em_mstep) on a long-format
ratings file, with scipy.sparse CSR products instead of the dense n x d matrix.

    scipy_sparse_job.py ratings FILE [--k 12] [--seed 0] [--iterations 5] [--tol X] [--min-var 0.25]
    scipy_sparse_job.py check [--data DIR] [--cases netflix,netflix-shuffled,test]

ratings  reads FILE (one "user,item,rating" per line; comma, tab, semicolon or
         blanks; an optional header line; gzip recognised by its magic bytes),
         maps user and item ids to rows and columns in order of first appearance,
         builds X (CSR, n x d, the ratings) and M (the same pattern, ones), then runs
         --iterations E+M steps from the course's start (or fewer: with --tol X it
         stops by the course's rule, new LL - old LL <= X |new LL|; the course uses
         1e-6). Prints one JSON line: the shape, the read time (and its parts), the
         LL of every E-step, the wall and CPU ms of every iteration (E-step + M-step)
         and their median after the first, peak RSS after reading and at the end.
         A (user, item) pair given twice is not detected (bench/ratings/generate.js
         writes none); it would count twice. A rating of 0 is an error (0 = unrated).
check    the agreement check: each case's dense matrix (0 = unrated) from the
         course's data directory is written as triplets (row-major, users 1..n,
         items 1..d; so items first appear in a different order than their columns),
         read back by this peer, and fitted to convergence (the course's 1e-6 rule)
         by this peer and by the dense course code (course.em_run with the direct
         em_estep / em_mstep); every E-step's LL must agree to 1e-9 relative, the
         iteration counts must be equal, and the final means (columns mapped back),
         variances and weights are compared. Cases: netflix (netflix_incomplete.txt,
         K=12, seeds 0..4), netflix-shuffled (the same triplets with all lines shuffled,
         so users too first appear out of order; the course code then runs on the rows
         in that order; K=12, seed 0) and test (test_incomplete.txt, K=4, seed 0).

The model, exactly as the course's em.py (bench/reference/course.py):
  E-step  f(u,j) = ln(p_j + 1e-16) - |C_u|/2 ln(2 pi var_j) - ||x_u,C_u - mu_j,C_u||^2 / (2 var_j),
          post = exp(f - logsumexp_j f), LL = sum_u logsumexp_j f(u, .)
  M-step  p = sum_u post / n;  mu_ji = sum_u post_uj x_ui / sum_u post_uj d_ui where that
          denominator is >= 1, else the old mu_ji;  var_j = sum_u post_uj ||x_u - mu_j||^2_C_u /
          sum_u post_uj |C_u|, floored at 0.25
  start   rows np.random.seed(seed); np.random.choice(n, K, replace=False) (numpy's legacy
          generator), unrated cells 0 in those means; var_j = mean over ALL n d cells (unrated
          as 0) of (X - mu_j)^2; p = 1/K
Sparse form (never n x d dense): ||x_u - mu_j||^2 over C_u = ||x_u||^2 - 2 (X mu^T)_uj + (M (mu^2)^T)_uj;
the M-step's sums are X^T post and M^T post (K x d); its squared errors come from them:
sum_u post_uj ||x_u - mu_j||^2_C_u = post_j . ||x||^2 - 2 mu_j . (X^T post)_j + mu_j^2 . (M^T post)_j;
the start's variance = (sum x^2 - 2 mu_j . colsum(X) + n ||mu_j||^2) / (n d). Four sparse x dense
products per iteration, each O(nnz K), single-threaded (scipy.sparse's sparsetools).
"""
import gzip
import json
import os
import resource
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.special import logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

BLOCK = 16 << 20            # bytes of text parsed at a time
DENSE_ID_LIMIT = 1 << 25    # ids below this are mapped through a lookup table, others by sorting
SEPARATORS = bytes.maketrans(b",;\t\r", b"    ")


def maxrss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# ---- reading -----------------------------------------------------------------

class FirstAppearance:
    """Maps ids (int64) to 0, 1, 2, ... in order of first appearance, block by block."""

    def __init__(self):
        self.table = np.full(0, -1, dtype=np.int32)   # id -> index, for ids < DENSE_ID_LIMIT
        self.sorted_ids = np.zeros(0, dtype=np.int64)  # the other ids, sorted, and their indices
        self.sorted_index = np.zeros(0, dtype=np.int32)
        self.n = 0

    def _new_ids(self, ids):
        """The ids not seen before, each once, in order of first appearance."""
        if ids.size == 0:
            return ids
        keep = np.empty(ids.size, dtype=bool)          # runs of one id (a user's lines) count once
        keep[0] = True
        np.not_equal(ids[1:], ids[:-1], out=keep[1:])
        cand = ids[keep]
        uniq, first = np.unique(cand, return_index=True)
        return uniq[np.argsort(first, kind="stable")]

    def map(self, ids):
        out = np.empty(ids.size, dtype=np.int32)
        if ids.size == 0:
            return out
        if ids.min() < 0:
            raise ValueError("negative id")
        small = ids < DENSE_ID_LIMIT
        all_small = bool(small.all())
        s = ids if all_small else ids[small]
        if s.size:
            top = int(s.max())
            if top >= self.table.size:
                grown = np.full(max(top + 1, 2 * self.table.size), -1, dtype=np.int32)
                grown[: self.table.size] = self.table
                self.table = grown
            m = self.table[s]
            new = m < 0
            if new.any():
                fresh = self._new_ids(s[new])
                self.table[fresh] = np.arange(self.n, self.n + fresh.size, dtype=np.int32)
                self.n += fresh.size
                m = self.table[s]
            if all_small:
                return m
            out[small] = m
        big = ids[~small]
        pos = np.searchsorted(self.sorted_ids, big)
        pos_c = np.minimum(pos, max(self.sorted_ids.size - 1, 0))
        found = (pos < self.sorted_ids.size) & (self.sorted_ids[pos_c] == big) if self.sorted_ids.size else np.zeros(big.size, bool)
        if not found.all():
            # first appearance across both kinds of ids: a big id first seen in this block is
            # numbered after the small ones of this block (ids of one file are all small in practice)
            fresh = self._new_ids(big[~found])
            idx = np.arange(self.n, self.n + fresh.size, dtype=np.int32)
            self.n += fresh.size
            ids2 = np.concatenate([self.sorted_ids, fresh])
            ix2 = np.concatenate([self.sorted_index, idx])
            order = np.argsort(ids2, kind="stable")
            self.sorted_ids, self.sorted_index = ids2[order], ix2[order]
        out[~small] = self.sorted_index[np.searchsorted(self.sorted_ids, big)]
        return out


def same_memory(a, b):
    return a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


class Sums:
    """Sums by index (bincount), over blocks, in an array that grows with the ids seen."""

    def __init__(self):
        self.a = np.zeros(1024)

    def add(self, index, weights, n):
        if n > self.a.size:
            self.a = np.concatenate([self.a, np.zeros(max(n, 2 * self.a.size) - self.a.size)])
        self.a[:n] += np.bincount(index, weights=weights, minlength=n)

    def total(self, n):
        return self.a[:n].copy()


def open_text(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb"), True
    return open(path, "rb"), False


def is_number(field):
    try:
        float(field)
        return True
    except ValueError:
        return False


def parse_block(text, lines):
    """The numbers of `lines` complete lines of text: int64 when every field is an integer, else float64."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            a = np.fromstring(text, dtype=np.int64, sep=" ")
            if a.size == 3 * lines:
                return a
        except (DeprecationWarning, ValueError):
            pass
    a = np.fromstring(text, dtype=np.float64, sep=" ")
    if a.size % 3:
        raise ValueError("a line without exactly three numbers (user, item, rating) in this block")
    return a


def read_ratings(path):
    """CSR X (ratings) and M (ones, same pattern), per-row ||x||^2 and |C_u|, column sums, timings.

    The text is parsed BLOCK bytes at a time (whole lines); each block's ids are mapped, its
    ratings squared into the rows' ||x||^2, and its (row, column, rating) triplets appended to
    three arrays allocated for the most lines the file can hold (pages never written take no
    memory). Lines grouped by user (as bench/ratings/generate.js writes them) give rows in
    order, so the CSR arrays are those three arrays; otherwise they are sorted by row first."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    size = os.path.getsize(path)
    fh, gz = open_text(path)
    cap = size // 6 + 1 if not gz else 0               # "1,1,1\n" is the shortest line
    if cap:
        rows = np.empty(cap, dtype=np.int32)            # untouched pages cost no memory
        cols = np.empty(cap, dtype=np.int32)
        vals = np.empty(cap, dtype=np.float64)
    else:
        parts = []
    users, items = FirstAppearance(), FirstAppearance()
    x2, count, colsum = Sums(), Sums(), Sums()          # per user ||x||^2 and ratings, per item sum of ratings
    nnz = 0
    header = None
    carry = b""
    rows_sorted, last_row = True, -1
    rmin, rmax = np.inf, -np.inf
    t_parse = t_map = 0.0
    with fh:
        while True:
            chunk = fh.read(BLOCK)
            if chunk:
                cut = chunk.rfind(b"\n") + 1
                if cut == 0:
                    carry += chunk
                    continue
                text = carry + chunk[:cut] if carry else chunk[:cut]
                carry = chunk[cut:]
            elif carry.strip():
                text, carry = carry + b"\n", b""
            else:
                break
            del chunk
            if header is None:
                first = text[: text.find(b"\n") + 1]
                header = not all(is_number(x) for x in first.translate(SEPARATORS).split())
                if header:
                    text = text[len(first):]
            ta = time.perf_counter()
            a = parse_block(text.translate(SEPARATORS), text.count(b"\n"))
            del text
            tb = time.perf_counter()
            k = a.size // 3
            a = a.reshape(k, 3)
            u = users.map(a[:, 0].astype(np.int64, copy=False))
            i = items.map(a[:, 1].astype(np.int64, copy=False))
            v = a[:, 2].astype(np.float64)
            del a
            if k:
                if (v == 0).any():
                    raise SystemExit(f"scipy_sparse_job.py: {path}: a rating of 0 (0 means unrated in the course's model)")
                rmin, rmax = min(rmin, float(v.min())), max(rmax, float(v.max()))
                rows_sorted = rows_sorted and int(u[0]) >= last_row and bool((u[1:] >= u[:-1]).all())
                last_row = int(u[-1])
                x2.add(u, v * v, users.n)
                count.add(u, None, users.n)
                colsum.add(i, v, items.n)
            t_parse += tb - ta
            t_map += time.perf_counter() - tb
            if cap:
                rows[nnz:nnz + k], cols[nnz:nnz + k], vals[nnz:nnz + k] = u, i, v
            else:
                parts.append((u, i, v))
            nnz += k
            del u, i, v
    if nnz == 0:
        raise SystemExit(f"scipy_sparse_job.py: {path}: no ratings")
    if cap:
        for a in (rows, cols, vals):                    # shrink in place (realloc): no copy, no view
            a.resize(nnz, refcheck=False)
    else:
        rows = np.concatenate([p[0] for p in parts])
        cols = np.concatenate([p[1] for p in parts])
        vals = np.concatenate([p[2] for p in parts])
        del parts
    t_read = time.perf_counter() - t0
    n, d = users.n, items.n
    x2, count, colsum = x2.total(n), count.total(n), colsum.total(d)
    tc = time.perf_counter()
    idx = np.int32 if nnz < 2**31 - 1 else np.int64
    if not rows_sorted:
        order = np.argsort(rows, kind="stable")
        rows, cols, vals = rows[order], cols[order], vals[order]
        del order
    del rows
    indptr = np.zeros(n + 1, dtype=idx)
    np.cumsum(count, out=indptr[1:])
    cols = cols.astype(idx, copy=False)
    X = sp.csr_matrix((vals, cols, indptr), shape=(n, d), copy=False)
    M = sp.csr_matrix((np.ones(nnz), cols, indptr), shape=(n, d), copy=False)
    if not (same_memory(X.data, vals) and same_memory(X.indices, cols) and same_memory(M.indices, cols)):
        sys.stderr.write("scipy_sparse_job.py: note: scipy copied the CSR arrays\n")
    dim = count.astype(np.float64)
    t_csr = time.perf_counter() - tc
    info = {
        "users": int(n), "items": int(d), "ratings": int(nnz),
        "gzip": gz, "header_skipped": bool(header), "file_bytes": size,
        "rows_sorted_in_file": rows_sorted,
        "read_s": time.perf_counter() - t0, "read_cpu_s": time.process_time() - c0,
        "read_parts_s": {"read_parse_map": t_read, "parse": t_parse, "map_ids": t_map, "csr_and_row_sums": t_csr},
        "maxrss_after_read_kib": maxrss_kib(),
        "rating_min": rmin, "rating_max": rmax,
    }
    return X, M, x2, dim, colsum, info


# ---- EM ------------------------------------------------------------------------

def start(X, x2, colsum, K, seed, min_variance=0.25):
    """course init(X, K, seed) on the sparse matrix: the rows, their (dense) means, var_j over all n d cells, p = 1/K.

    The start's variances are floored at min_variance, as gmm-fit floors its start (a start below the
    floor could make the first M-step lower the LL). The course's init does not floor, but on the
    course's matrices the start is far above 0.25 and the two agree; on 1%-dense data it is not.
    """
    n, d = X.shape
    np.random.seed(seed)
    rows = np.random.choice(n, K, replace=False)
    mu = X[rows].toarray()
    var = (x2.sum() - 2.0 * (mu @ colsum) + n * (mu * mu).sum(axis=1)) / (n * d)
    var = np.maximum(var, min_variance)
    return (mu, var, np.ones(K) / K), [int(r) for r in rows]


def estep(X, M, x2, dim, mixture):
    mu, var, p = mixture
    f = X @ mu.T                                   # n x K
    f *= -2.0
    f += M @ (mu * mu).T
    f += x2[:, None]                               # ||x_u - mu_j||^2 over the rated cells
    f /= (-2.0 * var)[None, :]
    f -= np.multiply.outer(dim / 2, np.log(2 * np.pi * var))
    f += np.log(p + 1e-16)[None, :]
    lse = logsumexp(f, axis=1)
    f -= lse[:, None]
    return np.exp(f, out=f), float(lse.sum())


def mstep(X, M, x2, dim, post, mixture, min_variance=0.25):
    n = X.shape[0]
    p = post.sum(axis=0) / n
    numer = (X.T @ post).T                         # K x d: sum_u post_uj x_ui
    denom = (M.T @ post).T                         # K x d: sum_u post_uj d_ui
    mu = np.where(denom >= 1, numer / np.where(denom > 0, denom, 1), mixture[0])
    sse = post.T @ x2 - 2.0 * (mu * numer).sum(axis=1) + (mu * mu * denom).sum(axis=1)
    var = np.maximum(sse / (post.T @ dim), min_variance)
    return mu, var, p


def em(X, M, x2, dim, mixture, max_iter, tol, min_variance=0.25):
    """E-step, M-step, repeated: max_iter times, or until new LL - old LL <= tol |new LL| (tol not None;
    the course's rule, checked from the second E-step on). The LL is that of each E-step, the mixture
    that of the M-step after the last one (the course's order)."""
    trace, wall_ms, cpu_ms = [], [], []
    prev = None
    for _ in range(max_iter):
        t, c = time.perf_counter(), time.process_time()
        post, ll = estep(X, M, x2, dim, mixture)
        mixture = mstep(X, M, x2, dim, post, mixture, min_variance)
        wall_ms.append((time.perf_counter() - t) * 1000)
        cpu_ms.append((time.process_time() - c) * 1000)
        trace.append(ll)
        if tol is not None and prev is not None and not (ll - prev > tol * abs(ll)):
            break
        prev = ll
    return mixture, trace, wall_ms, cpu_ms


# ---- jobs ----------------------------------------------------------------------

def options(args, spec):
    """--name value pairs into spec's types; the first non-option argument is returned as `file`."""
    out = {k: v for k, (v, _) in spec.items()}
    file = None
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, _, value = a[2:].partition("=")
            key = name.replace("-", "_")
            if key not in spec:
                raise SystemExit(f"scipy_sparse_job.py: unknown option {a}")
            if not value:
                i += 1
                value = args[i]
            conv = spec[key][1]
            out[key] = conv(value)
        elif file is None:
            file = a
        else:
            raise SystemExit(f"scipy_sparse_job.py: unexpected argument {a}")
        i += 1
    out["file"] = file
    return out


def tol_value(s):
    return None if s in ("none", "") else float(s)


def ratings_job(args):
    o = options(args, {"k": (12, int), "seed": (0, int), "iterations": (5, int), "tol": (None, tol_value),
                       "min_var": (0.25, float)})
    if not o["file"]:
        raise SystemExit("scipy_sparse_job.py ratings: needs the ratings file")
    X, M, x2, dim, colsum, info = read_ratings(o["file"])
    t = time.perf_counter()
    mixture, rows = start(X, x2, colsum, o["k"], o["seed"], o["min_var"])
    start_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    mixture, trace, wall_ms, cpu_ms = em(X, M, x2, dim, mixture, o["iterations"], o["tol"], o["min_var"])
    em_s = time.perf_counter() - t
    after_first = wall_ms[1:] or wall_ms
    mu, var, p = mixture
    out = dict(info)
    out.update({
        "ll": trace[-1], "k": o["k"], "seed": o["seed"], "iterations": len(trace), "tol": o["tol"],
        "min_var": o["min_var"], "initial_rows": rows, "trace": trace,
        "start_ms": start_ms, "em_s": em_s,
        "iteration_ms": wall_ms, "iteration_cpu_ms": cpu_ms,
        "ms_per_iteration": float(np.median(after_first)),
        "ms_per_iteration_min": float(np.min(after_first)),
        "cpu_ms_per_iteration": float(np.median(cpu_ms[1:] or cpu_ms)),
        "final_var": var.tolist(), "final_p": p.tolist(),
        "final_mu_mean": float(mu.mean()),
        "threads": 1,
    })
    return out


def write_triplets(X, path, shuffle_seed=None):
    """Triplets "u,i,x" (1-based ids) of the nonzero cells of a dense matrix: row-major, or
    with shuffle_seed, all lines in a random order."""
    r, c = np.nonzero(X)
    if shuffle_seed is not None:
        perm = np.random.RandomState(shuffle_seed).permutation(r.size)
        r, c = r[perm], c[perm]
    v = X[r, c]
    ints = np.all(v == np.round(v))
    with open(path, "w") as f:
        for a in range(0, r.size, 1 << 20):
            b = min(r.size, a + (1 << 20))
            block = np.column_stack([r[a:b] + 1, c[a:b] + 1, v[a:b]])
            np.savetxt(f, block, fmt="%d,%d,%d" if ints else "%d,%d,%.17g")
    return int(r.size)


def first_appearance(path, field):
    """0-based dense index (id - 1) of each distinct id of column `field`, in order of first appearance."""
    order, seen = [], set()
    with open(path) as f:
        for line in f:
            x = int(line.split(",")[field])
            if x not in seen:
                seen.add(x)
                order.append(x - 1)
    return np.array(order)


def check_case(name, dense_path, K, seeds, work, shuffle_seed=None):
    sys.path.insert(0, os.path.join(ROOT, "bench", "reference"))
    import course as c  # noqa: E402
    X = np.loadtxt(dense_path)
    n, d = X.shape
    trip = os.path.join(work, f"{name}.csv")
    nnz = write_triplets(X, trip, shuffle_seed)
    Xs, Ms, x2, dim, colsum, info = read_ratings(trip)
    # peer row r is dense row row_of_user[r]; peer column j is dense column col_of_item[j]
    row_of_user = first_appearance(trip, 0)
    col_of_item = first_appearance(trip, 1)
    # the course code on the matrix with its rows in the file's order of first appearance
    # (the start draws row numbers; the column order changes nothing but rounding)
    X = X[row_of_user]
    result = {"case": name, "file": dense_path, "n": n, "d": d, "observed": nnz, "k": K,
              "lines": "shuffled (seed %d)" % shuffle_seed if shuffle_seed is not None else "row-major",
              "peer_shape": [info["users"], info["items"]], "rows_sorted_in_file": info["rows_sorted_in_file"],
              "users_reordered": bool((row_of_user != np.arange(n)).any()),
              "items_reordered": bool((col_of_item != np.arange(d)).any()),
              "seeds": []}
    worst = 0.0
    ok = info["users"] == n and info["items"] == d
    for seed in seeds:
        t = time.perf_counter()
        ref_mix, _, ref_ll, ref_trace = c.em_run(X, c.init(X, K, seed))
        ref_s = time.perf_counter() - t
        t = time.perf_counter()
        mix0, rows = start(Xs, x2, colsum, K, seed)
        mix, trace, wall_ms, _ = em(Xs, Ms, x2, dim, mix0, 100000, 1e-6)
        peer_s = time.perf_counter() - t
        np.random.seed(seed)
        ref_rows = np.random.choice(n, K, replace=False).tolist()
        ref_var0 = c.init(X, K, seed)[1]
        m = min(len(trace), len(ref_trace))
        rel = [abs(a - b) / abs(b) for a, b in zip(trace[:m], ref_trace[:m])]
        mu_dense = np.zeros((K, d))
        mu_dense[:, col_of_item] = mix[0]
        s = {
            "seed": seed, "iterations": len(trace), "reference_iterations": len(ref_trace),
            "ll": trace[-1], "reference_ll": ref_ll,
            "max_rel_ll_diff": max(rel), "final_rel_ll_diff": abs(trace[-1] - ref_ll) / abs(ref_ll),
            "initial_rows_equal": rows == ref_rows,
            "start_var_max_rel_diff": float(np.max(np.abs(mix0[1] - ref_var0) / ref_var0)),
            "mu_max_abs_diff": float(np.abs(mu_dense - ref_mix[0]).max()),
            "var_max_abs_diff": float(np.abs(mix[1] - ref_mix[1]).max()),
            "p_max_abs_diff": float(np.abs(mix[2] - ref_mix[2]).max()),
            "peer_s": peer_s, "reference_s": ref_s,
        }
        s["ok"] = (s["iterations"] == s["reference_iterations"] and s["max_rel_ll_diff"] <= 1e-9
                   and s["initial_rows_equal"])
        ok = ok and s["ok"]
        worst = max(worst, s["max_rel_ll_diff"])
        result["seeds"].append(s)
        sys.stderr.write(f"check: {name} K={K} seed {seed}: {len(trace)} vs {len(ref_trace)} iterations, "
                         f"LL {trace[-1]:.10f} vs {ref_ll:.10f}, max rel diff {max(rel):.2e}\n")
    result["max_rel_ll_diff"] = worst
    result["ok"] = ok
    return result


def check_job(args):
    o = options(args, {"data": (os.environ.get("GMM_FIT_DATA") or os.path.join(ROOT, "..", "shared", "data"), str),
                       "cases": ("netflix,netflix-shuffled,test", str)})
    cases = {"netflix": ("netflix_incomplete.txt", 12, [0, 1, 2, 3, 4], None),
             "netflix-shuffled": ("netflix_incomplete.txt", 12, [0], 1),
             "test": ("test_incomplete.txt", 4, [0], None)}
    out = {"tolerance": 1e-9, "data": o["data"], "cases": []}
    with tempfile.TemporaryDirectory(prefix="gmm-fit-ratings-check-") as work:
        for name in o["cases"].split(","):
            if name not in cases:
                raise SystemExit(f"scipy_sparse_job.py check: unknown case {name}")
            f, K, seeds, shuffle_seed = cases[name]
            path = os.path.join(o["data"], f)
            if not os.path.exists(path):
                out["cases"].append({"case": name, "file": path, "skipped": "file not found", "ok": False})
                continue
            out["cases"].append(check_case(name, path, K, seeds, work, shuffle_seed))
    out["ok"] = bool(out["cases"]) and all(x["ok"] for x in out["cases"])
    out["max_rel_ll_diff"] = max((x.get("max_rel_ll_diff", 0.0) for x in out["cases"]), default=None)
    return out


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: v for k, v in lib.items() if k in ("internal_api", "version", "architecture", "num_threads")}
            for lib in threadpool_info()]


JOBS = {"ratings": ratings_job, "check": check_job}


def main(argv):
    if not argv or argv[0] not in JOBS:
        sys.stderr.write("usage: scipy_sparse_job.py ratings FILE [--k 12] [--seed 0] [--iterations 5] [--tol X]\n"
                         "       scipy_sparse_job.py check [--data DIR] [--cases netflix,netflix-shuffled,test]\n")
        return 2
    result = {"job": argv[0]}
    result.update(JOBS[argv[0]](argv[1:]))
    result["maxrss_kib"] = maxrss_kib()
    result["numpy"] = np.__version__
    result["scipy"] = scipy.__version__
    result["python"] = sys.version.split()[0]
    result["blas"] = blas_info()
    result["openblas_env"] = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
