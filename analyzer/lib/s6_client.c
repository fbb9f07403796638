/*
 * s6_client.c: the client's side of a finding (ssh -v output) in the
 * reports. The writers (s6_text.c, s6_json.c, s6_markdown.c) render every
 * finding as before; a finding with a client view gets a section rendered
 * here when it is spooled (sw_client_blob), which the writer appends, and
 * a client-only finding gets its own heading (no time, pid or source
 * address). Every value from the input (user, host, key paths and
 * comments, lines) is escaped like the server's values.
 */
#include <stdlib.h>
#include <string.h>

#include "s5_client.h"
#include "s6_report_int.h"

int
sw_client_side(const struct sw_finding *f)
{
	if (f->client == NULL)
		return SW_REC_SERVER;
	return f->client->alone ? SW_REC_CLIENT : SW_REC_BOTH;
}

static int
sw_is(const struct sw_report *r, const char *name)
{
	return strcmp(r->w->name, name) == 0;
}

/* Text: "  label     words..." wrapped at the report's width. */
static void
sw_ct_para(struct sw_buf *b, unsigned width, const char *label,
    const char *text)
{
	struct sw_buf esc;
	const char *p;
	size_t col, indent = 12;

	sw_buf_init(&esc, (size_t)4 << 20);
	sw_escape_text(&esc, sw_cstr(text));
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
		if (col > indent && col + 1 + w > width) {
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
sw_ct_destination(struct sw_buf *b, const struct sw_client_session *s)
{
	sw_buf_adds(b, "  to        ");
	if (s->host != NULL)
		sw_escape_text(b, sw_cstr(s->host));
	else
		sw_buf_adds(b, "(unknown host)");
	if (s->ip != NULL && (s->host == NULL || strcmp(s->ip, s->host) != 0)) {
		sw_buf_adds(b, " [");
		sw_escape_text(b, sw_cstr(s->ip));
		sw_buf_adds(b, "]");
	}
	if (s->port != 0)
		sw_buf_addf(b, " port %u", s->port);
	sw_buf_addc(b, '\n');
}

static void
sw_ct_keys(struct sw_buf *b, const struct sw_client_session *s)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++) {
		const struct sw_client_key *k = &s->keys[i];
		sw_buf_adds(b, "  offered   ");
		sw_escape_text(b, sw_cstr(k->path));
		sw_buf_adds(b, " ");
		sw_escape_text(b, sw_cstr(k->key_type));
		sw_buf_adds(b, " ");
		sw_escape_text(b, sw_cstr(k->fingerprint));
		if (k->agent)
			sw_buf_adds(b, " (agent)");
		sw_buf_adds(b, k->accepted ? ", accepted by the server\n" :
		    ", refused\n");
	}
	if (s->keys_dropped > 0)
		sw_buf_addf(b, "  offered   (%u more keys)\n", s->keys_dropped);
}

