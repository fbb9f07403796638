/*
 * s6_summary.h: stage 6, what the summaries say beyond counts: successful
 * logins after failures (the break-in signal: a success from an address
 * that failed before; a success for a user whose other attempts fail),
 * and the daily report of --summary: totals, failed logins of real users
 * by cause and by user, causes and failing users new since the last run,
 * successes after failures, and attack noise summarised. The report is
 * empty (nothing written) when there is nothing new: no failed login of
 * a real user and no success after failures. Tables have ceilings.
 * Includes stages 0-5.
 */
#ifndef SW_S6_SUMMARY_H
#define SW_S6_SUMMARY_H

#include <stdio.h>

#include "s0_common.h"
#include "s5_diagnose.h"
#include "s5_noise.h"
#include "s6_report.h"

#define SW_DIGEST_MAX_KEYS 50000	/* tallies; addresses and users each */
#define SW_DIGEST_MAX_SUCCESS 20000	/* successes remembered */
#define SW_DIGEST_MAX_CALLOUTS 100	/* successes after failures shown */

struct sw_digest;

struct sw_digest *sw_digest_new(void);
void sw_digest_free(struct sw_digest *d);

/* Every reported failed login and success, in connection order. */
void sw_digest_failure(struct sw_digest *d, const struct sw_finding *f);
/* Only what sw_digest_callouts reads (failures per address and user), for
 * a run that prints no daily report and keeps no state. */
void sw_digest_failure_counts(struct sw_digest *d, const struct sw_finding *f);
void sw_digest_success(struct sw_digest *d, const struct sw_success *s);

/* Text lines for a report's summary: the successes after failures. */
void sw_digest_callouts(struct sw_digest *d, struct sw_buf *out);
uint64_t sw_digest_successes(const struct sw_digest *d);

/*
 * For the text and markdown summaries: what --user/--from/--cause selected
 * and (callouts: text only) the successes after failures.
 */
void sw_summary_text_extra(struct sw_buf *b, const struct sw_summary *s,
    int callouts);

/* What the last run knew (from --state); NULL sets: no state. */
struct sw_digest_known {
	int have;			/* a state was read */
	char *const *causes;		/* sorted */
	size_t ncauses;
	char *const *users;		/* sorted */
	size_t nusers;
};

/* The run's totals the daily report repeats. */
struct sw_digest_totals {
	uint64_t connections, failed, succeeded, noauth, lines;
	int64_t first_us, last_us;	/* connections reported; 0: none */
	int utc_off_min;
	int partial;
	const char *filter;		/* "" or what was selected */
};

/*
 * Writes the daily report (text; JSON for json/ndjson) after the last
 * finding, judging noise with `noise` (observed by the report). Returns
 * 1 if it wrote something, 0 if there was nothing new (nothing written).
 * new_cause/new_user receive each real cause and failing user that was
 * not in `known`, for the caller to remember. With `out` NULL nothing is
 * written; only new_name is called.
 */
int sw_digest_report(struct sw_digest *d, FILE *out, const char *format,
    struct sw_noise *noise, const struct sw_digest_totals *t,
    const struct sw_digest_known *known,
    void (*new_name)(void *ctx, int is_user, const char *name), void *ctx);

#endif
