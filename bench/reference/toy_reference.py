"""Reference figures for data/toy.txt (250 x 2) from the course's k-means and
naive (complete-data) EM, K = 1..4, seeds 0..4, via course.py.
Writes test/fixtures/reference/toy.json."""
import json, os, sys
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import course as c

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "toy.json")
X = c.load(os.path.join(ROOT, "data", "toy.txt"))


def mix_json(mix):
    mu, var, p = mix
    return {"mu": mu.tolist(), "var": var.tolist(), "p": p.tolist()}


out = {
    "source": "bench/reference/toy_reference.py (course.py port of the 6.86x netflix project), "
              "numpy %s; data/toy.txt" % np.__version__,
    "data": "data/toy.txt", "n": X.shape[0], "d": X.shape[1],
    "kmeans_tolerance": "stop when prev_cost - cost <= 1e-4",
    "em_tolerance": "stop when ll - prev_ll <= 1e-6 * |ll|",
    "best_tie_break": "best = first seed (lowest) among exactly equal values",
    "runs": [], "best": {},
}
for K in range(1, 5):
    for seed in range(5):
        mix0 = c.init(X, K, seed)
        kmix, _, cost, ktrace = c.kmeans_run(X, mix0)
        emix, _, ll, etrace = c.naive_run(X, mix0)
        out["runs"].append({
            "K": K, "seed": seed, "init": mix_json(mix0),
            "kmeans": {"cost": cost, "iterations": len(ktrace), "trace": ktrace, **mix_json(kmix)},
            "em": {"ll": ll, "iterations": len(etrace), "trace": etrace, **mix_json(emix),
                   "bic": float(c.bic(X, ll, K)), "aic": float(c.aic(X, ll, K))},
        })
    runs = [r for r in out["runs"] if r["K"] == K]
    be = max(runs, key=lambda r: r["em"]["ll"])          # first seed wins ties
    bk = min(runs, key=lambda r: r["kmeans"]["cost"])
    out["best"][str(K)] = {
        "em": {"ll": be["em"]["ll"], "seed": be["seed"], "bic": be["em"]["bic"], "aic": be["em"]["aic"]},
        "kmeans": {"cost": bk["kmeans"]["cost"], "seed": bk["seed"]},
    }

first = next(r for r in out["runs"] if r["K"] == 3 and r["seed"] == 0)["em"]["trace"][0]
print("K=3 seed 0 first E-step LL %.4f (course README: -1388.0818)" % first)
print(" K   EM best LL (seed)        BIC                  AIC                  k-means min cost (seed)")
for K, b in out["best"].items():
    print("%2s  %.10f (%d)  %.10f  %.10f  %.10f (%d)" % (K, b["em"]["ll"], b["em"]["seed"], b["em"]["bic"],
                                                      b["em"]["aic"], b["kmeans"]["cost"], b["kmeans"]["seed"]))
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", OUT)
