/* Unit tests for stage 3: loading rules (errors named precisely) and
 * matching (captures, hostile user names, PCRE2 limits). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rules_fixture.h"
#include "s3_match.h"
#include "s3_rules.h"

struct bad_case {
	const char *yaml;
	const char *expect;	/* substring of the diagnostic */
};

static const struct bad_case bad_cases[] = {
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['(unclosed']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f}\nexamples: ['x']\n",
	  "r.yaml:5: error: field 'patterns': PCRE2 error at offset 9: missing closing parenthesis" },
	{ "id: other\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n",
	  "field 'id': 'other' does not match the file name" },
	{ "id: r\nmeaning: sometimes\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n",
	  "r.yaml:2: error: field 'meaning': 'sometimes' is not one of" },
	{ "id: r\nmeaning: info\npriority: 101\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n",
	  "r.yaml:3: error: field 'priority': must be an integer from 0 to 100" },
	{ "id: r\nmeaning: info\npriority: 1\nlevel: LOUD\npatterns: ['^x']\nexamples: ['x']\n",
	  "field 'level': 'LOUD' is not an sshd LogLevel" },
	{ "id: r\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^x']\n",
	  "field 'examples': at least one example line is required" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n",
	  "field 'cause': a rule with meaning 'cause' or 'dropped' must name its cause" },
	{ "id: r\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\ncolour: red\n",
	  "r.yaml:7: error: unknown field 'colour'" },
	{ "id: r\nmeaning: [info\n", "r.yaml:3: error: YAML:" },
	/* the translation block: all of title, explanation and fix */
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f, ja: {title: T, explanation: E}}\n"
	  "examples: ['x']\n",
	  "field 'cause.ja': 'fix' missing" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f, ja: {title: T, explanation: E, fix: F, note: N}}\n"
	  "examples: ['x']\n",
	  "field 'cause.ja': unknown field 'note'" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f, ja: just text}\n"
	  "examples: ['x']\n",
	  "field 'cause.ja': must be a mapping" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f, ja: {title: '', explanation: E, fix: F}}\n"
	  "examples: ['x']\n",
	  "field 'cause.ja': 'title' is empty" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "cause: {id: c, title: t, explanation: e, fix: f, fr: {title: T, explanation: E, fix: F}}\n"
	  "examples: ['x']\n",
	  "field 'cause': unknown field 'fr'" },
	/* D9 (issue 13): duplicate keys are refused, not last-one-wins. */
	{ "id: r\nid: r\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n",
	  "r.yaml:2: error: duplicate key 'id' (first at line 1)" },
	{ "id: r\nmeaning: cause\npriority: 1\nlevel: INFO\npatterns: ['^x']\nexamples: ['x']\n"
	  "cause: {id: c, title: t, title: u, explanation: e, fix: f}\n",
	  "r.yaml:7: error: field 'cause': duplicate key 'title' (first at line 7)" },
	{ "id: r\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^(?<user>x)']\n"
	  "examples: [{line: x, captures: {user: x, user: y}}]\n",
	  "field 'captures': duplicate key 'user'" },
	{ "id: r\nmeaning: info\npriority: 1\nlevel: INFO\npatterns: ['^x']\n"
	  "examples: [{line: x, line: y}]\n",
	  "field 'examples': duplicate key 'line'" },
};

