/*
 * s0_i18n.c: language selection and message lookup. The language is one
 * process-wide value (like gettext's own state); in English every lookup
 * returns the msgid untouched, so the C locale costs nothing.
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "s0_i18n.h"

#define SW_DOMAIN "sshwhy"

static enum sw_lang sw_cur_lang = SW_LANG_EN;
static int sw_catalog_bound;

static const char *const sw_lang_codes[SW_LANG_COUNT_] = { "en", "ja" };

int
sw_lang_parse(const char *name, enum sw_lang *out)
{
	size_t n;

	if (name == NULL || *name == '\0')
		return -1;
	/* The language part: up to '_', '.', '@' or '-'. */
	n = strcspn(name, "_.@-");
	if (strcmp(name, "POSIX") == 0 || (n == 1 && name[0] == 'C')) {
		*out = SW_LANG_EN;
		return 0;
	}
	if (n == 2 && strncmp(name, "en", 2) == 0) {
		*out = SW_LANG_EN;
		return 0;
	}
	if (n == 2 && strncmp(name, "ja", 2) == 0) {
		*out = SW_LANG_JA;
		return 0;
	}
	return -1;
}

static int
sw_is_c_locale(const char *v)
{
	return strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0;
}

enum sw_lang
sw_lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *loc = NULL, *language = getenv("LANGUAGE");
	enum sw_lang l;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && loc == NULL; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			loc = v;
	}
	if (loc != NULL && sw_is_c_locale(loc))
		return SW_LANG_EN;
	if (language != NULL && *language != '\0') {
		char item[64];
		const char *p = language;
		while (*p != '\0') {
			size_t n = strcspn(p, ":");
			if (n > 0 && n < sizeof(item)) {
				memcpy(item, p, n);
				item[n] = '\0';
				if (sw_lang_parse(item, &l) == 0)
					return l;
			}
			p += n;
			if (*p == ':')
				p++;
		}
	}
	if (loc != NULL && sw_lang_parse(loc, &l) == 0)
		return l;
	return SW_LANG_EN;
}

void
sw_lang_set(enum sw_lang l)
{
	sw_cur_lang = l < SW_LANG_COUNT_ ? l : SW_LANG_EN;
}

enum sw_lang
sw_lang_get(void)
{
	return sw_cur_lang;
}

const char *
sw_lang_code(enum sw_lang l)
{
	return l < SW_LANG_COUNT_ ? sw_lang_codes[l] : "en";
}

void
sw_i18n_init(const char *localedir)
{
	const char *got;

	if (sw_cur_lang == SW_LANG_EN)
		return;
	/*
	 * Only LC_MESSAGES: LC_TIME or LC_CTYPE would change how log lines
	 * are parsed. gettext ignores LANGUAGE under the C locale, and fails
	 * to set a locale that is not generated; C.UTF-8 is built into glibc.
	 */
	got = setlocale(LC_MESSAGES, "");
	if (got == NULL || sw_is_c_locale(got))
		(void)setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", sw_lang_code(sw_cur_lang), 1);
	if (localedir != NULL)
		bindtextdomain(SW_DOMAIN, localedir);
	bind_textdomain_codeset(SW_DOMAIN, "UTF-8");
	sw_catalog_bound = 1;
}

const char *
sw_tr(const char *msgid)
{
	if (sw_cur_lang == SW_LANG_EN || !sw_catalog_bound || msgid == NULL ||
	    *msgid == '\0')
		return msgid;
	return dgettext(SW_DOMAIN, msgid);
}
