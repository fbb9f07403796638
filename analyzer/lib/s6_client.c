/*
 * s6_client.c: renders the client's side of a finding (ssh -v output) in
 * the report formats. Kept apart from s6_report.c, which only calls
 * sw_client_amend and sw_client_render; the JSON keys are documented in
 * docs/cli.md and docs/client.md.
 */
#include <stdlib.h>
#include <string.h>

#include "s6_client.h"

static struct sw_span
sw_cs(const char *s)
{
	return sw_span_make(s, s ? strlen(s) : 0);
}

static int
sw_is(const char *w, const char *name)
{
	return strcmp(w, name) == 0;
}

/* Text: a label column and words wrapped at 78 columns. */
static void
sw_ct_wrapped(struct sw_buf *b, const char *label, const char *text)
{
	struct sw_buf esc;
	const char *p;
	size_t col, indent = 12;

	sw_buf_init(&esc, 65536);
	sw_escape_text(&esc, sw_cs(text));
	p = esc.p ? esc.p : "";
	sw_buf_addf(b, "  %-9s ", label);
	col = indent;
	while (*p != '\0') {
		size_t w;
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		w = strcspn(p, " \n");
		if (col > indent && col + 1 + w > 78) {
			sw_buf_addf(b, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			sw_buf_addc(b, ' ');
			col++;
		}
		sw_buf_add(b, p, w);
		col += w;
		p += w;
	}
	sw_buf_addc(b, '\n');
	sw_buf_free(&esc);
}

static void
sw_ct_key(struct sw_buf *b, const struct sw_client_key *k)
{
	sw_buf_adds(b, "  offered   ");
	sw_escape_text(b, sw_cs(k->path));
	sw_buf_adds(b, " ");
	sw_escape_text(b, sw_cs(k->key_type));
	sw_buf_adds(b, " ");
	sw_escape_text(b, sw_cs(k->fingerprint));
	if (k->agent)
		sw_buf_adds(b, " (agent)");
	sw_buf_adds(b, k->accepted ? " accepted by the server\n" :
	    " refused\n");
}

static void
sw_ct_evidence(struct sw_buf *b, const struct sw_client_session *s,
    size_t primary, const char *heading)
{
	size_t i;

	sw_buf_addf(b, "  %s\n", heading);
	for (i = 0; i < s->nevidence; i++) {
		const struct sw_evidence *e = &s->evidence[i];
		sw_buf_adds(b, i == primary ? "  > " : "    ");
		sw_escape_text(b, sw_cs(e->origin));
		sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
		sw_escape_text(b, sw_span_make(e->text, e->text_len));
		sw_buf_addc(b, '\n');
	}
	if (s->evidence_dropped > 0)
		sw_buf_addf(b, "    (%u more lines not kept)\n",
		    s->evidence_dropped);
}

static void
sw_ct_destination(struct sw_buf *b, const struct sw_client_session *s)
{
	sw_buf_adds(b, "  to        ");
	if (s->host != NULL)
		sw_escape_text(b, sw_cs(s->host));
	else
		sw_buf_adds(b, "(unknown host)");
	if (s->ip != NULL && (s->host == NULL || strcmp(s->ip, s->host) != 0)) {
		sw_buf_adds(b, " [");
		sw_escape_text(b, sw_cs(s->ip));
		sw_buf_adds(b, "]");
	}
	if (s->port != 0)
		sw_buf_addf(b, " port %u", s->port);
	sw_buf_addc(b, '\n');
}

static void
sw_text_client(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	sw_buf_adds(b, "(ssh client output)  ");
	sw_escape_text(b, sw_cs(s->origin));
	sw_buf_addf(b, ":%llu  failed login, client side\n",
	    (unsigned long long)s->first_line);
	sw_buf_adds(b, "  user      ");
	if (s->user != NULL)
		sw_escape_text(b, sw_cs(s->user));
	else
		sw_buf_adds(b, "(none)");
	sw_buf_addc(b, '\n');
	sw_ct_destination(b, s);
	for (i = 0; i < s->nkeys; i++)
		sw_ct_key(b, &s->keys[i]);
	sw_buf_addf(b, "  cause     %s (%s)\n", cf->cause->id,
	    sw_confidence_name(cf->confidence));
	sw_ct_wrapped(b, "", cf->cause->title);
	sw_ct_wrapped(b, "why", cf->cause->explanation);
	if (cf->note != NULL)
		sw_ct_wrapped(b, "note", cf->note);
	sw_ct_wrapped(b, "fix", cf->fix);
	if (cf->confirm != NULL)
		sw_ct_wrapped(b, "confirm", cf->confirm);
	if (!no_evidence && s->nevidence > 0)
		sw_ct_evidence(b, s, cf->primary, "evidence");
	sw_buf_addc(b, '\n');
}

static void
sw_text_amend(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	/* The server's rendering ends in a blank line: insert before it. */
	if (b->len > 0 && b->p[b->len - 1] == '\n')
		b->p[--b->len] = '\0';
	sw_buf_addf(b, "  client    %s (%s)\n", cf->cause->id,
	    sw_confidence_name(cf->confidence));
	sw_ct_wrapped(b, "", cf->cause->title);
	sw_ct_destination(b, s);
	for (i = 0; i < s->nkeys; i++)
		sw_ct_key(b, &s->keys[i]);
	if (cf->note != NULL)
		sw_ct_wrapped(b, "note", cf->note);
	sw_buf_addf(b, "  fix side  %s (the fix above is the %s's)\n",
	    cf->fix_used ? "client" : "server",
	    cf->fix_used ? "client cause" : "server cause");
	if (!no_evidence && s->nevidence > 0)
		sw_ct_evidence(b, s, cf->primary, "client evidence");
	sw_buf_addc(b, '\n');
}

/* JSON. */

static void
sw_cj_str(struct sw_buf *b, const char *key, const char *val)
{
	sw_buf_addf(b, "\"%s\":", key);
	if (val == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, sw_cs(val));
	sw_buf_addc(b, '"');
}

/* The "client" object: the client's view of the attempt. */
static void
sw_json_client(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	sw_buf_adds(b, "{");
	sw_cj_str(b, "file", s->origin);
	sw_buf_addf(b, ",\"line\":%llu,", (unsigned long long)s->first_line);
	sw_cj_str(b, "user", s->user);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "host", s->host);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "ip", s->ip);
	if (s->port != 0)
		sw_buf_addf(b, ",\"port\":%u,", s->port);
	else
		sw_buf_adds(b, ",\"port\":null,");
	sw_cj_str(b, "version", s->version);
	sw_buf_addf(b, ",\"verbosity\":%d,", s->verbosity);
	sw_cj_str(b, "cause", cf->cause->id);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "confidence", sw_confidence_name(cf->confidence));
	sw_buf_adds(b, ",");
	sw_cj_str(b, "title", cf->cause->title);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "explanation", cf->cause->explanation);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "fix", cf->fix);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "confirm", cf->confirm);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "note", cf->note);
	sw_buf_adds(b, ",\"keys\":[");
	for (i = 0; i < s->nkeys; i++) {
		const struct sw_client_key *k = &s->keys[i];
		sw_buf_adds(b, i ? ",{" : "{");
		sw_cj_str(b, "path", k->path);
		sw_buf_adds(b, ",");
		sw_cj_str(b, "key_type", k->key_type);
		sw_buf_adds(b, ",");
		sw_cj_str(b, "fingerprint", k->fingerprint);
		sw_buf_addf(b, ",\"agent\":%s,\"accepted\":%s}",
		    k->agent ? "true" : "false",
		    k->accepted ? "true" : "false");
	}
	sw_buf_adds(b, "],\"evidence\":[");
	for (i = 0; !no_evidence && i < s->nevidence; i++) {
		const struct sw_evidence *e = &s->evidence[i];
		sw_buf_adds(b, i ? ",{" : "{");
		sw_cj_str(b, "file", e->origin);
		sw_buf_addf(b, ",\"line\":%llu,\"text\":\"",
		    (unsigned long long)e->lineno);
		sw_escape_json(b, sw_span_make(e->text, e->text_len));
		sw_buf_addf(b, "\",\"rule\":\"%s\",\"primary\":%s}",
		    sw_rule_id(e->rule), i == cf->primary ? "true" : "false");
	}
	sw_buf_adds(b, "]}");
}