/* A cause's words follow the language; English when it has no ja: block. */
Test(rules, cause_text_follows_the_language)
{
	static const struct fixture_file f[] = {
		{ "a.yaml", "id: a\nmeaning: cause\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^a$']\ncause:\n  id: ca\n  title: Title A\n"
		  "  explanation: Expl A\n  fix: Fix {user}\n  ja:\n"
		  "    title: \"題A\"\n    explanation: 説明A\n    fix: \"対処 {user}\"\n"
		  "examples: ['a']\n" },
		{ "b.yaml", "id: b\nmeaning: cause\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^b$']\ncause: {id: cb, title: Title B, "
		  "explanation: Expl B, fix: Fix B}\nexamples: ['b']\n" },
	};
	char *dir = fixture_rules(f, 2);
	struct sw_diag *d = sw_diag_new(stderr, 100);
	struct sw_rules *rs = sw_rules_load(dir, d);
	const struct sw_cause *a, *b;

	cr_assert_not_null(rs);
	a = sw_rule_cause(sw_rules_find_cause(rs, "ca"));
	b = sw_rule_cause(sw_rules_find_cause(rs, "cb"));
	cr_expect(sw_cause_has_lang(a, SW_LANG_JA));
	cr_expect(!sw_cause_has_lang(b, SW_LANG_JA));
	sw_lang_set(SW_LANG_JA);
	cr_expect_str_eq(sw_cause_title(a), "題A");
	cr_expect_str_eq(sw_cause_explanation(a), "説明A");
	cr_expect_str_eq(sw_cause_fix(a), "対処 {user}");
	cr_expect_str_eq(sw_cause_title(b), "Title B");
	sw_lang_set(SW_LANG_EN);
	cr_expect_str_eq(sw_cause_title(a), "Title A");
	cr_expect_str_eq(sw_cause_fix(a), "Fix {user}");
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

/* Local rules: replace by name, add, disable with an empty file. */
Test(rules, overlay_replaces_adds_and_disables)
{
	static const struct fixture_file base[] = {
		{ "a.yaml", "id: a\nmeaning: info\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^a$']\nexamples: ['a']\n" },
		{ "b.yaml", "id: b\nmeaning: info\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^b$']\nexamples: ['b']\n" },
		{ "c.yaml", "id: c\nmeaning: info\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^c$']\nexamples: ['c']\n" },
	};
	static const struct fixture_file local[] = {
		{ "a.yaml", "id: a\nmeaning: info\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^A$']\nexamples: ['A']\n" },
		{ "b.yaml", "" },
		{ "d.yaml", "id: d\nmeaning: info\npriority: 1\nlevel: INFO\n"
		  "patterns: ['^d$']\nexamples: ['d']\n" },
		{ "notes.txt", "not a rule" },
	};
	char *bdir = fixture_rules(base, 3), *ldir = fixture_rules(local, 4);
	struct sw_diag *d = sw_diag_new(stderr, 100);
	struct sw_rules *rs = sw_rules_load_merged(bdir, ldir, d);

	cr_assert_not_null(rs);
	cr_assert_eq(sw_rules_count(rs), 3);
	cr_expect_str_eq(sw_rule_id(sw_rules_get(rs, 0)), "a");
	cr_expect_eq(sw_rule_origin(sw_rules_get(rs, 0)), SW_ORIGIN_REPLACED);
	cr_expect(strstr(sw_rule_file(sw_rules_get(rs, 0)), ldir) != NULL);
	cr_expect_str_eq(sw_rule_id(sw_rules_get(rs, 1)), "c");
	cr_expect_eq(sw_rule_origin(sw_rules_get(rs, 1)), SW_ORIGIN_SHIPPED);
	cr_expect_str_eq(sw_rule_id(sw_rules_get(rs, 2)), "d");
	cr_expect_eq(sw_rule_origin(sw_rules_get(rs, 2)), SW_ORIGIN_ADDED);
	cr_expect_eq(sw_rules_ndisabled(rs), 1);
	cr_expect_str_eq(sw_rules_disabled(rs, 0), "b");
	sw_rules_free(rs);
	/* A missing overlay directory is no overlay; a NULL one too. */
	rs = sw_rules_load_merged(bdir, "/nonexistent/sshwhy/rules.d", d);
	cr_assert_not_null(rs);
	cr_expect_eq(sw_rules_count(rs), 3);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(bdir);
	fixture_cleanup(ldir);
}

Test(rules, invalid_files_are_refused_with_file_line_and_field)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct fixture_file f = { "r.yaml", bad_cases[i].yaml };
		char *dir = fixture_rules(&f, 1);
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		struct sw_diag *d = sw_diag_new(mem, 100);
		struct sw_rules *rs = sw_rules_load(dir, d);

		fclose(mem);
		cr_expect_null(rs, "case %zu loaded", i);
		cr_expect(strstr(buf, bad_cases[i].expect) != NULL,
		    "case %zu: '%s' not in '%s'", i, bad_cases[i].expect, buf);
		sw_rules_free(rs);
		sw_diag_free(d);
		free(buf);
		fixture_cleanup(dir);
	}
}

