/*
 * s0_common.c: status names, checked allocation, spans, bounded buffers,
 * the diagnostics sink and output escaping. Out-of-memory is the one fatal
 * condition; bad input is always a diagnostic.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>	/* sw_ascii_run: 16 bytes a step */
#endif

#include "s0_common.h"

const char *
sw_strerror(enum sw_status st)
{
	switch (st) {
	case SW_OK:			return "success";
	case SW_EOF:			return "end of input";
	case SW_ERR_IO:			return "read error";
	case SW_ERR_CORRUPT:		return "corrupt input";
	case SW_ERR_LIMIT:		return "limit exceeded";
	case SW_ERR_PARSE:		return "does not parse";
	case SW_ERR_RULE:		return "invalid rule";
	case SW_ERR_NOMATCH:		return "no match";
	case SW_ERR_MATCHLIMIT:		return "pattern match limit reached";
	case SW_ERR_USAGE:		return "invalid argument";
	case SW_ERR_UNSUPPORTED:	return "not supported by this build";
	}
	return "unknown status";
}

static void
sw_oom(size_t n)
{
	fprintf(stderr, "sshwhy: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *
sw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		sw_oom(n);
	return p;
}

void *
sw_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		sw_oom(nmemb * size);
	return p;
}

void *
sw_xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q;

	if (size != 0 && nmemb > SIZE_MAX / size) {
		fprintf(stderr, "sshwhy: allocation size overflow\n");
		abort();
	}
	q = realloc(p, (nmemb != 0 && size != 0) ? nmemb * size : 1);
	if (q == NULL)
		sw_oom(nmemb * size);
	return q;
}

char *
sw_xstrdup(const char *s)
{
	return sw_xstrndup(s, strlen(s));
}

char *
sw_xstrndup(const char *s, size_t n)
{
	char *p = sw_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
sw_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		sw_oom(0);
	p = sw_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
sw_span_to_u64(struct sw_span s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0 || s.len > 19)
		return -1;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*out = v;
	return 0;
}

char *
sw_span_dup(struct sw_span s)
{
	return sw_xstrndup(s.len ? s.p : "", s.len);
}

/* Buffers. */

void
sw_buf_init(struct sw_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : SW_BUF_DEFAULT_MAX;
}

