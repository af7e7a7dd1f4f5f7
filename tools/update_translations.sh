#!/usr/bin/env bash
# Re-export i18n/ecommerce_sync.pot from a fresh install and merge it into i18n/zh_CN.po.
# Odoo 11 exports only .po/.csv/.tgz, so the template is a .po exported without a language.
# New entries arrive untranslated (never msgstr = msgid, which would hide the gap).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_template_db nodemo
DB="ecs_i18n_$$"
fresh_db "$DB"
trap 'dropdb --if-exists "$DB"' EXIT
"$ROOT/tools/odoo.sh" -d "$DB" -i ecommerce_sync --stop-after-init --log-level=warn \
    --http-port="$(free_port)"
tmp="$(mktemp -d)"
"$ROOT/tools/odoo.sh" -d "$DB" --i18n-export="$tmp/ecommerce_sync.po" --modules=ecommerce_sync \
    --log-level=warn --http-port="$(free_port)"
mv "$tmp/ecommerce_sync.po" i18n/ecommerce_sync.pot
if [ -f i18n/zh_CN.po ]; then
    msgmerge --quiet --update --backup=none --no-fuzzy-matching i18n/zh_CN.po i18n/ecommerce_sync.pot
else
    sed -e 's/^"Language: \\n"/"Language: zh_CN\\n"/' i18n/ecommerce_sync.pot >i18n/zh_CN.po
fi
msgfmt --statistics -o /dev/null i18n/zh_CN.po
