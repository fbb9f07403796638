/*
 * s5_diagnose.h: stage 5, connections in, findings out. For every failed
 * login picks exactly one primary cause (the highest-priority cause among
 * its evidence lines, else one inferred from what the LogLevel can and
 * cannot show), a confidence, the line that proves it, and the fix with
 * the connection's values filled in. Includes stages 0-4.
 */
#ifndef SW_S5_DIAGNOSE_H
#define SW_S5_DIAGNOSE_H

#include "s0_common.h"
#include "s3_rules.h"
#include "s4_correlate.h"
#include "s5_fix.h"
#include "s5_keys.h"

struct sw_client_finding;

/* A diagnosed failed login. Valid during the callback only. */
struct sw_finding {
	const struct sw_conn *conn;
	const struct sw_cause *cause;	/* owned by the rule set */
	enum sw_confidence confidence;
	const char *method;		/* "password", ..., or "unknown" */
	const struct sw_fix *fix;	/* template filled in: prose, commands */
	const char *note;		/* what else the log says, or NULL */
	size_t primary;			/* evidence index proving it, or SIZE_MAX */
	int noise;			/* part of a scan or brute force */
	const struct sw_client_finding *client;	/* the client's view of the
					   same attempt (s5_client), or NULL */
};

typedef void (*sw_finding_cb)(void *ctx, const struct sw_finding *f);

/* A successful login. Valid during the callback only. */
struct sw_success {
	const struct sw_conn *conn;
	const char *method;		/* "publickey", "password", ... */
	const char *key;		/* "ED25519 SHA256:..." or NULL */
	const struct sw_evidence *line;	/* the Accepted line, or NULL */
};

typedef void (*sw_success_cb)(void *ctx, const struct sw_success *s);

struct sw_diagnoser;

/*
 * Looks up the causes the diagnoser infers (insufficient-logging,
 * invalid-user, undetermined); a missing one gets a diag warning and a
 * built-in placeholder text, so a partial rules directory (one rule given
 * with --rules) still analyses. rs is borrowed.
 */
struct sw_diagnoser *sw_diagnoser_new(const struct sw_rules *rs,
    sw_finding_cb cb, void *ctx, struct sw_diag *diag);
void sw_diagnoser_free(struct sw_diagnoser *d);

/*
 * authorized_keys read with --authorized-keys: failures involving public
 * keys are checked against them (is the offered key there? on a line that
 * works?). `k` is borrowed and must outlive the diagnoser; NULL: none.
 */
void sw_diagnoser_set_keys(struct sw_diagnoser *d, const struct sw_keys *k);

/* Successful logins in the time window go to `cb` too (NULL: nowhere). */
void sw_diagnoser_set_success(struct sw_diagnoser *d, sw_success_cb cb,
    void *ctx);

/* Feed every finished connection (an sw_conn_cb). */
void sw_diagnose_conn(void *diagnoser, const struct sw_conn *c);

struct sw_diagnose_stats {
	uint64_t failed, succeeded, unknown, noauth;
	uint64_t outside;	/* started outside the time window: not reported */
};

/*
 * Report only connections that started in [since_us, until_us) (0: no
 * bound). Earlier lines still feed correlation and the memory of keys
 * that logged in, so a window loses no context.
 */
void sw_diagnoser_set_window(struct sw_diagnoser *d, int64_t since_us,
    int64_t until_us);
const struct sw_diagnose_stats *sw_diagnose_stats(const struct sw_diagnoser *d);

/*
 * Expands {name} in a fix template from the evidence line and connection,
 * as one string with commands between backticks (sw_fix_build and
 * sw_fix_flatten): values in commands are shell-quoted once, a command
 * whose value cannot be pasted safely is replaced by a note.
 */
void sw_diagnose_expand(struct sw_buf *out, const char *tmpl,
    const struct sw_conn *c, const struct sw_evidence *e);

#endif
