/*
 * s6_timeline.c: the --timeline writers and the JSON form of a successful
 * login (see s6_timeline.h). Connections arrive from the correlator in
 * the order they started, so the timeline streams: nothing is held.
 */
#include <stdlib.h>
#include <string.h>

#include "s6_timeline.h"

enum sw_tl_kind { SW_TL_TEXT, SW_TL_JSON, SW_TL_NDJSON };

struct sw_timeline {
	enum sw_tl_kind kind;
	FILE *out;
	uint64_t n;
	struct sw_buf b;
};

struct sw_timeline *
sw_timeline_new(const char *format, FILE *out)
{
	struct sw_timeline *t;
	enum sw_tl_kind k;

	if (strcmp(format, "text") == 0 || strcmp(format, "markdown") == 0)
		k = SW_TL_TEXT;
	else if (strcmp(format, "json") == 0)
		k = SW_TL_JSON;
	else if (strcmp(format, "ndjson") == 0)
		k = SW_TL_NDJSON;
	else
		return NULL;
	t = sw_xcalloc(1, sizeof(*t));
	t->kind = k;
	t->out = out;
	sw_buf_init(&t->b, (size_t)8 << 20);
	if (k == SW_TL_JSON)
		fputs("{\"timeline\":[", out);
	return t;
}

void
sw_timeline_free(struct sw_timeline *t)
{
	if (t == NULL)
		return;
	sw_buf_free(&t->b);
	free(t);
}

static void
sw_jstr(struct sw_buf *b, const char *key, const char *val, size_t len)
{
	sw_buf_addf(b, "\"%s\":", key);
	if (val == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, sw_span_make(val, len));
	sw_buf_addc(b, '"');
}

static void
sw_jcstr(struct sw_buf *b, const char *key, const char *val)
{
	sw_jstr(b, key, val, val ? strlen(val) : 0);
}

/* What one evidence line is, as a timeline event. */
static const char *
sw_event_kind(const struct sw_evidence *e)
{
	switch (sw_rule_meaning(e->rule)) {
	case SW_MEANING_CONNECT: return "start";
	case SW_MEANING_ATTEMPT: return "attempt";
	case SW_MEANING_SUCCESS: return "success";
	case SW_MEANING_PARTIAL: return "partial";
	case SW_MEANING_REFUSAL: return "refused";
	case SW_MEANING_CAUSE: return "cause";
	case SW_MEANING_CLOSE: return "end";
	case SW_MEANING_DROPPED: return "dropped";
	default: return "info";
	}
}

/* "ED25519 SHA256:..." from an evidence line, into b; 0 if none. */
static int
sw_event_key(struct sw_buf *b, const struct sw_evidence *e)
{
	struct sw_span kt = sw_evidence_named(e, "key_type");
	struct sw_span fp = sw_evidence_named(e, "fingerprint");

	if (fp.len == 0)
		return 0;
	if (kt.len > 0) {
		sw_buf_add(b, kt.p, kt.len);
		sw_buf_addc(b, ' ');
	}
	sw_buf_add(b, fp.p, fp.len);
	return 1;
}

static const char *
sw_result(const struct sw_conn *c)
{
	return sw_outcome_name(c->outcome);
}

