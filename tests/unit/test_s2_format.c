/* Unit tests for stage 2: every supported line format, table-driven. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "s2_format.h"

static struct sw_line
mkline(const char *text, const char *origin, uint64_t lineno, int64_t mtime)
{
	struct sw_line l;

	memset(&l, 0, sizeof(l));
	l.text = sw_span_make(text, strlen(text));
	l.origin = origin;
	l.lineno = lineno;
	l.mtime = l.set_mtime = mtime;
	return l;
}

struct fmt_case {
	const char *line;
	enum sw_status st;
	const char *time;	/* RFC 3339 as printed, UTC offset kept */
	const char *host, *program, *message;
	uint64_t pid;
};

static const struct fmt_case cases[] = {
	{ "Nov 25 10:00:03 web1 sshd[4711]: Failed password for bob from 1.2.3.4 port 5 ssh2",
	  SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd",
	  "Failed password for bob from 1.2.3.4 port 5 ssh2", 4711 },
	{ "Mar  3 14:02:11 web1 sshd-session[24117]: Connection closed by 1.2.3.4 port 5 [preauth]",
	  SW_OK, "2026-03-03T14:02:11Z", "web1", "sshd-session",
	  "Connection closed by 1.2.3.4 port 5 [preauth]", 24117 },
	{ "2026-11-25T10:00:03.123456+01:00 lab sshd[9]: Accepted publickey for a from 127.0.0.1 port 4 ssh2",
	  SW_OK, "2026-11-25T10:00:03.123456+01:00", "lab", "sshd",
	  "Accepted publickey for a from 127.0.0.1 port 4 ssh2", 9 },
	{ "2026-11-25T10:00:03+0000 lab sshd[9]: x",
	  SW_OK, "2026-11-25T10:00:03Z", "lab", "sshd", "x", 9 },
	{ "2026-11-25T10:00:03Z lab sshd-auth[9]: y",
	  SW_OK, "2026-11-25T10:00:03Z", "lab", "sshd-auth", "y", 9 },
	{ "Nov 25 10:00:03.250000 web1 sshd[1]: precise",
	  SW_OK, "2026-11-25T10:00:03.250000Z", "web1", "sshd", "precise", 1 },
	{ "Wed 2026-11-25 10:00:03 UTC web1 sshd[2]: full",
	  SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd", "full", 2 },
	{ "Feb 17 17:40:17 sshd[19725]: Connection closed by 1.2.3.4 port 5 [preauth]",
	  SW_OK, "2026-02-17T17:40:17Z", "", "sshd",
	  "Connection closed by 1.2.3.4 port 5 [preauth]", 19725 },
	{ "Nov 25 10:00:03 web1 sshd[7]: message repeated 2 times: [ Failed password for root from 1.2.3.4 port 5 ssh2]",
	  SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd",
	  "Failed password for root from 1.2.3.4 port 5 ssh2", 7 },
	{ "<38>1 2022-01-19T14:23:55+00:00 OPNsense.localdomain sshd 44255 - [meta sequenceId=\"1\" x=\"a]\\\"b\"] Invalid user tutu from 1.2.3.4 port 33166",
	  SW_OK, "2022-01-19T14:23:55Z", "OPNsense.localdomain", "sshd",
	  "Invalid user tutu from 1.2.3.4 port 33166", 44255 },
	{ "<38>1 2019-07-08T17:40:16.954167-04:00 h.example.com sshd 57915 - - Failed unknown for x from 192.0.2.1 port 59197 ssh2",
	  SW_OK, "2019-07-08T17:40:16.954167-04:00", "h.example.com", "sshd",
	  "Failed unknown for x from 192.0.2.1 port 59197 ssh2", 57915 },
	{ "Mar 29 05:20:09 dusky sshd[19558]: [ID 800047 auth.info] Failed keyboard-interactive for james from 205.186.180.30 port 54520 ssh2",
	  SW_OK, "2026-03-29T05:20:09Z", "dusky", "sshd",
	  "Failed keyboard-interactive for james from 205.186.180.30 port 54520 ssh2", 19558 },
	{ "<38>1 2022-01-19T14:23:55+00:00 h sshd 1 - [unterminated x",
	  SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
	{ "Nov 25 10:00:03 web1 CRON[4711]: pam_unix(cron:session): session opened",
	  SW_ERR_NOMATCH, NULL, NULL, NULL, NULL, 0 },
	{ "-- Boot 0123456789abcdef --", SW_ERR_NOMATCH, NULL, NULL, NULL, NULL, 0 },
	{ "", SW_ERR_NOMATCH, NULL, NULL, NULL, NULL, 0 },
	/* No header at all (sshd -d/-e, journalctl -o cat, pasted): a bare
	 * sshd message; rules decide whether it means anything. */
	{ "hello world", SW_OK, "1970-01-01T00:00:00Z", "", "sshd", "hello world", 0 },
	{ "debug1: userauth-request for user bob service ssh-connection method none [preauth]  ",
	  SW_OK, "1970-01-01T00:00:00Z", "", "sshd",
	  "debug1: userauth-request for user bob service ssh-connection method none [preauth]", 0 },
	{ "Nov 25 10:00:03 web1 foo[1]x", SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
	/* journalctl -o short under other locales (glibc abmon) */
	{ "11\xe6\x9c\x88 25 01:53:15 lab sshd[1510]: ja", SW_OK, "2026-11-25T01:53:15Z", "lab", "sshd", "ja", 1510 },
	{ " 1\xe6\x9c\x88 05 01:53:15 lab sshd[1510]: ja-jan", SW_OK, "2026-01-05T01:53:15Z", "lab", "sshd", "ja-jan", 1510 },
	{ "3\xe6\x9c\x88 05 01:53:15 lab sshd[1]: zh", SW_OK, "2026-03-05T01:53:15Z", "lab", "sshd", "zh", 1 },
	{ " 2\xec\x9b\x94 05 01:53:15 lab sshd[1]: ko", SW_OK, "2026-02-05T01:53:15Z", "lab", "sshd", "ko", 1 },
	{ "feb 17 17:40:17 lab sshd[2]: sv", SW_OK, "2026-02-17T17:40:17Z", "lab", "sshd", "sv", 2 },
	{ "maj 17 17:40:17 lab sshd[2]: sv-may", SW_OK, "2026-05-17T17:40:17Z", "lab", "sshd", "sv-may", 2 },
	{ "M\xc3\xa4r 17 17:40:17 lab sshd[2]: de", SW_OK, "2026-03-17T17:40:17Z", "lab", "sshd", "de", 2 },
	{ "Dez 17 17:40:17 lab sshd[2]: de-dec", SW_OK, "2026-12-17T17:40:17Z", "lab", "sshd", "de-dec", 2 },
	{ "Okt 17 17:40:17 lab sshd[2]: de-oct", SW_OK, "2026-10-17T17:40:17Z", "lab", "sshd", "de-oct", 2 },
	{ "f\xc3\xa9vr. 17 17:40:17 lab sshd[2]: fr", SW_OK, "2026-02-17T17:40:17Z", "lab", "sshd", "fr", 2 },
	{ "NOV 25 10:00:03 web1 sshd[4]: upper", SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd", "upper", 4 },
	/* BusyBox syslogd / logread, OpenWrt logread */
	{ "Nov 25 10:00:03 router auth.info sshd[123]: busybox", SW_OK, "2026-11-25T10:00:03Z", "router", "sshd", "busybox", 123 },
	{ "Thu Nov 25 10:00:03 2027 authpriv.info sshd[123]: openwrt", SW_OK, "2027-11-25T10:00:03Z", "", "sshd", "openwrt", 123 },
	/* the host field: absent (the tag comes first), dotted, a facility
	 * look-alike that is a program, a bracket that is no tag */
	{ "Nov 25 10:00:03 sshd[8]: no host", SW_OK, "2026-11-25T10:00:03Z", "", "sshd", "no host", 8 },
	{ "Nov 25 10:00:03 web.example.org sshd[9]: dotted", SW_OK, "2026-11-25T10:00:03Z", "web.example.org", "sshd", "dotted", 9 },
	{ "Nov 25 10:00:03 web1 auth.nope sshd[9]: not a facility", SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
	{ "Nov 25 10:00:03 web[1] sshd[10]: bracketed host", SW_OK, "2026-11-25T10:00:03Z", "web[1]", "sshd", "bracketed host", 10 },
	{ "Nov 25 10:00:03 web1 sshd: no pid", SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd", "no pid", 0 },
	/* extra spaces between fields, trailing whitespace */
	{ "Nov 25  10:00:03   web1   sshd[5]:   spaced \t ", SW_OK, "2026-11-25T10:00:03Z", "web1", "sshd", "spaced", 5 },
	{ "Nov 25 25:00:03 web1 sshd[1]: bad hour", SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
	{ "Nov 25 10:00:03 web1 sshd[12x]: bad pid", SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
	{ "Nov 25 10:00:03 web1 sshd[99999999999999999999]: pid too long", SW_ERR_PARSE, NULL, NULL, NULL, NULL, 0 },
};

Test(format, table, .init = NULL)
{
	struct sw_format_opts fo = { 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 1);
	struct sw_format *f;
	size_t i;

	setenv("TZ", "UTC", 1);
	fo.year = 2026;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* A fresh context per line: --year rolls forward between lines. */
		f = sw_format_new(&fo, d);
		struct sw_line line = mkline(cases[i].line, "t.log", i + 1, 0);
		struct sw_record r;
		enum sw_status st = sw_format_parse(f, &line, &r);

		cr_expect_eq(st, cases[i].st, "case %zu: status %d", i, st);
		if (st != SW_OK || cases[i].st != SW_OK) {
			sw_format_free(f);
			continue;
		}
		struct sw_buf t;
		sw_buf_init(&t, 0);
		sw_format_time_rfc3339(&t, r.time_us, r.utc_off_min);
		cr_expect_str_eq(t.p, cases[i].time, "case %zu", i);
		sw_buf_free(&t);
		cr_expect(sw_span_eq_str(r.host, cases[i].host), "case %zu host", i);
		cr_expect(sw_span_eq_str(r.program, cases[i].program), "case %zu prog", i);
		cr_expect(sw_span_eq_str(r.message, cases[i].message), "case %zu msg", i);
		cr_expect_eq(r.pid, cases[i].pid, "case %zu pid", i);
		cr_expect_eq(r.lineno, i + 1);
		sw_format_free(f);
	}
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 6);	/* the SW_ERR_PARSE cases */
	sw_diag_free(d);
}

/* A line is never newer than its file: December lines in a file modified
 * in January belong to the year before. */
Test(format, year_from_mtime_rolls_back)
{
	struct sw_format_opts fo = { 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 1);
	struct sw_format *f;
	const char *dec = "Dec 31 23:59:00 h sshd[1]: old";
	const char *jan = "Jan  1 00:01:00 h sshd[1]: new";
	struct sw_line l1 = mkline(dec, "r.log", 1, 1767225900);
	struct sw_line l2 = mkline(jan, "r.log", 2, 1767225900);
	struct sw_record r;
	struct sw_buf t;

	setenv("TZ", "UTC", 1);
	f = sw_format_new(&fo, d);	/* mtime 2026-01-01T00:05:00Z */
	sw_buf_init(&t, 0);
	cr_assert_eq(sw_format_parse(f, &l1, &r), SW_OK);
	sw_format_time_rfc3339(&t, r.time_us, r.utc_off_min);
	cr_expect_str_eq(t.p, "2025-12-31T23:59:00Z");
	sw_buf_reset(&t);
	cr_assert_eq(sw_format_parse(f, &l2, &r), SW_OK);
	sw_format_time_rfc3339(&t, r.time_us, r.utc_off_min);
	cr_expect_str_eq(t.p, "2026-01-01T00:01:00Z");
	cr_expect(sw_format_stats(f)->year_guessed);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_WARNING), 1);
	sw_buf_free(&t);
	sw_format_free(f);
	sw_diag_free(d);
}

Test(format, explicit_year_rolls_forward)
{
	struct sw_format_opts fo = { 2025, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 1);
	struct sw_format *f = sw_format_new(&fo, d);
	const char *dec = "Dec 31 23:59:00 h sshd[1]: old";
	const char *jan = "Jan  1 00:01:00 h sshd[1]: new";
	struct sw_line l1 = mkline(dec, "r.log", 1, 0);
	struct sw_line l2 = mkline(jan, "r.log", 2, 0);
	struct sw_record r1, r2;

	setenv("TZ", "UTC", 1);
	cr_assert_eq(sw_format_parse(f, &l1, &r1), SW_OK);
	cr_assert_eq(sw_format_parse(f, &l2, &r2), SW_OK);
	cr_expect_eq(r2.time_us - r1.time_us, (int64_t)120 * 1000000);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_WARNING), 0);
	sw_format_free(f);
	sw_diag_free(d);
}

Test(format, unparsed_line_is_reported_with_file_and_line)
{
	struct sw_diag *d = sw_diag_new(NULL, 5);
	struct sw_format *f = sw_format_new(NULL, d);
	const char *bad = "\x01\x02 garbage";
	struct sw_line l = mkline(bad, "auth.log", 42, 0);
	struct sw_record r;

	cr_expect_eq(sw_format_parse(f, &l, &r), SW_ERR_PARSE);
	cr_expect(strstr(sw_diag_last(d), "auth.log:42:") != NULL);
	cr_expect(sw_diag_partial(d));
	sw_format_free(f);
	sw_diag_free(d);
}
