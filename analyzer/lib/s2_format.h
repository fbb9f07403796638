/*
 * s2_format.h: stage 2, lines in, records out. Recognises the line formats
 * sshd's messages arrive in (traditional BSD syslog, RFC 3339 and
 * high-precision rsyslog, journalctl short, short-iso, short-precise,
 * short-iso-precise, short-full), splits time, host, program, pid and
 * message, and drops lines of other programs cheaply. OpenSSH client
 * output (`ssh -v`, no header) is recognised by s2_client and returned as
 * records with `client` set. Includes stages 0-1.
 */
#ifndef SW_S2_FORMAT_H
#define SW_S2_FORMAT_H

#include <stdint.h>

#include "s0_common.h"
#include "s1_input.h"

struct sw_format_opts {
	int year;		/* >0: year-less timestamps start in this year */
	int64_t now;		/* "now" (year guess for stdin, future check);
			   0: the clock, read once by sw_format_new */
};

/* A parsed line. Spans borrow from the sw_line; valid until its next call. */
struct sw_record {
	int64_t time_us;	/* microseconds since the epoch, UTC */
	int utc_off_min;	/* offset the time was written in (for display) */
	struct sw_span host;
	struct sw_span program;	/* sshd, sshd-session, sshd-auth */
	uint64_t pid;		/* 0 when the tag has none */
	struct sw_span message;	/* after "prog[pid]: " */
	struct sw_span raw;	/* the whole line */
	const char *origin;	/* borrowed from sw_line: valid to sw_input_free */
	uint64_t lineno;
	const char *format;	/* static name of the format that parsed it */
	int client;		/* a line of OpenSSH client output (ssh -v):
				   no header, so host and program are empty,
				   pid 0, time that of the last timestamped
				   line of the stream (0 if none) */
};

struct sw_format;

/* `diag` is borrowed and must outlive the format context. */
struct sw_format *sw_format_new(const struct sw_format_opts *opts,
    struct sw_diag *diag);
void sw_format_free(struct sw_format *f);

/*
 * --state: year-less timestamps start in `year`, and `mon` (1-12) is the
 * month of the line read before, so a January line after a December one
 * rolls the year on. Call before the first line.
 */
void sw_format_resume_year(struct sw_format *f, int year, int mon);

/*
 * Parses one line. SW_OK: an sshd-family record in *out. SW_ERR_NOMATCH: a
 * valid line of another program, or a blank or journal meta line (skip).
 * SW_ERR_PARSE: no format recognises the line; it is counted, and the first
 * few per source are reported as warnings with file:line.
 */
enum sw_status sw_format_parse(struct sw_format *f, const struct sw_line *line,
    struct sw_record *out);

struct sw_format_stats {
	uint64_t lines;		/* every line seen */
	uint64_t sshd_lines;	/* records returned */
	uint64_t other_lines;	/* other programs, blank and meta lines */
	uint64_t unparsed;	/* no format recognised */
	uint64_t client_lines;	/* records of ssh client output */
	int year_guessed;	/* a year-less timestamp needed a guessed year */
};
const struct sw_format_stats *sw_format_stats(const struct sw_format *f);

/* Whether a program name is one of sshd's (sshd, sshd-session, sshd-auth). */
int sw_format_is_sshd(struct sw_span program);

/* Writes time_us at offset utc_off_min as RFC 3339 ("2026-11-25T10:00:03+01:00",
 * with ".ffffff" when the microseconds are not zero). */
void sw_format_time_rfc3339(struct sw_buf *out, int64_t time_us, int utc_off_min);

#endif
