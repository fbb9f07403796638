/*
 * s0_i18n.c: language selection and message lookup. The language is one
 * process-wide value (like gettext's own state); in English every lookup
 * returns the msgid untouched, so the C locale costs nothing.
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "s0_common.h"
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

const char *
sw_trn(const char *msgid, const char *plural, unsigned long n)
{
	if (sw_cur_lang == SW_LANG_EN || !sw_catalog_bound)
		return n == 1 ? msgid : plural;
	return dngettext(SW_DOMAIN, msgid, plural, n);
}

static unsigned long sw_utf8_next(const unsigned char *p, size_t *len);
static int sw_cp_wide(unsigned long c);

size_t
sw_i18n_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = 0, n;

	while (*u != '\0') {
		w += sw_cp_wide(sw_utf8_next(u, &n)) ? 2 : 1;
		u += n;
	}
	return w;
}

/* One UTF-8 sequence at p: its code point (U+FFFD when invalid) and length. */
static unsigned long
sw_utf8_next(const unsigned char *p, size_t *len)
{
	unsigned long cp;
	size_t n, i;

	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	n = p[0] >= 0xf0 && p[0] < 0xf8 ? 4 : p[0] >= 0xe0 ? 3 :
	    p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	if (n == 0) {
		*len = 1;
		return 0xfffd;
	}
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*len = n;
	return cp;
}

/* East Asian wide and fullwidth ranges (the ones Japanese text uses). */
static int
sw_cp_wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6);
}

/* Kinsoku: marks that may not start a line, and ones that may not end one. */
static int
sw_cp_closing(unsigned long c)
{
	static const unsigned long set[] = {
		0x3001, 0x3002, 0xff0c, 0xff0e, 0xff09, 0x300d, 0x300f, 0x3011,
		0xff1a, 0xff1b, 0xff01, 0xff1f, 0x30fc, 0x30fb, 0x3009, 0x300b,
		0x3015, 0xff3d, 0xff5d, 0x3063, 0x30c3, 0x3083, 0x3085, 0x3087,
		0x30e3, 0x30e5, 0x30e7, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049,
	};
	size_t i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i] == c)
			return 1;
	return 0;
}

static int
sw_cp_opening(unsigned long c)
{
	return c == 0xff08 || c == 0x300c || c == 0x300e || c == 0x3010 ||
	    c == 0x3008 || c == 0x300a || c == 0x3014 || c == 0xff3b ||
	    c == 0xff5b;
}

/*
 * The next unbreakable unit in [p, end): an ASCII (non-wide) word, or one
 * wide character, with opening marks before it and closing marks after it
 * held on. *width is its display width; returns its byte length (> 0).
 */
static size_t
sw_wrap_unit(const char *p, const char *end, size_t *width)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, n, w = 0, max = (size_t)(end - p);
	unsigned long c;

#define SW_AT_WORD (i < max && u[i] != ' ' && u[i] != '\n' && u[i] != '\0')
	/* Opening marks cling to what follows (none is ASCII). */
	while (SW_AT_WORD && u[i] >= 0x80) {
		c = sw_utf8_next(u + i, &n);
		if (!sw_cp_opening(c) || i + n > max)
			break;
		i += n;
		w += 2;
	}
	if (SW_AT_WORD) {
		c = u[i] < 0x80 ? u[i] : sw_utf8_next(u + i, &n);
		if (c >= 0x80 && sw_cp_wide(c) && i + n <= max) {
			i += n;
			w += 2;
		} else {
			/* A word: up to a space or a wide character. */
			while (SW_AT_WORD) {
				if (u[i] < 0x80) {	/* one column, never wide */
					i++;
					w++;
					continue;
				}
				c = sw_utf8_next(u + i, &n);
				if (i + n > max)
					n = 1;
				else if (sw_cp_wide(c))
					break;
				i += n;
				w++;
			}
		}
	}
	/* Closing marks cling to what precedes (none is ASCII). */
	while (SW_AT_WORD && u[i] >= 0x80) {
		c = sw_utf8_next(u + i, &n);
		if (!sw_cp_closing(c) || i + n > max)
			break;
		i += n;
		w += 2;
	}
#undef SW_AT_WORD
	if (i == 0) {		/* a stray NUL: keep going */
		i = 1;
		w = 1;
	}
	*width = w;
	return i;
}

/* A new line indented by `indent` spaces. */
static void
sw_wrap_newline(struct sw_buf *b, size_t indent)
{
	static const char spaces[] = "                                ";

	sw_buf_addc(b, '\n');
	while (indent > 0) {
		size_t n = indent < sizeof(spaces) - 1 ? indent :
		    sizeof(spaces) - 1;
		sw_buf_add(b, spaces, n);
		indent -= n;
	}
}

size_t
sw_i18n_wrap(struct sw_buf *b, const char *text, size_t len, size_t col,
    size_t indent, size_t width)
{
	const char *p = text, *end = text + len;
	/* Words continue a line already begun as if after a space. */
	int space = col > indent;

	while (p < end) {
		size_t w, n;

		if (*p == ' ' || *p == '\n') {
			/* A blank line in the text starts a new paragraph. */
			if (p + 1 < end && p[0] == '\n' && p[1] == '\n') {
				sw_wrap_newline(b, indent);
				col = indent;
			}
			space = 1;
			p++;
			continue;
		}
		n = sw_wrap_unit(p, end, &w);
		if (col > indent && col + (space ? 1 : 0) + w > width) {
			sw_wrap_newline(b, indent);
			col = indent;
		} else if (col > indent && space) {
			sw_buf_addc(b, ' ');
			col++;
		}
		sw_buf_add(b, p, n);
		col += w;
		p += n;
		space = 0;
	}
	return col;
}
