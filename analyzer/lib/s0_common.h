/*
 * s0_common.h: what every stage shares: the status enum, the x-alloc family
 * (dies on out-of-memory or overflow), spans over untrusted bytes, a growable
 * byte buffer with a ceiling, and the diagnostics sink for bad input.
 * Stage 0: includes nothing from the project.
 */
#ifndef SW_S0_COMMON_H
#define SW_S0_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SW_VERSION "0.1.0"

/* One status enum for the whole library; sw_strerror() names each. */
enum sw_status {
	SW_OK = 0,
	SW_EOF,			/* no more data: not an error */
	SW_ERR_IO,		/* read or open failed; errno-based text in the diag */
	SW_ERR_CORRUPT,		/* input bytes malformed (truncated archive, ...) */
	SW_ERR_LIMIT,		/* a ceiling was hit */
	SW_ERR_PARSE,		/* a line or record does not parse */
	SW_ERR_RULE,		/* a rule file is invalid */
	SW_ERR_NOMATCH,		/* a pattern did not match */
	SW_ERR_MATCHLIMIT,	/* PCRE2 gave up: match, depth or heap limit */
	SW_ERR_USAGE,		/* bad argument from the caller */
	SW_ERR_UNSUPPORTED,	/* input kind this build cannot read */
};

const char *sw_strerror(enum sw_status st);

/* Allocation: every function dies with a message on failure or overflow. */
void *sw_xmalloc(size_t n);
void *sw_xcalloc(size_t nmemb, size_t size);
void *sw_xreallocarray(void *p, size_t nmemb, size_t size);
char *sw_xstrdup(const char *s);
char *sw_xstrndup(const char *s, size_t n);
char *sw_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A span of untrusted bytes: never assumed NUL-terminated, may contain any
 * byte. Borrowed: the owner of the bytes says how long they live.
 */
struct sw_span {
	const char *p;
	size_t len;
};

#define SW_SPAN_LIT(s) ((struct sw_span){ (s), sizeof(s) - 1 })

static inline struct sw_span
sw_span_make(const char *p, size_t len)
{
	struct sw_span s = { p, len };
	return s;
}

/* Inline: on every line's path, and a literal argument folds to a
 * constant-length compare. */
static inline int
sw_span_eq(struct sw_span a, struct sw_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline int
sw_span_eq_str(struct sw_span a, const char *s)
{
	return sw_span_eq(a, sw_span_make(s, strlen(s)));
}

static inline int
sw_span_starts_with(struct sw_span a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.p, prefix, n) == 0;
}

static inline int
sw_span_ends_with(struct sw_span a, const char *suffix)
{
	size_t n = strlen(suffix);
	return a.len >= n && memcmp(a.p + a.len - n, suffix, n) == 0;
}

/* Parses an unsigned decimal of at most 19 digits; 0 on success. */
int sw_span_to_u64(struct sw_span s, uint64_t *out);
/* Copy into a new NUL-terminated string (embedded NULs are kept). */
char *sw_span_dup(struct sw_span s);

/*
 * Growable buffer with a ceiling. Appends past the ceiling are cut and
 * counted in `truncated`; the buffer is always NUL-terminated.
 */
struct sw_buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;		/* 0 means SW_BUF_DEFAULT_MAX */
	int truncated;
};

#define SW_BUF_DEFAULT_MAX ((size_t)64 << 20)

void sw_buf_init(struct sw_buf *b, size_t max);
void sw_buf_free(struct sw_buf *b);
void sw_buf_reset(struct sw_buf *b);
/* Growing, cutting at max: the slow half of sw_buf_add. */
void sw_buf_add_grow(struct sw_buf *b, const void *p, size_t n);
/* n bytes; inline while they fit (reports add text in small pieces). */
static inline void
sw_buf_add(struct sw_buf *b, const void *p, size_t n)
{
	if (n > 0 && n < b->cap - b->len && b->max != 0 &&
	    n <= b->max - b->len) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
		return;
	}
	sw_buf_add_grow(b, p, n);
}
/* One byte; inline while there is room (reports add text byte by byte). */
static inline void
sw_buf_addc(struct sw_buf *b, char c)
{
	if (b->len + 1 < b->cap && b->len < b->max) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return;
	}
	sw_buf_add_grow(b, &c, 1);
}
/* Room for n more bytes without growing (b->p + b->len); -1 past max. */
int sw_buf_reserve(struct sw_buf *b, size_t n);
/* A C string (its length known at compile time for a literal). */
static inline void
sw_buf_adds(struct sw_buf *b, const char *s)
{
	sw_buf_add(b, s, strlen(s));
}
/* A number in decimal ("%llu"), n spaces ("%*s" of ""): no printf. */
void sw_buf_add_u64(struct sw_buf *b, uint64_t v);
void sw_buf_add_spaces(struct sw_buf *b, size_t n);
/* A time as RFC 3339 in its own offset ("2026-01-01T00:00:01Z",
 * "...T10:00:00.250000+09:00"): the bytes of s2's
 * sw_format_time_rfc3339, without printf (the writers call it per record). */