static void
sw_json_amend(struct sw_buf *b, const struct sw_finding *f, int no_evidence)
{
	size_t end = b->len, tail;

	/* The object ends in '}' (NDJSON: and a newline): reopen it. */
	while (end > 0 && b->p[end - 1] != '}')
		end--;
	if (end == 0)
		return;
	tail = b->len - end;
	{
		char keep[8];
		size_t k = tail < sizeof(keep) ? tail : sizeof(keep);
		memcpy(keep, b->p + end, k);
		b->len = end - 1;
		if (f->client == NULL)
			sw_buf_adds(b, ",\"side\":\"server\"}");
		else {
			sw_buf_addf(b, ",\"side\":\"both\",\"fix_side\":\"%s\","
			    "\"client\":", f->client->fix_used ? "client" :
			    "server");
			sw_json_client(b, f->client, no_evidence);
			sw_buf_adds(b, "}");
		}
		sw_buf_add(b, keep, k);
	}
}

static void
sw_json_client_only(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence, size_t *noise_off)
{
	const struct sw_client_session *s = cf->s;

	/* The server's keys, with what the client knows, then its view. */
	sw_buf_adds(b, "{\"time\":null,");
	sw_cj_str(b, "host", s->host);
	sw_buf_adds(b, ",\"pid\":null,");
	sw_cj_str(b, "user", s->user);
	sw_buf_adds(b, ",\"invalid_user\":false,\"source_ip\":null,"
	    "\"source_port\":null,");
	sw_cj_str(b, "method", s->nkeys > 0 || s->tried_publickey ?
	    "publickey" : "unknown");
	sw_buf_adds(b, ",");
	sw_cj_str(b, "cause", cf->cause->id);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "confidence", sw_confidence_name(cf->confidence));
	sw_buf_adds(b, ",");
	sw_cj_str(b, "title", cf->cause->title);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "explanation", cf->cause->explanation);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "fix", cf->fix);
	sw_buf_adds(b, ",");
	sw_cj_str(b, "note", cf->note);
	sw_buf_adds(b, ",\"log_level_seen\":null,\"noise\":");
	*noise_off = b->len;
	sw_buf_adds(b, "false,\"evidence\":[],\"side\":\"client\",\"client\":");
	sw_json_client(b, cf, no_evidence);
	sw_buf_adds(b, "}");
}

