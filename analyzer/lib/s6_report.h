/*
 * s6_report.h: stage 6, findings in, text out. Report writers are rows of a
 * table (begin, finding, end): text for people, json (one document),
 * ndjson (one failed login per line), markdown (support tickets) and html
 * (a self-contained page). With --redact, findings are redacted (s6_redact)
 * before any writer sees them. Every
 * untrusted byte is escaped for its format. Includes stages 0-5.
 */
#ifndef SW_S6_REPORT_H
#define SW_S6_REPORT_H

#include <stdio.h>

#include "s0_common.h"
#include "s3_match.h"
#include "s5_diagnose.h"
#include "s5_noise.h"

struct sw_cause_count {
	const char *id;		/* borrowed from the rule set */
	const char *title;
	uint64_t count;
};

/* Totals for the end of a report; all pointers borrowed. */
struct sw_summary {
	uint64_t lines, sshd_lines, unparsed, unmatched;
	uint64_t limit_hits;		/* lines a PCRE2 limit stopped (unmatched) */
	uint64_t connections, failed, succeeded, unknown, noauth;
	uint64_t outside;		/* connections outside --since/--until */
	uint64_t client_failed;		/* failed logins only in ssh client output */
	size_t ncauses;			/* sorted: count desc, then id */
	const struct sw_cause_count *causes;
	size_t nsources;
	const char *const *sources;
	size_t nshapes;			/* unrecognised sshd lines by shape */
	const struct sw_shape *shapes;
	uint64_t shapes_other;		/* lines beyond the shape table */
	int partial;			/* some input could not be read */
	uint64_t listed;		/* findings listed (not noise, or --all) */
	uint64_t noise;			/* findings judged attack noise */
	size_t noise_addresses;
	size_t ntop_ips, ntop_users;
	const struct sw_noise_top *top_ips, *top_users;
	/* Issue 10 (s5_filter.c, s6_summary.c). */
	const char *filter;		/* what --user/--from/--cause selected, or NULL */
	uint64_t filtered_out;		/* connections the filter left out */
	const char *callouts;		/* text: successes after failures, or NULL */
};

struct sw_report_opts {
	int no_evidence;
	int all;		/* text/markdown: list attack noise too */
	int unmatched;		/* text/markdown: list every unrecognised shape */
	unsigned width;		/* text: wrap prose here (0: 80); never commands */
	int redact;		/* pseudonyms for users, addresses, hosts, ... */
	const char *redact_key;	/* stable pseudonyms across reports, or NULL */
};

struct sw_report;

/*
 * NULL when `format` names no writer. `out` and `noise` are borrowed.
 * Findings are encoded as they come into compact records in a spool file,
 * so memory stays flat whatever their number; whether each is attack noise
 * is only known at the end, when sw_report_end() renders the records:
 * json/ndjson in time order with noise marked; text and markdown grouped
 * by cause, each cause's explanation once, noise summarised instead of
 * listed unless opts->all.
 */
struct sw_report *sw_report_new(const char *format, FILE *out,
    const struct sw_report_opts *opts, struct sw_noise *noise);
int sw_report_known(const char *format);
void sw_report_finding(struct sw_report *r, const struct sw_finding *f);
/* A successful login: listed by json and ndjson among the findings, in
 * time order, as {"outcome": "success", "method", "key", ...}; text and
 * markdown count them in the summary only. */
void sw_report_success(struct sw_report *r, const struct sw_success *s);
/* Writes the spooled findings and the summary. `s` is completed with the
 * noise figures and `listed`. Returns 0, or -1 if the spool could not be
 * written or read back (some findings are then missing). */
int sw_report_end(struct sw_report *r, struct sw_summary *s);
void sw_report_free(struct sw_report *r);

#endif
