#!/usr/bin/env bash
# Regenerates po/sshwhy.pot from the sources and merges it into po/ja.po
# (new messages arrive untranslated; tests/check-po.sh then fails until
# they are translated). Run after changing a translatable message.
set -eu
cd "$(dirname "$0")/.."
xgettext --keyword=SW_ --keyword=SW_N_ --keyword=SW_NG_:1,2 --from-code=UTF-8 --language=C \
  --add-comments=TRANSLATORS --package-name=sshwhy --omit-header \
  --sort-by-file -o po/sshwhy.pot $(cat po/POTFILES)
msgmerge --quiet --update --backup=none --no-fuzzy-matching po/ja.po po/sshwhy.pot
