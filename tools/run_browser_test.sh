#!/usr/bin/env bash
# The browser walk-through (browser_tests/): a fresh database with the addon in Simplified
# Chinese and a `seller` user, its own TOP sandbox (demo data, recent times) and its own
# Odoo server on free ports, then pytest + selenium driving headless Debian Chromium.
# Writes $OUT/browser.xml (JUnit), $OUT/browser.log, screenshots in $OUT/screenshots and
# copies four of them to docs/screenshots/. OUT defaults to .run/browser; tools/run_tests.sh
# runs it with OUT=.run/test. Extra arguments go to pytest (e.g. -k shop -x).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="${OUT:-$ROOT/.run/browser}"
mkdir -p "$OUT"
DIR="$OUT/browser-run"
rm -rf "$DIR" "$OUT/browser.xml" && mkdir -p "$DIR"
DB="ecs_browser_$$"
ODOO_PID=""
SANDBOX_PID=""

stop() {  # stop PID: SIGTERM, then SIGKILL after 5 s (Odoo waits for open requests)
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null
}

cleanup() {
    [ -n "$ODOO_PID" ] && stop "$ODOO_PID"
    [ -n "$SANDBOX_PID" ] && stop "$SANDBOX_PID"
    dropdb --if-exists "$DB"
}
trap cleanup EXIT

fail() { echo "[browser] $*"; exit 1; }

[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    || fail "chromium/chromedriver missing: run tools/setup_env.sh all"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"   # lessc, or the pages are unstyled
export PGOPTIONS="-c client_min_messages=warning"  # no NOTICE of dropdb --if-exists

# (1) database: template copy, the addon with zh_CN, a sales journal and the seller user
ensure_template_db nodemo || fail "template database"
fresh_db "$DB" || fail "createdb $DB"
"$ROOT/tools/odoo.sh" -d "$DB" -i ecommerce_sync --load-language=zh_CN --stop-after-init \
    --log-level=warn --http-port="$(free_port)" --no-database-list >"$DIR/install.log" 2>&1 \
    || { tail -30 "$DIR/install.log"; fail "installing ecommerce_sync failed"; }
HTTP_PORT="$(free_port)"
export ODOO_URL="http://127.0.0.1:$HTTP_PORT" ODOO_DB="$DB"
"$ROOT/tools/odoo.sh" shell -d "$DB" --log-level=warn --http-port="$(free_port)" \
    <"$ROOT/tools/browser_setup.py" >"$DIR/setup.log" 2>&1
grep -q "BROWSER SETUP OK" "$DIR/setup.log" || { cat "$DIR/setup.log"; fail "seller set-up failed"; }
echo "[browser] database $DB with ecommerce_sync, zh_CN and the seller user (${SECONDS}s)"

# (2) a sandbox with the demo data (times rebased to now) and an Odoo server
start_sandbox "$ROOT/sandbox/demo_data.json" "$DIR" --rebase-times \
    --call-log "$DIR/sandbox-calls.jsonl" || fail "sandbox did not start"
"$ROOT/tools/odoo.sh" -d "$DB" --db-filter="^$DB\$" --http-port="$HTTP_PORT" --workers 0 \
    --no-database-list --max-cron-threads=0 --log-level=info --logfile="$DIR/odoo.log" \
    >"$DIR/odoo.out" 2>&1 &
ODOO_PID=$!
disown "$ODOO_PID"  # no "Killed" job report when stop() has to use SIGKILL
for _ in $(seq 120); do
    curl -fs -o /dev/null "$ODOO_URL/web/login" && break
    kill -0 "$ODOO_PID" 2>/dev/null || { tail -30 "$DIR/odoo.out" "$DIR/odoo.log"; fail "Odoo died"; }
    sleep 0.5
done
curl -fs -o /dev/null "$ODOO_URL/web/login" || fail "Odoo does not answer on $ODOO_URL"
echo "[browser] Odoo on $ODOO_URL, TOP sandbox on $SANDBOX_URL (${SECONDS}s)"

# (3) the walk-through
export SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$OUT/screenshots}" DOCS_SCREENSHOT_DIR="$ROOT/docs/screenshots"
mkdir -p "$SCREENSHOT_DIR" && rm -f "$SCREENSHOT_DIR"/*.png "$SCREENSHOT_DIR"/*.html
"$PY311" -m pytest browser_tests -q -p no:cacheprovider -rfEs --junitxml="$OUT/browser.xml" "$@" \
    >"$OUT/browser.log" 2>&1
status=$?
echo "[browser] $(grep -E "[0-9]+ (passed|failed|skipped|error)" "$OUT/browser.log" | tail -1) (${SECONDS}s in all)"
grep "^SKIPPED" "$OUT/browser.log"
if [ $status -ne 0 ]; then
    grep -E "^(FAILED|ERROR) |^E   " "$OUT/browser.log" | grep -v -E "^E +(#|Stacktrace)" | head -20
    echo "[browser] details: $OUT/browser.log, page and DOM of a failure: $SCREENSHOT_DIR/FAILED-*"
fi
# (4) cleanup (trap): server, sandbox, database
exit $status
