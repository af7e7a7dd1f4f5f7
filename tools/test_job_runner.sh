#!/usr/bin/env bash
# End-to-end test of the background sync through the real queue_job runner: Odoo serves
# with --load=web,queue_job, prefork workers and the generated channels config; two shops
# with capacity 2 reading the same trades get their order job plus one retry job per
# trade (work that collides on purpose, within a shop and across the shops, which both
# need the same new tax twin), and the test waits until the runner has done them all.
# Passes when every job is done, every trade is one confirmed order per shop and the tax
# has one twin. Prints "JOB RUNNER E2E OK" and exits 0 then.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/tools/mount_addon.sh"
OUT="${E2E_OUT:-$ROOT/.run/job-runner-e2e}"
rm -rf "$OUT" && mkdir -p "$OUT"
export E2E_TRADES="${E2E_TRADES:-40}"
start_sandbox "$ROOT/tests/data/sandbox_base.json" "$OUT" || exit 1
ODOO_PID=""
DB="ecs_jobrunner_$$"
cleanup() {
    [ -n "$ODOO_PID" ] && kill "$ODOO_PID" 2>/dev/null && wait "$ODOO_PID" 2>/dev/null
    kill "$SANDBOX_PID" 2>/dev/null
    dropdb --if-exists "$DB"
}
trap cleanup EXIT
ensure_template_db nodemo || exit 1
fresh_db "$DB"
export SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
step() {  # step NAME: run tools/job_runner_e2e.py in odoo shell
    E2E_STEP="$1" "$ROOT/tools/odoo.sh" shell -d "$DB" --log-level=warn \
        --http-port="$(free_port)" <"$ROOT/tools/job_runner_e2e.py" 2>>"$OUT/shell.log"
}
"$ROOT/tools/odoo.sh" -d "$DB" -i ecommerce_sync --stop-after-init --log-level=warn \
    --http-port="$(free_port)" >"$OUT/install.log" 2>&1 || { tail -30 "$OUT/install.log"; exit 1; }
step setup || exit 1
job_runner_conf "$DB" "$OUT/odoo-jobs.conf" || exit 1
echo "channels: $(sed -n 's/^channels = //p' "$OUT/odoo-jobs.conf")"
step enqueue || exit 1
ODOO_JOB_RUNNER_CONF="$OUT/odoo-jobs.conf" "$ROOT/tools/odoo.sh" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$(free_port)" --longpolling-port="$(free_port)" \
    --workers=2 --max-cron-threads=0 --log-level=info --logfile="$OUT/odoo.log" &
ODOO_PID=$!
deadline=$((SECONDS + ${E2E_TIMEOUT:-240}))
while [ $SECONDS -lt $deadline ]; do
    left="$(psql -d "$DB" -Atc "select count(*) from queue_job where state not in ('done','failed')")"
    [ "$left" = 0 ] && break
    sleep 2
done
result="$(step check | sed -n 's/^E2E_RESULT //p')"
echo "result: $result"
echo "jobs that found the shop locked by another worker and waited: $(grep -c "sync lock taken" "$OUT/odoo.log")"
echo "$result" | "$PY37" -c "
import json, sys
r = json.load(sys.stdin)
ok = (set(r['jobs']) == {'done'} and r['twins'] == 1
      and r['orders'] == r['distinct_tids'] == r['confirmed'] == r['expected'])
print('JOB RUNNER E2E OK' if ok else 'JOB RUNNER E2E FAILED (log: $OUT/odoo.log)')
sys.exit(0 if ok else 1)"
