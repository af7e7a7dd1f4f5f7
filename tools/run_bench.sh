#!/usr/bin/env bash
# Benchmarks: every bench/bench_*.py against the TOP sandbox over loopback HTTP, each in
# a fresh copy of a database with the addon installed. Prints one table; a run of every
# benchmark also writes it into docs/development.md (between the bench markers).
#   tools/run_bench.sh [--scale 0.1] [bench_name ...]
# BENCH_ARGS="--rate 10000": more arguments for the benchmarks named (e.g. bench_realtime).
# BENCH_PROFILE=DIR: cProfile the order and item imports into DIR (slows them down).
# BENCH_KEEP_DB=1: a failed bench leaves its database behind for a look (drop it after).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
scale=1.0
if [ "${1:-}" = "--scale" ]; then scale="$2"; shift 2; fi
"$ROOT/tools/setup_env.sh" test
OUT="$ROOT/.run/bench/$$"  # per run: logs and results stay for a look afterwards
mkdir -p "$OUT"
start_sandbox "$ROOT/tests/data/sandbox_base.json" "$OUT"
BASE="ecs_bench_base_$$"
db=""
# A failed bench leaves no database behind either, unless asked to keep it.
trap 'kill $SANDBOX_PID 2>/dev/null; [ -n "$db" ] && [ -z "${BENCH_KEEP_DB:-}" ] && dropdb --if-exists "$db"; dropdb --if-exists "$BASE"' EXIT
ensure_template_db nodemo
fresh_db "$BASE"
"$ROOT/tools/odoo.sh" -d "$BASE" -i ecommerce_sync --stop-after-init --log-level=warn \
    --http-port="$(free_port)" --no-database-list
benches=("$@")
readme=()
if [ ${#benches[@]} -eq 0 ]; then
    benches=($(cd bench && ls bench_*.py | sed 's/\.py$//'))
    # The development guide holds the figures of the full size only.
    [ "$scale" = 1.0 ] && [ -z "${BENCH_PROFILE:-}" ] && readme=(--readme "$ROOT/docs/development.md")
fi
for bench in "${benches[@]}"; do
    db="ecs_bench_${bench}_$$"
    dropdb --if-exists "$db" && createdb -T "$BASE" "$db"
    echo "[bench] $bench (scale $scale)"
    "$PY37" "$ROOT/bench/$bench.py" --db "$db" --sandbox-url "$SANDBOX_URL" \
        --out "$OUT/results.jsonl" --scale "$scale" ${BENCH_ARGS:-} 2>"$OUT/$bench.log" \
        || { tail -30 "$OUT/$bench.log"; [ -n "${BENCH_KEEP_DB:-}" ] && echo "[bench] kept $db"; exit 1; }
    dropdb --if-exists "$db"
done
dropdb --if-exists "$BASE"
"$PY37" "$ROOT/bench/report.py" "$OUT/results.jsonl" --scale "$scale" ${readme[@]+"${readme[@]}"}
