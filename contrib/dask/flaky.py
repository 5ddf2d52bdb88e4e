#!/usr/bin/python3
"""gmm-fit for npm run test:dask, except that one E-step kills the Dask worker running it.

    python3 flaky.py ARGS…   runs node bin/gmm-fit.js ARGS…

The third `estep` of the shard named by $FLAKY_SHARD (that is, at iteration 3) sends SIGKILL to its
parent, the worker process, before gmm-fit has run: a worker that dies mid-iteration. The Dask nanny
starts a new worker and the scheduler runs the task again; the run must end as if nothing had happened.
$FLAKY_MARK records the calls (one line each) and the kill.
"""

import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GMM_FIT = ['node', os.path.join(HERE, '..', '..', 'bin', 'gmm-fit.js')]

args = sys.argv[1:]
shard, mark = os.environ.get('FLAKY_SHARD'), os.environ.get('FLAKY_MARK')
if shard and mark and args[:1] == ['estep'] and any(a.endswith(shard) for a in args):
    with open(mark, 'a') as f:
        f.write('estep\n')
    with open(mark) as f:
        calls = f.read().split('\n')
    if calls.count('estep') == 3 and 'killed' not in calls:
        with open(mark, 'a') as f:
            f.write('killed\n')
        os.kill(os.getppid(), signal.SIGKILL)
        sys.exit(1)
os.execvp(GMM_FIT[0], GMM_FIT + args)
