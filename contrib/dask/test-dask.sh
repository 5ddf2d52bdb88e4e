#!/bin/sh
# npm run test:dask: installs dask.distributed from Debian if it is missing (as root), builds
# gmm-fit, and runs contrib/dask/test_dask.py with Debian's python.
set -e
cd "$(dirname "$0")/../.."
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import distributed' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-distributed
  else
    echo "test:dask needs dask.distributed: sudo apt-get install -y python3-distributed" >&2
    exit 1
  fi
fi
npm run --silent build
exec "$PYTHON" contrib/dask/test_dask.py
