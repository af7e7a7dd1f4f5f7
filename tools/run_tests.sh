#!/usr/bin/env bash
# The whole test suite: TOP client and sandbox tests on Python 3.7 and 3.11, the addon's
# Odoo tests against a real PostgreSQL and the running TOP sandbox, and a clean
# uninstall. Ends with "N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/tools/mount_addon.sh"
"$ROOT/tools/setup_env.sh" all || exit 1  # all: chromium for the browser walk-through
OUT="$ROOT/.run/test"
rm -rf "$OUT" && mkdir -p "$OUT"
checks=()

echo "== platform I/O tests (pytest) on Python 3.7 and 3.11"
"$PY37" -m pytest -q --junitxml="$OUT/pytest-py37.xml" >"$OUT/pytest-py37.log" 2>&1
tail -1 "$OUT/pytest-py37.log"
"$PY311" -m pytest -q --junitxml="$OUT/pytest-py311.xml" >"$OUT/pytest-py311.log" 2>&1
tail -1 "$OUT/pytest-py311.log"

echo "== Odoo tests (PostgreSQL, Odoo 11, TOP sandbox over HTTP)"
start_sandbox "$ROOT/tests/data/sandbox_base.json" "$OUT" --call-log "$OUT/sandbox-calls.jsonl" || exit 1
trap 'kill $SANDBOX_PID 2>/dev/null' EXIT
ensure_template_db nodemo || exit 1
DB="ecs_test_$$"
fresh_db "$DB"
export ECS_TEST_RESULTS="$OUT/odoo-results.jsonl" SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
: >"$ECS_TEST_RESULTS"
PATH="$ROOT/.tools/node_modules/.bin:$PATH" "$PY37" "$ROOT/tools/odoo_test_entry.py" \
    --addons-path="$ROOT/.run/addons" --data-dir="$ROOT/.run/filestore" \
    -d "$DB" -i ecommerce_sync --test-enable --stop-after-init --log-level=test \
    --http-port="$(free_port)" --no-database-list --logfile="$OUT/odoo.log"
echo "odoo exit status $?"

echo "== uninstall leaves nothing behind"
if "$ROOT/tools/odoo.sh" shell -d "$DB" --log-level=warn --http-port="$(free_port)" \
        <"$ROOT/tools/check_uninstall.py" >"$OUT/uninstall.log" 2>&1 \
        && grep -q "UNINSTALL OK" "$OUT/uninstall.log"; then
    checks+=("install-uninstall:ok")
else
    cat "$OUT/uninstall.log"
    checks+=("install-uninstall:fail")
fi
dropdb --if-exists "$DB"

echo "== browser walk-through (headless Chromium, the seller in Simplified Chinese)"
OUT="$OUT" "$ROOT/tools/run_browser_test.sh"  # writes $OUT/browser.xml; missing = failure

echo "== fault-injection soak, short form (docs/soak.md; the full one is make soak)"
if SOAK_OUT="$OUT/soak" "$ROOT/tools/run_soak.sh" --trades 150 --days 3 --items 20 \
        --max-passes 3 >"$OUT/soak.log" 2>&1; then
    checks+=("soak:ok")
else
    checks+=("soak:fail")
fi
sed -n '/^---/,$p' "$OUT/soak.log" | tail -40

check_args=()
for c in "${checks[@]}"; do check_args+=(--check "$c"); done
"$PY37" "$ROOT/tools/summarize_tests.py" --junit "$OUT/pytest-py37.xml" --junit "$OUT/pytest-py311.xml" \
    --junit "$OUT/browser.xml" \
    --odoo "$ECS_TEST_RESULTS" --log "$OUT/odoo.log" "${check_args[@]}"