/* Runs the loader over one generated file; returns its stderr and the
 * number of lines in it. */
static char *
load_one(const char *name, const char *yaml, int *nlines)
{
	struct fixture_file f = { name, yaml };
	char *dir = fixture_rules(&f, 1);
	char *buf = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&buf, &len);
	struct sw_diag *d = sw_diag_new(mem, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);

	fclose(mem);
	cr_expect_null(rs);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
	*nlines = 0;
	for (i = 0; i < len; i++)
		*nlines += buf[i] == '\n';
	return buf;
}

/* D13 (issue 13): 10 000 extra examples give one line with the count, not
 * one line each; a flood of unknown keys is cut after 20 with a count. */
Test(rules, too_many_entries_are_reported_once_with_the_count)
{
	struct sw_buf y;
	char *out;
	int n, i;

	sw_buf_init(&y, 0);
	sw_buf_adds(&y, "id: r\nmeaning: info\npriority: 1\nlevel: INFO\n"
	    "patterns: ['^x']\nexamples:\n");
	for (i = 0; i < 10000; i++)
		sw_buf_addf(&y, "  - 'x %d'\n", i);
	out = load_one("r.yaml", y.p, &n);
	cr_expect_eq(n, 2, "%d lines: %s", n, out);
	cr_expect(strstr(out, "10000 more lines make 10000 examples; at most 64") != NULL, "%s", out);
	free(out);

	sw_buf_reset(&y);
	sw_buf_adds(&y, "id: r\nmeaning: info\npriority: 1\nlevel: INFO\n"
	    "patterns: ['^x']\nexamples: [x]\n");
	for (i = 0; i < 5000; i++)
		sw_buf_addf(&y, "k%d: v\n", i);
	out = load_one("r.yaml", y.p, &n);
	cr_expect_eq(n, 21, "%d lines", n);
	cr_expect(strstr(out, "4980 more errors in this file not shown") != NULL, "%s", out);
	free(out);
	sw_buf_free(&y);
}

/* A rule "file" that is a directory, and one over 1 MiB, get a clear
 * message instead of "YAML: input error". */
