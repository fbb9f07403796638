/*
 * s2_format.c: line formats as a table of parsers. Each row parses the
 * timestamp its format starts with; the common tail "host prog[pid]: msg"
 * is shared. The last format that worked is tried first, so a file costs
 * one parser per line. Year-less timestamps get their year from the
 * source's modification time (a line cannot be newer than its file) or
 * from --year, rolling forward at new year.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "s2_client.h"
#include "s2_format.h"
#include "s2_months.h"

/* A headerless debug line that only sshd writes. */
static int
sw_bare_is_sshd(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r'))
		n--;
	return (n >= 10 && memcmp(p + n - 10, " [preauth]", 10) == 0) ||
	    (n >= 20 && memcmp(p, "debug1: sshd version", 20) == 0);
}

struct sw_tm {
	int year, mon, mday, hour, min, sec;	/* mon 1-12 */
	int usec;
	int has_year;
	int has_off;
	int off_min;
};

typedef int (*sw_time_parser)(const char *p, size_t n, struct sw_tm *tm,
    size_t *used);

struct sw_format_row {
	const char *name;
	sw_time_parser parse;
};

struct sw_format {
	struct sw_format_opts opts;
	struct sw_diag *diag;
	struct sw_format_stats stats;
	size_t last_row;
	unsigned cur_source;
	int have_source;
	int year_warned;
	int future_warned;	/* once per source */
	int client_in_source;	/* client output seen in the current source */
	int bare_in_source;	/* headerless sshd lines seen in it */
	int64_t last_time_us;	/* of the last timestamped record */
	int last_off_min;
	/* --year mode: rolling year state across the whole stream. */
	int roll_year, roll_prev_mon;
	int resume_mon;		/* sw_format_resume_year */
	/* Local-time cache: start of the hour for (year, mon, mday, hour). */
	int cache_key[4];
	int64_t cache_epoch;
	int cache_off_min;
	int cache_valid;
	int64_t last_us;	/* time of the source's last record (bare lines) */
};

