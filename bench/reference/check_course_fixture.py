"""Reproduce the course's test_solutions.txt (missing-data EM on
test_incomplete.txt, K=4, seed 0) with course.py, compare every printed block,
and find out which posterior the "After a run" block shows: the one from the
run's last E-step, or the one recomputed from the final mixture (as
fill_matrix does)."""
import os, re, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import course as c

D = "/work/shared/data/"
np.set_printoptions(precision=10, linewidth=120)


def gold_blocks(path):
    """{section: {label: array}} for the sections of test_solutions.txt."""
    text = open(path).read()
    parts = re.split(r"\n(After first E-step:|After first M-step:|After a run)\n", "\n" + text)
    out = {"init": parts[0]}
    out.update(zip(parts[1::2], parts[2::2]))
    parsed = {}
    for sec, body in out.items():
        chunks = re.split(r"^(X|Mu|Var|P|post|LL|X_gold|X_pred|RMSE|K):", body, flags=re.M)
        parsed[sec] = {k: np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", b)])
                       for k, b in zip(chunks[1::2], chunks[2::2])}
    return parsed


def diff(a, b):
    return float(np.abs(np.ravel(a) - np.ravel(b)).max())


X = c.load(D + "test_incomplete.txt")
Xc = c.load(D + "test_complete.txt")
g = gold_blocks(D + "test_solutions.txt")
g_init, g_e1, g_m1, g_run = g["init"], g["After first E-step:"], g["After first M-step:"], g["After a run"]

mix0 = c.init(X, 4, 0)
print("initial mu:\n", mix0[0], "\ninitial var:", mix0[1], "\ninitial p:", mix0[2])
print("  max abs diff to gold (mu, var, p): %.1e %.1e %.1e" % tuple(diff(a, g_init[k]) for a, k in zip(mix0, ("Mu", "Var", "P"))))

post1, ll1 = c.em_estep(X, mix0)
mix1 = c.em_mstep(X, post1, mix0)
print("first E-step LL: %r (expected -152.16319226209848)" % ll1)
print("  first E-step post max abs diff to gold: %.1e" % diff(post1, g_e1["post"]))
print("first M-step mu:\n", mix1[0], "\nvar:", mix1[1], "\np:", mix1[2])
print("  max abs diff to gold (mu, var, p): %.1e %.1e %.1e" % tuple(diff(a, g_m1[k]) for a, k in zip(mix1, ("Mu", "Var", "P"))))

mix, post_run, ll, trace = c.em_run(X, mix0)
print("final LL: %r (expected -84.98451993042474), E-steps: %d" % (ll, len(trace)))
print("final mu:\n", mix[0], "\nvar:", mix[1], "\np:", mix[2])
print("  max abs diff to gold (mu, var, p): %.1e %.1e %.1e" % tuple(diff(a, g_run[k]) for a, k in zip(mix, ("Mu", "Var", "P"))))
Xp = c.fill_matrix(X, mix)
err = c.rmse(Xp, Xc)
print("RMSE: %r (expected 0.3152301205749675)" % err)
print("  X_pred max abs diff to gold: %.1e" % diff(Xp, g_run["X_pred"]))

post_final, ll_final = c.em_estep(X, mix)
d_run, d_final = diff(post_run, g_run["post"]), diff(post_final, g_run["post"])
print("max |gold post - post from run's last E-step|      = %.3e" % d_run)
print("max |gold post - post recomputed w/ final mixture| = %.3e" % d_final)
print("=> 'After a run' post is the", "run's last E-step posterior (returned by run)" if d_run < d_final
      else "posterior recomputed with the final mixture")
print("(LL recomputed with the final mixture would be %r)" % ll_final)
print("matrix-product vs direct vs loop E/M steps, max abs diff over 20 iterations: %.3e" % c.check_fast(X))

ok = (ll1 == -152.16319226209848, ll == -84.98451993042474, err == 0.3152301205749675)
print("bit-exact (first LL, final LL, RMSE):", ok)
assert abs(ll1 + 152.16319226209848) < 1e-9 and abs(ll + 84.98451993042474) < 1e-9
assert abs(err - 0.3152301205749675) < 1e-12
