#!/usr/bin/env bash
# The browser walk-through (browser_tests/): a fresh database with the addon in Simplified
# Chinese and a `seller` user, its own TOP and JD sandboxes (demo data, recent times; plus
# an empty TOP one for the shop health step) and its own Odoo server (with the queue_job
# runner) on free ports, then pytest + selenium driving headless Debian Chromium.
# Writes $OUT/browser.xml (JUnit), $OUT/browser.log, screenshots in $OUT/screenshots and
# copies ten of them to docs/screenshots/. OUT defaults to .run/browser; tools/run_tests.sh
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
JD_SANDBOX_PID=""
HEALTH_SANDBOX_PID=""
# Credentials of the loopback JD emulator (sandbox/jd_sandbox.py); they protect nothing.
export JD_SANDBOX_APP_KEY="${JD_SANDBOX_APP_KEY:-JDAPPKEY01}"
export JD_SANDBOX_APP_SECRET="${JD_SANDBOX_APP_SECRET:-jd-sandbox-secret-789}"
export JD_SANDBOX_TOKEN="${JD_SANDBOX_TOKEN:-jdtoken-abcdef123456}"

stop() {  # stop PID: SIGTERM, then SIGKILL after 5 s (Odoo waits for open requests)
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null
}

cleanup() {
    [ -n "$ODOO_PID" ] && stop "$ODOO_PID"
    [ -n "$SANDBOX_PID" ] && stop "$SANDBOX_PID"
    [ -n "$JD_SANDBOX_PID" ] && stop "$JD_SANDBOX_PID"
    [ -n "$HEALTH_SANDBOX_PID" ] && stop "$HEALTH_SANDBOX_PID"
    dropdb --if-exists "$DB"
}
trap cleanup EXIT

fail() { echo "[browser] $*"; exit 1; }

start_health_sandbox() {  # an empty TOP sandbox of the health step's new shop
    rm -f "$DIR/health_sandbox.port"
    printf '{"reference_time": "2024-06-06 00:00:00", "seller_nick": "health", "items": [], "trades": []}\n' \
        >"$DIR/health_data.json"
    "$PY37" "$ROOT/sandbox/top_sandbox.py" --port 0 --ready-file "$DIR/health_sandbox.port" \
        --data "$DIR/health_data.json" --app-key "$SANDBOX_APP_KEY" \
        --app-secret "$SANDBOX_APP_SECRET" --session "$SANDBOX_SESSION" \
        --call-log "$DIR/health-sandbox-calls.jsonl" --plain-receivers \
        >"$DIR/health_sandbox.log" 2>&1 &
    HEALTH_SANDBOX_PID=$!
    HEALTH_SANDBOX_URL="$(sandbox_url "$HEALTH_SANDBOX_PID" "$DIR/health_sandbox.port" \
        "$DIR/health_sandbox.log")" || return 1
    export HEALTH_SANDBOX_URL
}

start_jd_sandbox() {  # the JD shop's sandbox: sets JD_SANDBOX_PID and JD_SANDBOX_URL
    rm -f "$DIR/jd_sandbox.port"
    "$PY37" "$ROOT/sandbox/jd_sandbox.py" --port 0 --ready-file "$DIR/jd_sandbox.port" \
        --data "$ROOT/sandbox/jd_demo_data.json" --rebase-times \
        --app-key "$JD_SANDBOX_APP_KEY" --app-secret "$JD_SANDBOX_APP_SECRET" \
        --access-token "$JD_SANDBOX_TOKEN" --call-log "$DIR/jd-sandbox-calls.jsonl" \
        --plain-receivers >"$DIR/jd_sandbox.log" 2>&1 &
    JD_SANDBOX_PID=$!
    JD_SANDBOX_URL="$(sandbox_url "$JD_SANDBOX_PID" "$DIR/jd_sandbox.port" "$DIR/jd_sandbox.log")" \
        || return 1
    export JD_SANDBOX_URL
}

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

# (2) TOP and JD sandboxes with their demo data (times rebased to now), an empty TOP
# sandbox for the shop of the health step, and an Odoo server
start_sandbox "$ROOT/sandbox/demo_data.json" "$DIR" --rebase-times \
    --call-log "$DIR/sandbox-calls.jsonl" || fail "sandbox did not start"
start_jd_sandbox || fail "JD sandbox did not start"
start_health_sandbox || fail "the health step's sandbox did not start"
# queue_job server-wide: its runner (root channel, one job at a time) runs the jobs the
# shop health screen's Retry button enqueues.
for _ in 1 2 3; do
    serve_odoo "$HTTP_PORT" "$DIR/odoo.log" -d "$DB" --db-filter="^$DB\$" --workers 0 \
        --load=web,queue_job --no-database-list --max-cron-threads=0 --log-level=info
    status=$?
    disown "$ODOO_PID" 2>/dev/null  # no "Killed" job report when stop() has to use SIGKILL
    [ $status = 3 ] || break
    HTTP_PORT="$(free_port)"  # taken meanwhile: another port, and the links follow it
    psql -d "$DB" -qc "UPDATE ir_config_parameter SET value = 'http://127.0.0.1:$HTTP_PORT'
                       WHERE key = 'web.base.url'"
done
[ $status = 0 ] || fail "Odoo does not answer on $ODOO_URL"
export ODOO_URL
echo "[browser] Odoo on $ODOO_URL, TOP sandbox on $SANDBOX_URL, JD sandbox on $JD_SANDBOX_URL (${SECONDS}s)"

# (3) the walk-through
export SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$OUT/screenshots}" DOCS_SCREENSHOT_DIR="$ROOT/docs/screenshots"
mkdir -p "$SCREENSHOT_DIR" && rm -f "$SCREENSHOT_DIR"/*.png "$SCREENSHOT_DIR"/*.html
"$PY311" -m pytest browser_tests -q -p no:cacheprovider -rfEs --junitxml="$OUT/browser.xml" "$@" \
    >"$OUT/browser.log" 2>&1
status=$?
echo "[browser] $(grep -E "[0-9]+ (passed|failed|skipped|error)" "$OUT/browser.log" | tail -1) (${SECONDS}s in all)"
if [ ! -s "$OUT/browser.xml" ]; then  # pytest itself died: its last words are the reason
    echo "[browser] pytest exited with $status and wrote no report; the end of browser.log:"
    tail -15 "$OUT/browser.log"
fi
grep "^SKIPPED" "$OUT/browser.log"
if [ $status -ne 0 ]; then
    grep -E "^(FAILED|ERROR) |^E   " "$OUT/browser.log" | grep -v -E "^E +(#|Stacktrace)" | head -20
    echo "[browser] details: $OUT/browser.log, page and DOM of a failure: $SCREENSHOT_DIR/FAILED-*"
fi
# (4) cleanup (trap): server, sandboxes, database
exit $status
