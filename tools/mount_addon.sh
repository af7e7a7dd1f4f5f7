#!/usr/bin/env bash
# Present the repository to Odoo as the addon `ecommerce_sync` in .run/addons.
# The addon folder holds one link per top-level entry of the repository, leaving out the
# hidden ones (.venv, .run, .git, ...): Odoo walks an addon's folder recursively (e.g. to
# export translations) and must not wander into the virtualenvs or into .run itself.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mount="$ROOT/.run/addons/ecommerce_sync"
[ -L "$mount" ] && rm -f "$mount"
mkdir -p "$mount"
find "$mount" -maxdepth 1 -type l ! -exec test -e {} \; -delete
for entry in "$ROOT"/*; do
    ln -sfn "$entry" "$mount/$(basename "$entry")"
done