void sw_buf_add_rfc3339(struct sw_buf *b, int64_t time_us, int utc_off_min);
void sw_buf_addf(struct sw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes the bytes out (caller frees); the buffer is empty afterwards. */
char *sw_buf_steal(struct sw_buf *b);

/*
 * Diagnostics for bad input: never fatal. Each message names the origin
 * (file, member, line or offset) and why. Only the first few messages per
 * origin are printed; the rest are counted and summarised by
 * sw_diag_finish(). `partial` records that some input was skipped, which
 * the CLI turns into its exit status.
 */
struct sw_diag;

enum sw_diag_kind {
	SW_DIAG_WARNING,	/* worth knowing; nothing was lost */
	SW_DIAG_SKIPPED,	/* some input was not analysed */
	SW_DIAG_ERROR,		/* an input could not be read at all */
};

/* `out` may be NULL to only count (tests). Borrowed; must outlive diag. */
struct sw_diag *sw_diag_new(FILE *out, unsigned per_origin_max);
void sw_diag_free(struct sw_diag *d);
/* Quiet: warnings are counted but not printed (skips and errors are). */
void sw_diag_set_quiet(struct sw_diag *d, int quiet);
void sw_diag_printf(struct sw_diag *d, enum sw_diag_kind kind,
    const char *origin, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void sw_diag_vprintf(struct sw_diag *d, enum sw_diag_kind kind,
    const char *origin, uint64_t line, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
/* Prints "N more messages about FILE" lines for suppressed ones. */
void sw_diag_finish(struct sw_diag *d);
unsigned long sw_diag_count(const struct sw_diag *d, enum sw_diag_kind kind);
int sw_diag_partial(const struct sw_diag *d);
/* The last message text, for tests; borrowed until the next call. */
const char *sw_diag_last(const struct sw_diag *d);

/*
 * A recording sink (--threads): a reading thread must not print, so its
 * input and format stages get a diag that only keeps each message (kind,
 * origin, line, text). The main thread takes them out and replays them
 * into the real diag where a single-threaded run would have printed them,
 * so the per-origin limits, counts and partial flag come out the same.
 */
struct sw_diag_msg {
	enum sw_diag_kind kind;
	char *origin;		/* NULL when the message had none */
	uint64_t line;
	char *text;		/* formatted, cut as sw_diag_vprintf cuts it */
};
struct sw_diag *sw_diag_new_recorder(void);
size_t sw_diag_nrecorded(const struct sw_diag *d);
/* Moves the recorded messages out (*n of them; NULL when none). */
struct sw_diag_msg *sw_diag_take(struct sw_diag *d, size_t *n);
void sw_diag_replay(struct sw_diag *d, const struct sw_diag_msg *m, size_t n);
void sw_diag_msgs_free(struct sw_diag_msg *m, size_t n);

/*
 * One small hash table for the whole library (connections, noise history,
 * shapes): open addressing with linear probing over (hash, item) pairs,
 * grown by doubling at half load; deletion shifts the run back, so there
 * are no tombstones. Items are the caller's; the table never frees them.
 * Callers bound the number of items (each table has its own ceiling).
 */
struct sw_hslot {
	uint64_t hash;
	void *item;		/* NULL: empty */
};

struct sw_htab {
	struct sw_hslot *s;
	size_t cap;		/* a power of two, or 0 before the first put */
	size_t n;
};

/* FNV-1a over bytes, then mixed so the low bits are usable. */
uint64_t sw_hash_bytes(const void *p, size_t n);
uint64_t sw_hash_mix(uint64_t h);

void sw_htab_init(struct sw_htab *t);
void sw_htab_free(struct sw_htab *t);
/* The first item with this hash for which eq(item, key) is true, or NULL. */
void *sw_htab_find(const struct sw_htab *t, uint64_t hash,
    int (*eq)(const void *item, const void *key), const void *key);
void sw_htab_put(struct sw_htab *t, uint64_t hash, void *item);
/* Removes this very item (compared by address); 1 if it was there. */
int sw_htab_del(struct sw_htab *t, uint64_t hash, const void *item);

/*
 * Proleptic Gregorian calendar arithmetic (H. Hinnant's algorithms), so
 * time conversion needs neither timegm nor the process time zone.
 */
int64_t sw_days_from_civil(int64_t y, int m, int d);
void sw_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/*
 * Escaping untrusted bytes for output. Terminal/Markdown: control bytes,
 * DEL, C1 controls, invalid UTF-8 and every invisible or bidi code point
 * (zero-width, LRM/RLM/ALM, U+2028/2029, bidi embeddings, overrides and
 * isolates, word joiner, BOM, tags) become visible escapes (\t, \xNN,
 * \u{NNNN}). JSON: a valid JSON string body; invalid
 * UTF-8 bytes become the six characters "\\xNN" so nothing is lost.
 */
void sw_escape_text(struct sw_buf *out, struct sw_span s);
/*
 * Length of the valid UTF-8 sequence at p (1..4, n bytes left), or 0 if
 * the bytes there are not valid UTF-8 (overlongs, surrogates and
 * > U+10FFFF are invalid); *cp receives the code point. The one decoder
 * every escaper and the fix-command check use.
 */
size_t sw_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);
/* Code points that hide, join or reorder text without showing (C1,
 * bidi, zero-width, separators, tags...): escaped or refused everywhere. */
int sw_cp_dangerous(uint32_t c);
/*
 * Markdown inline text: sw_escape_text, then Markdown punctuation and
 * entities (`&...;`) backslash-escaped, and `@`, `www.` and `://` put in
 * code spans so no renderer makes a mention or a link of them.
 */
void sw_escape_markdown(struct sw_buf *out, struct sw_span s);
void sw_escape_json(struct sw_buf *out, struct sw_span s);

#endif
