/*
 * test_s5_fix.c: fix templates become prose and paste-safe commands; a
 * value that cannot be pasted safely withholds its command, with a reason.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <string.h>

#include "s5_fix.h"

static const struct {
	const char *value;
	size_t len;		/* 0: strlen */
	const char *why;	/* substring of the reason, NULL: safe */
} unsafe_cases[] = {
	{ "deploy", 0, NULL },
	{ "o'brien", 0, NULL },
	{ "$(reboot)", 0, NULL },
	{ "`id`;x||y&&z", 0, NULL },
	{ "Jürgen", 0, NULL },
	{ "ユーザー", 0, NULL },
	{ "root\0x", 6, "NUL" },
	{ "a\tb", 0, "control" },
	{ "a\nb", 0, "control" },
	{ "a\x7f", 0, "control" },
	{ "a\\x00", 0, "backslash" },
	{ "-d", 0, "starts with '-'" },
	{ "--help", 0, "starts with '-'" },
	{ "\xff\xfe", 0, "UTF-8" },
	{ "\xc0\xaf", 0, "UTF-8" },		/* overlong '/' */
	{ "\xed\xa0\x80", 0, "UTF-8" },		/* surrogate */
	{ "a\xe2\x80\xae" "b", 0, "invisible" },	/* U+202E RLO */
	{ "a\xe2\x80\xa8" "b", 0, "invisible" },	/* U+2028 */
	{ "a\xd8\x9c" "b", 0, "invisible" },		/* U+061C ALM */
	{ "a\xe2\x81\xa0" "b", 0, "invisible" },	/* U+2060 */
	{ "a\xe2\x80\x8b" "b", 0, "invisible" },	/* U+200B */
	{ "a\xef\xbb\xbf" "b", 0, "invisible" },	/* U+FEFF */
	{ "a\xc2\x85" "b", 0, "invisible" },		/* U+0085 NEL */
};

Test(fix, unsafe_values_are_named)
{
	size_t i;

	for (i = 0; i < sizeof(unsafe_cases) / sizeof(unsafe_cases[0]); i++) {
		size_t len = unsafe_cases[i].len ? unsafe_cases[i].len :
		    strlen(unsafe_cases[i].value);
		const char *why = sw_fix_unsafe(sw_span_make(
		    unsafe_cases[i].value, len));
		if (unsafe_cases[i].why == NULL)
			cr_expect_null(why, "case %zu: %s", i, why);
		else {
			cr_assert_not_null(why, "case %zu should be unsafe", i);
			cr_expect(strstr(why, unsafe_cases[i].why) != NULL,
			    "case %zu: %s", i, why);
		}
	}
	{
		char longname[300];
		memset(longname, 'a', sizeof(longname));
		cr_expect_null(sw_fix_unsafe(sw_span_make(longname, 256)));
		cr_expect_not_null(sw_fix_unsafe(sw_span_make(longname, 257)));
	}
}

static const struct {
	const char *in, *out;
} quote_cases[] = {
	{ "deploy", "deploy" },
	{ "a.b-c_d@e:f/g,h%i=j+k", "a.b-c_d@e:f/g,h%i=j+k" },
	{ "", "''" },
	{ "a b", "'a b'" },
	{ "o'brien", "'o'\\''brien'" },
	{ "';touch x;'", "''\\'';touch x;'\\'''" },
	{ "$(id)", "'$(id)'" },
	{ "*", "'*'" },
	{ "~root", "'~root'" },
};

Test(fix, shell_quote_table)
{
	size_t i;

	for (i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		struct sw_buf b;
		sw_buf_init(&b, 1024);
		sw_fix_shell_quote(&b, sw_span_make(quote_cases[i].in,
		    strlen(quote_cases[i].in)));
		cr_expect_str_eq(b.p ? b.p : "", quote_cases[i].out);
		sw_buf_free(&b);
	}
}

static struct sw_conn
conn_with_user(char *user)
{
	struct sw_conn c;

	memset(&c, 0, sizeof(c));
	c.host = "h";
	c.user = user;
	c.ip = (char *)"10.0.0.1";
	c.port = 22;
	return c;
}

Test(fix, prose_raw_commands_quoted_or_withheld)
{
	struct sw_fix fx;
	struct sw_conn c = conn_with_user((char *)"o'b");

	sw_fix_init(&fx);
	sw_fix_build(&fx, "Check {user} from {ip}: `passwd -S {user}`, then "
	    "`faillock --user {user}`.\n", &c, NULL);
	cr_assert_eq(fx.nparts, 9);
	cr_expect_eq(fx.part[0].kind, SW_FIX_PROSE);
	cr_expect_eq(fx.part[1].kind, SW_FIX_VALUE);
	cr_expect_eq(fx.part[2].kind, SW_FIX_PROSE);
	cr_expect_eq(fx.part[3].kind, SW_FIX_VALUE);
	cr_expect_eq(fx.part[5].kind, SW_FIX_COMMAND);
	cr_expect_eq(fx.part[7].kind, SW_FIX_COMMAND);
	cr_expect_eq(fx.part[8].kind, SW_FIX_PROSE);
	/* values in prose are raw, in commands quoted */
	cr_expect(fx.part[1].len == 3 &&
	    memcmp(fx.text.p + fx.part[1].off, "o'b", 3) == 0);
	cr_expect(fx.part[5].len == 18 && memcmp(fx.text.p + fx.part[5].off,
	    "passwd -S 'o'\\''b'", 18) == 0);
	/* the trailing newline of folded YAML is gone */
	cr_expect_eq(fx.part[8].len, 1);

	c = conn_with_user((char *)"-rf");
	sw_fix_build(&fx, "`passwd -S {user}` or `id`", &c, NULL);
	cr_assert_eq(fx.nparts, 3);
	cr_expect_eq(fx.part[0].kind, SW_FIX_WITHHELD);
	cr_expect(memmem(fx.text.p + fx.part[0].off, fx.part[0].len,
	    "{user}", 6) != NULL);
	cr_expect_eq(fx.part[2].kind, SW_FIX_COMMAND);
	sw_fix_free(&fx);
}