static void
sw_tl_text(struct sw_timeline *t, const struct sw_conn *c,
    const struct sw_cause *cause)
{
	struct sw_buf *b = &t->b;
	size_t i;

	sw_buf_adds(b, "Connection ");
	sw_buf_add_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, " ");
	sw_escape_text(b, sw_span_make(c->host, strlen(c->host)));
	sw_buf_addf(b, " sshd[%llu]", (unsigned long long)c->pid);
	if (c->ip != NULL) {
		sw_buf_adds(b, " from ");
		sw_escape_text(b, sw_span_make(c->ip, strlen(c->ip)));
		if (c->port)
			sw_buf_addf(b, " port %u", c->port);
	}
	if (c->user != NULL) {
		sw_buf_addf(b, ", %suser ", c->user_invalid ? "invalid " : "");
		sw_escape_text(b, sw_span_make(c->user, strlen(c->user)));
	}
	sw_buf_adds(b, "\n");
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		struct sw_buf when;
		struct sw_span m = sw_evidence_named(e, "method");
		const char *kind = sw_event_kind(e);
		const struct sw_cause *ec = sw_rule_cause(e->rule);

		sw_buf_init(&when, 64);
		sw_buf_add_rfc3339(&when, e->time_us, e->utc_off_min);
		sw_buf_addf(b, "  %.8s  %-8s ", when.p && when.len >= 19 ?
		    when.p + 11 : "", kind);
		sw_buf_free(&when);
		if (m.len > 0) {
			sw_escape_text(b, m);
			sw_buf_addc(b, ' ');
		}
		{
			struct sw_buf k;
			sw_buf_init(&k, 256);
			if (sw_event_key(&k, e)) {
				sw_escape_text(b, sw_span_make(k.p, k.len));
				sw_buf_addc(b, ' ');
			}
			sw_buf_free(&k);
		}
		if (strcmp(kind, "attempt") == 0)
			sw_buf_adds(b, "failed ");
		if (ec != NULL)
			sw_buf_addf(b, "[%s] ", ec->id);
		sw_buf_addf(b, "(%s, ", sw_rule_id(e->rule));
		sw_escape_text(b, sw_span_make(e->origin, strlen(e->origin)));
		sw_buf_addf(b, ":%llu)\n", (unsigned long long)e->lineno);
	}
	if (c->evidence_dropped)
		sw_buf_addf(b, "  (%u more lines not kept)\n", c->evidence_dropped);
	{
		struct sw_buf when;
		sw_buf_init(&when, 64);
		sw_buf_add_rfc3339(&when, c->last_us, c->utc_off_min);
		sw_buf_addf(b, "  %.8s  result   %s", when.p && when.len >= 19 ?
		    when.p + 11 : "", sw_result(c));
		sw_buf_free(&when);
	}
	if (cause != NULL)
		sw_buf_addf(b, ": %s (%s)", cause->id, cause->title);
	sw_buf_adds(b, "\n\n");
}

static void
sw_tl_json(struct sw_timeline *t, const struct sw_conn *c,
    const struct sw_cause *cause)
{
	struct sw_buf *b = &t->b;
	size_t i;

	sw_buf_adds(b, "{\"time\":\"");
	sw_buf_add_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "\",");
	sw_jcstr(b, "host", c->host);
	sw_buf_addf(b, ",\"pid\":%llu,", (unsigned long long)c->pid);
	sw_jcstr(b, "user", c->user);
	sw_buf_addf(b, ",\"invalid_user\":%s,", c->user_invalid ? "true" :
	    "false");
	sw_jcstr(b, "source_ip", c->ip);
	if (c->port)
		sw_buf_addf(b, ",\"source_port\":%u,", c->port);
	else
		sw_buf_adds(b, ",\"source_port\":null,");
	sw_buf_adds(b, "\"end\":\"");
	sw_buf_add_rfc3339(b, c->last_us, c->utc_off_min);
	sw_buf_addf(b, "\",\"outcome\":\"%s\",", sw_result(c));
	sw_jcstr(b, "cause", cause ? cause->id : NULL);
	sw_buf_adds(b, ",\"events\":[");
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		struct sw_span m = sw_evidence_named(e, "method");
		const struct sw_cause *ec = sw_rule_cause(e->rule);
		struct sw_buf k;

		sw_buf_adds(b, i ? ",{\"time\":\"" : "{\"time\":\"");
		sw_buf_add_rfc3339(b, e->time_us, e->utc_off_min);
		sw_buf_addf(b, "\",\"event\":\"%s\",", sw_event_kind(e));
		sw_jstr(b, "method", m.len ? m.p : NULL, m.len);
		sw_buf_addc(b, ',');
		sw_buf_init(&k, 256);
		if (sw_event_key(&k, e))
			sw_jstr(b, "key", k.p, k.len);
		else
			sw_jstr(b, "key", NULL, 0);
		sw_buf_free(&k);
		sw_buf_addc(b, ',');
		sw_jcstr(b, "cause", ec ? ec->id : NULL);
		sw_buf_addf(b, ",\"rule\":\"%s\",", sw_rule_id(e->rule));
		sw_jcstr(b, "file", e->origin);
		sw_buf_addf(b, ",\"line\":%llu,", (unsigned long long)e->lineno);
		sw_jstr(b, "text", e->text, e->text_len);
		sw_buf_addc(b, '}');
	}
	sw_buf_addf(b, "],\"lines_not_kept\":%u}", c->evidence_dropped);
}