static const char *const sw_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static int
sw_digits(const char *p, size_t n, size_t count, int *out)
{
	int v = 0;
	size_t i;

	if (n < count)
		return -1;
	for (i = 0; i < count; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* "hh:mm:ss[.frac]" */
static int
sw_parse_clock(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	size_t i = 8;

	if (n < 8 || p[2] != ':' || p[5] != ':' ||
	    sw_digits(p, n, 2, &tm->hour) || sw_digits(p + 3, n - 3, 2, &tm->min) ||
	    sw_digits(p + 6, n - 6, 2, &tm->sec))
		return -1;
	if (tm->hour > 23 || tm->min > 59 || tm->sec > 60)
		return -1;
	tm->usec = 0;
	if (i < n && p[i] == '.') {
		int digits = 0, v = 0;
		i++;
		while (i < n && p[i] >= '0' && p[i] <= '9') {
			if (digits < 6) {
				v = v * 10 + (p[i] - '0');
				digits++;
			}
			i++;
		}
		if (digits == 0)
			return -1;
		while (digits++ < 6)
			v *= 10;
		tm->usec = v;
	}
	*used = i;
	return 0;
}

/*
 * A month name: English as syslog writes it, else any locale's abbreviation
 * as journalctl prints it under that locale (strftime %b: "11月", "feb",
 * "Mär", "févr."), ASCII case folded. p[0..n) is the whole token.
 */
static int
sw_month_lookup(const char *p, size_t n)
{
	char key[32];
	size_t i, lo = 0, hi = sizeof(sw_month_names) / sizeof(sw_month_names[0]);

	if (n == 3)
		for (i = 0; i < 12; i++)
			if (memcmp(p, sw_months[i], 3) == 0)
				return (int)i + 1;
	if (n == 0 || n >= sizeof(key))
		return -1;
	for (i = 0; i < n; i++)
		key[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] + 32) : p[i];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sw_month_name *e = &sw_month_names[mid];
		size_t k = e->len < n ? e->len : n;
		int c = memcmp(key, e->name, k);
		if (c == 0)
			c = n < e->len ? -1 : n > e->len ? 1 : 0;
		if (c == 0)
			return e->mon;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * Traditional and journalctl short/short-precise: "Nov 25 10:00:00[.ffffff]",
 * with a localized month ("11月 25 ...", ja_JP's " 1月 05 ...") and any
 * number of spaces between the fields.
 */
static int
sw_parse_bsd(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	size_t i = 0, j, u;

	memset(tm, 0, sizeof(*tm));
	if (n < 14)
		return -1;
	if (p[0] == ' ' && p[1] >= '0' && p[1] <= '9')
		i = 1;		/* ja_JP and ko_KR pad " 1月" */
	for (j = i; j < n && j - i < 32 && p[j] != ' '; j++)
		;
	if (j >= n || p[j] != ' ' || (tm->mon = sw_month_lookup(p + i,
	    j - i)) < 0)
		return -1;
	i = j;
	while (i < n && p[i] == ' ')
		i++;
	if (i >= n || p[i] < '0' || p[i] > '9')
		return -1;
	tm->mday = p[i++] - '0';
	if (i < n && p[i] >= '0' && p[i] <= '9')
		tm->mday = tm->mday * 10 + (p[i++] - '0');
	if (tm->mday < 1 || tm->mday > 31 || i >= n || p[i] != ' ')
		return -1;
	while (i < n && p[i] == ' ')
		i++;
	if (sw_parse_clock(p + i, n - i, tm, &u))
		return -1;
	*used = i + u;
	return 0;
}

/* BusyBox/OpenWrt logread (ctime): "Thu Nov 25 10:00:00 2026" */
static int
sw_parse_ctime(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	size_t u;
	int d, ok = 0, year;

	if (n < 25 || p[3] != ' ')
		return -1;
	for (d = 0; d < 7; d++)
		if (memcmp(p, days[d], 3) == 0)
			ok = 1;
	if (!ok || sw_parse_bsd(p + 4, n - 4, tm, &u) || 4 + u + 5 > n ||
	    p[4 + u] != ' ' || sw_digits(p + 5 + u, n - 5 - u, 4, &year))
		return -1;
	tm->year = year;
	tm->has_year = 1;
	*used = 4 + u + 5;
	return 0;
}

/* "Z", "+hh:mm", "+hhmm" */
static int
sw_parse_offset(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	int h, m, sign;

	if (n >= 1 && p[0] == 'Z') {
		tm->has_off = 1;
		tm->off_min = 0;
		*used = 1;
		return 0;
	}
	if (n < 5 || (p[0] != '+' && p[0] != '-'))
		return -1;
	sign = p[0] == '-' ? -1 : 1;
	if (sw_digits(p + 1, n - 1, 2, &h))
		return -1;
	if (p[3] == ':') {
		if (n < 6 || sw_digits(p + 4, n - 4, 2, &m))
			return -1;
		*used = 6;
	} else {
		if (sw_digits(p + 3, n - 3, 2, &m))
			return -1;
		*used = 5;
	}
	if (h > 23 || m > 59)
		return -1;
	tm->has_off = 1;
	tm->off_min = sign * (h * 60 + m);
	return 0;
}

static int
sw_parse_date(const char *p, size_t n, struct sw_tm *tm)
{
	if (n < 10 || p[4] != '-' || p[7] != '-' ||
	    sw_digits(p, n, 4, &tm->year) || sw_digits(p + 5, n - 5, 2, &tm->mon) ||
	    sw_digits(p + 8, n - 8, 2, &tm->mday))
		return -1;
	if (tm->mon < 1 || tm->mon > 12 || tm->mday < 1 || tm->mday > 31)
		return -1;
	tm->has_year = 1;
	return 0;
}

/* RFC 3339 and journalctl short-iso[-precise]: "2026-11-25T10:00:00[.f]+01:00" */
static int
sw_parse_iso(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	size_t u, o;

	memset(tm, 0, sizeof(*tm));
	if (n < 20 || sw_parse_date(p, n, tm) || (p[10] != 'T' && p[10] != ' '))
		return -1;
	if (sw_parse_clock(p + 11, n - 11, tm, &u))
		return -1;
	if (sw_parse_offset(p + 11 + u, n - 11 - u, tm, &o))
		return -1;
	*used = 11 + u + o;
	return 0;
}

/* journalctl short-full: "Wed 2026-11-25 10:00:00[.f] UTC" */
static int
sw_parse_full(const char *p, size_t n, struct sw_tm *tm, size_t *used)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	size_t i, u, z;
	int d, ok = 0;

	memset(tm, 0, sizeof(*tm));
	if (n < 25 || p[3] != ' ')
		return -1;
	for (d = 0; d < 7; d++)
		if (memcmp(p, days[d], 3) == 0)
			ok = 1;
	if (!ok || sw_parse_date(p + 4, n - 4, tm) || p[14] != ' ')
		return -1;
	if (sw_parse_clock(p + 15, n - 15, tm, &u))
		return -1;
	i = 15 + u;
	if (i >= n || p[i] != ' ')
		return -1;
	i++;
	for (z = i; z < n && p[z] != ' '; z++)
		;
	if (z == i || z - i > 6)
		return -1;
	if ((z - i == 3 && (memcmp(p + i, "UTC", 3) == 0 ||
	    memcmp(p + i, "GMT", 3) == 0))) {
		tm->has_off = 1;
		tm->off_min = 0;
	} else if (p[i] == '+' || p[i] == '-') {
		size_t o;
		if (sw_parse_offset(p + i, z - i, tm, &o))
			return -1;
	}
	/* Other zone names: local time of this machine (documented). */
	*used = z;
	return 0;
}

/* Skips an RFC 5424 STRUCTURED-DATA field: "-" or "[...]" elements with
 * \" \] \\ escapes inside values. Returns bytes used, 0 if malformed. */
static size_t
sw_skip_sd(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 1 && p[0] == '-')
		return 1;
	while (i < n && p[i] == '[') {
		int quoted = 0;
		for (i++; i < n; i++) {
			if (quoted && p[i] == '\\') {
				i++;
				continue;
			}
			if (p[i] == '"')
				quoted = !quoted;
			else if (!quoted && p[i] == ']')
				break;
		}
		if (i >= n)
			return 0;
		i++;
	}
	return i;
}

/*
 * RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG". Not a time
 * row: it fills the whole record. Returns the time in *tm, 0 on success.
 */
static int
sw_parse_5424(const char *p, size_t n, struct sw_tm *tm, struct sw_record *r)
{
	size_t i = 1, u, f[4][2], k;

	if (n < 8 || p[0] != '<')
		return -1;
	while (i < n && i < 5 && p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == 1 || i + 2 >= n || p[i] != '>' || p[i + 1] != '1' ||
	    p[i + 2] != ' ')
		return -1;
	i += 3;
	if (sw_parse_iso(p + i, n - i, tm, &u))
		return -1;
	i += u;
	/* HOST APP PROCID MSGID, each one token ("-" when absent). */
	for (k = 0; k < 4; k++) {
		if (i >= n || p[i] != ' ')
			return -1;
		f[k][0] = ++i;
		while (i < n && p[i] != ' ')
			i++;
		f[k][1] = i;
		if (f[k][1] == f[k][0])
			return -1;
	}
	if (i >= n || p[i] != ' ')
		return -1;
	i++;
	if ((u = sw_skip_sd(p + i, n - i)) == 0)
		return -1;
	i += u;
	if (i < n && p[i] == ' ')
		i++;
	/* A UTF-8 BOM may start the message. */
	if (n - i >= 3 && memcmp(p + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	r->host = sw_span_make(p + f[0][0], f[0][1] - f[0][0]);
	if (sw_span_eq_str(r->host, "-"))
		r->host.len = 0;
	r->program = sw_span_make(p + f[1][0], f[1][1] - f[1][0]);
	r->pid = 0;
	if (sw_span_to_u64(sw_span_make(p + f[2][0], f[2][1] - f[2][0]),
	    &r->pid) != 0)
		r->pid = 0;
	r->message = sw_span_make(p + i, n - i);
	return 0;
}

static const struct sw_format_row sw_format_rows[] = {
	{ "syslog", sw_parse_bsd },
	{ "rfc3339", sw_parse_iso },
	{ "journal-short-full", sw_parse_full },
	{ "logread", sw_parse_ctime },
};
#define SW_NFORMATS (sizeof(sw_format_rows) / sizeof(sw_format_rows[0]))

static int64_t
sw_tm_utc_seconds(const struct sw_tm *tm)
{
	return sw_days_from_civil(tm->year, tm->mon, tm->mday) * 86400 +
	    tm->hour * 3600 + tm->min * 60 + tm->sec;
}

/* Local wall time to epoch seconds through mktime, cached per hour. */
static int64_t
sw_local_seconds(struct sw_format *f, const struct sw_tm *tm, int *off_min)
{
	int key[4] = { tm->year, tm->mon, tm->mday, tm->hour };

	if (!f->cache_valid || memcmp(key, f->cache_key, sizeof(key)) != 0) {
		struct tm t;
		time_t e;

		memset(&t, 0, sizeof(t));
		t.tm_year = tm->year - 1900;
		t.tm_mon = tm->mon - 1;
		t.tm_mday = tm->mday;
		t.tm_hour = tm->hour;
		t.tm_isdst = -1;
		e = mktime(&t);
		if (e == (time_t)-1) {
			struct sw_tm z = *tm;
			z.min = z.sec = 0;
			e = (time_t)sw_tm_utc_seconds(&z);
			f->cache_off_min = 0;
		} else
			f->cache_off_min = (int)(t.tm_gmtoff / 60);
		memcpy(f->cache_key, key, sizeof(key));
		f->cache_epoch = (int64_t)e;
		f->cache_valid = 1;
	}
	*off_min = f->cache_off_min;
	return f->cache_epoch + tm->min * 60 + tm->sec;
}

static void
sw_infer_year(struct sw_format *f, const struct sw_line *line, struct sw_tm *tm)
{
	if (f->opts.year > 0) {
		if (f->roll_year == 0) {
			f->roll_year = f->opts.year;
			f->roll_prev_mon = f->resume_mon;
		}
		if (tm->mon + 6 < f->roll_prev_mon)
			f->roll_year++;	/* Dec -> Jan */
		f->roll_prev_mon = tm->mon;
		tm->year = f->roll_year;
	} else {
		/* The newest file of a rotated set anchors the year. */
		int64_t anchor = line->set_mtime ? line->set_mtime : line->mtime;
		struct tm at;
		time_t t;
		int off;

		if (anchor == 0)
			anchor = f->opts.now;
		t = (time_t)anchor;
		localtime_r(&t, &at);
		tm->year = at.tm_year + 1900;
		/* A line is never newer than its file: else it is last year's. */
		if (sw_local_seconds(f, tm, &off) > anchor + 2 * 86400)
			tm->year--;
		if (!f->year_warned) {
			f->year_warned = 1;
			f->stats.year_guessed = 1;
			sw_diag_printf(f->diag, SW_DIAG_WARNING, line->origin, 0,
			    "timestamps have no year; assuming %d from %s "
			    "(use --year to set it)", tm->year,
			    line->mtime ? "the file's modification time" :
			    "the current date");
		}
	}
}

void
sw_format_resume_year(struct sw_format *f, int year, int mon)
{
	f->opts.year = year;
	f->resume_mon = mon;
}

int
sw_format_is_sshd(struct sw_span program)
{
	if (program.len < 4 || memcmp(program.p, "sshd", 4) != 0)
		return 0;
	return program.len == 4 ||
	    sw_span_eq_str(program, "sshd-session") ||
	    sw_span_eq_str(program, "sshd-auth");
}

struct sw_format *
sw_format_new(const struct sw_format_opts *opts, struct sw_diag *diag)
{
	struct sw_format *f = sw_xcalloc(1, sizeof(*f));

	if (opts != NULL)
		f->opts = *opts;
	/* "Now" once per run: not a clock read per line. */
	if (f->opts.now == 0)
		f->opts.now = (int64_t)time(NULL);
	f->diag = diag;
	return f;
}

void
sw_format_free(struct sw_format *f)
{
	free(f);
}

const struct sw_format_stats *
sw_format_stats(const struct sw_format *f)
{
	return &f->stats;
}

/*
 * The tail shared by every format: " host tag: message", where tag is
 * "prog[pid]" or "prog". Returns 0 and fills host/program/pid/message.
 */
/*
 * rsyslog's duplicate reduction: "message repeated 3 times: [ MSG]". The
 * inner message is what sshd wrote; it is analysed once.
 */
static void
sw_unwrap_repeated(struct sw_span *m)
{
	static const char head[] = "message repeated ";
	size_t i = sizeof(head) - 1;

	if (m->len < i + 6 || m->p[0] != 'm' || !sw_span_starts_with(*m, head) ||
	    m->p[m->len - 1] != ']')
		return;
	while (i < m->len && m->p[i] >= '0' && m->p[i] <= '9')
		i++;
	if (m->len - i < 11 || memcmp(m->p + i, " times: [", 9) != 0)
		return;
	i += 9;
	if (m->p[i] == ' ')
		i++;
	m->p += i;
	m->len -= i + 1;
}

/* Solaris syslogd adds "[ID 800047 auth.info] " before the message. */
static void
sw_strip_solaris_id(struct sw_span *m)
{
	size_t i = 4;

	if (m->len < 4 || m->p[0] != '[' || !sw_span_starts_with(*m, "[ID "))
		return;
	while (i < m->len && m->p[i] >= '0' && m->p[i] <= '9')
		i++;
	if (i == 4 || i >= m->len || m->p[i] != ' ')
		return;
	i++;	/* then "facility.level]" */
	while (i < m->len && m->p[i] != ']' && m->p[i] != ' ')
		i++;
	if (i + 1 >= m->len || m->p[i] != ']' || m->p[i + 1] != ' ')
		return;
	m->p += i + 2;
	m->len -= i + 2;
}

/*
 * Byte classes for the tail's scans, one load per byte: the bytes that end
 * a tag's name and a program name, and the first letters of facilities.
 */
enum { SW_B_TAG = 1, SW_B_PROG = 2, SW_B_FAC = 4, SW_B_LB = 8, SW_B_DOT = 16 };
static const unsigned char sw_bcls[256] = {
	[' '] = SW_B_TAG | SW_B_PROG, ['['] = SW_B_TAG | SW_B_PROG | SW_B_LB,
	[']'] = SW_B_TAG, [':'] = SW_B_TAG | SW_B_PROG, ['.'] = SW_B_DOT,
	['k'] = SW_B_FAC, ['u'] = SW_B_FAC, ['m'] = SW_B_FAC, ['d'] = SW_B_FAC,
	['a'] = SW_B_FAC, ['s'] = SW_B_FAC, ['l'] = SW_B_FAC, ['n'] = SW_B_FAC,
	['c'] = SW_B_FAC, ['f'] = SW_B_FAC,
};

/* Whether p[0..n) is a whole "prog[pid]:" tag (never a host name). */
static int
sw_is_tag(const char *p, size_t n)
{
	size_t i = 0, d;

	while (i < n && !(sw_bcls[(unsigned char)p[i]] & SW_B_TAG))
		i++;
	if (i == 0 || i >= n || p[i] != '[')
		return 0;
	d = ++i;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i > d && i + 2 == n && p[i] == ']' && p[i + 1] == ':';
}

/*
 * BusyBox syslogd and OpenWrt logread write the facility and priority
 * before the tag: "auth.info", "authpriv.notice", "local7.debug".
 */
static int
sw_is_facility_priority(const char *p, size_t n)
{
	static const char *const fac[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
		"news", "uucp", "cron", "authpriv", "ftp", "local0", "local1",
		"local2", "local3", "local4", "local5", "local6", "local7",
	};
	static const char *const pri[] = {
		"emerg", "alert", "crit", "err", "error", "warn", "warning",
		"notice", "info", "debug",
	};
	const char *dot;
	size_t i, fl;
	int ok = 0;

	/* Cheap rejects first: "ftp.err" to "authpriv.warning", and a
	 * facility's first letter. */
	if (n < 7 || n > 16 || !(sw_bcls[(unsigned char)p[0]] & SW_B_FAC) ||
	    (dot = memchr(p, '.', n)) == NULL)
		return 0;
	fl = (size_t)(dot - p);
	for (i = 0; i < sizeof(fac) / sizeof(fac[0]) && !ok; i++)
		ok = strlen(fac[i]) == fl && memcmp(p, fac[i], fl) == 0;
	if (!ok)
		return 0;
	for (i = 0; i < sizeof(pri) / sizeof(pri[0]); i++)
		if (strlen(pri[i]) == n - fl - 1 &&
		    memcmp(dot + 1, pri[i], n - fl - 1) == 0)
			return 1;
	return 0;
}

/* Length of the token at p[0..n) (up to a space). */
static size_t
sw_token(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != ' ')
		i++;
	return i;
}

static int
sw_parse_tail(const char *p, size_t n, struct sw_record *r)
{
	size_t i = 0, h, t, tag_end;
	unsigned seen;

	if (i >= n || p[i] != ' ')
		return -1;
	while (i < n && p[i] == ' ')
		i++;
	h = i;
	{
		const char *sp = memchr(p + i, ' ', n - i);
		i = sp != NULL ? (size_t)(sp - p) : n;
	}
	if (i == h || i >= n)
		return -1;
	/* A tag has a '[', "auth.info" a '.'. */
	if ((memchr(p + h, '[', i - h) != NULL && sw_is_tag(p + h, i - h)) ||
	    (memchr(p + h, '.', i - h) != NULL &&
	    sw_is_facility_priority(p + h, i - h))) {
		/* No host field (some syslogds, BSD, "logger" output,
		 * OpenWrt logread). */
		r->host = sw_span_make(p + h, 0);
		i = h;
	} else {
		r->host = sw_span_make(p + h, i - h);
		while (i < n && p[i] == ' ')
			i++;
	}
	/* The program name ends at '[' or ':'. A token that ends at a
	 * space instead may be "auth.info" (facility names hold no '[' or
	 * ':'): BusyBox's "host auth.info sshd[1]: ". */
	t = i;
	seen = 0;
	while (i < n && !(sw_bcls[(unsigned char)p[i]] & SW_B_PROG))
		seen |= sw_bcls[(unsigned char)p[i++]];
	if (i > t && i < n && p[i] == ' ' && (seen & SW_B_DOT) &&
	    sw_is_facility_priority(p + t, i - t)) {
		while (i < n && p[i] == ' ')
			i++;
		t = i;
		while (i < n && !(sw_bcls[(unsigned char)p[i]] & SW_B_PROG))
			i++;
	}
	if (i == t || i >= n)
		return -1;
	r->program = sw_span_make(p + t, i - t);
	r->pid = 0;
	if (p[i] == '[') {
		size_t d = ++i;
		uint64_t v = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			v = v * 10 + (uint64_t)(p[i++] - '0');
		/* 1-19 digits, as sw_span_to_u64 takes them. */
		if (i >= n || p[i] != ']' || i == d || i - d > 19)
			return -1;
		r->pid = v;
		i++;
	}
	if (i >= n || p[i] != ':')
		return -1;
	tag_end = i + 1;
	/* sshd's messages never start or end with blanks: extra spaces and
	 * trailing whitespace come from copying and pasting. */
	while (tag_end < n && (p[tag_end] == ' ' || p[tag_end] == '\t'))
		tag_end++;
	while (n > tag_end && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	r->message = sw_span_make(p + tag_end, n - tag_end);
	sw_unwrap_repeated(&r->message);
	sw_strip_solaris_id(&r->message);
	return 0;
}

/*
 * A line with no header at all, as `sshd -d`, `sshd -e` and `journalctl
 * -o cat` print and as people paste into tickets: read as an sshd message
 * of unknown time, host and pid. Only text that starts with a letter and
 * has no control bytes qualifies; the rest stays unparsed.
 */
static int
sw_parse_bare(const char *p, size_t n, struct sw_record *r)
{
	static const char sshd[] = "sshd";
	size_t i;

	if (n == 0 || !((p[0] >= 'a' && p[0] <= 'z') ||
	    (p[0] >= 'A' && p[0] <= 'Z')))
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t')
			return -1;
	/* A header that failed to parse (bad hour, bad pid) is not bare. */
	i = sw_token(p, n);
	if (sw_month_lookup(p, i) > 0 || (i == 3 && n > 4 && p[4] >= '0' &&
	    p[4] <= '9'))
		return -1;
	for (i = 0; i + 2 < n && i < 128; i++)
		if (p[i] == ']' && p[i + 1] == ':' && i > 0 &&
		    p[i - 1] >= '0' && p[i - 1] <= '9')
			return -1;	/* "prog[pid]:" */
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	r->host = sw_span_make(p, 0);
	r->program = sw_span_make(sshd, sizeof(sshd) - 1);
	r->pid = 0;
	r->message = sw_span_make(p, n);
	return 0;
}

enum sw_status
sw_format_parse(struct sw_format *f, const struct sw_line *line,
    struct sw_record *out)
{
	const char *p = line->text.p;
	size_t n = line->text.len, k, used = 0;
	struct sw_record r;
	struct sw_tm tm;
	int64_t secs;
	int off;

	f->stats.lines++;
	if (!f->have_source || line->source != f->cur_source) {
		f->have_source = 1;
		f->cur_source = line->source;
		f->future_warned = 0;
		f->client_in_source = 0;
		f->bare_in_source = 0;
		f->last_us = 0;
	}
	if (n == 0 || (n >= 3 && memcmp(p, "-- ", 3) == 0)) {
		/* Blank lines and journalctl's "-- Boot ... --" markers. */
		f->stats.other_lines++;
		return SW_ERR_NOMATCH;
	}

	memset(&r, 0, sizeof(r));
	if (p[0] == '<' && sw_parse_5424(p, n, &tm, &r) == 0) {
		r.format = "rfc5424";
		k = 0;
	} else for (k = 0; k < SW_NFORMATS; k++) {
		size_t row = (f->last_row + k) % SW_NFORMATS;
		if (sw_format_rows[row].parse(p, n, &tm, &used) == 0 &&
		    sw_parse_tail(p + used, n - used, &r) == 0) {
			f->last_row = row;
			r.format = sw_format_rows[row].name;
			break;
		}
	}
	/*
	 * "debugN: " lines are written by both ssh -v and sshd -d: such a
	 * line is sshd's when it says so ([preauth], "sshd version"), else
	 * the client's (a pasted sshd -d shows its other debug lines as
	 * unrecognised, never as a wrong finding).
	 */
	if (k == SW_NFORMATS && !(n >= 5 && memcmp(p, "debug", 5) == 0 &&
	    !f->client_in_source && sw_bare_is_sshd(p, n)) &&
	    sw_client_line(line->text, &r.message)) {
		/* ssh -v output: no time of its own, so it keeps the stream's
		 * order; the join with server lines needs none. */
		f->client_in_source = 1;
		r.format = "ssh-client";
		r.client = 1;
		r.time_us = f->last_time_us;
		r.utc_off_min = f->last_off_min;
		r.program = sw_span_make("ssh", 3);
		r.raw = line->text;
		r.origin = line->origin;
		r.lineno = line->lineno;
		f->stats.client_lines++;
		*out = r;
		return SW_OK;
	}
	if (k == SW_NFORMATS && sw_parse_bare(p, n, &r) == 0) {
		/* Keeps the order of the lines around it. */
		r.format = "bare";
		f->bare_in_source = 1;
		r.time_us = f->last_us;
		r.utc_off_min = 0;
		r.raw = line->text;
		r.origin = line->origin;
		r.lineno = line->lineno;
		f->stats.sshd_lines++;
		*out = r;
		return SW_OK;
	}
	if (k == SW_NFORMATS && f->client_in_source) {
		/* Other lines of a pasted client session (motd, prompts). */
		f->stats.other_lines++;
		return SW_ERR_NOMATCH;
	}
	if (k == SW_NFORMATS) {
		f->stats.unparsed++;
		/* The sink prints the first few per file and counts the rest. */
		sw_diag_printf(f->diag, SW_DIAG_SKIPPED, line->origin,
		    line->lineno, "no known log format (not a syslog, "
		    "RFC 3339 or journalctl line)");
		return SW_ERR_PARSE;
	}
	if (!sw_format_is_sshd(r.program)) {
		f->stats.other_lines++;
		return SW_ERR_NOMATCH;
	}

	if (!tm.has_year)
		sw_infer_year(f, line, &tm);
	if (tm.has_off) {
		secs = sw_tm_utc_seconds(&tm) - (int64_t)tm.off_min * 60;
		off = tm.off_min;
	} else
		secs = sw_local_seconds(f, &tm, &off);

	{
		int64_t now = f->opts.now;
		if (secs > now + 86400 && !f->future_warned) {
			struct sw_buf t;
			f->future_warned = 1;
			sw_buf_init(&t, 64);
			sw_format_time_rfc3339(&t, secs * 1000000, off);
			sw_diag_printf(f->diag, SW_DIAG_WARNING, line->origin,
			    line->lineno, "entry dated %s lies in the future: "
			    "the year (--year) or time zone (--tz) is probably "
			    "wrong", t.p);
			sw_buf_free(&t);
		}
	}
	r.time_us = secs * 1000000 + tm.usec;
	r.utc_off_min = off;
	f->last_time_us = r.time_us;
	f->last_off_min = off;
	f->last_us = r.time_us;
	r.raw = line->text;
	r.origin = line->origin;
	r.lineno = line->lineno;
	f->stats.sshd_lines++;
	*out = r;
	return SW_OK;
}

void
sw_format_time_rfc3339(struct sw_buf *out, int64_t time_us, int utc_off_min)
{
	int64_t local = time_us / 1000000 + (int64_t)utc_off_min * 60;
	int64_t usec = time_us % 1000000;
	int64_t days, secs, y;
	int m, d;
	int aoff = utc_off_min < 0 ? -utc_off_min : utc_off_min;

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
	sw_buf_addf(out, "%04lld-%02d-%02dT%02lld:%02lld:%02lld",
	    (long long)y, m, d, (long long)(secs / 3600),
	    (long long)(secs / 60 % 60), (long long)(secs % 60));
	if (usec != 0)
		sw_buf_addf(out, ".%06lld", (long long)usec);
	if (utc_off_min == 0)
		sw_buf_adds(out, "Z");
	else
		sw_buf_addf(out, "%c%02d:%02d", utc_off_min < 0 ? '-' : '+',
		    aoff / 60, aoff % 60);
}
