#!/usr/bin/env bash
# Fault-injection soak (docs/soak.md): the background order, refund, shipment and stock
# sync of a Taobao shop and a JD shop through generated trades with injected faults,
# lifecycle changes, a SIGKILL, two concurrent workers and a session expiry; then checks
# trade by trade. Exits non-zero unless every checked count is 0.
#   tools/run_soak.sh [--trades 300] [--days 3] [--seed 11] [other soak/soak.py options]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/tools/mount_addon.sh"
OUT="${SOAK_OUT:-$ROOT/.run/soak}"
rm -rf "$OUT" && mkdir -p "$OUT"
start_sandbox "" "$OUT" --call-log "$OUT/sandbox-calls.jsonl"
JD_SANDBOX_APP_KEY="${JD_SANDBOX_APP_KEY:-JDAPPKEY01}"
JD_SANDBOX_APP_SECRET="${JD_SANDBOX_APP_SECRET:-jd-sandbox-secret-789}"
JD_SANDBOX_TOKEN="${JD_SANDBOX_TOKEN:-jdtoken-abcdef123456}"
"$PY37" "$ROOT/sandbox/jd_sandbox.py" --port 0 --ready-file "$OUT/jd-sandbox.port" \
    --app-key "$JD_SANDBOX_APP_KEY" --app-secret "$JD_SANDBOX_APP_SECRET" \
    --access-token "$JD_SANDBOX_TOKEN" --call-log "$OUT/jd-sandbox-calls.jsonl" \
    --plain-receivers >"$OUT/jd-sandbox.log" 2>&1 &
JD_SANDBOX_PID=$!
DB="ecs_soak_$$"
trap 'kill $SANDBOX_PID $JD_SANDBOX_PID 2>/dev/null' EXIT
JD_SANDBOX_URL="$(sandbox_url "$JD_SANDBOX_PID" "$OUT/jd-sandbox.port" "$OUT/jd-sandbox.log")" \
    || exit 1
ensure_template_db nodemo
fresh_db "$DB"
"$ROOT/tools/odoo.sh" -d "$DB" -i ecommerce_sync --stop-after-init --log-level=warn \
    --http-port="$(free_port)" --no-database-list >"$OUT/install.log" 2>&1 \
    || { tail -30 "$OUT/install.log"; exit 1; }
export SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
export JD_SANDBOX_APP_KEY JD_SANDBOX_APP_SECRET JD_SANDBOX_TOKEN
status=0
"$PY37" "$ROOT/soak/soak.py" --db "$DB" --sandbox-url "$SANDBOX_URL" \
    --call-log "$OUT/sandbox-calls.jsonl" --jd-url "$JD_SANDBOX_URL" \
    --jd-call-log "$OUT/jd-sandbox-calls.jsonl" --out-dir "$OUT" "$@" || status=$?
if [ $status -eq 0 ]; then
    dropdb --if-exists "$DB"
else
    echo "soak failed (exit $status): database $DB and $OUT are kept for inspection"
fi
exit $status