Test(rules, directory_and_oversized_rule_files_are_named)
{
	char *dir = fixture_rules(NULL, 0);
	char *sub = NULL, *buf = NULL, *big;
	size_t len = 0;
	FILE *mem, *fp;
	struct sw_diag *d;
	struct sw_rules *rs;

	sub = sw_xasprintf("%s/x.yaml", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	mem = open_memstream(&buf, &len);
	d = sw_diag_new(mem, 10);
	rs = sw_rules_load(dir, d);
	fclose(mem);
	cr_expect_null(rs);
	cr_expect(strstr(buf, "x.yaml: error: not a regular file") != NULL, "%s", buf);
	free(buf);
	sw_diag_free(d);
	rmdir(sub);
	fp = fopen(sub, "w");
	cr_assert_not_null(fp);
	big = calloc(1, 4096);
	memset(big, '#', 4095);
	for (int i = 0; i < 300; i++)
		fprintf(fp, "%s\n", big);
	fclose(fp);
	free(big);
	buf = NULL;
	mem = open_memstream(&buf, &len);
	d = sw_diag_new(mem, 10);
	rs = sw_rules_load(dir, d);
	fclose(mem);
	cr_expect_null(rs);
	cr_expect(strstr(buf, "1228800 bytes; a rule file may have at most 1048576") != NULL, "%s", buf);
	free(buf);
	sw_diag_free(d);
	free(sub);
	fixture_cleanup(dir);
}

/* D10 (issue 13): `rules test` plants an address in every example's user
 * name; a rule that takes the address from a tail one sshd version does not
 * write (the legacy "Too many authentication failures for USER") fails. */
Test(rules, selftest_plants_an_address_in_user_names)
{
	struct fixture_file fs[] = {
		{ "legacy.yaml", "id: legacy\nmeaning: close\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Too many for (?<user>.*) from (?<ip>[0-9.]+) port (?<port>\\d+) ssh2$',"
		  " '^Too many for (?<user>.*)$']\n"
		  "examples: [{line: 'Too many for root', captures: {user: root}}]\n" },
	};
	struct fixture_file good = { "legacy.yaml",
		  "id: legacy\nmeaning: close\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Too many for (?<user>.*) from (?<claimed_ip>[0-9.]+) port (?<claimed_port>\\d+) ssh2$',"
		  " '^Too many for (?<user>.*)$']\n"
		  "examples: [{line: 'Too many for root', captures: {user: root}}]\n" };
	char *dir = fixture_rules(fs, 1);
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	unsigned checked = 0, fails;

	cr_assert_not_null(rs);
	fails = sw_rules_selftest(rs, mem, &checked);
	fclose(mem);
	cr_expect_eq(fails, 1, "%u failures: %s", fails, buf);
	cr_expect(strstr(buf, "a user name ending in ' from 6.6.6.6 port 6666 ssh2' sets the address") != NULL, "%s", buf);
	free(buf);
	sw_rules_free(rs);
	fixture_cleanup(dir);

	dir = fixture_rules(&good, 1);
	rs = sw_rules_load(dir, d);
	cr_assert_not_null(rs);
	cr_expect_eq(sw_rules_selftest(rs, stderr, &checked), 0);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

static struct sw_rules *
load_core(char **dir)
{
	struct sw_diag *d = sw_diag_new(stderr, 100);
	struct sw_rules *rs;

	*dir = fixture_rules(core_rules, sizeof(core_rules) / sizeof(core_rules[0]));
	rs = sw_rules_load(*dir, d);
	sw_diag_free(d);
	cr_assert_not_null(rs);
	return rs;
}

static enum sw_status
match_msg(struct sw_matcher *m, const char *msg, struct sw_event *ev,
    struct sw_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->message = rec->raw = sw_span_make(msg, strlen(msg));
	return sw_match_record(m, rec, ev);
}

Test(match, hostile_user_cannot_spoof_address)
{
	char *dir;
	struct sw_rules *rs = load_core(&dir);
	struct sw_matcher *m = sw_matcher_new(rs, NULL);
	struct sw_event ev;
	struct sw_record rec;

	cr_assert_eq(match_msg(m, "Failed password for x from 6.6.6.6 port 22 ssh2 "
	    "from 203.0.113.9 port 4000 ssh2", &ev, &rec), SW_OK);
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_IP], "203.0.113.9"));
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_PORT], "4000"));
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_USER],
	    "x from 6.6.6.6 port 22 ssh2"));
	/* A cause phrase inside a user name is not a cause line. */
	cr_expect_eq(match_msg(m, "Invalid user Authentication refused: bad "
	    "ownership or modes for directory /x from 1.2.3.4 port 5", &ev, &rec),
	    SW_ERR_NOMATCH);
	sw_matcher_free(m);
	sw_rules_free(rs);
	fixture_cleanup(dir);
}

Test(match, preauth_condition_and_duplicate_names)
{
	char *dir;
	struct sw_rules *rs = load_core(&dir);
	struct sw_matcher *m = sw_matcher_new(rs, NULL);
	struct sw_event ev;
	struct sw_record rec;

	cr_assert_eq(match_msg(m, "Connection closed by invalid user admin "
	    "1.2.3.4 port 5 [preauth]", &ev, &rec), SW_OK);
	cr_expect(ev.preauth);
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_USER], "admin"));
	cr_expect(ev.cap[SW_CAP_INVALID].len > 0);
	/* Same text without [preauth] (versions and relays that drop it):
	 * no rule takes it as written, so it is read as the close. */
	cr_expect_eq(match_msg(m, "Connection closed by invalid user admin "
	    "1.2.3.4 port 5", &ev, &rec), SW_OK);
	cr_expect(!ev.preauth);
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_USER], "admin"));
	cr_expect_eq(match_msg(m, "Authentication refused: bad ownership or "
	    "modes for file /h/.ssh/authorized_keys [preauth]", &ev, &rec),
	    SW_ERR_NOMATCH);
	sw_matcher_free(m);
	sw_rules_free(rs);
	fixture_cleanup(dir);
}

