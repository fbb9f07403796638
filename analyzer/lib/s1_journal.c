/*
 * s1_journal.c: journal entries to syslog lines. Three readers fill the same
 * struct sw_jentry (only the fields sshwhy uses are copied; every other
 * field is skipped, so an entry of another program costs a scan, not a
 * copy), and sw_jentry_format() writes the one line per sshd entry that
 * the format stage parses as RFC 3339. Every ceiling is checked before
 * bytes are kept: a kept field 64 KiB, an entry 1 MiB and 256 fields.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#ifdef SW_HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "s0_common.h"
#include "s1_journal.h"

static const char *const sw_jfield_names[SW_JF_N] = {
	"__CURSOR", "__REALTIME_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER",
	"_COMM", "_PID", "SYSLOG_PID", "MESSAGE",
};

static const char *const sw_sshd_names[] = {
	"sshd", "sshd-session", "sshd-auth",
};

void
sw_jentry_init(struct sw_jentry *e)
{
	memset(e, 0, sizeof(*e));
	/* Kept fields are at most 64 KiB each: 8 of them fit. */
	sw_buf_init(&e->store, (size_t)SW_JF_N * (SW_JOURNAL_MAX_FIELD + 1));
}

void
sw_jentry_reset(struct sw_jentry *e)
{
	sw_buf_reset(&e->store);
	e->have = 0;
	e->nfields = 0;
	e->size = 0;
}

void
sw_jentry_free(struct sw_jentry *e)
{
	sw_buf_free(&e->store);
}

void
sw_jentry_set(struct sw_jentry *e, enum sw_jfield f, const void *p, size_t n)
{
	if (e->have & (1u << f))
		return;
	if (n > SW_JOURNAL_MAX_FIELD)
		n = SW_JOURNAL_MAX_FIELD;
	e->off[f] = e->store.len;
	e->len[f] = n;
	sw_buf_add(&e->store, p, n);
	e->have |= 1u << f;
}

struct sw_span
sw_jentry_get(const struct sw_jentry *e, enum sw_jfield f)
{
	if (!(e->have & (1u << f)))
		return sw_span_make("", 0);
	return sw_span_make(e->store.p + e->off[f], e->len[f]);
}

int
sw_jfield_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SW_JF_N; i++)
		if (strlen(sw_jfield_names[i]) == len &&
		    memcmp(name, sw_jfield_names[i], len) == 0)
			return i;
	return -1;
}

const char *
sw_jfield_name(enum sw_jfield f)
{
	return sw_jfield_names[f];
}

static int
sw_is_sshd_name(struct sw_span s)
{
	size_t i;

	for (i = 0; i < sizeof(sw_sshd_names) / sizeof(*sw_sshd_names); i++)
		if (sw_span_eq_str(s, sw_sshd_names[i]))
			return 1;
	return 0;
}

int
sw_jentry_is_sshd(const struct sw_jentry *e)
{
	if (e->have & (1u << SW_JF_IDENT))
		return sw_is_sshd_name(sw_jentry_get(e, SW_JF_IDENT));
	return sw_is_sshd_name(sw_jentry_get(e, SW_JF_COMM));
}

/* Client-controlled names must not split the line: see s1_journal.h. */
static void
sw_add_sanitised(struct sw_buf *out, struct sw_span s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= 0x20 || c == 0x7f || c == '[' || c == ']' || c == ':')
			c = '_';
		sw_buf_addc(out, (char)c);
	}
}

/* "YYYY-MM-DDTHH:MM:SS.ffffff+00:00". */
static int
sw_add_time(struct sw_buf *out, uint64_t us)
{
	int64_t secs = (int64_t)(us / 1000000), usec = (int64_t)(us % 1000000);
	int64_t days = secs / 86400, sod = secs % 86400;
	int64_t y;
	int m, d;

	sw_civil_from_days(days, &y, &m, &d);
	if (y > 9999)
		return -1;
	sw_buf_addf(out, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lld+00:00",
	    (long long)y, m, d, (long long)(sod / 3600),
	    (long long)(sod / 60 % 60), (long long)(sod % 60), (long long)usec);
	return 0;
}

