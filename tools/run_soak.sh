#!/usr/bin/env bash
# Fault-injection soak (docs/soak.md): the cron-driven sync through generated trades with
# injected faults, a SIGKILL, two concurrent workers and a session expiry; then checks
# trade by trade. Exits non-zero unless duplicates = lost = wrong totals = stock
# mismatches = 0.
#   tools/run_soak.sh [--trades 3000] [--days 5] [--seed 11] [other soak/soak.py options]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/tools/mount_addon.sh"
OUT="${SOAK_OUT:-$ROOT/.run/soak}"
rm -rf "$OUT" && mkdir -p "$OUT"
start_sandbox "" "$OUT" --call-log "$OUT/sandbox-calls.jsonl"
DB="ecs_soak_$$"
trap 'kill $SANDBOX_PID 2>/dev/null' EXIT
ensure_template_db nodemo
fresh_db "$DB"
"$ROOT/tools/odoo.sh" -d "$DB" -i ecommerce_sync --stop-after-init --log-level=warn \
    --http-port="$(free_port)" --no-database-list >"$OUT/install.log" 2>&1 \
    || { tail -30 "$OUT/install.log"; exit 1; }
export SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
status=0
"$PY37" "$ROOT/soak/soak.py" --db "$DB" --sandbox-url "$SANDBOX_URL" \
    --call-log "$OUT/sandbox-calls.jsonl" --out-dir "$OUT" "$@" || status=$?
if [ $status -eq 0 ]; then
    dropdb --if-exists "$DB"
else
    echo "soak failed (exit $status): database $DB and $OUT are kept for inspection"
fi
exit $status