/* sshd added and dropped "error: " and "fatal: " over the versions. */
Test(match, optional_error_and_fatal_prefixes)
{
	char *dir;
	struct sw_rules *rs = load_core(&dir);
	struct sw_matcher *m = sw_matcher_new(rs, NULL);
	struct sw_event ev;
	struct sw_record rec;
	const char *line;

	/* The rule wants "error: ": the line lacks it. */
	line = "maximum authentication attempts exceeded for bob from "
	    "1.2.3.4 port 5 ssh2 [preauth]";
	cr_assert_eq(match_msg(m, line, &ev, &rec), SW_OK);
	cr_expect_str_eq(sw_rule_id(ev.rule), "maxtries");
	/* Captures point into the line itself, not into a copy. */
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_USER], "bob"));
	cr_expect(ev.cap[SW_CAP_USER].p == line + 45);
	cr_expect(sw_span_eq_str(ev.cap[SW_CAP_IP], "1.2.3.4"));
	/* The rule has no prefix: the line has one. */
	line = "fatal: Failed password for bob from 1.2.3.4 port 5 ssh2";
	cr_assert_eq(match_msg(m, line, &ev, &rec), SW_OK);
	cr_expect_str_eq(sw_rule_id(ev.rule), "failedpw");
	cr_expect(ev.cap[SW_CAP_USER].p == line + 27);
	/* Other prefixes are not variants. */
	cr_expect_eq(match_msg(m, "warning: Failed password for bob from "
	    "1.2.3.4 port 5 ssh2", &ev, &rec), SW_ERR_NOMATCH);
	sw_matcher_free(m);
	sw_rules_free(rs);
	fixture_cleanup(dir);
}

Test(match, pcre2_limits_stop_catastrophic_patterns)
{
	struct fixture_file f = { "evil.yaml",
	    "id: evil\nmeaning: info\npriority: 0\nlevel: INFO\n"
	    "patterns: ['^(a+)+$']\nexamples: ['aa']\n" };
	char *dir = fixture_rules(&f, 1);
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	struct sw_match_limits lim = { 10000, 100, 1024 };
	struct sw_matcher *m;
	struct sw_event ev;
	struct sw_record rec;
	char msg[41];

	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, &lim);
	memset(msg, 'a', sizeof(msg) - 1);
	msg[sizeof(msg) - 2] = 'b';
	msg[sizeof(msg) - 1] = '\0';
	cr_expect_eq(match_msg(m, msg, &ev, &rec), SW_ERR_MATCHLIMIT);
	cr_expect_eq(sw_match_stats(m)->limit_hits, 1);
	sw_matcher_free(m);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

/* D8 (issue 13): the summary counts lines a limit stopped, not patterns.
 * Two catastrophic patterns stop one line: two PCRE2 calls, one line; a
 * line that another rule matches after a limit is not counted. */
Test(match, limit_counter_counts_lines_not_patterns)
{
	struct fixture_file fs[] = {
		{ "evil.yaml", "id: evil\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^(a+)+$', '^(aa|a)+$']\nexamples: ['aa']\n" },
		{ "plain.yaml", "id: plain\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^a+d$']\nexamples: ['ad']\n" },
	};
	char *dir = fixture_rules(fs, 2);
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	struct sw_match_limits lim = { 10000, 100, 1024 };
	struct sw_matcher *m;
	struct sw_event ev;
	struct sw_record rec;
	char msg[41];

	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, &lim);
	memset(msg, 'a', sizeof(msg) - 1);
	msg[sizeof(msg) - 2] = 'b';
	msg[sizeof(msg) - 1] = '\0';
	cr_expect_eq(match_msg(m, msg, &ev, &rec), SW_ERR_MATCHLIMIT);
	cr_expect_eq(sw_match_stats(m)->limit_hits, 2);
	cr_expect_eq(sw_match_stats(m)->limit_lines, 1);
	msg[sizeof(msg) - 2] = 'd';
	cr_expect_eq(match_msg(m, msg, &ev, &rec), SW_OK);
	cr_expect_eq(sw_match_stats(m)->limit_lines, 1);
	sw_matcher_free(m);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