void
sw_timeline_conn(struct sw_timeline *t, const struct sw_conn *c,
    const struct sw_cause *cause)
{
	sw_buf_reset(&t->b);
	if (t->kind == SW_TL_TEXT)
		sw_tl_text(t, c, cause);
	else {
		if (t->kind == SW_TL_JSON && t->n > 0)
			sw_buf_addc(&t->b, ',');
		if (t->kind == SW_TL_JSON)
			sw_buf_addc(&t->b, '\n');
		sw_tl_json(t, c, cause);
		if (t->kind == SW_TL_NDJSON)
			sw_buf_addc(&t->b, '\n');
	}
	if (t->b.truncated) {
		/* A connection over the ceiling: say so rather than cut JSON. */
		sw_buf_reset(&t->b);
		if (t->kind == SW_TL_TEXT)
			sw_buf_adds(&t->b, "(a connection too large to show)\n");
		else
			sw_buf_addf(&t->b, "%s{\"omitted\":\"too large\"}%s",
			    t->kind == SW_TL_JSON && t->n > 0 ? "," : "",
			    t->kind == SW_TL_NDJSON ? "\n" : "");
	}
	fwrite(t->b.p, 1, t->b.len, t->out);
	t->n++;
}

void
sw_timeline_end(struct sw_timeline *t, const char *filter)
{
	struct sw_buf *b = &t->b;

	sw_buf_reset(b);
	if (t->kind == SW_TL_TEXT) {
		sw_buf_addf(b, "%llu connection%s shown", (unsigned long long)t->n,
		    t->n == 1 ? "" : "s");
		if (filter != NULL && *filter) {
			sw_buf_adds(b, " (selected: ");
			sw_escape_text(b, sw_span_make(filter, strlen(filter)));
			sw_buf_adds(b, ")");
		}
		sw_buf_adds(b, ".\n");
	} else if (t->kind == SW_TL_JSON) {
		sw_buf_addf(b, "%s],\"connections\":%llu,", t->n ? "\n" : "",
		    (unsigned long long)t->n);
		sw_jcstr(b, "filter", filter && *filter ? filter : NULL);
		sw_buf_adds(b, "}\n");
	}
	if (b->len)
		fwrite(b->p, 1, b->len, t->out);
}

void
sw_success_json(struct sw_buf *b, const struct sw_success *s)
{
	const struct sw_conn *c = s->conn;

	sw_buf_adds(b, "{\"time\":\"");
	sw_buf_add_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "\",");
	sw_jcstr(b, "host", c->host);
	sw_buf_addf(b, ",\"pid\":%llu,", (unsigned long long)c->pid);
	sw_jcstr(b, "user", c->user);
	sw_buf_adds(b, ",");
	sw_jcstr(b, "source_ip", c->ip);
	if (c->port)
		sw_buf_addf(b, ",\"source_port\":%u,", c->port);
	else
		sw_buf_adds(b, ",\"source_port\":null,");
	sw_buf_adds(b, "\"outcome\":\"success\",");
	sw_jcstr(b, "method", s->method);
	sw_buf_adds(b, ",");
	sw_jcstr(b, "key", s->key);
	sw_buf_adds(b, ",\"evidence\":[");
	if (s->line != NULL) {
		sw_buf_adds(b, "{");
		sw_jcstr(b, "file", s->line->origin);
		sw_buf_addf(b, ",\"line\":%llu,", (unsigned long long)
		    s->line->lineno);
		sw_jstr(b, "text", s->line->text, s->line->text_len);
		sw_buf_addf(b, ",\"rule\":\"%s\"}", sw_rule_id(s->line->rule));
	}
	sw_buf_adds(b, "]}");
}
