"""Exporter of scikit-learn's digits for bench/families.js (npm run bench:families).

    digits_export.py FILE

Writes FILE: the 1797 × 64 pixel matrix of sklearn.datasets.load_digits() (the
features only, every column kept, the three all-zero pixels included, as
scikit-learn fits them), one row per line, the numbers (integers 0..16) separated
by spaces, no header. The data ship with scikit-learn itself (no download).
Prints one JSON line: {"sklearn": version, "file", "rows", "cols", "constant_columns"}.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_digits


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: digits_export.py FILE")
    path = sys.argv[1]
    X = np.asarray(load_digits().data, dtype=float)
    with open(path, "w") as f:
        for row in X:
            f.write(" ".join(repr(float(v)) if v != int(v) else str(int(v)) for v in row) + "\n")
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "file": path,
        "rows": int(X.shape[0]),
        "cols": int(X.shape[1]),
        "constant_columns": int(np.sum(np.all(X == X[0], axis=0))),
    }))


if __name__ == "__main__":
    main()