Test(fix, flatten_puts_commands_in_backticks)
{
	struct sw_fix fx;
	struct sw_buf b;
	struct sw_conn c = conn_with_user((char *)"bob");

	sw_fix_init(&fx);
	sw_buf_init(&b, 4096);
	sw_fix_build(&fx, "Run `chage -l {user}` now.", &c, NULL);
	sw_fix_flatten(&fx, &b);
	cr_expect_str_eq(b.p, "Run `chage -l bob` now.");
	sw_buf_free(&b);
	sw_fix_free(&fx);
}

/* The flattened fix of `tmpl` for user "bob", through the cache `fc` (or
 * sw_fix_build when fc is NULL). */
static void
flat_of(struct sw_fix_cache *fc, const char *tmpl, const char *user,
    char *out, size_t outlen)
{
	struct sw_fix fx;
	struct sw_buf b;
	char name[64];
	struct sw_conn c;

	snprintf(name, sizeof(name), "%s", user);
	c = conn_with_user(name);

	sw_fix_init(&fx);
	sw_buf_init(&b, 4096);
	if (fc != NULL)
		sw_fix_flatten(sw_fix_build_cached(fc, &fx, tmpl, &c, NULL), &b);
	else {
		sw_fix_build(&fx, tmpl, &c, NULL);
		sw_fix_flatten(&fx, &b);
	}
	snprintf(out, outlen, "%s", b.p ? b.p : "");
	sw_buf_free(&b);
	sw_fix_free(&fx);
}

/* Templates are compiled once and kept: the odd ones come out as written
 * (a lone brace, an unknown or over-long name, an unclosed backtick), the
 * second use of a cached template gives what the first gave, and a
 * template without placeholders is the same fix for every user. */
Test(fix, compiled_templates_keep_odd_text)
{
	static const struct { const char *tmpl, *bob, *alice; } cases[] = {
		{ "{user} then {", "bob then {", "alice then {" },
		/* A brace opens a name up to the next closing one. */
		{ "a { b {user} c}", "a { b {user} c}", "a { b {user} c}" },
		{ "{{user}} `id {user}`", "{{user}} `id bob`",
		    "{{user}} `id alice`" },
		{ "{nosuch} and {}", "{nosuch} and {}", "{nosuch} and {}" },
		{ "{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa} {user}",
		    "{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa} bob",
		    "{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa} alice" },
		{ "run `id {user}` and `unclosed {user}",
		    "run `id bob` and unclosed bob",
		    "run `id alice` and unclosed alice" },
		{ "`{user}`{port}", "`bob`22", "`alice`22" },
		{ "No values here: `systemctl reload ssh`.\n",
		    "No values here: `systemctl reload ssh`.",
		    "No values here: `systemctl reload ssh`." },
	};
	struct sw_fix_cache *fc = sw_fix_cache_new();
	char got[256], once[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		flat_of(NULL, cases[i].tmpl, "bob", once, sizeof(once));
		cr_expect_str_eq(once, cases[i].bob, "case %zu", i);
		flat_of(fc, cases[i].tmpl, "bob", got, sizeof(got));
		cr_expect_str_eq(got, cases[i].bob, "cached case %zu", i);
		flat_of(fc, cases[i].tmpl, "alice", got, sizeof(got));
		cr_expect_str_eq(got, cases[i].alice, "cached again %zu", i);
	}
	sw_fix_cache_free(fc);
}

/* A deferred fix is built by the first read, from the values given then,
 * and not again until the owner defers it anew. */
Test(fix, deferred_fix_is_built_when_read)
{
	struct sw_fix_cache *fc = sw_fix_cache_new();
	struct sw_fix fx;
	struct sw_fix_defer d;
	struct sw_buf b;
	struct sw_conn bob = conn_with_user((char *)"bob");
	struct sw_conn eve = conn_with_user((char *)"eve");
	const char *tmpl = "Check `id {user}`.";
	const struct sw_fix *got;

	sw_fix_init(&fx);
	fx.defer = &d;
	memset(&d, 0, sizeof(d));
	d.fx = &fx;
	sw_buf_init(&b, 4096);
	/* The first use compiles the template and builds at once. */
	got = sw_fix_build_deferred(fc, &fx, tmpl, &bob, NULL);
	cr_expect_eq(d.pending, 0);
	sw_fix_flatten(got, &b);
	cr_expect_str_eq(b.p, "Check `id bob`.");
	/* Later ones only remember what to build. */
	got = sw_fix_build_deferred(fc, &fx, tmpl, &eve, NULL);
	cr_expect_eq(d.pending, 1);
	cr_expect_eq(sw_fix_get(got), &fx);
	cr_expect_eq(d.pending, 0);
	sw_buf_reset(&b);
	sw_fix_flatten(got, &b);
	cr_expect_str_eq(b.p, "Check `id eve`.");
	sw_buf_free(&b);
	sw_fix_free(&fx);
	sw_fix_cache_free(fc);
}