static int
sw_all_digits(struct sw_span s)
{
	size_t i;

	if (s.len == 0 || s.len > 19)
		return 0;
	for (i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

enum sw_status
sw_jentry_format(const struct sw_jentry *e, struct sw_buf *out,
    const char **why)
{
	struct sw_span t = sw_jentry_get(e, SW_JF_REALTIME), pid, msg;
	uint64_t us;
	size_t i;

	sw_buf_reset(out);
	if (!(e->have & (1u << SW_JF_REALTIME))) {
		*why = "no __REALTIME_TIMESTAMP";
		return SW_ERR_PARSE;
	}
	if (sw_span_to_u64(t, &us) != 0 || sw_add_time(out, us) != 0) {
		*why = "__REALTIME_TIMESTAMP is not a time";
		return SW_ERR_PARSE;
	}
	if (!(e->have & (1u << SW_JF_MESSAGE))) {
		*why = "no MESSAGE";
		return SW_ERR_PARSE;
	}
	sw_buf_addc(out, ' ');
	if (e->have & (1u << SW_JF_HOSTNAME) && e->len[SW_JF_HOSTNAME] > 0)
		sw_add_sanitised(out, sw_jentry_get(e, SW_JF_HOSTNAME));
	else
		sw_buf_addc(out, '-');
	sw_buf_addc(out, ' ');
	if (e->have & (1u << SW_JF_IDENT))
		sw_add_sanitised(out, sw_jentry_get(e, SW_JF_IDENT));
	else
		sw_add_sanitised(out, sw_jentry_get(e, SW_JF_COMM));
	pid = sw_jentry_get(e, SW_JF_PID);
	if (!sw_all_digits(pid))
		pid = sw_jentry_get(e, SW_JF_SYSLOG_PID);
	if (sw_all_digits(pid)) {
		sw_buf_addc(out, '[');
		sw_buf_add(out, pid.p, pid.len);
		sw_buf_addc(out, ']');
	}
	sw_buf_add(out, ": ", 2);
	msg = sw_jentry_get(e, SW_JF_MESSAGE);
	for (i = 0; i < msg.len; i++) {
		if (msg.p[i] == '\n')
			sw_buf_add(out, "\\n", 2);
		else if (msg.p[i] == '\r')
			sw_buf_add(out, "\\r", 2);
		else
			sw_buf_addc(out, msg.p[i]);
	}
	return SW_OK;
}

/* Journal export: KEY=VALUE\n, or KEY\n <le64 length> data \n; entries end
 * at a blank line. */

#define SW_JX_MAX_NAME	256

struct sw_jexport {
	const char *origin;
	struct sw_diag *diag;
	uint64_t off;		/* bytes consumed so far */
	uint64_t entryno;	/* entries started */
	int done;
};

struct sw_jexport *
sw_jexport_new(const char *origin, struct sw_diag *diag)
{
	struct sw_jexport *x = sw_xcalloc(1, sizeof(*x));

	x->origin = origin;
	x->diag = diag;
	return x;
}

void
sw_jexport_free(struct sw_jexport *x)
{
	free(x);
}

static size_t
sw_jx_peek(struct sw_jexport *x, struct sw_bytes *in, const char **p)
{
	(void)x;
	return in->peek(in->ctx, p);
}

static void
sw_jx_consume(struct sw_jexport *x, struct sw_bytes *in, size_t n)
{
	in->consume(in->ctx, n);
	x->off += n;
}

/*
 * Reads up to the next '\n' (consumed, not stored). Bytes go to `keep`
 * while it has room below `max`; *total counts them all. Returns 1 at the
 * '\n', 0 at the end of the stream.
 */
static int
sw_jx_line(struct sw_jexport *x, struct sw_bytes *in, struct sw_buf *keep,
    size_t max, uint64_t *total)
{
	const char *p, *nl;
	size_t n, k;

	*total = 0;
	for (;;) {
		if ((n = sw_jx_peek(x, in, &p)) == 0)
			return 0;
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) : n;
		if (keep != NULL && keep->len < max)
			sw_buf_add(keep, p, k < max - keep->len ? k :
			    max - keep->len);
		*total += k;
		sw_jx_consume(x, in, nl != NULL ? k + 1 : k);
		if (nl != NULL)
			return 1;
	}
}

/* Copies or skips exactly n bytes. Returns 0, or -1 at the end. */
static int
sw_jx_take(struct sw_jexport *x, struct sw_bytes *in, uint64_t n,
    struct sw_buf *keep)
{
	const char *p;
	size_t got, k;

	while (n > 0) {
		if ((got = sw_jx_peek(x, in, &p)) == 0)
			return -1;
		k = got < n ? got : (size_t)n;
		if (keep != NULL)
			sw_buf_add(keep, p, k);
		sw_jx_consume(x, in, k);
		n -= k;
	}
	return 0;
}

/* Skips to just after the next blank line (or the end). */
static void
sw_jx_resync(struct sw_jexport *x, struct sw_bytes *in)
{
	uint64_t len;

	while (sw_jx_line(x, in, NULL, 0, &len) == 1)
		if (len == 0)
			return;
}

static int
sw_jx_valid_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > SW_JX_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z') || c == '_'))
			return 0;
	}
	return 1;
}

