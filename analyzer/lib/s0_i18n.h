/*
 * s0_i18n.h: the report language. English or Japanese, chosen from
 * LANGUAGE / LC_ALL / LC_MESSAGES / LANG (whether or not that locale is
 * generated on the machine) or set by --lang; messages go through gettext
 * (domain "sshwhy", po/ja.po), and rule texts pick their `ja:` block.
 * Stage 0: includes nothing from the project.
 */
#ifndef SW_S0_I18N_H
#define SW_S0_I18N_H

#include <stddef.h>

enum sw_lang {
	SW_LANG_EN = 0,
	SW_LANG_JA,
	SW_LANG_COUNT_
};

/*
 * "ja", "ja_JP", "ja_JP.UTF-8", "ja_JP.eucJP@x" -> JA; "en*", "C", "POSIX",
 * "C.UTF-8" -> EN. 0 and *out set, or -1 for a language sshwhy lacks.
 */
int sw_lang_parse(const char *name, enum sw_lang *out);

/*
 * The language the environment asks for: the first known entry of
 * LANGUAGE (a colon list), else the first set of LC_ALL, LC_MESSAGES,
 * LANG. An explicit C or POSIX locale means English, as in gettext.
 */
enum sw_lang sw_lang_from_env(void);

/* The process-wide language (default English), and its code ("en", "ja"). */
void sw_lang_set(enum sw_lang l);
enum sw_lang sw_lang_get(void);
const char *sw_lang_code(enum sw_lang l);

/*
 * Binds the message catalog in `localedir` (borrowed; may be NULL for the
 * system default) for the current language, UTF-8 output. Japanese works
 * without a generated ja_JP locale: LC_MESSAGES falls back to C.UTF-8 and
 * LANGUAGE names the catalog. Call once, from the CLI, after sw_lang_set.
 */
void sw_i18n_init(const char *localedir);

/* msgid translated into the current language (msgid itself in English or
 * when the catalog has none). The result is static: never free it. */
const char *sw_tr(const char *msgid) __attribute__((format_arg(1)));

/* Singular or plural of a message with a count (gettext's ngettext). */
const char *sw_trn(const char *msgid, const char *plural, unsigned long n)
    __attribute__((format_arg(1), format_arg(2)));

/* Display columns of UTF-8 text: wide (CJK) characters count two. */
size_t sw_i18n_width(const char *s);

/*
 * Appends `len` bytes of `text` (already escaped for the terminal) to b,
 * wrapping at `width` display columns with continuation lines indented by
 * `indent` spaces; `col` is the column the output is at (text continuing a
 * line gets a space first). Breaks at spaces, and between Japanese (CJK)
 * characters, which have no spaces, counting them two columns wide; a
 * closing mark (、。」）) never starts a line and an opening one (「（)
 * never ends one. "\n\n" starts a new paragraph. No trailing newline.
 * Returns the column after the text. For ASCII text this is the classic
 * greedy word wrap.
 */
struct sw_buf;
size_t sw_i18n_wrap(struct sw_buf *b, const char *text, size_t len,
    size_t col, size_t indent, size_t width);

#define SW_(s) sw_tr(s)
#define SW_N_(s) (s)
#define SW_NG_(s, p, n) sw_trn((s), (p), (n))

#endif