/* Markdown. */

static void
sw_cm_text(struct sw_buf *b, const char *s)
{
	struct sw_buf esc;
	size_t i;

	sw_buf_init(&esc, 65536);
	sw_escape_text(&esc, sw_cs(s));
	for (i = 0; i < esc.len; i++) {
		char ch = esc.p[i];
		if (strchr("\\`*_[]<>|#!~", ch) != NULL)
			sw_buf_addc(b, '\\');
		sw_buf_addc(b, ch == '\n' ? ' ' : ch);
	}
	sw_buf_free(&esc);
}

static void
sw_md_client_view(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence, int joined)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	if (joined)
		sw_buf_adds(b, "\n### The client's view (ssh -v)\n");
	sw_buf_adds(b, "\n| | |\n|---|---|\n| user | ");
	sw_cm_text(b, s->user ? s->user : "(none)");
	sw_buf_adds(b, " |\n| server | ");
	sw_cm_text(b, s->host ? s->host : "(unknown)");
	if (s->port != 0)
		sw_buf_addf(b, " port %u", s->port);
	sw_buf_addf(b, " |\n| client cause | `%s` (%s) |\n", cf->cause->id,
	    sw_confidence_name(cf->confidence));
	for (i = 0; i < s->nkeys; i++) {
		const struct sw_client_key *k = &s->keys[i];
		sw_buf_adds(b, "| key offered | ");
		sw_cm_text(b, k->path);
		sw_buf_adds(b, " ");
		sw_cm_text(b, k->key_type);
		sw_buf_adds(b, " ");
		sw_cm_text(b, k->fingerprint);
		sw_buf_adds(b, k->agent ? " (agent)" : "");
		sw_buf_adds(b, k->accepted ? ", accepted |\n" : ", refused |\n");
	}
	if (joined) {
		sw_buf_adds(b, "\n**Client:** ");
		sw_cm_text(b, cf->cause->title);
		sw_buf_addf(b, ". The fix above is on the %s's side.\n",
		    cf->fix_used ? "client" : "server");
	}
	if (cf->note != NULL) {
		sw_buf_adds(b, "\n*Note:* ");
		sw_cm_text(b, cf->note);
		sw_buf_adds(b, "\n");
	}
	if (!no_evidence && s->nevidence > 0) {
		sw_buf_adds(b, "\nClient output:\n\n");
		for (i = 0; i < s->nevidence; i++) {
			const struct sw_evidence *e = &s->evidence[i];
			sw_buf_adds(b, i == cf->primary ? "    > " : "      ");
			sw_escape_text(b, sw_cs(e->origin));
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(b, sw_span_make(e->text, e->text_len));
			sw_buf_addc(b, '\n');
		}
	}
}

