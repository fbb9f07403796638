/*
 * s5_client.c: the client's side of a failed login. Cause lines of the
 * client output win by priority, as for the server; what the client output
 * shows only by absence (no key offered, every key refused, the key
 * accepted but never used) is inferred here, from the session's flags.
 */
#include <stdlib.h>
#include <string.h>

#include "s5_client.h"

struct sw_client_diag {
	const struct sw_cause *no_key, *refused, *no_method, *passphrase,
	    *undetermined;
	struct sw_fix fix, confirm_fix;
	struct sw_buf confirm, note, tmpl, vals;
	char names[SW_EVIDENCE_MAX_NAMED][48];
};

static const struct sw_cause *
sw_need(const struct sw_rules *rs, const char *id, struct sw_diag *diag,
    int *missing)
{
	const struct sw_rule *r = sw_rules_find_cause(rs, id);

	if (r == NULL) {
		sw_diag_printf(diag, SW_DIAG_ERROR, NULL, 0, "the rules define "
		    "no cause '%s', which the client diagnoser infers", id);
		*missing = 1;
		return NULL;
	}
	return sw_rule_cause(r);
}

struct sw_client_diag *
sw_client_diag_new(const struct sw_rules *rs, struct sw_diag *diag)
{
	struct sw_client_diag *d = sw_xcalloc(1, sizeof(*d));
	int missing = 0;

	d->no_key = sw_need(rs, "client-no-key-offered", diag, &missing);
	d->refused = sw_need(rs, "client-key-refused", diag, &missing);
	d->no_method = sw_need(rs, "client-no-common-method", diag, &missing);
	d->passphrase = sw_need(rs, "client-passphrase-not-given", diag,
	    &missing);
	d->undetermined = sw_need(rs, "client-undetermined", diag, &missing);
	if (missing) {
		free(d);
		return NULL;
	}
	sw_fix_init(&d->fix);
	sw_fix_init(&d->confirm_fix);
	sw_buf_init(&d->confirm, 65536);
	sw_buf_init(&d->note, 65536);
	sw_buf_init(&d->tmpl, 65536);
	sw_buf_init(&d->vals, 65536);
	return d;
}

void
sw_client_diag_free(struct sw_client_diag *d)
{
	if (d == NULL)
		return;
	sw_fix_free(&d->fix);
	sw_fix_free(&d->confirm_fix);
	sw_buf_free(&d->confirm);
	sw_buf_free(&d->note);
	sw_buf_free(&d->tmpl);
	sw_buf_free(&d->vals);
	free(d);
}

static struct sw_span
sw_cstr_span(const char *s)
{
	return sw_span_make(s, s != NULL ? strlen(s) : 0);
}

/*
 * Fills `fx` from `tmpl` through s5_fix, so values in commands are quoted
 * (or the command withheld) exactly as for the server's fixes. {name} is
 * the primary line's capture, then the session's user, host, ip, port,
 * offered fingerprints and methods, then any line's capture; these go to
 * s5_fix as one synthetic evidence line. A name with no value becomes the
 * name in capitals (USER, HOST), for the reader to fill in.
 */
