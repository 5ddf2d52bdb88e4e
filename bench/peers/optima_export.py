"""Exporter of scikit-learn's bundled data sets for bench/optima.js (npm run bench:optima).

    optima_export.py OUTDIR NAME[,NAME...]

Writes OUTDIR/NAME.csv for each NAME (iris, wine, breast_cancer, digits,
diabetes): a header row, then the data matrix of sklearn.datasets.load_NAME()
(the features only: the class label / target is not written), every number
written with repr() (the shortest text that reads back to the same double).
Columns that are constant (digits has three all-zero pixels) are dropped: they
carry nothing to fit and no Gaussian family with reg_covar=0 can be fitted to them.

Prints one JSON line: {"sklearn": version, "datasets": [{name, source, file,
rows, cols, columns, dropped: [{column, why}]}], "errors": [{name, error}]}.
All of these ship with scikit-learn itself (no download).
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn import datasets as skd

LOADERS = {
    "iris": ("load_iris", "the target (species) is not written"),
    "wine": ("load_wine", "the target (cultivar) is not written"),
    "breast_cancer": ("load_breast_cancer", "the target (malignant/benign) is not written"),
    "digits": ("load_digits", "the target (digit) is not written"),
    "diabetes": ("load_diabetes", "the target (disease progression) is not written; features as shipped (scaled)"),
}


def export(name, outdir):
    loader, note = LOADERS[name]
    bunch = getattr(skd, loader)()
    X = np.asarray(bunch.data, dtype=float)
    names = [str(c) for c in getattr(bunch, "feature_names", [f"x{i}" for i in range(X.shape[1])])]
    dropped = []
    keep = []
    for j in range(X.shape[1]):
        if np.all(X[:, j] == X[0, j]):
            dropped.append({"column": names[j], "why": f"constant ({X[0, j]!r})"})
        else:
            keep.append(j)
    X = X[:, keep]
    names = [names[j].replace(",", " ").replace(" ", "_") for j in keep]
    path = os.path.join(outdir, f"{name}.csv")
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in X:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    return {
        "name": name,
        "source": f"scikit-learn {sklearn.__version__} sklearn.datasets.{loader}()",
        "note": note,
        "file": path,
        "rows": int(X.shape[0]),
        "cols": int(X.shape[1]),
        "columns": names,
        "dropped": dropped,
    }


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: optima_export.py OUTDIR NAME[,NAME...]")
    outdir, wanted = sys.argv[1], [x for x in sys.argv[2].split(",") if x]
    out, errors = [], []
    for name in wanted:
        if name not in LOADERS:
            errors.append({"name": name, "error": "not a scikit-learn data set this exporter knows"})
            continue
        try:
            out.append(export(name, outdir))
        except Exception as e:  # a data set that cannot be loaded is reported, the others still written
            errors.append({"name": name, "error": f"{type(e).__name__}: {e}"})
    print(json.dumps({"sklearn": sklearn.__version__, "datasets": out, "errors": errors}))


if __name__ == "__main__":
    main()
