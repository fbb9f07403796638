/*
 * s4_client.c: client sessions from client events. Input order is the
 * session order: a paste has no timestamps and no process ids, so the
 * boundaries come from the shape of an ssh run (command, banner,
 * "Connecting to", a final result), kept per input file.
 */
#include <stdlib.h>
#include <string.h>

#include "s4_client.h"

#define SW_CLIENT_MAX_ORIGINS 64

struct sw_client_table {
	struct sw_diag *diag;
	size_t max_sessions, max_evidence;
	size_t n, cap;
	struct sw_client_session **v;
	uint64_t dropped;
	int warned;
	/* The open session of each input file (index into v, or SIZE_MAX). */
	const char *origin[SW_CLIENT_MAX_ORIGINS];
	size_t open[SW_CLIENT_MAX_ORIGINS];
	size_t norigins;
};

struct sw_client_table *
sw_client_table_new(size_t max_sessions, size_t max_evidence,
    struct sw_diag *diag)
{
	struct sw_client_table *t = sw_xcalloc(1, sizeof(*t));

	t->diag = diag;
	t->max_sessions = max_sessions;
	t->max_evidence = max_evidence;
	return t;
}

static void
sw_session_free(struct sw_client_session *s)
{
	size_t i;

	for (i = 0; i < s->nevidence; i++)
		free(s->texts[i]);
	free(s->texts);
	free(s->evidence);
	for (i = 0; i < s->nkeys; i++) {
		free(s->keys[i].path);
		free(s->keys[i].key_type);
		free(s->keys[i].fingerprint);
	}
	free(s->user);
	free(s->host);
	free(s->ip);
	free(s->version);
	free(s->methods);
	free(s);
}

void
sw_client_table_free(struct sw_client_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		sw_session_free(t->v[i]);
	free(t->v);
	free(t);
}

size_t
sw_client_count(const struct sw_client_table *t)
{
	return t->n;
}

struct sw_client_session *
sw_client_get(struct sw_client_table *t, size_t i)
{
	return i < t->n ? t->v[i] : NULL;
}

struct sw_span
sw_client_named(const struct sw_client_session *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nevidence; i++) {
		struct sw_span v = sw_evidence_named(&s->evidence[i], name);
		if (v.p != NULL && v.len > 0)
			return v;
	}
	return sw_span_make(NULL, 0);
}

static char *
sw_dup_span(struct sw_span s)
{
	return s.p != NULL ? sw_xstrndup(s.p, s.len) : NULL;
}

/* Replaces *dst with the capture's value when the line has one. */
static void
sw_set_from(char **dst, const struct sw_event *ev, const char *name)
{
	struct sw_span v = sw_event_named(ev, name);

	if (v.p == NULL || v.len == 0)
		return;
	free(*dst);
	*dst = sw_dup_span(v);
}

static size_t *
sw_open_slot(struct sw_client_table *t, const char *origin)
{
	size_t i;

	for (i = 0; i < t->norigins; i++)
		if (t->origin[i] == origin)
			return &t->open[i];
	if (t->norigins == SW_CLIENT_MAX_ORIGINS)
		i = t->norigins - 1;	/* files beyond the ceiling share one */
	else
		i = t->norigins++;
	t->origin[i] = origin;
	t->open[i] = SIZE_MAX;
	return &t->open[i];
}

