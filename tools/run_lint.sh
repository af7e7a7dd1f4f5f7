#!/usr/bin/env bash
# Lint as OCA does for 11.0: flake8 (.flake8), pylint with pylint-odoo (.pylintrc) and a
# licence header matching the manifest's licence in every Python file
# (tools/add_licence_headers.py adds the missing ones). Prints every finding; exits 1 when
# there is any. Files may be given to lint only those (default: every *.py of the repo).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
LINT_BIN="$ROOT/.venv311/bin"
[ -x "$LINT_BIN/pylint" ] && [ -x "$LINT_BIN/flake8" ] \
    || { echo "flake8/pylint missing: run tools/setup_env.sh"; exit 1; }

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(find . -name '*.py' -not -path './.*' -not -path '*/__pycache__/*' \
        | sed 's#^\./##' | sort)
fi
# Command-line programs (not loaded by Odoo) talk to their user on stdout.
scripts=() addon=()
for f in "${files[@]}"; do
    case "$f" in
        tools/*|bench/*|soak/*|sandbox/*|browser_tests/*) scripts+=("$f") ;;
        *) addon+=("$f") ;;
    esac
done

status=0
echo "-- flake8"
"$LINT_BIN/flake8" "${files[@]}" || status=1
echo "-- pylint-odoo"
if [ ${#addon[@]} -gt 0 ]; then
    "$LINT_BIN/pylint" --rcfile="$ROOT/.pylintrc" "${addon[@]}" || status=1
fi
if [ ${#scripts[@]} -gt 0 ]; then
    "$LINT_BIN/pylint" --rcfile="$ROOT/.pylintrc" --disable=print-used "${scripts[@]}" || status=1
fi
echo "-- licence headers"
"$PY311" "$ROOT/tools/add_licence_headers.py" --check "${files[@]}" || status=1
[ $status -eq 0 ] && echo "lint: no findings"
exit $status