Test(rules, selftest_catches_ambiguity_and_wrong_captures)
{
	struct fixture_file fs[] = {
		{ "a.yaml", "id: a\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Failed (?<user>\\S+)']\n"
		  "examples: [{line: 'Failed bob', captures: {user: alice}}]\n" },
		{ "b.yaml", "id: b\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Failed']\nexamples: ['Failed x']\n"
		  "not_matching: ['Failed y']\n" },
	};
	char *dir = fixture_rules(fs, 2);
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	unsigned checked = 0, fails;

	cr_assert_not_null(rs);
	fails = sw_rules_selftest(rs, mem, &checked);
	fclose(mem);
	cr_expect_eq(checked, 3);
	/* a: wrong capture + also matches b; b: also matches a; not_matching hit */
	cr_expect_eq(fails, 4, "%s", buf);
	cr_expect(strstr(buf, "capture 'user' is 'bob', expected 'alice'") != NULL);
	cr_expect(strstr(buf, "also matches rule b") != NULL);
	cr_expect(strstr(buf, "not_matching line matches rule b") != NULL);
	free(buf);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

struct shape_case {
	const char *msg;
	const char *shape;
};

static const struct shape_case shape_cases[] = {
	{ "Bad packet length 1234567.", "Bad packet length N." },
	{ "error: kex_exchange_identification: client sent invalid protocol identifier \"GET / HTTP/1.1\" [preauth]",
	  "error: kex_exchange_identification: client sent invalid protocol identifier 'S' [preauth]" },
	{ "Failed unknown for bob from 10.1.2.3 port 4444 ssh2", "Failed unknown for U from N.N.N.N port N sshN" },
	{ "debug1: key blob AAAAC3NzaC1lZDI1NTE5AAAAIDRT/qs0rqy", "debugN: key blob X" },
};

Test(match, unmatched_lines_group_by_shape)
{
	struct sw_shapes *t = sw_shapes_new(2);
	struct sw_record rec;
	const struct sw_shape *v;
	size_t i, n;
	uint64_t other;

	for (i = 0; i < sizeof(shape_cases) / sizeof(shape_cases[0]); i++) {
		struct sw_buf b;
		sw_buf_init(&b, 0);
		sw_shape_of(&b, sw_span_make(shape_cases[i].msg, strlen(shape_cases[i].msg)));
		cr_expect_str_eq(b.p, shape_cases[i].shape, "case %zu", i);
		sw_buf_free(&b);
	}
	memset(&rec, 0, sizeof(rec));
	rec.origin = "a.log";
	rec.message = SW_SPAN_LIT("Bad packet length 1.");
	rec.lineno = 7;
	sw_shapes_add(t, &rec);
	rec.message = SW_SPAN_LIT("Bad packet length 22.");
	sw_shapes_add(t, &rec);
	rec.message = SW_SPAN_LIT("Corrupted MAC on input.");
	sw_shapes_add(t, &rec);
	rec.message = SW_SPAN_LIT("third shape over the ceiling");
	sw_shapes_add(t, &rec);
	v = sw_shapes_sorted(t, &n, &other);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(v[0].shape, "Bad packet length N.");
	cr_expect_eq(v[0].count, 2);
	cr_expect_eq(v[0].lineno, 7);
	cr_expect_eq(other, 1);
	/* Adding after sorting still finds the existing shape. */
	rec.message = SW_SPAN_LIT("Corrupted MAC on input.");
	sw_shapes_add(t, &rec);
	v = sw_shapes_sorted(t, &n, &other);
	cr_expect_eq(v[0].count + v[1].count, 4);
	sw_shapes_free(t);
}

/*
 * Dispatch before regex never changes a result: every sshd message of the
 * committed samples, as it is and behind "error: ", "fatal: ", "debug1: ",
 * gets the same rule and captures through dispatch as when every pattern
 * is tried in rule order.
 */
static unsigned
dispatch_check_file(struct sw_matcher *m, const char *path, unsigned *matched)
{
	static const char *const pre[] = { "", "error: ", "fatal: ", "debug1: " };
	FILE *fp = fopen(path, "r");
	char line[8192], msg[8300];
	unsigned n = 0;
	size_t k;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = strstr(line, "]: ");
		size_t len;
		if (p == NULL)
			continue;
		p += 3;
		len = strcspn(p, "\r\n");
		p[len] = '\0';
		for (k = 0; k < 4; k++) {
			struct sw_record r1, r2;
			struct sw_event e1, e2;
			enum sw_status s1, s2;
			size_t c;
			snprintf(msg, sizeof(msg), "%s%s", pre[k], p);
			memset(&r1, 0, sizeof(r1));
			r1.message = r1.raw = sw_span_make(msg, strlen(msg));
			r2 = r1;
			s1 = sw_match_record(m, &r1, &e1);
			s2 = sw_match_record_all(m, &r2, &e2);
			cr_assert_eq(s1, s2, "%s: %s", path, msg);
			n++;
			if (s1 != SW_OK)
				continue;
			(*matched)++;
			cr_assert_eq(e1.rule, e2.rule, "%s: %s", path, msg);
			for (c = 0; c < SW_CAP_COUNT_; c++)
				cr_assert(sw_span_eq(e1.cap[c], e2.cap[c]), "%s", msg);
		}
	}
	fclose(fp);
	return n;
}

