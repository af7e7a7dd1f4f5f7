#!/usr/bin/env bash
# The upgrade test (a stage of tools/run_tests.sh): install the last released version (the
# git tag of tools/upgrade/released_version), fill it through ITS OWN XML-RPC API with a
# shop on the TOP sandbox, SKU mappings, orders in several states, refunds, held orders
# and queue jobs in every state (tools/upgrade/fill.py), upgrade it to this tree with
# `-u ecommerce_sync`, and check that every record, watermark and open job survived and
# still works (tools/upgrade/check_upgrade.py, JUnit report $OUT/upgrade.xml).
# The released tree comes from the tag, else from the commit id recorded beside it (a
# clone without tags); when neither resolves the test fails, it never skips.
#   tools/test_upgrade.sh [OUT_DIR]       (default .run/upgrade)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="${1:-$ROOT/.run/upgrade}"
REPORT="${UPGRADE_REPORT:-$OUT/upgrade.xml}"
rm -rf "$OUT" && mkdir -p "$OUT" && rm -f "$REPORT"
started=$SECONDS
say() { echo "[upgrade $((SECONDS - started))s] $*"; }
die() { echo "[upgrade] FAILED: $*" >&2; exit 1; }

read -r TAG COMMIT <"${UPGRADE_FROM_FILE:-$ROOT/tools/upgrade/released_version}"
REV=""
for candidate in "$TAG" "$COMMIT"; do
    if REV="$(git -C "$ROOT" rev-parse --verify --quiet "$candidate^{commit}")"; then
        break
    fi
    REV=""
done
[ -n "$REV" ] || die "neither the tag $TAG nor the commit $COMMIT is in this clone (git fetch --tags)"
OLD="$OUT/released/ecommerce_sync"
mkdir -p "$OLD"
git -C "$ROOT" archive "$REV" | tar -x -C "$OLD" || die "cannot extract $REV"
OLD_VERSION="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$OLD/__manifest__.py")"
NEW_VERSION="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$ROOT/__manifest__.py")"
say "released $TAG ($REV, version $OLD_VERSION) -> working tree (version $NEW_VERSION)"

"$PY37" "$ROOT/tools/upgrade/fill.py" data "$OUT/platform.json" || die "no sandbox data"
start_sandbox "$OUT/platform.json" "$OUT" --rebase-times --plain-receivers || die "no sandbox"
ODOO_PID=""
DB="ecs_upgrade_$$"
cleanup() {
    [ -n "$ODOO_PID" ] && kill "$ODOO_PID" 2>/dev/null && wait "$ODOO_PID" 2>/dev/null
    kill "$SANDBOX_PID" 2>/dev/null
    dropdb --if-exists "$DB"
}
trap cleanup EXIT
ensure_template_db nodemo || die "no template database"
fresh_db "$DB"
export SANDBOX_URL SANDBOX_APP_KEY SANDBOX_APP_SECRET SANDBOX_SESSION ODOO_DB="$DB" \
    UPGRADE_STATE="$OUT/state.json"

serve() {  # serve ADDONS_PATH LOG: Odoo on a free port, no crons; sets ODOO_PID, ODOO_URL
    local status
    for _ in 1 2 3; do
        serve_odoo "$(free_port)" "$2" -d "$DB" --addons-path="$1" --db-filter="^$DB\$" \
            --max-cron-threads=0 --log-level=info
        status=$?
        [ $status = 3 ] || break  # 3: the port was taken meanwhile, another one
    done
    export ODOO_URL
    return $status
}
stop() { kill "$ODOO_PID" && wait "$ODOO_PID" 2>/dev/null; ODOO_PID=""; }

"$ROOT/tools/odoo.sh" -d "$DB" --addons-path="$OUT/released" -i ecommerce_sync \
    --without-demo=all --stop-after-init --log-level=warn --http-port="$(free_port)" \
    >"$OUT/install.log" 2>&1 || { tail -30 "$OUT/install.log"; die "the released version does not install"; }
say "released version installed"
serve "$OUT/released" "$OUT/odoo-released.log" || die "the released version does not serve"
"$PY37" "$ROOT/tools/upgrade/fill.py" fill || die "filling the released version failed"
stop
say "filled through the released version's API"

"$ROOT/tools/odoo.sh" -d "$DB" -u ecommerce_sync --stop-after-init --log-level=info \
    --http-port="$(free_port)" --logfile="$OUT/upgrade-run.log"
status=$?
grep -E " (ERROR|CRITICAL) " "$OUT/upgrade-run.log" >"$OUT/upgrade-errors.log"
[ $status = 0 ] || { tail -30 "$OUT/upgrade-run.log"; die "-u ecommerce_sync exited $status"; }
say "upgraded with -u ecommerce_sync"

serve "$ROOT/.run/addons" "$OUT/odoo-upgraded.log" || die "the upgraded database does not serve"
UPGRADE_LOG_ERRORS="$OUT/upgrade-errors.log" "$PY37" -m pytest -q -p no:cacheprovider \
    --rootdir="$ROOT/tools/upgrade" --junitxml="$REPORT" "$ROOT/tools/upgrade/check_upgrade.py"
status=$?
stop
say "checked (pytest exit $status)"
exit $status
