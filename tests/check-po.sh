#!/usr/bin/env bash
# Every translatable message in the sources (po/POTFILES) has a Japanese
# translation in po/ja.po, none is fuzzy, and msgfmt --check (format
# strings agree) accepts the catalog. After changing a message: po/update.sh,
# then translate what it reports.
set -eu
src=$1
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --keyword=SW_ --keyword=SW_N_ --keyword=SW_NG_:1,2 --from-code=UTF-8 --language=C \
  --omit-header -o "$tmp/sshwhy.pot" $(cat po/POTFILES)
msgfmt --check -o /dev/null po/ja.po
# Merge the fresh template: anything new shows up untranslated.
msgmerge --quiet --no-fuzzy-matching -o "$tmp/ja.po" po/ja.po "$tmp/sshwhy.pot"
stats=$(msgfmt --statistics -o /dev/null "$tmp/ja.po" 2>&1)
echo "po/ja.po: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy --no-wrap "$tmp/ja.po" 2>/dev/null | grep '^msgid' || true
    msgattrib --untranslated --no-wrap "$tmp/ja.po" | grep '^msgid' | head -20
    echo "po/ja.po lacks translations: run po/update.sh and translate them"
    exit 1;;
esac
