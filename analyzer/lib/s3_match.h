/*
 * s3_match.h: stage 3b, records in, events out. Runs the rule set's
 * patterns over an sshd message (with " [preauth]" taken off and noted),
 * with PCRE2 match, depth and heap limits on every call. A message matches
 * at most one rule: `sshwhy rules test` refuses a rule set in which an
 * example line matches two. Includes stages 0-3.
 */
#ifndef SW_S3_MATCH_H
#define SW_S3_MATCH_H

#include <stdio.h>

#include "s0_common.h"
#include "s2_format.h"
#include "s3_rules.h"

#define SW_EVENT_MAX_NAMED 16

struct sw_named_cap {
	const char *name;	/* owned by the rule set */
	struct sw_span value;	/* points into the record's raw line */
};

/* A matched line. Spans borrow from the record. */
struct sw_event {
	const struct sw_rule *rule;
	const struct sw_record *rec;
	int preauth;			/* the line ended in " [preauth]" */
	struct sw_span cap[SW_CAP_COUNT_];	/* .p == NULL when absent */
	size_t nnamed;
	struct sw_named_cap named[SW_EVENT_MAX_NAMED];
};

struct sw_match_limits {
	uint32_t match_limit;	/* PCRE2 match limit (backtracking steps) */
	uint32_t depth_limit;	/* PCRE2 depth limit */
	uint32_t heap_limit_kib;
};

struct sw_matcher;

/* `rs` is borrowed and must outlive the matcher. limits may be NULL. */
struct sw_matcher *sw_matcher_new(const struct sw_rules *rs,
    const struct sw_match_limits *limits);
void sw_matcher_free(struct sw_matcher *m);

/*
 * Matches rec's message. SW_OK: *ev is filled. SW_ERR_NOMATCH: no rule
 * knows the line. SW_ERR_MATCHLIMIT: a pattern hit a PCRE2 limit (the line
 * is treated as unmatched; counted in the stats).
 */
enum sw_status sw_match_record(struct sw_matcher *m,
    const struct sw_record *rec, struct sw_event *ev);

/*
 * The same without dispatch: every pattern in rule order (then the same
 * fallbacks for other versions' wording and redacted addresses). For
 * tests, which check that dispatch never changes a result.
 */
enum sw_status sw_match_record_all(struct sw_matcher *m,
    const struct sw_record *rec, struct sw_event *ev);

/* The message without a trailing " [preauth]"; *preauth says if it had one. */
struct sw_span sw_match_strip_preauth(struct sw_span message, int *preauth);

/* The value of any named capture of the event, or an empty span. */
struct sw_span sw_event_named(const struct sw_event *ev, const char *name);

struct sw_match_stats {
	uint64_t tried;		/* PCRE2 calls */
	uint64_t skipped;	/* patterns skipped by their literal prefix */
	uint64_t limit_hits;	/* PCRE2 calls stopped by a limit */
	uint64_t limit_lines;	/* messages no rule matched because a limit
				   stopped at least one pattern (each counted
				   once, however many patterns it stopped) */
};
const struct sw_match_stats *sw_match_stats(const struct sw_matcher *m);

/*
 * Drift: sshd lines that no rule knows, grouped by a normalised shape
 * (digits become N, quoted text 'S', long tokens X, the word after "user"
 * or "for" U), so a wording change in a new OpenSSH shows as one new shape.
 */
struct sw_shape {
	char *shape;		/* owned by the table */
	uint64_t count;
	char *origin;		/* first example: file and line */
	uint64_t lineno;
};

struct sw_shapes;

struct sw_shapes *sw_shapes_new(size_t max_shapes);
void sw_shapes_free(struct sw_shapes *t);
void sw_shapes_add(struct sw_shapes *t, const struct sw_record *rec);
/* Normalises one message into out (exposed for tests). */
void sw_shape_of(struct sw_buf *out, struct sw_span message);
/* Sorted by count, then shape; borrowed until the next add or free. */
const struct sw_shape *sw_shapes_sorted(struct sw_shapes *t, size_t *n,
    uint64_t *other);

/*
 * `sshwhy rules test`: every example must be matched by its own rule and
 * no other, with the captures it lists; every not_matching line must not
 * match its rule. Failures are printed to `out` as file:line: why.
 * Returns the number of failures; *checked gets the number of examples.
 */
unsigned sw_rules_selftest(const struct sw_rules *rs, FILE *out,
    unsigned *checked);

#endif
