/*
 * s4_correlate.h: stage 4, events in, connections out. Groups the events of
 * one sshd connection (same host, same pid, sshd program family), keeps its
 * user, address, attempts and evidence lines, decides its outcome, and hands
 * finished connections to a callback in the order they started. Memory
 * follows the open connections: closed ones linger a few seconds for
 * trailing PAM lines, idle ones expire, and the table has a ceiling.
 * Includes stages 0-3.
 */
#ifndef SW_S4_CORRELATE_H
#define SW_S4_CORRELATE_H

#include "s0_common.h"
#include "s3_match.h"
#include "s3_rules.h"

enum sw_outcome {
	SW_OUTCOME_SUCCESS,	/* authentication succeeded */
	SW_OUTCOME_FAILURE,	/* a user was named or refused; no success */
	SW_OUTCOME_UNKNOWN,	/* a user was named; the log ended soon after */
	SW_OUTCOME_NOAUTH,	/* closed before any user name (scanner, probe) */
};

const char *sw_outcome_name(enum sw_outcome o);

#define SW_EVIDENCE_MAX_NAMED 16

/* One log line kept as evidence, with its captures as offsets into text. */
struct sw_evidence {
	const char *origin;		/* borrowed: valid until sw_input_free */
	uint64_t lineno;
	int64_t time_us;
	int utc_off_min;
	const char *text;		/* the whole line, in the connection's
					   evidence arena */
	size_t text_len;
	const struct sw_rule *rule;	/* owned by the rule set */
	size_t nnamed;
	struct {
		const char *name;	/* owned by the rule set */
		uint32_t off, len;
		int set;
	} named[SW_EVIDENCE_MAX_NAMED];
};

/* Value of a named capture of an evidence line (empty span if unset). */
struct sw_span sw_evidence_named(const struct sw_evidence *e, const char *name);

/* A connection, read-only to the callback; valid during the callback only. */
struct sw_conn {
	const char *host;		/* interned; valid until correlator free */
	uint64_t pid;
	int64_t start_us, last_us;
	int utc_off_min;
	char *user;			/* NULL when none was named */
	int user_invalid;		/* sshd said "invalid user" */
	char *ip;			/* NULL when unknown */
	char *source_host;		/* client host name (UseDNS yes), or NULL */
	unsigned port;			/* 0 when unknown */
	char method[48];		/* last method tried, "" if none */
	enum sw_outcome outcome;
	int closed;			/* a close line was seen */
	unsigned n_failed;		/* failed attempts */
	unsigned n_failed_password;
	unsigned n_failed_publickey;
	unsigned n_success;
	int refused_after_success;	/* a refuses_session line was seen */
	int went_silent;		/* a user, then silence while the log
					   went on: failed, cause unlogged */
	unsigned unmatched;		/* sshd lines no rule knew */
	enum sw_loglevel level_seen;	/* highest level of this connection's
					   own lines (at least INFO if its host
					   logs at INFO or more) */
	size_t nevidence;
	struct sw_evidence *evidence;
	unsigned evidence_dropped;
};

typedef void (*sw_conn_cb)(void *ctx, const struct sw_conn *c);

struct sw_correlate_opts {
	size_t max_connections;		/* open at once; the oldest is flushed */
	int64_t idle_us;		/* an open connection this quiet ends */
	int64_t linger_us;		/* a closed one waits this long for trailers */
	size_t max_evidence;		/* lines kept per connection */
	size_t max_bytes;		/* all open connections and their
					   evidence; the oldest is flushed */
};

void sw_correlate_opts_default(struct sw_correlate_opts *o);

struct sw_correlator;

/* `cb` receives every finished connection; `diag` is borrowed. */
struct sw_correlator *sw_correlator_new(const struct sw_correlate_opts *opts,
    sw_conn_cb cb, void *ctx, struct sw_diag *diag);
/* Flushes nothing: call sw_correlate_finish first to get every connection. */
void sw_correlator_free(struct sw_correlator *c);

void sw_correlate_event(struct sw_correlator *c, const struct sw_event *ev);
/* An sshd line no rule matched: counted on its connection, if open. */
void sw_correlate_unmatched(struct sw_correlator *c,
    const struct sw_record *rec);
/* End of input: every open connection is finished and handed over. */
void sw_correlate_finish(struct sw_correlator *c);

struct sw_correlate_stats {
	uint64_t connections;
	uint64_t max_open;
	uint64_t flushed_early;		/* over max_connections or max_bytes */
	uint64_t orphan_lines;		/* context lines with no connection (yet) */
};
const struct sw_correlate_stats *sw_correlate_stats(
    const struct sw_correlator *c);

#endif