void
sw_buf_free(struct sw_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
sw_buf_reset(struct sw_buf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
sw_buf_add_grow(struct sw_buf *b, const void *p, size_t n)
{
	size_t want;

	if (b->max == 0)
		b->max = SW_BUF_DEFAULT_MAX;
	if (n > b->max - b->len) {
		n = b->max - b->len;
		b->truncated = 1;
	}
	want = b->len + n + 1;
	if (want > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < want)
			cap = cap > SIZE_MAX / 2 ? want : cap * 2;
		b->p = sw_xreallocarray(b->p, cap, 1);
		/* Defined bytes past the end: PCRE2's JIT reads ahead of a
		 * subject within its buffer, which valgrind would flag. */
		memset(b->p + b->cap, 0, cap - b->cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

int
sw_buf_reserve(struct sw_buf *b, size_t n)
{
	size_t want;

	if (b->max == 0)
		b->max = SW_BUF_DEFAULT_MAX;
	if (n > b->max - b->len)
		return -1;
	want = b->len + n + 1;
	if (want > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < want)
			cap = cap > SIZE_MAX / 2 ? want : cap * 2;
		b->p = sw_xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	return 0;
}

void
sw_buf_add_u64(struct sw_buf *b, uint64_t v)
{
	char d[20];
	size_t n = sizeof(d);

	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sw_buf_add(b, d + n, sizeof(d) - n);
}

/* Two decimal digits of v (0-99) at p. */
static char *
sw_put2(char *p, int64_t v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void
sw_buf_add_rfc3339(struct sw_buf *b, int64_t time_us, int utc_off_min)
{
	int64_t local = time_us / 1000000 + (int64_t)utc_off_min * 60;
	int64_t usec = time_us % 1000000;
	int64_t days, secs, y;
	int m, d, k;
	int aoff = utc_off_min < 0 ? -utc_off_min : utc_off_min;
	char out[48], *p = out;

	if (usec < 0) {
		usec += 1000000;
		local--;
	}
	days = local / 86400;
	secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	sw_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || aoff / 60 > 99) {
		/* Outside four-digit years and two-digit offsets: printf's
		 * widths decide. */
		sw_buf_addf(b, "%04lld-%02d-%02dT%02lld:%02lld:%02lld",
		    (long long)y, m, d, (long long)(secs / 3600),
		    (long long)(secs / 60 % 60), (long long)(secs % 60));
		if (usec != 0)
			sw_buf_addf(b, ".%06lld", (long long)usec);
		if (utc_off_min == 0)
			sw_buf_adds(b, "Z");
		else
			sw_buf_addf(b, "%c%02d:%02d", utc_off_min < 0 ? '-' :
			    '+', aoff / 60, aoff % 60);
		return;
	}
	p = sw_put2(p, y / 100);
	p = sw_put2(p, y % 100);
	*p++ = '-';
	p = sw_put2(p, m);
	*p++ = '-';
	p = sw_put2(p, d);
	*p++ = 'T';
	p = sw_put2(p, secs / 3600);
	*p++ = ':';
	p = sw_put2(p, secs / 60 % 60);
	*p++ = ':';
	p = sw_put2(p, secs % 60);
	if (usec != 0) {
		*p++ = '.';
		for (k = 5; k >= 0; k--) {
			p[k] = (char)('0' + usec % 10);
			usec /= 10;
		}
		p += 6;
	}
	if (utc_off_min == 0)
		*p++ = 'Z';
	else {
		*p++ = utc_off_min < 0 ? '-' : '+';
		p = sw_put2(p, aoff / 60);
		*p++ = ':';
		p = sw_put2(p, aoff % 60);
	}
	sw_buf_add(b, out, (size_t)(p - out));
}

void
sw_buf_add_spaces(struct sw_buf *b, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		sw_buf_add(b, spaces, k);
		n -= k;
	}
}

void
sw_buf_addf(struct sw_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sw_buf_add(b, small, (size_t)n);
		return;
	} else {
		char *big = sw_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sw_buf_add(b, big, (size_t)n);
		free(big);
	}
}

char *
sw_buf_steal(struct sw_buf *b)
{
	char *p = b->p;

	if (p == NULL)
		p = sw_xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	b->truncated = 0;
	return p;
}

/* Diagnostics. */

struct sw_diag_origin {
	char *name;
	unsigned long shown;
	unsigned long suppressed;
};

struct sw_diag {
	FILE *out;
	unsigned per_origin_max;
	int quiet;
	unsigned long counts[3];
	struct sw_diag_origin *origins;
	size_t norigins;
	char last[1024];
	int recording;			/* sw_diag_new_recorder */
	struct sw_diag_msg *rec;
	size_t nrec, caprec;
};

#define SW_DIAG_MAX_ORIGINS 4096

struct sw_diag *
sw_diag_new(FILE *out, unsigned per_origin_max)
{
	struct sw_diag *d = sw_xcalloc(1, sizeof(*d));

	d->out = out;
	d->per_origin_max = per_origin_max ? per_origin_max : 10;
	return d;
}

void
sw_diag_set_quiet(struct sw_diag *d, int quiet)
{
	d->quiet = quiet;
}

void
sw_diag_free(struct sw_diag *d)
{
	size_t i;

	if (d == NULL)
		return;
	sw_diag_msgs_free(d->rec, d->nrec);
	for (i = 0; i < d->norigins; i++)
		free(d->origins[i].name);
	free(d->origins);
	free(d);
}

static struct sw_diag_origin *
sw_diag_origin(struct sw_diag *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->norigins; i++)
		if (strcmp(d->origins[i].name, name) == 0)
			return &d->origins[i];
	if (d->norigins >= SW_DIAG_MAX_ORIGINS)
		return NULL;
	d->origins = sw_xreallocarray(d->origins, d->norigins + 1,
	    sizeof(*d->origins));
	d->origins[d->norigins].name = sw_xstrdup(name);
	d->origins[d->norigins].shown = 0;
	d->origins[d->norigins].suppressed = 0;
	return &d->origins[d->norigins++];
}

static const char *
sw_diag_kind_name(enum sw_diag_kind kind)
{
	switch (kind) {
	case SW_DIAG_WARNING:	return "warning";
	case SW_DIAG_SKIPPED:	return "skipped";
	case SW_DIAG_ERROR:	return "error";
	}
	return "?";
}

void
sw_diag_vprintf(struct sw_diag *d, enum sw_diag_kind kind, const char *origin,
    uint64_t line, const char *fmt, va_list ap)
{
	struct sw_diag_origin *o;
	struct sw_buf msg, esc;
	char text[900];

	d->counts[kind]++;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (d->recording) {
		struct sw_diag_msg *m;

		if (d->nrec == d->caprec) {
			d->caprec = d->caprec ? 2 * d->caprec : 16;
			d->rec = sw_xreallocarray(d->rec, d->caprec,
			    sizeof(*d->rec));
		}
		m = &d->rec[d->nrec++];
		m->kind = kind;
		m->origin = origin != NULL ? sw_xstrdup(origin) : NULL;
		m->line = line;
		m->text = sw_xstrdup(text);
		return;
	}

	/* Origins are file names: escape them, they may hold any byte. */
	sw_buf_init(&msg, 4096);
	sw_buf_init(&esc, 2048);
	if (origin != NULL) {
		sw_escape_text(&esc, sw_span_make(origin, strlen(origin)));
		sw_buf_add(&msg, esc.p, esc.len);
		if (line > 0)
			sw_buf_addf(&msg, ":%llu", (unsigned long long)line);
		sw_buf_adds(&msg, ": ");
	}
	sw_buf_addf(&msg, "%s: %s", sw_diag_kind_name(kind), text);
	snprintf(d->last, sizeof(d->last), "%s", msg.p);

	o = sw_diag_origin(d, origin != NULL ? origin : "");
	if (d->quiet && kind == SW_DIAG_WARNING) {
		/* counted above, not printed */
	} else if (o != NULL && kind != SW_DIAG_ERROR &&
	    o->shown >= d->per_origin_max) {
		o->suppressed++;
	} else {
		if (o != NULL)
			o->shown++;
		if (d->out != NULL)
			fprintf(d->out, "sshwhy: %s\n", msg.p);
	}
	sw_buf_free(&msg);
	sw_buf_free(&esc);
}

void
sw_diag_printf(struct sw_diag *d, enum sw_diag_kind kind, const char *origin,
    uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sw_diag_vprintf(d, kind, origin, line, fmt, ap);
	va_end(ap);
}

void
sw_diag_finish(struct sw_diag *d)
{
	size_t i;

	for (i = 0; i < d->norigins; i++) {
		struct sw_diag_origin *o = &d->origins[i];
		struct sw_buf esc;

		if (o->suppressed == 0 || d->out == NULL)
			continue;
		sw_buf_init(&esc, 2048);
		sw_escape_text(&esc, sw_span_make(o->name, strlen(o->name)));
		fprintf(d->out, "sshwhy: %s: %lu more messages not shown\n",
		    esc.p ? esc.p : "", o->suppressed);
		sw_buf_free(&esc);
		o->suppressed = 0;
	}
}

unsigned long
sw_diag_count(const struct sw_diag *d, enum sw_diag_kind kind)
{
	return d->counts[kind];
}

int
sw_diag_partial(const struct sw_diag *d)
{
	return d->counts[SW_DIAG_SKIPPED] > 0 || d->counts[SW_DIAG_ERROR] > 0;
}

const char *
sw_diag_last(const struct sw_diag *d)
{
	return d->last;
}

struct sw_diag *
sw_diag_new_recorder(void)
{
	struct sw_diag *d = sw_diag_new(NULL, 0);

	d->recording = 1;
	return d;
}

size_t
sw_diag_nrecorded(const struct sw_diag *d)
{
	return d->nrec;
}

struct sw_diag_msg *
sw_diag_take(struct sw_diag *d, size_t *n)
{
	struct sw_diag_msg *m = d->rec;

	*n = d->nrec;
	d->rec = NULL;
	d->nrec = d->caprec = 0;
	return m;
}

void
sw_diag_replay(struct sw_diag *d, const struct sw_diag_msg *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sw_diag_printf(d, m[i].kind, m[i].origin, m[i].line, "%s",
		    m[i].text);
}

void
sw_diag_msgs_free(struct sw_diag_msg *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].origin);
		free(m[i].text);
	}
	free(m);
}

