/* Unit tests for the language module: choosing the language from the
 * environment, and wrapping Japanese text (no spaces, double width). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "s0_common.h"
#include "s0_i18n.h"

struct parse_case {
	const char *name;
	int ok;
	enum sw_lang lang;
};

static const struct parse_case parse_cases[] = {
	{ "ja", 1, SW_LANG_JA }, { "ja_JP", 1, SW_LANG_JA },
	{ "ja_JP.UTF-8", 1, SW_LANG_JA }, { "ja_JP.eucJP", 1, SW_LANG_JA },
	{ "ja_JP@euro", 1, SW_LANG_JA }, { "en", 1, SW_LANG_EN },
	{ "en_US.UTF-8", 1, SW_LANG_EN }, { "C", 1, SW_LANG_EN },
	{ "C.UTF-8", 1, SW_LANG_EN }, { "POSIX", 1, SW_LANG_EN },
	{ "de_DE.UTF-8", 0, SW_LANG_EN }, { "jam", 0, SW_LANG_EN },
	{ "", 0, SW_LANG_EN }, { "j", 0, SW_LANG_EN },
};

Test(i18n, language_names)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		enum sw_lang l = SW_LANG_COUNT_;
		int rc = sw_lang_parse(parse_cases[i].name, &l);
		cr_expect_eq(rc == 0, parse_cases[i].ok, "%s", parse_cases[i].name);
		if (parse_cases[i].ok)
			cr_expect_eq(l, parse_cases[i].lang, "%s", parse_cases[i].name);
	}
}

struct env_case {
	const char *language, *lc_all, *lc_messages, *lang;
	enum sw_lang want;
};

static const struct env_case env_cases[] = {
	{ NULL, NULL, NULL, "ja_JP.UTF-8", SW_LANG_JA },
	{ NULL, NULL, "ja_JP.UTF-8", "en_US.UTF-8", SW_LANG_JA },
	{ NULL, "en_US.UTF-8", "ja_JP.UTF-8", "ja_JP.UTF-8", SW_LANG_EN },
	{ "ja", NULL, NULL, "en_US.UTF-8", SW_LANG_JA },
	{ "fr:ja:en", NULL, NULL, "en_US.UTF-8", SW_LANG_JA },
	{ "en:ja", NULL, NULL, "ja_JP.UTF-8", SW_LANG_EN },
	/* gettext ignores LANGUAGE under an explicit C locale */
	{ "ja", "C", NULL, NULL, SW_LANG_EN },
	{ "ja", NULL, NULL, NULL, SW_LANG_JA },
	{ "", NULL, NULL, "ja_JP", SW_LANG_JA },
	{ NULL, NULL, NULL, "de_DE.UTF-8", SW_LANG_EN },
	{ NULL, NULL, NULL, NULL, SW_LANG_EN },
};

static void
set_or_unset(const char *var, const char *val)
{
	if (val != NULL)
		setenv(var, val, 1);
	else
		unsetenv(var);
}

Test(i18n, language_from_environment)
{
	size_t i;

	for (i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
		set_or_unset("LANGUAGE", env_cases[i].language);
		set_or_unset("LC_ALL", env_cases[i].lc_all);
		set_or_unset("LC_MESSAGES", env_cases[i].lc_messages);
		set_or_unset("LANG", env_cases[i].lang);
		cr_expect_eq(sw_lang_from_env(), env_cases[i].want, "case %zu", i);
	}
}

Test(i18n, english_is_untouched)
{
	sw_lang_set(SW_LANG_EN);
	cr_expect_str_eq(sw_tr("Try 'sshwhy --help'.\n"), "Try 'sshwhy --help'.\n");
	cr_expect_str_eq(sw_lang_code(SW_LANG_JA), "ja");
}

/* Text continuing a line: a space first, and the column comes back. */
Test(i18n, wrap_continues_a_line)
{
	struct sw_buf b;
	size_t col;

	sw_buf_init(&b, 4096);
	col = sw_i18n_wrap(&b, "aaa", 3, 0, 0, 10);
	cr_expect_eq(col, 3);
	col = sw_i18n_wrap(&b, "bbb ccc", 7, col, 0, 10);
	cr_expect_str_eq(b.p, "aaa bbb\nccc");
	cr_expect_eq(col, 3);
	/* only len bytes are read */
	sw_buf_reset(&b);
	col = sw_i18n_wrap(&b, "あいう", 6, 4, 2, 40);
	cr_expect_str_eq(b.p, " あい");
	cr_expect_eq(col, 9);
	sw_buf_free(&b);
}

Test(i18n, width_and_plurals)
{
	cr_expect_eq(sw_i18n_width("user"), 4);
	cr_expect_eq(sw_i18n_width("ユーザー"), 8);
	cr_expect_eq(sw_i18n_width("鍵 key"), 6);
	sw_lang_set(SW_LANG_EN);
	cr_expect_str_eq(sw_trn("%lu login", "%lu logins", 1), "%lu login");
	cr_expect_str_eq(sw_trn("%lu login", "%lu logins", 2), "%lu logins");
	cr_expect_str_eq(sw_trn("%lu login", "%lu logins", 0), "%lu logins");
}

struct wrap_case {
	const char *text;
	size_t indent, width;
	const char *want;
};

static const struct wrap_case wrap_cases[] = {
	/* ASCII: the classic greedy word wrap */
	{ "aaa bbb ccc", 0, 7, "aaa bbb\nccc" },
	{ "aaa  bbb\nccc", 2, 9, "aaa bbb\n  ccc" },
	{ "one\n\ntwo", 2, 40, "one\n  two" },
	/* Japanese: breaks between characters, two columns each */
	{ "あいうえお", 0, 6, "あいう\nえお" },
	/* a closing mark stays with the character before it */
	{ "あい、うえ", 0, 4, "あ\nい、\nうえ" },
	/* an opening mark stays with the character after it */
	{ "あ「い」う", 0, 4, "あ\n「い」\nう" },
	/* an ASCII word inside Japanese is never split */
	{ "あsshdい", 0, 5, "あ\nsshd\nい" },
	/* the space before an ASCII word is kept on one line, dropped at a break */
	{ "鍵 authorized_keys に", 0, 20, "鍵 authorized_keys\nに" },
	/* invalid UTF-8 bytes count as narrow characters and are kept */
	{ "\xff\xfe ab", 0, 3, "\xff\xfe\nab" },
};

Test(i18n, wrap)
{
	size_t i;

	for (i = 0; i < sizeof(wrap_cases) / sizeof(wrap_cases[0]); i++) {
		struct sw_buf b;
		sw_buf_init(&b, 4096);
		sw_i18n_wrap(&b, wrap_cases[i].text, strlen(wrap_cases[i].text),
		    wrap_cases[i].indent, wrap_cases[i].indent,
		    wrap_cases[i].width);
		cr_expect_str_eq(b.p ? b.p : "", wrap_cases[i].want, "case %zu", i);
		sw_buf_free(&b);
	}
}