static void
sw_md_client_only(struct sw_buf *b, const struct sw_client_finding *cf,
    int no_evidence)
{
	const struct sw_client_session *s = cf->s;

	sw_buf_adds(b, "\n## Failed login (client side): ");
	sw_cm_text(b, s->user ? s->user : "(no user)");
	sw_buf_adds(b, " to ");
	sw_cm_text(b, s->host ? s->host : "(unknown)");
	sw_buf_addf(b, " — `%s`\n", cf->cause->id);
	sw_md_client_view(b, cf, 1, 0);
	sw_buf_adds(b, "\n**");
	sw_cm_text(b, cf->cause->title);
	sw_buf_adds(b, "**\n\n");
	sw_cm_text(b, cf->cause->explanation);
	sw_buf_adds(b, "\n\n**Fix:** ");
	sw_cm_text(b, cf->fix);
	sw_buf_adds(b, "\n");
	if (cf->confirm != NULL) {
		sw_buf_adds(b, "\n**Server evidence that would confirm it:** ");
		sw_cm_text(b, cf->confirm);
		sw_buf_adds(b, " Ask the server's admin for the auth.log lines "
		    "at that time, or run sshwhy on them.\n");
	}
	if (cf->note != NULL) {
		sw_buf_adds(b, "\n*Note:* ");
		sw_cm_text(b, cf->note);
		sw_buf_adds(b, "\n");
	}
	if (!no_evidence && s->nevidence > 0) {
		size_t i;
		sw_buf_adds(b, "\nClient output:\n\n");
		for (i = 0; i < s->nevidence; i++) {
			const struct sw_evidence *e = &s->evidence[i];
			sw_buf_adds(b, i == cf->primary ? "    > " : "      ");
			sw_escape_text(b, sw_cs(e->origin));
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(b, sw_span_make(e->text, e->text_len));
			sw_buf_addc(b, '\n');
		}
	}
}

void
sw_client_amend(const char *w, struct sw_buf *b, const struct sw_finding *f,
    int no_evidence)
{
	if (sw_is(w, "json") || sw_is(w, "ndjson"))
		sw_json_amend(b, f, no_evidence);
	else if (f->client == NULL)
		return;
	else if (sw_is(w, "text"))
		sw_text_amend(b, f->client, no_evidence);
	else if (sw_is(w, "markdown"))
		sw_md_client_view(b, f->client, no_evidence, 1);
}

void
sw_client_render(const char *w, struct sw_buf *b,
    const struct sw_client_finding *cf, int no_evidence, size_t *noise_off)
{
	*noise_off = SIZE_MAX;
	if (sw_is(w, "json") || sw_is(w, "ndjson")) {
		sw_json_client_only(b, cf, no_evidence, noise_off);
		if (sw_is(w, "ndjson"))
			sw_buf_addc(b, '\n');
	} else if (sw_is(w, "text"))
		sw_text_client(b, cf, no_evidence);
	else if (sw_is(w, "markdown"))
		sw_md_client_only(b, cf, no_evidence);
}