/* Calendar. */

int64_t
sw_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
sw_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Escaping. */

/*
 * The length of the run at p[0, n) of printable ASCII (0x20-0x7e) other
 * than `a` and `b`: eight bytes at a time while none of them is special
 * (the tests below never miss one; a false alarm only means bytewise).
 */
static size_t
sw_ascii_run(const unsigned char *p, size_t n, unsigned char a,
    unsigned char b)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	const uint64_t ma = ones * a, mb = ones * b;
	size_t i = 0;

#if defined(__SSE2__)
	{
		/* Sixteen bytes at a time: as signed bytes, < 0x20 also
		 * catches 0x80-0xff. */
		const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
		const __m128i va = _mm_set1_epi8((char)a);
		const __m128i vb = _mm_set1_epi8((char)b);

		while (n - i >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + i));
			__m128i m = _mm_or_si128(
			    _mm_or_si128(_mm_cmplt_epi8(x, sp),
			    _mm_cmpeq_epi8(x, del)),
			    _mm_or_si128(_mm_cmpeq_epi8(x, va),
			    _mm_cmpeq_epi8(x, vb)));
			unsigned mask = (unsigned)_mm_movemask_epi8(m);

			if (mask != 0)
				return i + (size_t)__builtin_ctz(mask);
			i += 16;
		}
	}
