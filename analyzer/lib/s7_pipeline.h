/*
 * s7_pipeline.h: stage 7, the wiring. Runs input -> format -> match ->
 * correlate -> diagnose -> report over the given paths, and the `rules
 * test` and `explain` subcommands, returning the documented exit status.
 * The CLI (analyzer/cli/main.c) only parses options and calls these.
 */
#ifndef SW_S7_PIPELINE_H
#define SW_S7_PIPELINE_H

#include <stdio.h>

#include "s0_common.h"

/*
 * Exit status, documented in docs/cli.md and --help. Bits 1 and 4 combine.
 * sw_run_analyze() always sets SW_EXIT_FOUND when failed logins were
 * reported; the CLI keeps it only with --exit-code (as git diff does).
 */
enum sw_exit {
	SW_EXIT_NONE = 0,	/* the analysis ran */
	SW_EXIT_FOUND = 1,	/* at least one failed login reported */
	SW_EXIT_USAGE = 2,	/* bad arguments, invalid rules, write error */
	SW_EXIT_PARTIAL = 4,	/* some input could not be read (added to 0/1) */
};

struct sw_run_opts {
	const char *format;	/* report writer name */
	int year;		/* 0: infer */
	int all;
	int no_evidence;
	int unmatched;		/* list unrecognised sshd lines by shape */
	int redact;		/* --redact: pseudonyms in the report */
	const char *redact_key;	/* --redact-key, or NULL */
	int quiet;		/* no warnings on stderr (errors still) */
	size_t max_line;
	size_t max_connections;
	int64_t since_us, until_us;	/* report window; 0: unbounded */
	const char *rules_overlay;	/* local rules (/etc/sshwhy/rules.d) or NULL */
	const char **authorized_keys;	/* --authorized-keys specs */
	size_t nauthorized_keys;
	/* Issue 10. */
	struct sw_filter *filter;	/* --user/--from/--cause; NULL: none */
	int timeline;			/* --timeline instead of the report */
	int summary;			/* --summary: the daily report */
	const char *state;		/* --state FILE; NULL: none */
	struct sw_incr **commit;	/* with state: the caller commits it
					   (sw_run_commit) once the report is
					   out; NULL: committed by the run */
	/* Issue 9: threads reading the inputs (one per input stream, beside
	 * the main thread); 1: everything in one thread; 0: the number of
	 * online CPUs, at most 8. --state reads in one thread. */
	unsigned threads;
};

struct sw_filter;
struct sw_incr;

void sw_run_opts_default(struct sw_run_opts *o);
/*
 * --user, --from, --cause (kind 'u', 'f', 'c'): 0, or -1 for a bad value
 * (an address or CIDR that does not parse). The filter is created on first
 * use; free it with sw_run_opts_free.
 */
int sw_run_add_filter(struct sw_run_opts *o, int kind, const char *value);
void sw_run_opts_free(struct sw_run_opts *o);
/*
 * Writes the state of an incremental run after its report was written
 * (and frees it). 0, or SW_EXIT_USAGE with a message on err.
 */
int sw_run_commit(struct sw_incr *in, FILE *err);
/* Frees it unwritten (the report failed: the next run repeats this one). */
void sw_run_discard(struct sw_incr *in);
/* Parses a --since/--until value (s0_time.h): 0, or -1. */
int sw_run_parse_when(const char *s, int64_t *out);
/* 0 if `name` is a known report format (and sets it), -1 otherwise. */
int sw_run_set_format(struct sw_run_opts *o, const char *name);

int sw_run_analyze(const struct sw_run_opts *o, const char *rules_dir,
    const char *const *paths, size_t npaths, FILE *out, FILE *err);
/*
 * `rules test`: every example of the rules in rules_dir merged with the
 * local overlay (NULL: none), naming each local rule and what it did, and
 * failing when a cause lacks a translation.
 */
int sw_run_rules_test(const char *rules_dir, const char *overlay, FILE *out,
    FILE *err);
/*
 * `explain [CAUSE]` in the current language; format NULL/"text"/"markdown"
 * (every cause as docs/causes.md) or "json".
 */
int sw_run_explain(const char *rules_dir, const char *overlay,
    const char *cause, const char *format, FILE *out, FILE *err);

#endif
