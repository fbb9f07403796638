/*
 * s5_client.h: stage 5, client sessions in, client findings out. Names
 * one cause for a failed ssh run (the highest-priority cause line, else
 * one inferred from what the client offered and what the server
 * answered), with its confidence, the fix and the server evidence that
 * would confirm it; and joins a session with the server connection of the
 * same attempt (same user, destination port = the server's local port,
 * and an offered key fingerprint when both sides show one).
 * Includes stages 0-5.
 */
#ifndef SW_S5_CLIENT_H
#define SW_S5_CLIENT_H

#include "s0_common.h"
#include "s3_rules.h"
#include "s4_client.h"
#include "s4_correlate.h"
#include "s5_diagnose.h"
#include "s5_fix.h"

/* A diagnosed failed ssh run. Strings owned by the diagnoser: valid until
 * its next sw_client_diagnose call. */
struct sw_client_finding {
	const struct sw_client_session *s;
	const struct sw_cause *cause;	/* owned by the rule set */
	enum sw_confidence confidence;
	const struct sw_fix *fix;	/* template filled in (s5_fix) */
	const char *confirm;		/* filled in, commands in backticks, or NULL */
	const char *note;		/* agent state, keys not offered, or NULL */
	size_t primary;			/* evidence index, or SIZE_MAX */
	int fix_used;			/* joined: the finding's fix is this one */
	int alone;			/* reported without a server connection */
};

struct sw_client_diag;

/* NULL (with a diag error) when `rs` lacks a cause the client diagnoser
 * infers. rs is borrowed. */
struct sw_client_diag *sw_client_diag_new(const struct sw_rules *rs,
    struct sw_diag *diag);
void sw_client_diag_free(struct sw_client_diag *d);

/* 1 and *out filled when `s` is a failed run; 0 otherwise (success, or the
 * output ends before any result). */
int sw_client_diagnose(struct sw_client_diag *d,
    const struct sw_client_session *s, struct sw_client_finding *out);

/*
 * The first unjoined session of `t` that is the client's view of server
 * connection `c`, or NULL; the session is marked joined. A session matches
 * when the user names agree, the destination port equals the server's
 * local port (when both are known) and, when both sides name offered keys,
 * they share a fingerprint.
 */
struct sw_client_session *sw_client_join(struct sw_client_table *t,
    const struct sw_conn *c);

/*
 * One finding with both views: *g = *f with g->client = cf and, when the
 * fix belongs on the client's side (a client cause that is certain, or any
 * client cause when the server's is not), the client's fix.
 */
void sw_client_merge(struct sw_finding *g, const struct sw_finding *f,
    struct sw_client_finding *cf);

/*
 * A finding for a failed run that no server connection explains, so that
 * it goes through the report like any other: *conn is filled from the
 * session (destination host, user, the client's lines as evidence; no
 * time, pid or source address) and *g points at it with g->client = cf
 * (cf->alone set). Valid while cf and its session are.
 */
void sw_client_alone(struct sw_finding *g, struct sw_conn *conn,
    struct sw_client_finding *cf);

#endif