#endif
	while (n - i >= 8) {
		uint64_t x, ya, yb, t;

		memcpy(&x, p + i, 8);
		ya = x ^ ma;
		yb = x ^ mb;
		t = ((x - ones * 0x20) & ~x) |		/* a byte < 0x20 */
		    ((x + ones) | x) |			/* a byte > 0x7e */
		    ((ya - ones) & ~ya) |		/* a byte == a */
		    ((yb - ones) & ~yb);		/* a byte == b */
		if ((t & high) != 0)
			break;
		i += 8;
	}
	while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != a && p[i] != b)
		i++;
	return i;
}

size_t
sw_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
sw_cp_dangerous(uint32_t c)
{
	/*
	 * Controls and everything that is invisible or reorders text (issue
	 * 13, D12): a name holding them can look like another name, hide
	 * part of a line or, with a line separator, start a new line in a
	 * viewer. Listed: C1 controls, soft hyphen, combining grapheme
	 * joiner, Arabic letter mark, Hangul fillers, Khmer and Mongolian
	 * invisible vowels and selectors, zero-width space/joiners and
	 * LRM/RLM, line and paragraph separators, bidi embeddings and
	 * overrides, word joiner and invisible operators, bidi isolates,
	 * deprecated format controls, variation selectors, BOM/ZWNBSP,
	 * interlinear annotation, tag characters and variation selectors
	 * supplement.
	 */
	return (c >= 0x80 && c <= 0x9f) ||
	    c == 0x00ad || c == 0x034f || c == 0x061c ||
	    c == 0x115f || c == 0x1160 ||
	    c == 0x17b4 || c == 0x17b5 ||
	    (c >= 0x180b && c <= 0x180f) ||
	    (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x206f) ||
	    c == 0x3164 ||
	    (c >= 0xfe00 && c <= 0xfe0f) ||
	    c == 0xfeff || c == 0xffa0 ||
	    (c >= 0xfff0 && c <= 0xfffb) ||
	    (c >= 0x1bca0 && c <= 0x1bca3) ||
	    (c >= 0x1d173 && c <= 0x1d17a) ||
	    (c >= 0xe0000 && c <= 0xe0fff);
}

