#!/usr/bin/env bash
# Developer loop: run some Odoo test modules of the addon in a private database with a
# private sandbox, so several developers can test at once.
#   tools/dev_test.sh NAME [test_module ...]    e.g. tools/dev_test.sh items test_items
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/tools/mount_addon.sh"
name="$1"; shift
OUT="$ROOT/.run/dev-$name"
rm -rf "$OUT" && mkdir -p "$OUT"
start_sandbox "$ROOT/tests/data/sandbox_base.json" "$OUT" --call-log "$OUT/sandbox-calls.jsonl" || exit 1
trap 'kill $SANDBOX_PID 2>/dev/null' EXIT
ensure_template_db nodemo || exit 1
DB="ecs_dev_$name"
fresh_db "$DB"
only="$(IFS=,; echo "$*")"
only_args=()
[ -n "$only" ] && only_args=("--only=$only")
export ECS_TEST_RESULTS="$OUT/odoo-results.jsonl" SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
: >"$ECS_TEST_RESULTS"
PATH="$ROOT/.tools/node_modules/.bin:$PATH" "$PY37" "$ROOT/tools/odoo_test_entry.py" ${only_args[@]+"${only_args[@]}"} --addons-path="$ROOT/.run/addons" \
    --data-dir="$ROOT/.run/filestore" -d "$DB" -i ecommerce_sync --test-enable \
    --stop-after-init --log-level=test --http-port="$(free_port)" --no-database-list \
    --logfile="$OUT/odoo.log"
odoo_status=$?
# Failures, each with the last lines of its traceback.
grep -E " (ERROR|CRITICAL) " "$OUT/odoo.log" | sed -E 's/^\S+ \S+ [0-9]+ [A-Z]+ \S+ //' \
    | grep -vE '^\S+: (Traceback|` )' | grep -v '^\S+: (FAIL|ERROR)$' | head -80
"$PY37" "$ROOT/tools/summarize_tests.py" --odoo "$ECS_TEST_RESULTS" --log "$OUT/odoo.log" \
    --odoo-tests "$ROOT/tests" --only "$only" --exit "odoo=$odoo_status"
echo "log: $OUT/odoo.log"
