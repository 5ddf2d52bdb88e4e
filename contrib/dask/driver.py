#!/usr/bin/python3
"""EM over shards on Dask: gmm-fit's E-step as a map over the shards, its M-step as the reduce.

    python3 contrib/dask/driver.py --k 12 --seed 0 --work DIR [--scheduler ADDR | --workers 2]
                                   [--start-arg=--ratings ...] SHARD...

1. ``gmm-fit start`` on the client writes the model of iteration 0 (DIR/model.0.json).
2. Each iteration, ``gmm-fit estep`` runs on the workers, one task per shard, as a
   subprocess. A task gets the model's bytes (scattered to every worker once per
   iteration, so the workers need not share the client's folder; only the shards must be
   readable by every worker) and returns the statistics file's bytes.
3. The client writes the statistics into DIR (a temporary file, then a rename), and runs
   ``gmm-fit mstep`` on them, in shard order, which writes DIR/model.<i+1>.json.
4. The loop goes on while mstep prints ``continue``; it prints ``converged`` (or
   ``decrease``, ``max-iter``) when the fit stops.

A task that fails (a worker that dies mid-iteration) is retried by Dask (``--retries``):
the statistics are written whole by estep and sent back as bytes, so a retry never
reads half a file, and a stale or duplicated file is refused by mstep, not added up.

Needs dask.distributed (Debian: ``apt-get install -y python3-distributed``) and gmm-fit
(``--gmm-fit``, default: node and this repository's bin/gmm-fit.js, built).
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_GMM_FIT = ['node', os.path.join(HERE, '..', '..', 'bin', 'gmm-fit.js')]


def estep(gmm_fit, model_bytes, shard, read_args, iteration, index):
    """One shard's E-step on a worker: the model written to a local file, gmm-fit estep, the statistics' bytes back."""
    with tempfile.TemporaryDirectory(prefix='gmm-fit-estep-') as tmp:
        model = os.path.join(tmp, 'model.json')
        with open(model, 'wb') as f:
            f.write(model_bytes)
        stats = os.path.join(tmp, 'shard.stats')
        started = time.time()
        run = subprocess.run(gmm_fit + ['estep', '-q', '-m', model, shard, '--stats', stats] + read_args, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f'gmm-fit estep {shard} (iteration {iteration}): {run.stderr.strip()}')
        with open(stats, 'rb') as f:
            data = f.read()
    return {'index': index, 'bytes': data, 'seconds': time.time() - started}


def write_whole(path, data):
    """A file written to a temporary name beside it, then renamed: never seen half-written."""
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('shards', nargs='+', help='the shards, in order: paths every worker can read')
    p.add_argument('--k', type=int, required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--work', required=True, help='folder for the models and statistics (on the client)')
    p.add_argument('--scheduler', help='address of a running Dask scheduler (default: a LocalCluster)')
    p.add_argument('--workers', type=int, default=2, help='LocalCluster worker processes (default 2)')
    p.add_argument('--retries', type=int, default=2, help='times Dask retries a failed E-step task')
    p.add_argument('--start-arg', action='append', default=[], help='passed to gmm-fit start (e.g. --start-arg=--covariance --start-arg=diag)')
    p.add_argument('--read-arg', action='append', default=[], help='passed to start and estep: how the shards are read (e.g. --read-arg=--ratings)')
    p.add_argument('--gmm-fit', default=os.environ.get('GMM_FIT'), help='the gmm-fit command (default: node bin/gmm-fit.js of this repository)')
    p.add_argument('--max-rounds', type=int, default=10000, help='a safety cap on iterations')
    p.add_argument('--summary', help='write a JSON summary of the run to this file')
    args = p.parse_args(argv)

    from dask.distributed import Client, LocalCluster, as_completed

    gmm_fit = shlex.split(args.gmm_fit) if args.gmm_fit else REPO_GMM_FIT
    shards = [os.path.abspath(s) for s in args.shards]
    os.makedirs(args.work, exist_ok=True)
    model = os.path.join(args.work, 'model.0.json')
    t0 = time.time()
    subprocess.run(gmm_fit + ['start', '-q', '--k', str(args.k), '--seed', str(args.seed)] + args.start_arg + args.read_arg + shards + ['--out', model], check=True)
    print(f'start: K={args.k} seed={args.seed} over {len(shards)} shards in {time.time() - t0:.2f} s', flush=True)

    if args.scheduler:
        cluster = None
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    print(f'dask: {len(client.scheduler_info()["workers"])} workers at {client.scheduler.address}', flush=True)

    rounds = []
    verdict = 'continue'
    try:
        for iteration in range(args.max_rounds):
            started = time.time()
            with open(model, 'rb') as f:
                model_bytes = f.read()
            shared = client.scatter(model_bytes, broadcast=True)
            futures = [
                client.submit(estep, gmm_fit, shared, shard, args.read_arg, iteration, s, key=f'estep-{iteration}-{s}', retries=args.retries)
                for s, shard in enumerate(shards)
            ]
            # Each shard's statistics written as its task ends, then let go: the client holds one at a time.
            stats = [os.path.join(args.work, f'shard-{s}.stats') for s in range(len(shards))]
            traffic = 0
            for future in as_completed(futures):
                r = future.result()
                write_whole(stats[r['index']], r['bytes'])
                traffic += len(r['bytes'])
                future.release()
            mapped = time.time()
            following = os.path.join(args.work, f'model.{iteration + 1}.json')
            run = subprocess.run(gmm_fit + ['mstep', '-q', '-m', model] + stats + ['--out', following], capture_output=True, text=True)
            if run.returncode != 0:
                raise RuntimeError(f'gmm-fit mstep (iteration {iteration + 1}): {run.stderr.strip()}')
            verdict = run.stdout.strip()
            model = following
            with open(model) as f:
                doc = json.load(f)
            fit = doc['fit']
            # With --center bias the baseline's passes come first (a fit in progress, no log-likelihood), then the mixture's start.
            if doc.get('format') == 'gmm-fit-shards/1' or 'logLikelihood' not in fit:
                baseline = doc['distributed'].get('baseline', {})
                what = f'baseline epoch {baseline.get("epoch")} of {baseline.get("epochs")}' if doc.get('format') == 'gmm-fit-shards/1' else "the mixture's start"
            else:
                what = f'iteration {fit["iterations"]}: log-likelihood {fit["logLikelihood"]!r}'
            rounds.append({'pass': iteration + 1, 'iteration': fit.get('iterations', 0), 'logLikelihood': fit.get('logLikelihood'), 'seconds': time.time() - started, 'mapSeconds': mapped - started, 'statsBytes': traffic, 'modelBytes': len(model_bytes)})
            print(f'{what}  {time.time() - started:.2f} s (E-steps {mapped - started:.2f} s)  statistics {traffic} bytes  {verdict}', flush=True)
            if verdict != 'continue':
                break
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    with open(model) as f:
        final = json.load(f)
    summary = {'model': model, 'verdict': verdict, 'iterations': final['fit']['iterations'], 'logLikelihood': final['fit']['logLikelihood'], 'seconds': time.time() - t0, 'rounds': rounds}
    print(f'{verdict} after {summary["iterations"]} iterations: log-likelihood {summary["logLikelihood"]!r}, {summary["seconds"]:.1f} s in all; the model is {model}', flush=True)
    if args.summary:
        with open(args.summary, 'w') as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