static void
sw_text_blob(const struct sw_report *r, const struct sw_client_finding *cf,
    struct sw_buf *b)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	if (cf->alone) {
		sw_ct_destination(b, s);
		sw_ct_keys(b, s);
		if (cf->confirm != NULL)
			sw_ct_para(b, r->opts.width, "confirm", cf->confirm);
		return;
	}
	sw_buf_addf(b, "  client    %s (%s): ", cf->cause->id,
	    sw_confidence_name(cf->confidence));
	sw_escape_text(b, sw_cstr(cf->cause->title));
	sw_buf_addc(b, '\n');
	sw_ct_destination(b, s);
	sw_ct_keys(b, s);
	if (cf->note != NULL)
		sw_ct_para(b, r->opts.width, "note", cf->note);
	sw_buf_addf(b, "  fix side  %s\n", cf->fix_used ?
	    "client (the fix above is for the client's cause)" :
	    "server (the fix above is for the server's cause)");
	if (!r->opts.no_evidence && s->nevidence > 0) {
		sw_buf_adds(b, "  client evidence\n");
		for (i = 0; i < s->nevidence; i++) {
			const struct sw_evidence *e = &s->evidence[i];
			sw_buf_adds(b, i == cf->primary ? "  > " : "    ");
			sw_escape_text(b, sw_cstr(e->origin));
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(b, sw_span_make(e->text, e->text_len));
			sw_buf_addc(b, '\n');
		}
		if (s->evidence_dropped > 0)
			sw_buf_addf(b, "    (%u more lines not kept)\n",
			    s->evidence_dropped);
	}
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
	sw_escape_json(b, sw_cstr(val));
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
	sw_buf_adds(b, ",\"fix\":\"");
	{
		struct sw_buf flat;
		sw_buf_init(&flat, (size_t)1 << 20);
		sw_fix_flatten(cf->fix, &flat);
		sw_escape_json(b, sw_span_make(flat.p ? flat.p : "", flat.len));
		sw_buf_free(&flat);
	}
	sw_buf_adds(b, "\",");
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
	/* A client-only finding has its lines in the finding's evidence. */
	for (i = 0; !no_evidence && !cf->alone && i < s->nevidence; i++) {
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

void
sw_client_json_tail(struct sw_buf *b, const struct sw_rec *rec)
{
	static const char *const tails[] = { ",\"side\":\"server\"",
	    ",\"side\":\"both\"", ",\"side\":\"client\"" };

	sw_buf_adds(b, tails[rec->side >= 0 && rec->side <= 2 ? rec->side : 0]);
	if (rec->client.p != NULL)
		sw_buf_add(b, rec->client.p, rec->client.len);
}

/* Markdown. */

/* Prose that quotes values: an '@' (user@host) would autolink in GFM
 * whatever the escaping, so such text is shown as code (as s6_markdown
 * does for notes). */
static void
sw_cm_prose(struct sw_buf *b, struct sw_span s)
{
	if (s.p != NULL && memchr(s.p, '@', s.len) != NULL)
		sw_md_value(b, s);
	else
		sw_md_inline(b, s);
}

/* A value from the client's output, as code (like the server's values). */
static void
sw_cm_str(struct sw_buf *b, const char *s)
{
	sw_md_value(b, sw_cstr(s));
}

static void
sw_md_blob(const struct sw_report *r, const struct sw_client_finding *cf,
    struct sw_buf *b)
{
	const struct sw_client_session *s = cf->s;
	size_t i;

	sw_buf_adds(b, cf->alone ? "\n**The client's side:**\n\n" :
	    "\n#### The client's view of the same attempt (ssh output)\n\n");
	if (!cf->alone) {
		sw_buf_addf(b, "- **Client cause:** `%s` (%s): ", cf->cause->id,
		    sw_confidence_name(cf->confidence));
		sw_md_inline(b, sw_cstr(cf->cause->title));
		sw_buf_adds(b, "\n");
	}
	sw_buf_adds(b, "- **Server:** ");
	sw_cm_str(b, s->host ? s->host : "(unknown)");
	if (s->port != 0)
		sw_buf_addf(b, " port %u", s->port);
	sw_buf_adds(b, "\n");
	for (i = 0; i < s->nkeys; i++) {
		const struct sw_client_key *k = &s->keys[i];
		sw_buf_adds(b, "- **Key offered:** ");
		sw_cm_str(b, k->path);
		sw_buf_adds(b, " ");
		sw_cm_str(b, k->key_type);
		sw_buf_adds(b, " ");
		sw_cm_str(b, k->fingerprint);
		sw_buf_adds(b, k->agent ? " (agent)" : "");
		sw_buf_adds(b, k->accepted ? ", accepted\n" : ", refused\n");
	}
	if (!cf->alone) {
		if (cf->note != NULL) {
			sw_buf_adds(b, "- **Client note:** ");
			sw_md_value(b, sw_cstr(cf->note));
			sw_buf_adds(b, "\n");
		}
		sw_buf_addf(b, "- **Fix side:** the fix above is for the %s's "
		    "cause\n", cf->fix_used ? "client" : "server");
	}
	if (cf->alone && cf->confirm != NULL) {
		sw_buf_adds(b, "- **Server evidence that would confirm it:** ");
		sw_md_value(b, sw_cstr(cf->confirm));
		sw_buf_adds(b, " (ask the server's admin for the auth.log lines "
		    "at that time, or run sshwhy on them)\n");
	}
	if (!cf->alone && !r->opts.no_evidence && s->nevidence > 0) {
		struct sw_buf ev;
		sw_buf_init(&ev, (size_t)16 << 20);
		for (i = 0; i < s->nevidence; i++) {
			const struct sw_evidence *e = &s->evidence[i];
			sw_buf_adds(&ev, i == cf->primary ? "> " : "  ");
			sw_escape_text(&ev, sw_cstr(e->origin));
			sw_buf_addf(&ev, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(&ev, sw_span_make(e->text, e->text_len));
			sw_buf_addc(&ev, '\n');
		}
		sw_buf_adds(b, "\nClient output:\n\n");
		sw_md_fenced(b, "text", sw_span_make(ev.p ? ev.p : "", ev.len));
		sw_buf_free(&ev);
	}
}

void
sw_client_blob(const struct sw_report *r, const struct sw_finding *f,
    struct sw_buf *out)
{
	const struct sw_client_finding *cf = f->client;

	if (cf == NULL)
		return;
	if (sw_is(r, "json") || sw_is(r, "ndjson")) {
		if (!cf->alone)
			sw_buf_addf(out, ",\"fix_side\":\"%s\"", cf->fix_used ?
			    "client" : "server");
		sw_buf_adds(out, ",\"client\":");
		sw_json_client(out, cf, r->opts.no_evidence);
	} else if (sw_is(r, "text"))
		sw_text_blob(r, cf, out);
	else if (sw_is(r, "markdown"))
		sw_md_blob(r, cf, out);
}

void
sw_client_text_head(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b;

	sw_buf_addf(b, "ssh client output  failed login, %s (%s)\n",
	    rec->cause->id, sw_confidence_name(rec->confidence));
	sw_buf_adds(b, "  user      ");
	if (rec->user.p != NULL)
		sw_escape_text(b, rec->user);
	else
		sw_buf_adds(b, "(none)");
	sw_buf_adds(b, "\n  method    ");
	sw_escape_text(b, rec->method);
	sw_buf_addc(b, '\n');
}

void
sw_client_md_head(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b;

	sw_buf_adds(b, "\n### ssh client output · ");
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, "(no user)");
	sw_buf_adds(b, " to ");
	if (rec->host.p != NULL)
		sw_md_value(b, rec->host);
	else
		sw_buf_adds(b, "(unknown)");
	sw_buf_adds(b, "\n\n- **User:** ");
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, "(none)");
	sw_buf_adds(b, "\n- **Method:** ");
	sw_md_value(b, rec->method);
	sw_buf_addf(b, "\n- **Cause:** `%s` (%s), from the client's output "
	    "alone\n", rec->cause->id, sw_confidence_name(rec->confidence));
	if (rec->note.p != NULL) {
		sw_buf_adds(b, "- **Note:** ");
		sw_cm_prose(b, rec->note);
		sw_buf_adds(b, "\n");
	}
}