enum sw_status
sw_jexport_next(struct sw_jexport *x, struct sw_bytes *in,
    struct sw_jentry *e, uint64_t *entryno)
{
	struct sw_buf name, val;
	enum sw_status st = SW_EOF;
	int in_entry = 0, bad = 0;

	if (x->done)
		return SW_EOF;
	sw_buf_init(&name, SW_JX_MAX_NAME + 1);
	sw_buf_init(&val, SW_JOURNAL_MAX_FIELD + 1);
	sw_jentry_reset(e);
	for (;;) {
		uint64_t start = x->off, total, flen;
		const char *p;
		size_t n, i;
		int f, eq = 0;

		/* The name: up to '=' or '\n'. */
		sw_buf_reset(&name);
		total = 0;
		for (;;) {
			if ((n = sw_jx_peek(x, in, &p)) == 0)
				break;
			for (i = 0; i < n && p[i] != '=' && p[i] != '\n'; i++)
				;
			if (name.len < SW_JX_MAX_NAME + 1)
				sw_buf_add(&name, p, i);
			total += i;
			sw_jx_consume(x, in, i);
			if (i < n) {
				eq = p[i] == '=';
				sw_jx_consume(x, in, 1);
				break;
			}
			if (total > SW_JX_MAX_NAME)
				break;
		}
		if (n == 0 && total == 0) {
			/* The end: an entry without its blank line counts. */
			x->done = 1;
			if (in_entry && !bad)
				st = SW_OK;
			break;
		}
		if (!eq && total == 0) {
			/* Blank line: end of the entry. */
			if (!in_entry)
				continue;
			if (!bad) {
				st = SW_OK;
				break;
			}
			in_entry = bad = 0;
			sw_jentry_reset(e);
			continue;
		}
		if (!in_entry) {
			in_entry = 1;
			x->entryno++;
		}
		if (n == 0) {
			sw_diag_printf(x->diag, SW_DIAG_SKIPPED, x->origin,
			    x->entryno, "truncated journal export: input ended "
			    "inside a field name of entry %llu at byte %llu",
			    (unsigned long long)x->entryno,
			    (unsigned long long)start);
			x->done = 1;
			break;
		}
		if (total > SW_JX_MAX_NAME || !sw_jx_valid_name(name.p,
		    name.len)) {
			sw_diag_printf(x->diag, SW_DIAG_SKIPPED, x->origin,
			    x->entryno, "malformed journal export field in "
			    "entry %llu at byte %llu; entry skipped",
			    (unsigned long long)x->entryno,
			    (unsigned long long)start);
			if (eq)
				(void)sw_jx_line(x, in, NULL, 0, &flen);
			sw_jx_resync(x, in);
			in_entry = bad = 0;
			sw_jentry_reset(e);
			continue;
		}
		f = sw_jfield_lookup(name.p, name.len);
		e->nfields++;
		sw_buf_reset(&val);
		if (eq) {
			if (sw_jx_line(x, in, f >= 0 ? &val : NULL,
			    SW_JOURNAL_MAX_FIELD + 1, &flen) == 0) {
				sw_diag_printf(x->diag, SW_DIAG_SKIPPED,
				    x->origin, x->entryno, "truncated journal "
				    "export: input ended inside field %s of "
				    "entry %llu at byte %llu", name.p,
				    (unsigned long long)x->entryno,
				    (unsigned long long)start);
				x->done = 1;
				break;
			}
		} else {
			unsigned char lb[8];
			const char *q;
			size_t got, k, j;

			for (k = 0; k < 8; k += got) {
				if ((got = sw_jx_peek(x, in, &q)) == 0)
					break;
				if (got > 8 - k)
					got = 8 - k;
				memcpy(lb + k, q, got);
				sw_jx_consume(x, in, got);
			}
			if (k < 8) {
				sw_diag_printf(x->diag, SW_DIAG_SKIPPED,
				    x->origin, x->entryno, "truncated journal "
				    "export: input ended inside the length of "
				    "binary field %s of entry %llu at byte %llu",
				    name.p, (unsigned long long)x->entryno,
				    (unsigned long long)start);
				x->done = 1;
				break;
			}
			for (flen = 0, j = 8; j > 0; j--)
				flen = flen << 8 | lb[j - 1];
			if (flen > SW_JOURNAL_MAX_ENTRY) {
				sw_diag_printf(x->diag, SW_DIAG_SKIPPED,
				    x->origin, x->entryno, "journal export "
				    "binary field %s of entry %llu at byte "
				    "%llu claims %llu bytes, over the 1 MiB "
				    "entry ceiling; skipped to the next entry",
				    name.p, (unsigned long long)x->entryno,
				    (unsigned long long)start,
				    (unsigned long long)flen);
				sw_jx_resync(x, in);
				in_entry = bad = 0;
				sw_jentry_reset(e);
				continue;
			}
			if (sw_jx_take(x, in, flen, f >= 0 &&
			    flen <= SW_JOURNAL_MAX_FIELD ? &val : NULL) != 0 ||
			    sw_jx_peek(x, in, &q) == 0) {
				sw_diag_printf(x->diag, SW_DIAG_SKIPPED,
				    x->origin, x->entryno, "truncated journal "
				    "export: input ended inside binary field "
				    "%s (%llu bytes) of entry %llu at byte %llu",
				    name.p, (unsigned long long)flen,
				    (unsigned long long)x->entryno,
				    (unsigned long long)start);
				x->done = 1;
				break;
			}
			if (q[0] != '\n') {
				sw_diag_printf(x->diag, SW_DIAG_SKIPPED,
				    x->origin, x->entryno, "malformed journal "
				    "export: binary field %s of entry %llu at "
				    "byte %llu does not end in a newline; entry "
				    "skipped", name.p,
				    (unsigned long long)x->entryno,
				    (unsigned long long)start);
				sw_jx_resync(x, in);
				in_entry = bad = 0;
				sw_jentry_reset(e);
				continue;
			}
			sw_jx_consume(x, in, 1);
		}
		e->size += flen;
		if (bad)
			continue;
		if (e->nfields > SW_JOURNAL_MAX_FIELDS ||
		    e->size > SW_JOURNAL_MAX_ENTRY) {
			sw_diag_printf(x->diag, SW_DIAG_SKIPPED, x->origin,
			    x->entryno, "journal export entry %llu has more "
			    "than %d fields or %llu bytes; skipped",
			    (unsigned long long)x->entryno,
			    SW_JOURNAL_MAX_FIELDS,
			    (unsigned long long)SW_JOURNAL_MAX_ENTRY);
			bad = 1;
			continue;
		}
		if (f < 0)
			continue;
		if (flen > SW_JOURNAL_MAX_FIELD) {
			if (!(e->have & (1u << f)))
				sw_diag_printf(x->diag, SW_DIAG_WARNING,
				    x->origin, x->entryno, "journal export "
				    "field %s of entry %llu is %llu bytes, "
				    "over 64 KiB; field skipped", name.p,
				    (unsigned long long)x->entryno,
				    (unsigned long long)flen);
			continue;
		}
		sw_jentry_set(e, (enum sw_jfield)f, val.p, val.len);
	}
	sw_buf_free(&name);
	sw_buf_free(&val);
	if (st == SW_OK)
		*entryno = x->entryno;
	return st;
}

