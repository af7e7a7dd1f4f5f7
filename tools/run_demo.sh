#!/usr/bin/env bash
# The product: Odoo 11 with the addon and three demo shops: Taobao on the local TOP
# sandbox, JD on the local JD sandbox (both serving the shipped demo data), and an own web
# shop fed by tools/demo_own_feed.py. Every platform shop syncs once at start
# (tools/demo_setup.py). Serves http://localhost:8069 (admin/admin, or seller/seller in
# Simplified Chinese) until stopped with Ctrl-C. docs/en/demo.md walks through it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
DEMO_DB="${DEMO_DB:-ecommerce_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"
SANDBOX_PORT="${SANDBOX_PORT:-8123}"
JD_SANDBOX_PORT="${JD_SANDBOX_PORT:-8124}"
# Credentials of the loopback JD emulator; they protect nothing.
export JD_SANDBOX_APP_KEY="${JD_SANDBOX_APP_KEY:-JDAPPKEY01}"
export JD_SANDBOX_APP_SECRET="${JD_SANDBOX_APP_SECRET:-jd-sandbox-secret-789}"
export JD_SANDBOX_TOKEN="${JD_SANDBOX_TOKEN:-jdtoken-abcdef123456}"
"$ROOT/tools/setup_env.sh" demo
OUT="$ROOT/.run/demo"
mkdir -p "$OUT"

# Fixed sandbox ports: the demo shops in the database keep pointing at them.
"$PY37" "$ROOT/sandbox/top_sandbox.py" --port "$SANDBOX_PORT" --data "$ROOT/sandbox/demo_data.json" \
    --rebase-times --app-key "$SANDBOX_APP_KEY" --app-secret "$SANDBOX_APP_SECRET" \
    --session "$SANDBOX_SESSION" --call-log "$OUT/sandbox-calls.jsonl" >"$OUT/sandbox.log" 2>&1 &
SANDBOX_PID=$!
"$PY37" "$ROOT/sandbox/jd_sandbox.py" --port "$JD_SANDBOX_PORT" \
    --data "$ROOT/sandbox/jd_demo_data.json" --rebase-times --app-key "$JD_SANDBOX_APP_KEY" \
    --app-secret "$JD_SANDBOX_APP_SECRET" --access-token "$JD_SANDBOX_TOKEN" \
    --call-log "$OUT/jd-sandbox-calls.jsonl" >"$OUT/jd_sandbox.log" 2>&1 &
JD_SANDBOX_PID=$!
trap 'kill $SANDBOX_PID $JD_SANDBOX_PID 2>/dev/null' EXIT
for log in "$OUT/sandbox.log" "$OUT/jd_sandbox.log"; do
    for _ in $(seq 300); do grep -q listening "$log" && break; sleep 0.1; done  # 30 s
    grep -q listening "$log" || { cat "$log"; exit 1; }
done
# The Cainiao print component of the packing PC (its usual port): the browser prints to it.
PRINT_PORT="${PRINT_PORT:-13528}"
"$PY37" "$ROOT/sandbox/print_component.py" --port "$PRINT_PORT" \
    --record "$OUT/printed.jsonl" >"$OUT/print_component.log" 2>&1 &
PRINT_PID=$!
trap 'kill $SANDBOX_PID $JD_SANDBOX_PID $PRINT_PID 2>/dev/null' EXIT

if ! psql -d postgres -Atc "select 1 from pg_database where datname='$DEMO_DB'" | grep -q 1; then
    ensure_template_db nodemo
    echo "[demo] creating database $DEMO_DB with the addon"
    createdb -T "$TEMPLATE_DB" "$DEMO_DB"
    "$ROOT/tools/odoo.sh" -d "$DEMO_DB" -i ecommerce_sync --load-language=zh_CN \
        --stop-after-init --log-level=warn --http-port="$(free_port)"
fi
# A demo database of an older version of the addon (or made before it ran on queue_job):
# upgrade it, as a seller would (docs/operations-upgrades.md).
installed="$(psql -d "$DEMO_DB" -Atc "select latest_version from ir_module_module where name='ecommerce_sync'")"
wanted="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$ROOT/__manifest__.py")"
if [ "$installed" != "$wanted" ] \
        || ! psql -d "$DEMO_DB" -Atc "select state from ir_module_module where name='queue_job'" \
        | grep -q installed; then
    echo "[demo] upgrading the demo database from ecommerce_sync $installed to $wanted"
    "$ROOT/tools/odoo.sh" -d "$DEMO_DB" -u ecommerce_sync --stop-after-init --log-level=warn \
        --http-port="$(free_port)"
fi
# What is missing of the demo (shops, users), then one sync of every platform shop.
echo "[demo] demo shops: set up what is missing, sync each platform shop once"
SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" JD_SANDBOX_URL="http://127.0.0.1:$JD_SANDBOX_PORT" \
    DEMO_BASE_URL="http://localhost:$HTTP_PORT" SANDBOX_APP_KEY="$SANDBOX_APP_KEY" \
    SANDBOX_APP_SECRET="$SANDBOX_APP_SECRET" SANDBOX_SESSION="$SANDBOX_SESSION" \
    "$ROOT/tools/odoo.sh" shell -d "$DEMO_DB" --log-level=warn --http-port="$(free_port)" \
    <"$ROOT/tools/demo_setup.py" | tee "$OUT/setup.log" | grep "^demo shop"
grep -q "DEMO SETUP OK" "$OUT/setup.log" || { echo "[demo] set-up failed"; exit 1; }
# The queue_job runner's channels: one per shop, capacities from the shops (tools/lib.sh).
job_runner_conf "$DEMO_DB" "$OUT/odoo-jobs.conf"
echo "[demo] job runner channels: $(sed -n 's/^channels = //p' "$OUT/odoo-jobs.conf")"
echo "[demo] TOP sandbox on http://127.0.0.1:$SANDBOX_PORT, JD sandbox on http://127.0.0.1:$JD_SANDBOX_PORT; Odoo on http://localhost:$HTTP_PORT"
echo "[demo] print component emulator on ws://127.0.0.1:$PRINT_PORT (prints: $OUT/printed.jsonl)"
echo "[demo] log in as admin/admin, or seller/seller (Simplified Chinese); Ctrl-C stops"
# Prefork workers run the jobs the runner (a thread of the main process) hands out over
# HTTP; a job stores at most about 200 trades, well inside the time limits (docs/operations.md,
# "Hosts, workers and time limits").
ODOO_JOB_RUNNER_CONF="$OUT/odoo-jobs.conf" "$ROOT/tools/odoo.sh" -d "$DEMO_DB" \
    --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" \
    --longpolling-port="${LONGPOLLING_PORT:-8072}" --workers="${DEMO_WORKERS:-3}" \
    --max-cron-threads=1 --limit-time-cpu=300 --limit-time-real=600 --log-level=info --logfile="$OUT/odoo.log" &
ODOO_PID=$!
trap 'kill $ODOO_PID $SANDBOX_PID $JD_SANDBOX_PID $PRINT_PID 2>/dev/null' EXIT INT TERM
# The own web shop's server pushes its orders once Odoo answers.
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break; sleep 0.2; done
"$PY37" "$ROOT/tools/demo_own_feed.py" --url "http://127.0.0.1:$HTTP_PORT" --db "$DEMO_DB" \
    || echo "[demo] the own shop's feed failed (tools/demo_own_feed.py)"
wait $ODOO_PID
