#!/usr/bin/env bash
# Local rules (/etc/sshwhy/rules.d, here $SSHWHY_RULES_D) over the shipped
# set: a file with a shipped rule's name replaces it, a new name adds a
# rule, an empty file disables one; `rules test` tests the merged set and
# names where each local rule comes from. Also: a one-rule directory that
# `rules test` passes loads with --rules, and a cause without a ja: block
# fails `rules test`.
set -u
bin=$1; src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset SSHWHY_RULES LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8 TZ=UTC
sample=$src/samples/cases/vps-root-only-key-debug1.log
fail=0
check() {	# check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
run() {	# run OVERLAY ARGS...: sshwhy with the shipped rules and OVERLAY
  local d=$1; shift
  SSHWHY_RULES_D=$d "$bin" --rules "$src/rules" --year 2026 "$@"
}

# Without local rules the sample's cause is authorized-keys-missing.
mkdir "$tmp/none"
out=$(run "$tmp/none" -f json "$sample" 2>/dev/null)
check "shipped rules name authorized-keys-missing" grep -q '"cause":"authorized-keys-missing"' <<<"$out"

# Replace: the same file name with another title wins.
mkdir "$tmp/replace"
sed -e 's/^  title: The authorized_keys file does not exist$/  title: LOCAL missing-file title/' \
    -e 's/^    title: "authorized_keys ファイルが存在しない"$/    title: "ローカルの題"/' \
    "$src/rules/could-not-open-authorized-keys.yaml" > "$tmp/replace/could-not-open-authorized-keys.yaml"
out=$(run "$tmp/replace" "$sample" 2>/dev/null)
check "a local file replaces the shipped rule" grep -q 'LOCAL missing-file title' <<<"$out"
out=$(run "$tmp/replace" --lang ja "$sample" 2>/dev/null)
check "the replacement's ja: block is used in Japanese" grep -q 'ローカルの題' <<<"$out"
out=$(run "$tmp/replace" rules test)
check "rules test passes the merged set" test $? -eq 0
check "rules test names the replacing file" grep -q "local rule could-not-open-authorized-keys: $tmp/replace/could-not-open-authorized-keys.yaml (replaces the shipped rule)" <<<"$out"
nship=$(( $(ls "$src"/rules/*.yaml | wc -l) - 1 ))
check "rules test counts shipped and local rules" grep -qE "^$nship rules from .*, 1 local from $tmp/replace, 0 disabled$" <<<"$out"

# Disable: an empty file of the same name removes the rule.
mkdir "$tmp/disable"
: > "$tmp/disable/could-not-open-authorized-keys.yaml"
out=$(run "$tmp/disable" -f json "$sample" 2>/dev/null)
check "an empty local file disables the rule" bash -c '! grep -q authorized-keys-missing <<<"$1" && grep -q "\"cause\":\"unknown-key\"" <<<"$1"' _ "$out"
out=$(run "$tmp/disable" rules test)
check "rules test names the disabled rule" grep -q "disabled rule could-not-open-authorized-keys: $tmp/disable/could-not-open-authorized-keys.yaml is empty" <<<"$out"
check "rules test counts $nship rules" grep -qE "^$nship rules, " <<<"$out"

# Add: a new name adds a rule (here for a line no shipped rule knows).
mkdir "$tmp/add"
cat > "$tmp/add/local-trying-key-file.yaml" <<'YAML'
id: local-trying-key-file
meaning: info
priority: 0
level: DEBUG1
patterns:
  - '^debug1: trying public key file (?<path>.+)$'
examples:
  - line: 'Nov 25 01:53:16 lab sshd[1195]: debug1: trying public key file /home/u/.ssh/authorized_keys'
    captures: { path: /home/u/.ssh/authorized_keys }
YAML
out=$(run "$tmp/add" rules test)
rc=$?
# The shipped debug-trying-public-key-file rule knows this line too: one
# line, two rules, so the merged set must fail on the overlap.
check "rules test fails an added rule that overlaps a shipped one" test $rc -ne 0
check "rules test names the added file" grep -q "local rule local-trying-key-file: $tmp/add/local-trying-key-file.yaml (added)" <<<"$out"
: > "$tmp/add/debug-trying-public-key-file.yaml"
out=$(run "$tmp/add" rules test)
check "with the shipped one disabled, the added rule passes" test $? -eq 0
out=$(run "$tmp/add" -f json "$sample" 2>/dev/null)
check "the added rule matches in the analysis" grep -q '"rule":"local-trying-key-file"' <<<"$out"

# A cause without a ja: block fails rules test (and only rules test).
mkdir "$tmp/noja"
cat > "$tmp/noja/local-cause.yaml" <<'YAML'
id: local-cause
meaning: cause
priority: 50
level: INFO
patterns:
  - '^Local test refusal for (?<user>\S+)$'
cause:
  id: local-cause
  title: A local cause
  explanation: Written by a local rule.
  fix: Nothing.
examples:
  - 'Local test refusal for bob'
YAML
out=$(run "$tmp/noja" rules test)
check "a cause without ja: fails rules test" test $? -eq 1
check "rules test says which cause lacks ja:" grep -q "local-cause.yaml: cause 'local-cause' has no ja: block" <<<"$out"
out=$(run "$tmp/noja" "$sample" 2>/dev/null)
check "the analysis still runs with it" test $? -eq 0

# A one-rule directory: rules test passes it, and --rules loads it.
mkdir "$tmp/one"
cp "$src/rules/failed-publickey.yaml" "$tmp/one/"
out=$("$bin" rules test "$tmp/one")
check "rules test passes a one-rule directory" test $? -eq 0
out=$("$bin" --rules "$tmp/one" --year 2026 -f json "$sample" 2>"$tmp/err")
check "--rules loads a one-rule directory" test $? -eq 0
check "and reports the failure by its one rule" grep -q '"cause":"unknown-key"' <<<"$out"
check "and warns that the inferred causes are missing" grep -q "the rules define no cause 'undetermined'" "$tmp/err"
exit $fail
