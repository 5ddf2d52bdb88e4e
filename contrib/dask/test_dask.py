#!/usr/bin/python3
"""npm run test:dask: the Dask driver on the course's Netflix triplets in 4 shards, on a
2-worker LocalCluster, against the single-machine fit (gmm-fit fit --ratings --criterion bic),
with --center none (the course's model) and --center bias (the baseline's passes first).

The course's matrix (NETFLIX, default /work/shared/data/netflix_incomplete.txt; else the
gzipped copy in test/fixtures) is written as triplets u<row>,m<column>,rating, its rated
cells only, and cut between users into 4 consecutive shards of 300 users. Passes when the
driver's final log-likelihood and iteration count are the single-machine fit's (to 1e-9
relative) and its trace is too, in both runs, although in each one worker is killed at its third
E-step (flaky.py) and its E-step run again. Everything is written in a temporary folder, removed after.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
GMM_FIT = ['node', os.path.join(REPO, 'bin', 'gmm-fit.js')]
K, SEED, SHARDS = 12, 0, 4


def matrix_lines():
    path = os.environ.get('NETFLIX', '/work/shared/data/netflix_incomplete.txt')
    if os.path.exists(path):
        with open(path) as f:
            return f.read().split('\n')
    with gzip.open(os.path.join(REPO, 'test', 'fixtures', 'netflix_incomplete.txt.gz'), 'rt') as f:
        return f.read().split('\n')


def triplets_of(lines, u):
    """User u's rated cells as triplets u<row>,m<column>,rating (from 1)."""
    return ''.join(f'u{u + 1},m{i + 1},{v}\n' for i, v in enumerate(lines[u].split()) if v != '0')


def run_case(work, whole, shards, driver, center):
    """One run of the driver (--center none: the course's model; bias: the baseline's passes first) against the single-machine fit."""
    print(f'--center {center}', flush=True)
    single = json.loads(subprocess.run(GMM_FIT + ['fit', whole, '--ratings', '--center', center, '--criterion', 'bic', '--k', str(K), '--seed', str(SEED), '--json', '-q'], check=True, capture_output=True, text=True).stdout)['fits'][0]
    print(f'single machine: {single["iterations"]} iterations, log-likelihood {single["logLikelihood"]!r}', flush=True)
    summary_path = os.path.join(work, f'summary-{center}.json')
    # A worker dies mid-run: the third E-step of shard 3 kills its worker process (flaky.py); with bias, in a baseline pass.
    mark = os.path.join(work, f'flaky-{center}.log')
    os.environ.update(FLAKY_SHARD='netflix-2.csv', FLAKY_MARK=mark)
    flaky = f'{sys.executable} {os.path.join(HERE, "flaky.py")}'
    driver.main(['--k', str(K), '--seed', str(SEED), '--work', os.path.join(work, f'run-{center}'), '--workers', '2', '--gmm-fit', flaky, '--read-arg=--ratings', '--start-arg=--center', f'--start-arg={center}', '--summary', summary_path] + shards)
    with open(mark) as f:
        killed = 'killed' in f.read().split('\n')
    print(f'a worker was killed during its third E-step: {killed}; its E-step was run again')
    with open(summary_path) as f:
        summary = json.load(f)
    with open(summary['model']) as f:
        trace = json.load(f)['fit']['trace']
    ll, ref = summary['logLikelihood'], single['logLikelihood']
    relative = abs(ll - ref) / abs(ref)
    worst = max(abs(a - b) / abs(b) for a, b in zip(trace, single['trace']))
    ok = killed and summary['verdict'] == single['stop'] and summary['iterations'] == single['iterations'] and len(trace) == len(single['trace']) and relative < 1e-9 and worst < 1e-9
    print(f'dask (--center {center}): {summary["iterations"]} iterations, log-likelihood {ll!r}; relative difference {relative:.2e} (final), {worst:.2e} (worst over the trace)')
    print(f'--center {center}: ' + ('pass' if ok else 'FAIL'), flush=True)
    return ok


def main():
    sys.path.insert(0, HERE)
    import driver

    lines = [l for l in matrix_lines() if l.strip()]
    work = tempfile.mkdtemp(prefix='gmm-fit-dask-')
    try:
        size = -(-len(lines) // SHARDS)
        shards = []
        for s in range(SHARDS):
            path = os.path.join(work, f'netflix-{s}.csv')
            with open(path, 'w') as f:
                f.write(''.join(triplets_of(lines, u) for u in range(s * size, min(len(lines), (s + 1) * size))))
            shards.append(path)
        whole = os.path.join(work, 'netflix-all.csv')
        with open(whole, 'w') as out:
            for s in shards:
                with open(s) as f:
                    out.write(f.read())
        print(f'{len(lines)} users in {SHARDS} shards of triplets in {work}', flush=True)
        results = [run_case(work, whole, shards, driver, center) for center in ('none', 'bias')]
        print('PASS' if all(results) else 'FAIL')
        return 0 if all(results) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