static void
sw_client_fill(struct sw_client_diag *d, struct sw_fix *fx, const char *tmpl,
    const struct sw_client_session *s, size_t primary)
{
	struct sw_evidence ev;
	struct sw_conn none;
	const char *p = tmpl;
	size_t i;

	memset(&ev, 0, sizeof(ev));
	memset(&none, 0, sizeof(none));
	sw_buf_reset(&d->tmpl);
	sw_buf_reset(&d->vals);
	while (p != NULL && *p != '\0') {
		const char *close;
		char name[48], portbuf[16];
		size_t n;
		struct sw_span v = { NULL, 0 };

		if (*p != '{' || (close = strchr(p + 1, '}')) == NULL ||
		    (n = (size_t)(close - p - 1)) == 0 || n >= sizeof(name)) {
			sw_buf_addc(&d->tmpl, *p++);
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		p = close + 1;
		for (i = 0; i < ev.nnamed; i++)
			if (strcmp(ev.named[i].name, name) == 0)
				break;
		if (i < ev.nnamed) {
			sw_buf_addf(&d->tmpl, "{%s}", name);
			continue;
		}
		if (strcmp(name, "fingerprint") == 0 && s->nkeys > 0) {
			size_t off = d->vals.len, k;
			for (k = 0; k < s->nkeys; k++) {
				sw_buf_adds(&d->vals, k ? ", " : "");
				sw_buf_adds(&d->vals, s->keys[k].fingerprint ?
				    s->keys[k].fingerprint : "");
			}
			v = sw_span_make(d->vals.p + off, d->vals.len - off);
			d->vals.len = off;	/* re-added below */
		}
		if (v.p == NULL && primary < s->nevidence)
			v = sw_evidence_named(&s->evidence[primary], name);
		if (v.p == NULL || v.len == 0) {
			v.p = NULL;
			if (strcmp(name, "user") == 0 && s->user != NULL)
				v = sw_cstr_span(s->user);
			else if (strcmp(name, "host") == 0 && s->host != NULL)
				v = sw_cstr_span(s->host);
			else if (strcmp(name, "ip") == 0 && s->ip != NULL)
				v = sw_cstr_span(s->ip);
			else if (strcmp(name, "port") == 0 && s->port != 0) {
				snprintf(portbuf, sizeof(portbuf), "%u", s->port);
				v = sw_cstr_span(portbuf);
			} else if (strcmp(name, "methods") == 0 &&
			    s->methods != NULL)
				v = sw_cstr_span(s->methods);
			else
				v = sw_client_named(s, name);
		}
		if (v.p == NULL || v.len == 0 ||
		    ev.nnamed == SW_EVIDENCE_MAX_NAMED) {
			for (i = 0; i < n; i++)
				sw_buf_addc(&d->tmpl, (char)(name[i] >= 'a' &&
				    name[i] <= 'z' ? name[i] - 32 : name[i]));
			continue;
		}
		{
			/* v may point into d->vals: copy via a temporary. */
			char *copy = sw_xstrndup(v.p, v.len);
			size_t off = d->vals.len;
			sw_buf_add(&d->vals, copy, v.len);
			free(copy);
			snprintf(d->names[ev.nnamed], sizeof(d->names[0]), "%s",
			    name);
			ev.named[ev.nnamed].name = d->names[ev.nnamed];
			ev.named[ev.nnamed].off = (uint32_t)off;
			ev.named[ev.nnamed].len = (uint32_t)v.len;
			ev.named[ev.nnamed].set = 1;
			ev.nnamed++;
		}
		sw_buf_addf(&d->tmpl, "{%s}", name);
	}
	ev.text = d->vals.p != NULL ? d->vals.p : "";
	ev.text_len = d->vals.len;
	sw_fix_build(fx, d->tmpl.p != NULL ? d->tmpl.p : "", &none, &ev);
}

/* Index of the last evidence line of rule `id`, or SIZE_MAX. */
static size_t
sw_last_of(const struct sw_client_session *s, const char *id)
{
	size_t i;

	for (i = s->nevidence; i-- > 0;)
		if (strcmp(sw_rule_id(s->evidence[i].rule), id) == 0)
			return i;
	return SIZE_MAX;
}

int
sw_client_diagnose(struct sw_client_diag *d,
    const struct sw_client_session *s, struct sw_client_finding *out)
{
	struct sw_client_finding f;
	size_t i, best = SIZE_MAX, accepted = SIZE_MAX, nagent = 0;
	int best_prio = -1;
	struct sw_span agent;

	if (s->outcome != SW_CLIENT_FAILURE)
		return 0;
	memset(&f, 0, sizeof(f));
	f.s = s;
	for (i = 0; i < s->nevidence; i++) {
		const struct sw_rule *r = s->evidence[i].rule;
		if (sw_rule_cause(r) != NULL &&
		    sw_rule_meaning(r) != SW_MEANING_ATTEMPT &&
		    sw_rule_priority(r) > best_prio) {
			best = i;
			best_prio = sw_rule_priority(r);
		}
	}
	for (i = 0; i < s->nkeys; i++) {
		if (s->keys[i].accepted)
			accepted = i;
		nagent += (size_t)s->keys[i].agent;
	}
	if (best != SIZE_MAX) {
		f.cause = sw_rule_cause(s->evidence[best].rule);
		f.primary = best;
	} else if (accepted != SIZE_MAX) {
		f.cause = d->passphrase;
		f.primary = sw_last_of(s, "client-server-accepts-key");
	} else if (s->nkeys > 0) {
		f.cause = d->refused;
		f.primary = sw_last_of(s, "client-offering-key");
	} else if (s->tried_publickey) {
		f.cause = d->no_key;
		f.primary = sw_last_of(s, "client-permission-denied");
	} else if (s->methods_exhausted) {
		f.cause = d->no_method;
		f.primary = sw_last_of(s, "client-permission-denied");
	} else {
		f.cause = d->undetermined;
		f.primary = sw_last_of(s, "client-permission-denied");
	}
	f.confidence = f.cause->confidence;

	sw_buf_reset(&d->note);
	agent = sw_client_named(s, "agent");
	if (agent.p != NULL && (f.cause == d->no_key || f.cause == d->refused))
		sw_buf_addf(&d->note, "The agent: %.*s. ", (int)agent.len,
		    agent.p);
	if (f.cause == d->refused && nagent > 0)
		sw_buf_addf(&d->note, "%zu of the %zu keys offered came from "
		    "the agent. ", nagent, s->nkeys);
	if (s->keys_dropped > 0)
		sw_buf_addf(&d->note, "%u more keys were offered than are "
		    "listed. ", s->keys_dropped);
	if (s->verbosity == 0 && f.cause != d->undetermined)
		sw_buf_adds(&d->note, "The output has no debug lines (ssh "
		    "without -v): run it with -v for the details. ");
	while (d->note.len > 0 && d->note.p[d->note.len - 1] == ' ')
		d->note.p[--d->note.len] = '\0';
	f.note = d->note.len > 0 ? d->note.p : NULL;

	sw_client_fill(d, &d->fix, f.cause->fix, s, f.primary);
	f.fix = &d->fix;
	if (f.cause->confirm != NULL) {
		sw_client_fill(d, &d->confirm_fix, f.cause->confirm, s,
		    f.primary);
		sw_buf_reset(&d->confirm);
		sw_fix_flatten(&d->confirm_fix, &d->confirm);
		f.confirm = d->confirm.p != NULL ? d->confirm.p : "";
	}
	*out = f;
	return 1;
}

/* Whether any evidence line of the server connection has fingerprint fp. */
static int
sw_conn_has_fp(const struct sw_conn *c, const char *fp, int *server_fps)
{
	size_t i;
	int found = 0;

	for (i = 0; i < c->nevidence; i++) {
		struct sw_span v = sw_evidence_named(&c->evidence[i],
		    "fingerprint");
		if (v.p == NULL || v.len == 0)
			continue;
		*server_fps = 1;
		if (fp != NULL && sw_span_eq_str(v, fp))
			found = 1;
	}
	return found;
}

struct sw_client_session *
sw_client_join(struct sw_client_table *t, const struct sw_conn *c)
{
	size_t i, j, e;
	unsigned local_port = 0;

	if (c->user == NULL)
		return NULL;
	for (e = 0; e < c->nevidence && local_port == 0; e++) {
		struct sw_span v = sw_evidence_named(&c->evidence[e],
		    "local_port");
		uint64_t port;
		if (v.p != NULL && sw_span_to_u64(v, &port) == 0 &&
		    port < 65536)
			local_port = (unsigned)port;
	}
	for (i = 0; i < sw_client_count(t); i++) {
		struct sw_client_session *s = sw_client_get(t, i);
		int server_fps = 0, shared = 0;

		if (s->joined || s->outcome == SW_CLIENT_SUCCESS ||
		    s->user == NULL || strcmp(s->user, c->user) != 0)
			continue;
		if (s->port != 0 && local_port != 0 && s->port != local_port)
			continue;
		for (j = 0; j < s->nkeys; j++)
			shared |= sw_conn_has_fp(c, s->keys[j].fingerprint,
			    &server_fps);
		if (s->nkeys == 0)
			(void)sw_conn_has_fp(c, NULL, &server_fps);
		if (s->nkeys > 0 && server_fps && !shared)
			continue;
		s->joined = 1;
		return s;
	}
	return NULL;
}

void
sw_client_merge(struct sw_finding *g, const struct sw_finding *f,
    struct sw_client_finding *cf)
{
	*g = *f;
	g->client = cf;
	cf->fix_used = cf->cause->fix_side == SW_SIDE_CLIENT &&
	    (cf->confidence == SW_CONF_CERTAIN ||
	    f->confidence != SW_CONF_CERTAIN);
	if (cf->fix_used)
		g->fix = cf->fix;
}

void
sw_client_alone(struct sw_finding *g, struct sw_conn *conn,
    struct sw_client_finding *cf)
{
	const struct sw_client_session *s = cf->s;
	static const enum sw_loglevel levels[] = { SW_LEVEL_INFO,
	    SW_LEVEL_DEBUG1, SW_LEVEL_DEBUG2, SW_LEVEL_DEBUG3 };

	memset(conn, 0, sizeof(*conn));
	conn->host = s->host;
	conn->user = s->user;
	conn->outcome = SW_OUTCOME_FAILURE;
	conn->level_seen = levels[s->verbosity >= 0 && s->verbosity <= 3 ?
	    s->verbosity : 0];
	/* The report only reads the evidence; the session keeps it. */
	conn->evidence = s->evidence;
	conn->nevidence = s->nevidence;
	conn->evidence_dropped = s->evidence_dropped;
	memset(g, 0, sizeof(*g));
	g->conn = conn;
	g->cause = cf->cause;
	g->confidence = cf->confidence;
	g->method = s->nkeys > 0 || s->tried_publickey ? "publickey" :
	    s->n_password > 0 ? "password" : "unknown";
	g->fix = cf->fix;
	g->note = cf->note;
	g->primary = cf->primary;
	g->client = cf;
	cf->alone = 1;
}
