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
	struct sw_buf fix, confirm, note;
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
	sw_buf_init(&d->fix, 65536);
	sw_buf_init(&d->confirm, 65536);
	sw_buf_init(&d->note, 65536);
	return d;
}

void
sw_client_diag_free(struct sw_client_diag *d)
{
	if (d == NULL)
		return;
	sw_buf_free(&d->fix);
	sw_buf_free(&d->confirm);
	sw_buf_free(&d->note);
	free(d);
}

/* A value for the shell: plain words as they are, anything else quoted. */
static void
sw_client_quote(struct sw_buf *out, struct sw_span v)
{
	size_t i;
	int plain = v.len > 0;

	for (i = 0; i < v.len && plain; i++) {
		unsigned char c = (unsigned char)v.p[i];
		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._-/:@+,%=", c) != NULL;
	}
	if (plain) {
		sw_buf_add(out, v.p, v.len);
		return;
	}
	sw_buf_addc(out, '\'');
	for (i = 0; i < v.len; i++) {
		if (v.p[i] == '\'')
			sw_buf_adds(out, "'\\''");
		else
			sw_buf_addc(out, v.p[i]);
	}
	sw_buf_addc(out, '\'');
}

static struct sw_span
sw_cstr_span(const char *s)
{
	return sw_span_make(s, s != NULL ? strlen(s) : 0);
}

/*
 * {name}: the primary line's capture, then the session's user, host, ip,
 * port, offered fingerprints, then any line's capture; unknown names
 * become the name in capitals (USER, HOST), for the reader to fill in.
 */
static void
sw_client_expand(struct sw_buf *out, const char *tmpl,
    const struct sw_client_session *s, size_t primary)
{
	const char *p = tmpl;

	sw_buf_reset(out);
	while (p != NULL && *p != '\0') {
		const char *close;
		char name[48], portbuf[16];
		size_t n, i;
		struct sw_span v = { NULL, 0 };

		if (*p != '{' || (close = strchr(p + 1, '}')) == NULL ||
		    (n = (size_t)(close - p - 1)) == 0 || n >= sizeof(name)) {
			sw_buf_addc(out, *p++);
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		p = close + 1;
		if (strcmp(name, "fingerprint") == 0 && s->nkeys > 0) {
			for (i = 0; i < s->nkeys; i++) {
				sw_buf_adds(out, i ? ", " : "");
				sw_client_quote(out,
				    sw_cstr_span(s->keys[i].fingerprint));
			}
			continue;
		}
		if (primary < s->nevidence)
			v = sw_evidence_named(&s->evidence[primary], name);
		if (v.p == NULL || v.len == 0) {
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
		if (v.p != NULL && v.len > 0)
			sw_client_quote(out, v);
		else
			for (i = 0; i < n; i++)
				sw_buf_addc(out, (char)(name[i] >= 'a' &&
				    name[i] <= 'z' ? name[i] - 32 : name[i]));
	}
	while (out->len > 0 && (out->p[out->len - 1] == '\n' ||
	    out->p[out->len - 1] == ' '))
		out->p[--out->len] = '\0';
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

	sw_client_expand(&d->fix, f.cause->fix, s, f.primary);
	f.fix = d->fix.p != NULL ? d->fix.p : "";
	if (f.cause->confirm != NULL) {
		sw_client_expand(&d->confirm, f.cause->confirm, s, f.primary);
		f.confirm = d->confirm.p;
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