static struct sw_client_session *
sw_session_start(struct sw_client_table *t, size_t *slot,
    const struct sw_record *rec)
{
	struct sw_client_session *s;

	if (t->n >= t->max_sessions) {
		t->dropped++;
		if (!t->warned) {
			t->warned = 1;
			sw_diag_printf(t->diag, SW_DIAG_SKIPPED, rec->origin,
			    rec->lineno, "more than %zu ssh client sessions: "
			    "further client output is not analysed",
			    t->max_sessions);
		}
		*slot = SIZE_MAX;
		return NULL;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = sw_xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	s = sw_xcalloc(1, sizeof(*s));
	s->origin = rec->origin;
	s->first_line = rec->lineno;
	t->v[t->n] = s;
	*slot = t->n++;
	return s;
}

static void
sw_session_evidence(struct sw_client_table *t, struct sw_client_session *s,
    const struct sw_event *ev)
{
	const struct sw_record *rec = ev->rec;
	struct sw_evidence *e;
	size_t i;

	if (s->nevidence >= t->max_evidence) {
		s->evidence_dropped++;
		return;
	}
	if (s->evidence == NULL) {
		s->evidence = sw_xcalloc(t->max_evidence, sizeof(*s->evidence));
		s->texts = sw_xcalloc(t->max_evidence, sizeof(*s->texts));
	}
	s->texts[s->nevidence] = sw_xstrndup(rec->raw.p, rec->raw.len);
	e = &s->evidence[s->nevidence++];
	e->origin = rec->origin;
	e->lineno = rec->lineno;
	e->time_us = rec->time_us;
	e->utc_off_min = rec->utc_off_min;
	e->text = s->texts[s->nevidence - 1];
	e->text_len = rec->raw.len;
	e->rule = ev->rule;
	for (i = 0; i < ev->nnamed && e->nnamed < SW_EVIDENCE_MAX_NAMED; i++) {
		const struct sw_named_cap *nc = &ev->named[i];
		if (nc->value.p == NULL || nc->value.p < rec->raw.p ||
		    nc->value.p + nc->value.len > rec->raw.p + rec->raw.len)
			continue;
		e->named[e->nnamed].name = nc->name;
		e->named[e->nnamed].off = (uint32_t)(nc->value.p - rec->raw.p);
		e->named[e->nnamed].len = (uint32_t)nc->value.len;
		e->named[e->nnamed].set = 1;
		e->nnamed++;
	}
}

static void
sw_session_key(struct sw_client_session *s, const struct sw_event *ev,
    int accepted)
{
	struct sw_span fp = sw_event_named(ev, "fingerprint");
	struct sw_span how = sw_event_named(ev, "how");
	size_t i;

	for (i = 0; i < s->nkeys; i++)
		if (sw_span_eq_str(fp, s->keys[i].fingerprint))
			break;
	if (i == s->nkeys) {
		if (s->nkeys == SW_CLIENT_MAX_KEYS) {
			s->keys_dropped++;
			return;
		}
		s->nkeys++;
		s->keys[i].path = sw_dup_span(sw_event_named(ev, "path"));
		s->keys[i].key_type = sw_dup_span(sw_event_named(ev, "key_type"));
		s->keys[i].fingerprint = sw_dup_span(fp);
		s->keys[i].agent = how.p != NULL && how.len >= 6 &&
		    memcmp(how.p + how.len - 6, " agent", 6) == 0;
	}
	if (accepted)
		s->keys[i].accepted = 1;
}

static int
sw_span_is(struct sw_span s, const char *lit)
{
	return s.p != NULL && sw_span_eq_str(s, lit);
}

void
sw_client_event(struct sw_client_table *t, const struct sw_event *ev)
{
	const struct sw_record *rec = ev->rec;
	const char *id = sw_rule_id(ev->rule);
	enum sw_meaning m = sw_rule_meaning(ev->rule);
	size_t *slot = sw_open_slot(t, rec->origin);
	struct sw_client_session *s = *slot != SIZE_MAX ? t->v[*slot] : NULL;
	int is_command = strcmp(id, "client-command") == 0;
	int is_banner = strcmp(id, "client-banner") == 0;
	int is_connecting = strcmp(id, "client-connecting") == 0;
	struct sw_span v;

	/* Where does the next ssh run begin? */
	if (s != NULL && ((is_command && (s->has_command || s->has_banner ||
	    s->nevidence > 0)) ||
	    (is_banner && (s->has_banner || s->has_connecting)) ||
	    (is_connecting && s->has_connecting) ||
	    (s->ended && s->outcome == SW_CLIENT_FAILURE &&
	    m != SW_MEANING_CLOSE)))
		s = NULL;
	if (s == NULL && (s = sw_session_start(t, slot, rec)) == NULL)
		return;

	if (rec->message.len > 6 && memcmp(rec->message.p, "debug", 5) == 0 &&
	    rec->message.p[5] >= '1' && rec->message.p[5] <= '3' &&
	    rec->message.p[5] - '0' > s->verbosity)
		s->verbosity = rec->message.p[5] - '0';
	s->has_command |= is_command;
	s->has_banner |= is_banner;
	s->has_connecting |= is_connecting;
	sw_session_evidence(t, s, ev);

	sw_set_from(&s->user, ev, "user");
	sw_set_from(&s->version, ev, "version");
	if (!sw_span_is(sw_event_named(ev, "host"), "") &&
	    strcmp(id, "client-host-key-changed") != 0 &&
	    strcmp(id, "client-host-key-unknown") != 0)
		sw_set_from(&s->host, ev, "host");
	if (is_connecting || strcmp(id, "client-authenticated") == 0)
		sw_set_from(&s->ip, ev, "ip");
	v = sw_event_named(ev, "port");
	if (v.p != NULL && (is_connecting ||
	    strcmp(id, "client-authenticating") == 0 ||
	    strcmp(id, "client-connect-failed") == 0)) {
		uint64_t port;
		if (sw_span_to_u64(v, &port) == 0 && port > 0 && port < 65536)
			s->port = (unsigned)port;
	}
	if (strcmp(id, "client-can-continue") == 0)
		sw_set_from(&s->methods, ev, "methods");
	if (strcmp(id, "client-permission-denied") == 0) {
		sw_set_from(&s->methods, ev, "methods");
		s->denied = 1;
	}
	if (sw_span_is(sw_event_named(ev, "method"), "publickey") &&
	    strcmp(id, "client-next-method") == 0)
		s->tried_publickey = 1;
	if (sw_event_named(ev, "exhausted").p != NULL)
		s->methods_exhausted = 1;
	if (strcmp(id, "client-offering-key") == 0)
		sw_session_key(s, ev, 0);
	if (strcmp(id, "client-server-accepts-key") == 0)
		sw_session_key(s, ev, 1);
	if (strcmp(id, "client-password-retry") == 0)
		s->n_password++;

	if (m == SW_MEANING_SUCCESS) {
		s->outcome = SW_CLIENT_SUCCESS;
		s->ended = 1;
	} else if (s->outcome != SW_CLIENT_SUCCESS &&
	    (m == SW_MEANING_REFUSAL || m == SW_MEANING_CAUSE ||
	    m == SW_MEANING_CLOSE)) {
		s->outcome = SW_CLIENT_FAILURE;
		/* Only the final lines end a run; warnings come before it. */
		s->ended = m == SW_MEANING_REFUSAL ||
		    strcmp(id, "client-host-key-failed") == 0 ||
		    strcmp(id, "client-connect-failed") == 0 ||
		    strcmp(id, "client-too-many-failures") == 0 ||
		    strcmp(id, "client-unable-to-negotiate") == 0 ||
		    strcmp(id, "client-kex-identification") == 0 ||
		    m == SW_MEANING_CLOSE;
	}
}