int
sw_jexport_sniff(const char *p, size_t n)
{
	static const char *const first[] = {
		"__CURSOR=", "__REALTIME_TIMESTAMP=", "__MONOTONIC_TIMESTAMP=",
		"__SEQNUM=", "__SEQNUM_ID=",
	};
	size_t i, k;

	for (i = 0; i < sizeof(first) / sizeof(*first); i++) {
		k = strlen(first[i]);
		if (n >= k && memcmp(p, first[i], k) == 0)
			return 1;
	}
	return 0;
}

int
sw_jjson_sniff(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r' || p[i] == '\x1e'))
		i++;
	return i < n && p[i] == '{';
}

/* JSON. */

static const char *
sw_memmem(const char *h, size_t hn, const char *n, size_t nn)
{
	const char *p = h, *end = h + hn;

	while ((size_t)(end - p) >= nn &&
	    (p = memchr(p, n[0], (size_t)(end - p) - nn + 1)) != NULL) {
		if (memcmp(p, n, nn) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* A value as bytes: a string, or an array of byte values. */
static int
sw_json_bytes(json_t *v, struct sw_buf *out, const char **type)
{
	size_t i, n;

	if (json_is_string(v)) {
		sw_buf_add(out, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (json_is_array(v)) {
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			json_t *b = json_array_get(v, i);
			json_int_t c;

			if (!json_is_integer(b) || (c = json_integer_value(b)) <
			    0 || c > 255) {
				*type = "an array of other than byte values";
				return -1;
			}
			sw_buf_addc(out, (char)c);
		}
		return 0;
	}
	*type = json_is_object(v) ? "an object" : json_is_number(v) ?
	    "a number" : json_is_boolean(v) ? "a boolean" : "null";
	return -1;
}

enum sw_status
sw_jjson_parse(const char *p, size_t n, struct sw_jentry *e, char *why,
    size_t whylen)
{
	json_error_t err;
	json_t *root, *v;
	struct sw_buf b;
	enum sw_status st = SW_OK;
	int f;

	sw_jentry_reset(e);
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\x1e')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return SW_EOF;
	/*
	 * Skip cheaply what cannot be sshd: its name is in the text, or
	 * hidden behind \u escapes.
	 */
	if (sw_memmem(p, n, "sshd", 4) == NULL && sw_memmem(p, n, "\\u", 2) ==
	    NULL)
		return SW_ERR_NOMATCH;
	if ((root = json_loadb(p, n, JSON_ALLOW_NUL, &err)) == NULL) {
		snprintf(why, whylen, "not JSON: %s at column %d", err.text,
		    err.column);
		return SW_ERR_PARSE;
	}
	if (!json_is_object(root)) {
		snprintf(why, whylen, "not a JSON object");
		json_decref(root);
		return SW_ERR_PARSE;
	}
	e->nfields = json_object_size(root);
	if (e->nfields > SW_JOURNAL_MAX_FIELDS) {
		snprintf(why, whylen, "more than %d fields",
		    SW_JOURNAL_MAX_FIELDS);
		json_decref(root);
		return SW_ERR_PARSE;
	}
	sw_buf_init(&b, SW_JOURNAL_MAX_ENTRY);
	for (f = 0; f < SW_JF_N; f++) {
		const char *type = NULL;

		if ((v = json_object_get(root, sw_jfield_names[f])) == NULL ||
		    json_is_null(v))
			continue;
		/* Several values: the first. */
		if (json_is_array(v) && json_array_size(v) > 0 &&
		    !json_is_integer(json_array_get(v, 0)))
			v = json_array_get(v, 0);
		sw_buf_reset(&b);
		if (sw_json_bytes(v, &b, &type) != 0) {
			snprintf(why, whylen, "%s is %s, not a string or byte "
			    "array", sw_jfield_names[f], type);
			st = SW_ERR_PARSE;
			continue;
		}
		if (b.len > SW_JOURNAL_MAX_FIELD) {
			snprintf(why, whylen, "%s is %zu bytes, over 64 KiB",
			    sw_jfield_names[f], b.len);
			st = SW_ERR_PARSE;
			continue;
		}
		sw_jentry_set(e, (enum sw_jfield)f, b.p, b.len);
	}
	sw_buf_free(&b);
	json_decref(root);
	/* A bad field matters only when the entry is sshd's. */
	if (st != SW_OK && (e->have & ((1u << SW_JF_IDENT) |
	    (1u << SW_JF_COMM))) && !sw_jentry_is_sshd(e))
		return SW_ERR_NOMATCH;
	if (st == SW_OK && !sw_jentry_is_sshd(e))
		return SW_ERR_NOMATCH;
	return st;
}

/* Native journal files. */

int
sw_jnative_sniff(const char *p, size_t n)
{
	return n >= 8 && memcmp(p, "LPKSHHRH", 8) == 0;
}

static uint64_t
sw_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Header fields (systemd's journal-def.h). */
#define SW_JH_HEADER_SIZE	88
#define SW_JH_ARENA_SIZE	96
#define SW_JH_N_ENTRIES		152
#define SW_JH_MIN		208

enum sw_status
sw_jnative_check_size(const char *path, char *why, size_t whylen)
{
	unsigned char h[SW_JH_MIN];
	struct stat st;
	uint64_t want;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return SW_OK;	/* sd-journal says why */
	n = read(fd, h, sizeof(h));
	if (n != (ssize_t)sizeof(h) || fstat(fd, &st) == -1) {
		close(fd);
		if (n >= 0 && n < (ssize_t)sizeof(h)) {
			snprintf(why, whylen, "journal file header cut at "
			    "byte %zd", n);
			return SW_ERR_CORRUPT;
		}
		return SW_OK;
	}
	close(fd);
	want = sw_le64(h + SW_JH_HEADER_SIZE) + sw_le64(h + SW_JH_ARENA_SIZE);
	if ((uint64_t)st.st_size < want) {
		snprintf(why, whylen, "journal file cut at byte %llu (its "
		    "header says %llu bytes, %llu entries)",
		    (unsigned long long)st.st_size, (unsigned long long)want,
		    (unsigned long long)sw_le64(h + SW_JH_N_ENTRIES));
		return SW_ERR_CORRUPT;
	}
	return SW_OK;
}

uint64_t
sw_jnative_header_bytes(const unsigned char *h, size_t n)
{
	uint64_t hs, as;

	if (n < SW_JH_MIN || !sw_jnative_sniff((const char *)h, n))
		return 0;
	hs = sw_le64(h + SW_JH_HEADER_SIZE);
	as = sw_le64(h + SW_JH_ARENA_SIZE);
	if (hs < SW_JH_MIN || hs > ((uint64_t)1 << 20) || as > UINT64_MAX - hs)
		return 0;
	return hs + as;
}

#define SW_JH_TAIL_OBJECT	136
#define SW_JH_N_OBJECTS		144
#define SW_JO_ENTRY		3

static void
sw_put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static int
sw_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r == -1 && errno == EINTR);
	return r == (ssize_t)n ? 0 : -1;
}

enum sw_status
sw_jnative_repair(const char *src, const char *dst, uint64_t max,
    uint64_t *nentries, char *why, size_t whylen)
{
	unsigned char h[SW_JH_MIN], oh[16], buf[65536];
	uint64_t off, end, last = 0, nobj = 0, nent = 0, size, done;
	struct stat st;
	int in = -1, out = -1;
	enum sw_status ret = SW_ERR_CORRUPT;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(in, &st) == -1 || sw_pread_all(in, h, sizeof(h), 0) != 0) {
		snprintf(why, whylen, "cannot read the journal header");
		goto out;
	}
	size = (uint64_t)st.st_size;
	off = end = sw_le64(h + SW_JH_HEADER_SIZE);
	if (off < SW_JH_MIN || off > size) {
		snprintf(why, whylen, "journal header size %llu is invalid",
		    (unsigned long long)off);
		goto out;
	}
	/* Whole objects only: type, flags, 6 reserved bytes, le64 size. */
	while (off + 16 <= size && off <= max) {
		uint64_t osz;

		if (sw_pread_all(in, oh, 16, off) != 0)
			break;
		osz = sw_le64(oh + 8);
		if (oh[0] == 0 || osz < 16 || osz > size - off)
			break;
		last = off;
		nobj++;
		nent += oh[0] == SW_JO_ENTRY;
		off = (off + osz + 7) & ~(uint64_t)7;
		end = off < size ? off : size;
	}
	if (nobj == 0) {
		snprintf(why, whylen, "no whole object after the header");
		goto out;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(why, whylen, "cannot write a temporary copy: %s",
		    strerror(errno));
		goto out;
	}
	for (done = 0; done < end; ) {
		size_t k = end - done < sizeof(buf) ? (size_t)(end - done) :
		    sizeof(buf);
		if (sw_pread_all(in, buf, k, done) != 0 ||
		    write(out, buf, k) != (ssize_t)k) {
			snprintf(why, whylen, "cannot copy the journal file");
			goto out;
		}
		done += k;
	}
	sw_put_le64(h + SW_JH_ARENA_SIZE, end - sw_le64(h + SW_JH_HEADER_SIZE));
	sw_put_le64(h + SW_JH_TAIL_OBJECT, last);
	sw_put_le64(h + SW_JH_N_OBJECTS, nobj);
	sw_put_le64(h + SW_JH_N_ENTRIES, nent);
	if (pwrite(out, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		snprintf(why, whylen, "cannot write a temporary copy");
		goto out;
	}
	*nentries = nent;
	ret = SW_OK;
out:
	if (in != -1)
		close(in);
	if (out != -1 && close(out) != 0 && ret == SW_OK) {
		snprintf(why, whylen, "cannot write a temporary copy");
		ret = SW_ERR_CORRUPT;
	}
	return ret;
}

uint64_t
sw_jnative_header_entries(const char *path)
{
	unsigned char h[SW_JH_MIN];
	uint64_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (sw_pread_all(fd, h, sizeof(h), 0) == 0 &&
	    sw_jnative_sniff((const char *)h, sizeof(h)))
		n = sw_le64(h + SW_JH_N_ENTRIES);
	close(fd);
	return n;
}

#ifdef SW_HAVE_SYSTEMD

struct sw_jnative {
	sd_journal *j;
	uint64_t entryno;
};

int
sw_jnative_available(void)
{
	return 1;
}

enum sw_status
sw_jnative_open(const char *const *paths, size_t npaths, int is_dir,
    struct sw_jnative **out, char *why, size_t whylen)
{
	sd_journal *j = NULL;
	const char **v;
	int r;
	size_t i;

	if (is_dir)
		r = sd_journal_open_directory(&j, paths[0], 0);
	else {
		v = sw_xreallocarray(NULL, npaths + 1, sizeof(*v));
		for (i = 0; i < npaths; i++)
			v[i] = paths[i];
		v[npaths] = NULL;
		r = sd_journal_open_files(&j, v, 0);
		free(v);
	}
	if (r < 0) {
		snprintf(why, whylen, "cannot open journal: %s",
		    strerror(-r));
		return SW_ERR_CORRUPT;
	}
	/* Fields over the ceiling are refused below, not cut here. */
	(void)sd_journal_set_data_threshold(j, 0);
	*out = sw_xcalloc(1, sizeof(**out));
	(*out)->j = j;
	return SW_OK;
}

/* "FIELD=value" from sd-journal into the entry; 0, or -errno. */
static int
sw_jn_field(sd_journal *j, enum sw_jfield f, struct sw_jentry *e)
{
	const void *d;
	size_t l, k = strlen(sw_jfield_names[f]) + 1;
	int r;

	r = sd_journal_get_data(j, sw_jfield_names[f], &d, &l);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (l < k || l - k > SW_JOURNAL_MAX_FIELD)
		return -E2BIG;
	sw_jentry_set(e, f, (const char *)d + k, l - k);
	return 0;
}

enum sw_status
sw_jnative_next(struct sw_jnative *jn, struct sw_jentry *e,
    uint64_t *entryno, char *why, size_t whylen)
{
	static const enum sw_jfield rest[] = {
		SW_JF_HOSTNAME, SW_JF_PID, SW_JF_SYSLOG_PID, SW_JF_MESSAGE,
	};
	char tbuf[32], *cur = NULL;
	uint64_t us;
	size_t i;
	int r;

	for (;;) {
		r = sd_journal_next(jn->j);
		if (r == 0)
			return SW_EOF;
		if (r < 0) {
			snprintf(why, whylen, "journal unreadable after entry "
			    "%llu: %s", (unsigned long long)jn->entryno,
			    strerror(-r));
			return SW_ERR_CORRUPT;
		}
		jn->entryno++;
		sw_jentry_reset(e);
		/* Identity first: other programs cost two lookups. */
		if ((r = sw_jn_field(jn->j, SW_JF_IDENT, e)) < 0 ||
		    (!(e->have & (1u << SW_JF_IDENT)) &&
		    (r = sw_jn_field(jn->j, SW_JF_COMM, e)) < 0))
			goto bad;
		if (!sw_jentry_is_sshd(e))
			continue;
		for (i = 0; i < sizeof(rest) / sizeof(*rest); i++)
			if ((r = sw_jn_field(jn->j, rest[i], e)) < 0)
				goto bad;
		if ((r = sd_journal_get_realtime_usec(jn->j, &us)) < 0)
			goto bad;
		snprintf(tbuf, sizeof(tbuf), "%llu", (unsigned long long)us);
		sw_jentry_set(e, SW_JF_REALTIME, tbuf, strlen(tbuf));
		if (sd_journal_get_cursor(jn->j, &cur) >= 0 && cur != NULL) {
			sw_jentry_set(e, SW_JF_CURSOR, cur, strlen(cur));
			free(cur);
		}
		*entryno = jn->entryno;
		return SW_OK;
bad:
		snprintf(why, whylen, "entry %llu: %s",
		    (unsigned long long)jn->entryno, r == -E2BIG ?
		    "a field is over 64 KiB" : strerror(-r));
		*entryno = jn->entryno;
		return SW_ERR_PARSE;
	}
}

void
sw_jnative_close(struct sw_jnative *j)
{
	if (j == NULL)
		return;
	sd_journal_close(j->j);
	free(j);
}

#else

int
sw_jnative_available(void)
{
	return 0;
}

enum sw_status
sw_jnative_open(const char *const *paths, size_t npaths, int is_dir,
    struct sw_jnative **out, char *why, size_t whylen)
{
	(void)paths;
	(void)npaths;
	(void)is_dir;
	(void)out;
	snprintf(why, whylen, "native journal file: this build has no "
	    "libsystemd support; use journalctl -o export");
	return SW_ERR_UNSUPPORTED;
}

enum sw_status
sw_jnative_next(struct sw_jnative *j, struct sw_jentry *e, uint64_t *entryno,
    char *why, size_t whylen)
{
	(void)j;
	(void)e;
	(void)entryno;
	(void)why;
	(void)whylen;
	return SW_EOF;
}

void
sw_jnative_close(struct sw_jnative *j)
{
	(void)j;
}

#endif
