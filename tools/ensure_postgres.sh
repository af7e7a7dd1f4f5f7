#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on the local socket with a role for the current user.
# On machines of the project's kind it is already running; on a plain machine its cluster is
# installed but down, so start it and create the role once.
set -euo pipefail
if pg_isready -q 2>/dev/null; then
    :
else
    echo "[postgres] starting the local cluster"
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi
me="$(id -un)"
if ! psql -d postgres -Atc "select 1" >/dev/null 2>&1; then
    su postgres -c "createuser -s $me" 2>/dev/null || true
fi
psql -d postgres -Atc "select 1" >/dev/null