Test(match, dispatch_gives_the_result_of_trying_every_pattern)
{
	static const char *const files[] = {
		"samples/lab/info.log", "samples/lab/verbose.log",
		"samples/lab/debug.log", "samples/debug3/auth.log",
		"samples/hostile/auth.log",
	};
	struct sw_diag *d = sw_diag_new(stderr, 100);
	struct sw_rules *rs = sw_rules_load(SW_TEST_SOURCE_DIR "/rules", d);
	struct sw_matcher *m;
	unsigned n = 0, matched = 0;
	size_t i;
	char path[1024];

	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, NULL);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", SW_TEST_SOURCE_DIR,
		    files[i]);
		n += dispatch_check_file(m, path, &matched);
	}
	/* The samples are there and many of their lines are known. */
	cr_assert_gt(n, 10000);
	cr_assert_gt(matched, 1000);
	sw_matcher_free(m);
	sw_rules_free(rs);
	sw_diag_free(d);
}

/*
 * The literal prefilter (docs/rules.md, "Dispatch"): a pattern reaches
 * PCRE2 only when the message holds the literals every match holds, in
 * order. It must never cost a match: each message gets the same answer as
 * pure PCRE2 (sw_match_record_all), and the messages that cannot match
 * are turned away without a pcre2_match.
 */