void
sw_escape_text(struct sw_buf *out, struct sw_span s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.len) {
		uint32_t cp;
		size_t n, run = i;

		/* Printable ASCII needs no escaping: copy it in one go. */
		run += sw_ascii_run(p + i, s.len - i, '\\', '\\');
		if (run > i) {
			sw_buf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		if (p[i] == '\\') {
			sw_buf_add(out, "\\\\", 2);
			i++;
			continue;
		}
		if (p[i] == '\t') {
			sw_buf_add(out, "\\t", 2);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			sw_buf_addf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		n = sw_utf8_seq(p + i, s.len - i, &cp);
		if (n == 0) {
			sw_buf_addf(out, "\\x%02x", p[i]);
			i++;
		} else if (sw_cp_dangerous(cp)) {
			sw_buf_addf(out, "\\u{%04x}", (unsigned)cp);
			i += n;
		} else {
			sw_buf_add(out, p + i, n);
			i += n;
		}
	}
}

/*
 * Markdown (issue 13, D11): the text escape first, so every control and
 * invisible code point is already a visible \u{...} escape; then ASCII
 * punctuation that Markdown (CommonMark and GitHub's dialect) acts on is
 * backslash-escaped, '&' included so `&rlm;` or `&#x202E;` stay literal
 * instead of becoming the characters they name. GitHub turns `@name`,
 * `www.` and `scheme://` in plain text into mentions and links after
 * parsing, which no backslash prevents, so the '@', the '.' of "www." and
 * the "://" are put in code spans: they read the same and link nothing.
 */
void
sw_escape_markdown(struct sw_buf *out, struct sw_span s)
{
	struct sw_buf t;
	size_t i;

	sw_buf_init(&t, out->max ? out->max : 0);
	sw_escape_text(&t, s);
	for (i = 0; i < t.len; i++) {
		char ch = t.p[i];

		if (ch == '@') {
			sw_buf_adds(out, "`@`");
		} else if (ch == ':' && i + 2 < t.len && t.p[i + 1] == '/' &&
		    t.p[i + 2] == '/') {
			sw_buf_adds(out, "`://`");
			i += 2;
		} else if ((ch == 'w' || ch == 'W') && i + 3 < t.len &&
		    (t.p[i + 1] | 0x20) == 'w' && (t.p[i + 2] | 0x20) == 'w' &&
		    t.p[i + 3] == '.') {
			sw_buf_add(out, t.p + i, 3);
			sw_buf_adds(out, "`.`");
			i += 3;
		} else {
			if (strchr("\\`*_[]<>|#!~&$", ch) != NULL)
				sw_buf_addc(out, '\\');
			sw_buf_addc(out, ch);
		}
	}
	sw_buf_free(&t);
}

void
sw_escape_json(struct sw_buf *out, struct sw_span s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.len) {
		uint32_t cp;
		size_t n, run = i;

		run += sw_ascii_run(p + i, s.len - i, '"', '\\');
		if (run > i) {
			sw_buf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		switch (p[i]) {
		case '"':  sw_buf_add(out, "\\\"", 2); i++; continue;
		case '\\': sw_buf_add(out, "\\\\", 2); i++; continue;
		case '\n': sw_buf_add(out, "\\n", 2); i++; continue;
		case '\r': sw_buf_add(out, "\\r", 2); i++; continue;
		case '\t': sw_buf_add(out, "\\t", 2); i++; continue;
		default: break;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			sw_buf_addf(out, "\\u%04x", p[i]);
			i++;
			continue;
		}
		n = sw_utf8_seq(p + i, s.len - i, &cp);
		if (n == 0) {
			/* Invalid UTF-8: keep the byte value, visibly. */
			sw_buf_addf(out, "\\\\x%02x", p[i]);
			i++;
		} else if (cp == 0x2028 || cp == 0x2029 ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			sw_buf_addf(out, "\\u%04x", (unsigned)cp);
			i += n;
		} else {
			sw_buf_add(out, p + i, n);
			i += n;
		}
	}
}

/* Hash table. */

uint64_t
sw_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

uint64_t
sw_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return sw_hash_mix(h);
}

void
sw_htab_init(struct sw_htab *t)
{
	t->s = NULL;
	t->cap = 0;
	t->n = 0;
}

void
sw_htab_free(struct sw_htab *t)
{
	free(t->s);
	sw_htab_init(t);
}

void *
sw_htab_find(const struct sw_htab *t, uint64_t hash,
    int (*eq)(const void *item, const void *key), const void *key)
{
	size_t mask, i;

	if (t->cap == 0)
		return NULL;
	mask = t->cap - 1;
	for (i = (size_t)hash & mask; t->s[i].item != NULL; i = (i + 1) & mask)
		if (t->s[i].hash == hash && eq(t->s[i].item, key))
			return t->s[i].item;
	return NULL;
}

static void
sw_htab_place(struct sw_hslot *s, size_t mask, uint64_t hash, void *item)
{
	size_t i;

	for (i = (size_t)hash & mask; s[i].item != NULL; i = (i + 1) & mask)
		;
	s[i].hash = hash;
	s[i].item = item;
}

void
sw_htab_put(struct sw_htab *t, uint64_t hash, void *item)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64, i;
		struct sw_hslot *s = sw_xcalloc(cap, sizeof(*s));

		for (i = 0; i < t->cap; i++)
			if (t->s[i].item != NULL)
				sw_htab_place(s, cap - 1, t->s[i].hash,
				    t->s[i].item);
		free(t->s);
		t->s = s;
		t->cap = cap;
	}
	sw_htab_place(t->s, t->cap - 1, hash, item);
	t->n++;
}

int
sw_htab_del(struct sw_htab *t, uint64_t hash, const void *item)
{
	size_t mask, i, j, home;

	if (t->cap == 0)
		return 0;
	mask = t->cap - 1;
	for (i = (size_t)hash & mask; t->s[i].item != item; i = (i + 1) & mask)
		if (t->s[i].item == NULL)
			return 0;
	/* Backward shift: move later members of the run into the hole. */
	for (j = (i + 1) & mask; t->s[j].item != NULL; j = (j + 1) & mask) {
		home = (size_t)t->s[j].hash & mask;
		/* Movable when its home is not in (i, j], cyclically. */
		if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
			t->s[i] = t->s[j];
			i = j;
		}
	}
	t->s[i].item = NULL;
	t->s[i].hash = 0;
	t->n--;
	return 1;
}
