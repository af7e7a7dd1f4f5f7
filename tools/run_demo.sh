#!/usr/bin/env bash
# The product: Odoo 11 with the addon, and a demo shop connected to the local TOP
# sandbox serving the shipped demo data. Serves http://localhost:8069 (admin/admin,
# or seller/seller in Simplified Chinese) until stopped with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
DEMO_DB="${DEMO_DB:-ecommerce_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"
SANDBOX_PORT="${SANDBOX_PORT:-8123}"
"$ROOT/tools/setup_env.sh" demo
OUT="$ROOT/.run/demo"
mkdir -p "$OUT"

# A fixed sandbox port: the demo shop in the database keeps pointing at it.
"$PY37" "$ROOT/sandbox/top_sandbox.py" --port "$SANDBOX_PORT" --data "$ROOT/sandbox/demo_data.json" \
    --rebase-times --app-key "$SANDBOX_APP_KEY" --app-secret "$SANDBOX_APP_SECRET" \
    --session "$SANDBOX_SESSION" --call-log "$OUT/sandbox-calls.jsonl" >"$OUT/sandbox.log" 2>&1 &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null' EXIT
for _ in $(seq 300); do grep -q listening "$OUT/sandbox.log" && break; sleep 0.1; done  # 30 s
grep -q listening "$OUT/sandbox.log" || { cat "$OUT/sandbox.log"; exit 1; }
# The Cainiao print component of the packing PC (its usual port): the browser prints to it.
PRINT_PORT="${PRINT_PORT:-13528}"
"$PY37" "$ROOT/sandbox/print_component.py" --port "$PRINT_PORT" \
    --record "$OUT/printed.jsonl" >"$OUT/print_component.log" 2>&1 &
PRINT_PID=$!
trap 'kill $SANDBOX_PID $PRINT_PID 2>/dev/null' EXIT

if ! psql -d postgres -Atc "select 1 from pg_database where datname='$DEMO_DB'" | grep -q 1; then
    ensure_template_db nodemo
    echo "[demo] creating database $DEMO_DB with the addon and a demo shop"
    createdb -T "$TEMPLATE_DB" "$DEMO_DB"
    "$ROOT/tools/odoo.sh" -d "$DEMO_DB" -i ecommerce_sync --load-language=zh_CN \
        --stop-after-init --log-level=warn --http-port="$(free_port)"
    SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" DEMO_BASE_URL="http://localhost:$HTTP_PORT" \
        SANDBOX_APP_KEY="$SANDBOX_APP_KEY" SANDBOX_APP_SECRET="$SANDBOX_APP_SECRET" \
        SANDBOX_SESSION="$SANDBOX_SESSION" \
        "$ROOT/tools/odoo.sh" shell -d "$DEMO_DB" --log-level=warn --http-port="$(free_port)" \
        <"$ROOT/tools/demo_setup.py"
fi
# A demo database made before the addon ran on queue_job: upgrade it, which installs queue_job.
if ! psql -d "$DEMO_DB" -Atc "select state from ir_module_module where name='queue_job'" \
        | grep -q installed; then
    "$ROOT/tools/odoo.sh" -d "$DEMO_DB" -u ecommerce_sync --stop-after-init --log-level=warn \
        --http-port="$(free_port)"
fi
# The queue_job runner's channels: one per shop, capacities from the shops (tools/lib.sh).
job_runner_conf "$DEMO_DB" "$OUT/odoo-jobs.conf"
echo "[demo] job runner channels: $(sed -n 's/^channels = //p' "$OUT/odoo-jobs.conf")"
echo "[demo] TOP sandbox on http://127.0.0.1:$SANDBOX_PORT; Odoo on http://localhost:$HTTP_PORT"
echo "[demo] print component emulator on ws://127.0.0.1:$PRINT_PORT (prints: $OUT/printed.jsonl)"
echo "[demo] log in as admin/admin, or seller/seller (Simplified Chinese); Ctrl-C stops"
# Prefork workers run the jobs the runner (a thread of the main process) hands out over
# HTTP; a job stores at most about 200 trades, well inside the time limits (README
# "Several Odoo hosts").
ODOO_JOB_RUNNER_CONF="$OUT/odoo-jobs.conf" "$ROOT/tools/odoo.sh" -d "$DEMO_DB" \
    --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" \
    --longpolling-port="${LONGPOLLING_PORT:-8072}" --workers="${DEMO_WORKERS:-3}" \
    --max-cron-threads=1 --limit-time-cpu=300 --limit-time-real=600 --log-level=info --logfile="$OUT/odoo.log" &
ODOO_PID=$!
trap 'kill $ODOO_PID $SANDBOX_PID $PRINT_PID 2>/dev/null' EXIT INT TERM
wait $ODOO_PID
