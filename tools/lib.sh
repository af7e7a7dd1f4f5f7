# Shared helpers of the run, test and benchmark commands (sourced, not executed).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY37="$ROOT/.venv/bin/python"
# dropdb --if-exists and friends: no NOTICE chatter in the command output.
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"
PY311="$ROOT/.venv311/bin/python"
# Credentials of the local TOP sandbox; they protect nothing but a loopback emulator.
SANDBOX_APP_KEY="${SANDBOX_APP_KEY:-12345678}"
SANDBOX_APP_SECRET="${SANDBOX_APP_SECRET:-sandbox-secret}"
SANDBOX_SESSION="${SANDBOX_SESSION:-sandbox-session}"

free_port() {
    "$PY37" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# serve_odoo PORT LOG ODOO_ARGS...: an Odoo HTTP server on PORT, its log in LOG (stdout and
# stderr in LOG.out); sets ODOO_PID and ODOO_URL and returns once its login page answers.
# A first page of a new database builds its assets, which takes minutes on a loaded
# machine: it waits up to ODOO_WAIT seconds (300). Status 3: PORT was taken meanwhile (the
# caller may pick another). Any other failure prints why: the last answer, who listens on
# the port, the end of the log.
serve_odoo() {
    local port="$1" log="$2"; shift 2
    local wait="${ODOO_WAIT:-300}" start=$SECONDS answer=""
    "$ROOT/tools/odoo.sh" "$@" --http-port="$port" --logfile="$log" >"$log.out" 2>&1 &
    ODOO_PID=$!
    ODOO_URL="http://127.0.0.1:$port"
    while [ $((SECONDS - start)) -lt "$wait" ]; do
        answer="$(curl -s -m 120 -o /dev/null -w '%{http_code}' "$ODOO_URL/web/login" 2>&1)"
        [ "$answer" = 200 ] && return 0
        if grep -qs "Address already in use" "$log" "$log.out"; then
            kill "$ODOO_PID" 2>/dev/null; wait "$ODOO_PID" 2>/dev/null
            echo "serve_odoo: port $port was taken meanwhile" >&2
            return 3
        fi
        kill -0 "$ODOO_PID" 2>/dev/null || { echo "serve_odoo: Odoo exited" >&2; break; }
        sleep 0.5
    done
    {
        echo "serve_odoo: $ODOO_URL/web/login did not answer 200 in $((SECONDS - start)) s (last answer: ${answer:-none})"
        ss -ltnp "sport = :$port" 2>/dev/null | tail -n +2
        tail -n 8 "$log.out" "$log" 2>/dev/null
    } >&2
    return 1
}

# start_sandbox DATA_FILE RUN_DIR [extra sandbox options...]; sets SANDBOX_PID and SANDBOX_URL
start_sandbox() {
    local data="$1" dir="$2"; shift 2
    rm -f "$dir/sandbox.port"
    "$PY37" "$ROOT/sandbox/top_sandbox.py" --port 0 --ready-file "$dir/sandbox.port" \
        --data "$data" --app-key "$SANDBOX_APP_KEY" --app-secret "$SANDBOX_APP_SECRET" \
        --session "$SANDBOX_SESSION" --plain-receivers "$@" >"$dir/sandbox.log" 2>&1 &
    SANDBOX_PID=$!
    SANDBOX_URL="$(sandbox_url "$SANDBOX_PID" "$dir/sandbox.port" "$dir/sandbox.log")" || return 1
    export SANDBOX_URL
}

# sandbox_url PID PORT_FILE LOG: prints the URL of a sandbox started with --ready-file once
# it has written its port; up to 30 s, as a loaded machine imports slowly. A sandbox that
# dies or stays silent: its log on stderr and status 1.
sandbox_url() {
    local pid="$1" port_file="$2" log="$3"
    for _ in $(seq 300); do
        [ -s "$port_file" ] && { echo "http://127.0.0.1:$(cat "$port_file")"; return 0; }
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "$log: the sandbox wrote no port in 30 s" >&2
    return 1
}

# The addon's dependencies: installed once in the template, so that a test run installs
# (and tests) only the addon itself.
TEMPLATE_MODULES="sale_management,sale_stock,account,delivery,queue_job,l10n_cn,stock_picking_batch,sale_exception,sale_automatic_workflow,account_mass_reconcile"

# ensure_template_db: a database with the addon's dependencies installed, made once per
# Odoo requirements; test and demo databases are cheap copies of it.
ensure_template_db() {
    mkdir -p "$ROOT/.run"
    # Several test runs may start at once: one builds the template, the others wait.
    exec 9>"$ROOT/.run/template.lock"
    flock 9
    _ensure_template_db "$@"
    local status=$?
    flock -u 9
    return $status
}

_ensure_template_db() {
    local demo="$1"  # "demo" or "nodemo"
    TEMPLATE_DB="ecs_tmpl_${demo}_$( (cat "$ROOT/requirements.txt" "$ROOT/requirements-odoo.txt"; echo "$TEMPLATE_MODULES") | sha256sum | cut -c1-10)"
    if psql -d postgres -Atc "select 1 from pg_database where datname='$TEMPLATE_DB'" | grep -q 1; then
        return 0
    fi
    echo "[db] creating template database $TEMPLATE_DB (about one minute, once)"
    local demo_opt="--without-demo=all"
    [ "$demo" = demo ] && demo_opt=""
    dropdb --if-exists "$TEMPLATE_DB.tmp"
    "$ROOT/tools/odoo.sh" -d "$TEMPLATE_DB.tmp" -i "$TEMPLATE_MODULES" $demo_opt \
        --stop-after-init --log-level=warn --http-port="$(free_port)" --no-database-list \
        >"$ROOT/.run/template.log" 2>&1 || { cat "$ROOT/.run/template.log"; return 1; }
    psql -d postgres -qc "ALTER DATABASE \"$TEMPLATE_DB.tmp\" RENAME TO \"$TEMPLATE_DB\""
}

fresh_db() {  # fresh_db NAME: drop it and copy the template
    dropdb --if-exists "$1"
    createdb -T "$TEMPLATE_DB" "$1"
}

# job_runner_conf DB FILE: an Odoo config file whose [queue_job] channels give every shop of
# DB its own channel root.ecommerce.shop_<id> with the shop's capacity ("Parallel Jobs"),
# as ecommerce.shop._queue_job_channels() derives it. Regenerate it (and restart the server
# that runs the job runner) after adding a shop or changing a capacity.
job_runner_conf() {
    local db="$1" file="$2" channels
    channels="$(echo "print('CHANNELS=' + env['ecommerce.shop']._queue_job_channels())" \
        | "$ROOT/tools/odoo.sh" shell -d "$db" --log-level=warn --http-port="$(free_port)" \
          2>/dev/null | sed -n 's/^CHANNELS=//p')"
    [ -n "$channels" ] || { echo "job_runner_conf: no channels read from $db" >&2; return 1; }
    printf '[options]\n\n[queue_job]\nchannels = %s\n' "$channels" >"$file"
}
