/*
 * s5_fix.h: stage 5, a cause's fix template filled in with one
 * connection's values, as prose and shell commands kept apart.
 *
 * In a template, text between backticks is a shell command. A value from
 * the log inside a command is shell-quoted here, once, and writers print
 * the command as it is (never escaped again: escaping an already quoted
 * value is what let `'\''` close the quote). A value that cannot be carried
 * safely in a command that a person pastes (control or invisible
 * characters, invalid UTF-8, a backslash, a leading '-', over 256 bytes)
 * withholds the whole command: the part becomes SW_FIX_WITHHELD with a note
 * saying why. A value in prose is a part of its own (SW_FIX_VALUE, raw
 * bytes), so each writer can escape or mark it for its format (Markdown
 * makes it a code span: no link, mention or entity can form). Includes
 * stages 0-4.
 */
#ifndef SW_S5_FIX_H
#define SW_S5_FIX_H

#include "s0_common.h"
#include "s4_correlate.h"

enum sw_fix_kind {
	SW_FIX_PROSE,		/* the template's words (trusted) */
	SW_FIX_VALUE,		/* a value from the log inside prose, raw */
	SW_FIX_COMMAND,		/* one shell command, safe to paste as is */
	SW_FIX_WITHHELD,	/* a note in place of an unsafe command */
};

struct sw_fix_part {
	enum sw_fix_kind kind;
	size_t off, len;	/* a span of sw_fix.text */
};

#define SW_FIX_MAX_PARTS 48
/* Longest value a command may carry. */
#define SW_FIX_MAX_VALUE 256

struct sw_fix_defer;
struct sw_fix_tmpl;

struct sw_fix {
	struct sw_buf text;	/* the parts back to back, no backticks */
	size_t nparts;
	struct sw_fix_part part[SW_FIX_MAX_PARTS];
	/* Not built yet when defer->pending (sw_fix_build_deferred): read a
	 * fix that may be deferred through sw_fix_get(). */
	struct sw_fix_defer *defer;
};

/* What a deferred fix is built from, owned with the fix (see below). */
struct sw_fix_defer {
	struct sw_fix *fx;
	const struct sw_fix_tmpl *t;
	const struct sw_conn *c;
	const struct sw_evidence *e;
	int pending;
};

void sw_fix_init(struct sw_fix *fx);
void sw_fix_free(struct sw_fix *fx);
void sw_fix_reset(struct sw_fix *fx);

/*
 * Fills `fx` (reset first) from `tmpl` with values from the evidence line
 * `e` (its named captures; may be NULL) and the connection: {user}, {ip},
 * {host}, {port}, {method}. An unknown {name} stays as written.
 */
void sw_fix_build(struct sw_fix *fx, const char *tmpl,
    const struct sw_conn *c, const struct sw_evidence *e);

/*
 * Templates compiled once, by address (a rule set's fix texts, which must
 * outlive the cache); at most SW_FIX_CACHE_MAX, further ones are compiled
 * each time. Same result as sw_fix_build; returns `fx`, or for a template
 * with no placeholder a fix built once and owned by the cache.
 */
#define SW_FIX_CACHE_MAX 4096
struct sw_fix_cache;
struct sw_fix_cache *sw_fix_cache_new(void);
void sw_fix_cache_free(struct sw_fix_cache *fc);
const struct sw_fix *sw_fix_build_cached(struct sw_fix_cache *fc,
    struct sw_fix *fx, const char *tmpl, const struct sw_conn *c,
    const struct sw_evidence *e);

/*
 * As sw_fix_build_cached, but only remembers what to build: the fix is
 * built by the first sw_fix_get() (most findings of a scan are counted,
 * never shown). `fx->defer` must be set up by the owner (defer->fx == fx);
 * c and e must stay valid until the owner clears defer->pending.
 */
const struct sw_fix *sw_fix_build_deferred(struct sw_fix_cache *fc,
    struct sw_fix *fx, const char *tmpl, const struct sw_conn *c,
    const struct sw_evidence *e);
/* The fix, built now if it was deferred. */
const struct sw_fix *sw_fix_get(const struct sw_fix *fx);

static inline struct sw_span
sw_fix_span(const struct sw_fix *fx, size_t i)
{
	return sw_span_make(fx->text.p + fx->part[i].off, fx->part[i].len);
}

/* The whole fix as one string, commands between backticks (JSON "fix"). */
void sw_fix_flatten(const struct sw_fix *fx, struct sw_buf *out);

/*
 * Why `v` cannot go into a pasted command, or NULL when it can. The
 * reason is a static string ("it holds a control character", ...).
 */
const char *sw_fix_unsafe(struct sw_span v);

/* Appends `v` quoted for a POSIX shell: as is when every byte is plain
 * ([A-Za-z0-9._/:@+,%=-]), else in single quotes with ' as '\''. */
void sw_fix_shell_quote(struct sw_buf *out, struct sw_span v);

#endif