Test(match, literal_prefilter_never_loses_a_match)
{
	struct fixture_file fs[] = {
		{ "alt.yaml", "id: alt\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^(?:error: )?Gone from (?<ip>[0-9.]+) port "
		  "(?<port>\\d+):(?:(?<code>14): (?<r>.*)|(?<code>\\d+): "
		  "(?<r>(?:.*: )?Auth (?:fail|cancel)))$']\n"
		  "examples: ['Gone from 1.2.3.4 port 5:14: bye']\n" },
		{ "opt.yaml", "id: opt\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Odd (?:word )?x+y{2}z(?=ab)(?!zz)(?<g>abd)+[c\\]]\\.(?#note)end$']\n"
		  "examples: ['Odd xxyyzabdabdc.end']\n" },
		{ "posix.yaml", "id: posix\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['^Posix [[:digit:]x]+ (?:alpha|beta) done$']\n"
		  "examples: ['Posix 12 beta done']\n" },
		{ "mid.yaml", "id: mid\nmeaning: info\npriority: 0\nlevel: INFO\n"
		  "patterns: ['(?<path>\\S+): tried (?:this|that) key']\n"
		  "examples: ['/x: tried this key']\n" },
	};
	static const struct { const char *msg; int match, skipped; } cases[] = {
		{ "Gone from 1.2.3.4 port 5:14: bye", 1, 0 },
		{ "error: Gone from 1.2.3.4 port 5:3: x: Auth fail", 1, 0 },
		{ "Gone from 1.2.3.4 port 5:11: bye", 0, 1 },	/* no "14: ", "Auth " */
		{ "Gone from 1.2.3.4: 14: bye", 0, 1 },		/* no " port " */
		{ "Gone from 1.2.3.4 port 5:11: Auth x", 0, 0 },	/* PCRE2 says no */
		{ "Odd xxyyzabdabdc.end", 1, 0 },
		{ "Odd word xyyzabd].end", 1, 0 },
		{ "Odd xyyzabc.end", 0, 1 },			/* no "abd" */
		{ "Odd xyzabd].end", 0, 0 },			/* one y: PCRE2 */
		{ "Odd xyyzabd].en", 0, 1 },			/* no ".end" */
		{ "Posix 1x2 alpha done", 1, 0 },
		{ "Posix 12 gamma done", 0, 1 },		/* no alpha, beta */
		{ "/etc/k: tried that key", 1, 0 },
		{ "/etc/k: tried them key", 0, 1 },		/* unkeyed too */
		{ "/etc/k: tried key that", 0, 1 },		/* out of order */
	};
	char *dir = fixture_rules(fs, sizeof(fs) / sizeof(fs[0]));
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	struct sw_matcher *m;
	size_t i;

	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sw_record r1, r2;
		struct sw_event e1, e2;
		uint64_t tried = sw_match_stats(m)->tried;
		enum sw_status s1 = match_msg(m, cases[i].msg, &e1, &r1);
		uint64_t used = sw_match_stats(m)->tried - tried;
		size_t k;

		r2 = r1;
		cr_expect_eq(s1 == SW_OK, cases[i].match, "%s", cases[i].msg);
		cr_expect_eq(sw_match_record_all(m, &r2, &e2), s1, "%s",
		    cases[i].msg);
		if (cases[i].skipped)
			cr_expect_eq(used, 0, "%s reached PCRE2", cases[i].msg);
		if (s1 != SW_OK)
			continue;
		cr_expect_eq(e1.nnamed, e2.nnamed);
		for (k = 0; k < e1.nnamed; k++) {
			cr_expect_str_eq(e1.named[k].name, e2.named[k].name);
			cr_expect(sw_span_eq(e1.named[k].value, e2.named[k].value));
		}
	}
	sw_matcher_free(m);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}

/* The named captures of duplicate names: one entry per name, the first
 * set group's value, in PCRE2's name-table order. */
Test(match, duplicate_names_give_one_entry_each)
{
	struct fixture_file f = { "dup.yaml",
	    "id: dup\nmeaning: info\npriority: 0\nlevel: INFO\n"
	    "patterns: ['^x (?:(?<b>1)(?<a>q)|(?<a>\\d)(?<b>r)) (?<c>\\S+)$']\n"
	    "examples: ['x 7r z']\n" };
	char *dir = fixture_rules(&f, 1);
	struct sw_diag *d = sw_diag_new(stderr, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	struct sw_matcher *m;
	struct sw_event ev;
	struct sw_record rec;

	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, NULL);
	cr_assert_eq(match_msg(m, "x 7r zz", &ev, &rec), SW_OK);
	cr_assert_eq(ev.nnamed, 3);
	cr_expect_str_eq(ev.named[0].name, "a");
	cr_expect(sw_span_eq_str(ev.named[0].value, "7"));
	cr_expect_str_eq(ev.named[1].name, "b");
	cr_expect(sw_span_eq_str(ev.named[1].value, "r"));
	cr_expect_str_eq(ev.named[2].name, "c");
	cr_expect(sw_span_eq_str(sw_event_named(&ev, "c"), "zz"));
	sw_matcher_free(m);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
}
