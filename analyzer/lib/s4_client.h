/*
 * s4_client.h: stage 4, client events in, client sessions out. Groups the
 * lines of one `ssh` run as pasted (prompt and command line, banner, debug
 * lines, the final "Permission denied"), per input file: a command line,
 * a second banner or a second "Connecting to" starts the next run. Keeps
 * what the join and the diagnosis need: user, destination, keys offered
 * and accepted, the server's methods, the outcome, evidence lines.
 * Sessions are kept to the end of the run (client output is small; the
 * table has a ceiling). Includes stages 0-4.
 */
#ifndef SW_S4_CLIENT_H
#define SW_S4_CLIENT_H

#include "s0_common.h"
#include "s3_match.h"
#include "s4_correlate.h"

#define SW_CLIENT_MAX_KEYS 16

/* A key the client offered ("Offering public key") or the server accepted. */
struct sw_client_key {
	char *path;		/* file, or the agent key's comment */
	char *key_type;		/* "ED25519" */
	char *fingerprint;	/* "SHA256:..." */
	int agent;		/* came from the agent */
	int accepted;		/* "Server accepts key" */
};

enum sw_client_outcome {
	SW_CLIENT_UNKNOWN,	/* output ends before any result */
	SW_CLIENT_SUCCESS,	/* "Authenticated to" */
	SW_CLIENT_FAILURE,	/* denied, refused, disconnected, or a cause */
};

/* One ssh run. Read-only outside s4_client; valid until the table's free. */
struct sw_client_session {
	const char *origin;	/* borrowed from the input, like evidence */
	uint64_t first_line;
	char *user;		/* NULL when the output names none */
	char *host;		/* destination as given, or NULL */
	char *ip;		/* destination address ("Connecting to") */
	unsigned port;		/* destination port, 0 if unknown */
	char *version;		/* client version from the banner */
	char *methods;		/* last "Authentications that can continue" */
	int verbosity;		/* 0: no debug lines, else highest debugN */
	int tried_publickey;	/* "Next authentication method: publickey" */
	int methods_exhausted;	/* "No more authentication methods to try" */
	int denied;		/* "Permission denied (...)" */
	unsigned n_password;	/* "Permission denied, please try again." */
	enum sw_client_outcome outcome;
	size_t nkeys;
	struct sw_client_key keys[SW_CLIENT_MAX_KEYS];
	unsigned keys_dropped;
	size_t nevidence;
	struct sw_evidence *evidence;
	char **texts;		/* the evidence lines' owned copies */
	unsigned evidence_dropped;
	/* Session boundaries. */
	int has_command, has_banner, has_connecting, ended;
	int joined;		/* set by the join (s5_client) */
};

struct sw_client_table;

/* `diag` is borrowed. max_sessions: ceiling, with one warning when cut. */
struct sw_client_table *sw_client_table_new(size_t max_sessions,
    size_t max_evidence, struct sw_diag *diag);
void sw_client_table_free(struct sw_client_table *t);

/* A matched client line (ev->rec->client is set). */
void sw_client_event(struct sw_client_table *t, const struct sw_event *ev);

size_t sw_client_count(const struct sw_client_table *t);
/* Sessions in input order; owned by the table. */
struct sw_client_session *sw_client_get(struct sw_client_table *t, size_t i);

/* The value of a named capture in the session's evidence (first set), or an
 * empty span. */
struct sw_span sw_client_named(const struct sw_client_session *s,
    const char *name);

#endif
