/*
 * s6_report.c: the report writers. Each writer builds its output in a
 * bounded buffer per finding and writes it at once; every value that came
 * from a log line goes through sw_escape_text or sw_escape_json, so a
 * crafted user name can neither move the cursor nor break the JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "s6_html.h"
#include "s6_redact.h"
#include "s6_report.h"

struct sw_report;

struct sw_writer {
	const char *name;
	void (*begin)(struct sw_report *);
	void (*finding)(struct sw_report *, const struct sw_finding *);
	void (*end)(struct sw_report *, const struct sw_summary *);
};

struct sw_report {
	const struct sw_writer *w;
	FILE *out;
	struct sw_report_opts opts;
	struct sw_noise *noise;
	FILE *spool;		/* rendered findings, written out at the end */
	struct sw_buf b;
	uint64_t n;		/* findings rendered */
	size_t noise_off;	/* offset of the noise flag in b, or SIZE_MAX */
	struct sw_redact *redact;	/* --redact, or NULL */
	void *wstate;			/* a writer's own state */
	void (*wstate_free)(void *);
};

/* Spool record header; the strings and the rendered text follow. */
struct sw_spool_hdr {
	uint64_t len;		/* rendered bytes */
	uint64_t noise_off;	/* where "false" stands for the noise flag */
	uint32_t iplen, userlen, causelen;
	uint32_t invalid;
};

static void
sw_flush(struct sw_report *r)
{
	if (r->b.len > 0)
		fwrite(r->b.p, 1, r->b.len, r->out);
	sw_buf_reset(&r->b);
}

static struct sw_span
sw_cstr(const char *s)
{
	return sw_span_make(s, s ? strlen(s) : 0);
}

/* Text. */

static void
sw_text_wrapped(struct sw_buf *b, const char *label, const char *text)
{
	const char *p = text;
	size_t col, indent = 12;
	struct sw_buf esc;

	sw_buf_init(&esc, 65536);
	sw_escape_text(&esc, sw_cstr(text));
	p = esc.p ? esc.p : "";
	sw_buf_addf(b, "  %-9s ", label);
	col = indent;
	while (*p != '\0') {
		size_t w;

		if (*p == ' ' || *p == '\n') {
			/* A blank line in the text starts a new paragraph. */
			if (p[0] == '\n' && p[1] == '\n') {
				sw_buf_addf(b, "\n%*s", (int)indent, "");
				col = indent;
			}
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
sw_text_finding(struct sw_report *r, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;
	struct sw_buf *b = &r->b;
	size_t i;

	sw_format_time_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "  ");
	sw_escape_text(b, sw_cstr(c->host));
	sw_buf_addf(b, "  pid %llu  failed login\n", (unsigned long long)c->pid);
	sw_buf_adds(b, "  user      ");
	if (c->user != NULL)
		sw_escape_text(b, sw_cstr(c->user));
	else
		sw_buf_adds(b, "(none)");
	if (c->user_invalid)
		sw_buf_adds(b, " (invalid user)");
	sw_buf_adds(b, "\n  from      ");
	if (c->ip != NULL)
		sw_escape_text(b, sw_cstr(c->ip));
	else
		sw_buf_adds(b, "(unknown address)");
	if (c->port != 0)
		sw_buf_addf(b, " port %u", c->port);
	sw_buf_adds(b, "\n  method    ");
	sw_escape_text(b, sw_cstr(f->method));
	sw_buf_addf(b, "\n  cause     %s (%s)\n", f->cause->id,
	    sw_confidence_name(f->confidence));
	sw_text_wrapped(b, "", f->cause->title);
	sw_text_wrapped(b, "why", f->cause->explanation);
	if (f->note != NULL)
		sw_text_wrapped(b, "note", f->note);
	sw_text_wrapped(b, "fix", f->fix);
	if (!r->opts.no_evidence && c->nevidence > 0) {
		sw_buf_adds(b, "  evidence\n");
		for (i = 0; i < c->nevidence; i++) {
			const struct sw_evidence *e = &c->evidence[i];
			sw_buf_adds(b, i == f->primary ? "  > " : "    ");
			sw_escape_text(b, sw_cstr(e->origin));
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(b, sw_span_make(e->text, e->text_len));
			sw_buf_addc(b, '\n');
		}
		if (c->evidence_dropped > 0)
			sw_buf_addf(b, "    (%u more lines not kept)\n",
			    c->evidence_dropped);
	}
	sw_buf_addc(b, '\n');
}

static void
sw_text_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	if (s->failed == 0)
		sw_buf_addf(b, "No failed logins");
	else
		sw_buf_addf(b, "%llu failed login%s",
		    (unsigned long long)s->failed, s->failed == 1 ? "" : "s");
	sw_buf_addf(b, " in %llu connection%s (%llu succeeded, %llu closed "
	    "before a user name, %llu unfinished).\n",
	    (unsigned long long)s->connections,
	    s->connections == 1 ? "" : "s",
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown);
	if (s->outside > 0)
		sw_buf_addf(b, "%llu more connection%s started outside the "
		    "time window (--since/--until) and %s not reported.\n",
		    (unsigned long long)s->outside, s->outside == 1 ? "" : "s",
		    s->outside == 1 ? "is" : "are");
	if (s->ncauses > 0) {
		sw_buf_adds(b, "By cause:\n");
		for (i = 0; i < s->ncauses; i++)
			sw_buf_addf(b, "  %6llu  %-28s %s\n",
			    (unsigned long long)s->causes[i].count,
			    s->causes[i].id, s->causes[i].title);
	}
	if (s->noise > 0) {
		sw_buf_addf(b, "Attack noise: %llu failed login%s from %zu "
		    "address%s look like scans or brute force%s.\n",
		    (unsigned long long)s->noise, s->noise == 1 ? "" : "s",
		    s->noise_addresses, s->noise_addresses == 1 ? "" : "es",
		    r->opts.all ? "" : " (not listed above; --all lists them)");
		sw_buf_adds(b, "  top addresses: ");
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_escape_text(b, sw_cstr(s->top_ips[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_adds(b, "\n  top user names: ");
		for (i = 0; i < s->ntop_users; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_escape_text(b, sw_cstr(s->top_users[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_users[i].count);
		}
		sw_buf_addc(b, '\n');
	}
	sw_buf_addf(b, "Read %llu lines from %zu source%s: %llu from sshd, "
	    "%llu of them unrecognised by the rules",
	    (unsigned long long)s->lines, s->nsources,
	    s->nsources == 1 ? "" : "s", (unsigned long long)s->sshd_lines,
	    (unsigned long long)s->unmatched);
	if (s->unparsed > 0)
		sw_buf_addf(b, "; %llu lines in no known format",
		    (unsigned long long)s->unparsed);
	if (s->limit_hits > 0)
		sw_buf_addf(b, "; %llu lines stopped by a pattern match limit "
		    "(counted as unrecognised)",
		    (unsigned long long)s->limit_hits);
	sw_buf_adds(b, ".\n");
	if (s->nshapes > 0 && !r->opts.unmatched)
		sw_buf_addf(b, "The unrecognised sshd lines have %zu shape%s; "
		    "--unmatched lists them.\n", s->nshapes,
		    s->nshapes == 1 ? "" : "s");
	if (s->nshapes > 0 && r->opts.unmatched) {
		sw_buf_adds(b, "Unrecognised sshd lines by shape (count, shape, "
		    "first example):\n");
		for (i = 0; i < s->nshapes; i++) {
			sw_buf_addf(b, "  %6llu  ",
			    (unsigned long long)s->shapes[i].count);
			sw_escape_text(b, sw_cstr(s->shapes[i].shape));
			sw_buf_adds(b, "\n          ");
			sw_escape_text(b, sw_cstr(s->shapes[i].origin));
			sw_buf_addf(b, ":%llu\n",
			    (unsigned long long)s->shapes[i].lineno);
		}
		if (s->shapes_other > 0)
			sw_buf_addf(b, "  %6llu  (lines of further shapes)\n",
			    (unsigned long long)s->shapes_other);
	}
	if (s->partial)
		sw_buf_adds(b, "Some input could not be read: see the messages "
		    "above; the report covers the rest.\n");
	sw_flush(r);
}

/* JSON and NDJSON share one object writer. */

static void
sw_json_str(struct sw_buf *b, const char *key, const char *val)
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

/* Writes "false" (or "true ") for the noise flag at *noise_off, so the
 * spool can patch it in place once noise is known. */
static void
sw_json_object(struct sw_buf *b, const struct sw_finding *f,
    size_t *noise_off)
{
	const struct sw_conn *c = f->conn;
	size_t i;

	sw_buf_adds(b, "{\"time\":\"");
	sw_format_time_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "\",");
	sw_json_str(b, "host", c->host);
	sw_buf_addf(b, ",\"pid\":%llu,", (unsigned long long)c->pid);
	sw_json_str(b, "user", c->user);
	sw_buf_addf(b, ",\"invalid_user\":%s,", c->user_invalid ? "true" : "false");
	sw_json_str(b, "source_ip", c->ip);
	if (c->port != 0)
		sw_buf_addf(b, ",\"source_port\":%u,", c->port);
	else
		sw_buf_adds(b, ",\"source_port\":null,");
	sw_json_str(b, "method", f->method);
	sw_buf_adds(b, ",");
	sw_json_str(b, "cause", f->cause->id);
	sw_buf_adds(b, ",");
	sw_json_str(b, "confidence", sw_confidence_name(f->confidence));
	sw_buf_adds(b, ",");
	sw_json_str(b, "title", f->cause->title);
	sw_buf_adds(b, ",");
	sw_json_str(b, "explanation", f->cause->explanation);
	sw_buf_adds(b, ",");
	sw_json_str(b, "fix", f->fix);
	sw_buf_adds(b, ",");
	sw_json_str(b, "note", f->note);
	sw_buf_addf(b, ",\"log_level_seen\":\"%s\",\"noise\":",
	    sw_loglevel_name(c->level_seen));
	*noise_off = b->len;
	sw_buf_addf(b, "%s,\"evidence\":[", f->noise ? "true " : "false");
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		if (i > 0)
			sw_buf_addc(b, ',');
		sw_buf_adds(b, "{");
		sw_json_str(b, "file", e->origin);
		sw_buf_addf(b, ",\"line\":%llu,\"text\":\"",
		    (unsigned long long)e->lineno);
		sw_escape_json(b, sw_span_make(e->text, e->text_len));
		sw_buf_addf(b, "\",\"rule\":\"%s\",\"primary\":%s}",
		    sw_rule_id(e->rule), i == f->primary ? "true" : "false");
	}
	sw_buf_adds(b, "]}");
}

static void
sw_json_begin(struct sw_report *r)
{
	sw_buf_addf(&r->b, "{\"sshwhy\":\"%s\",\"findings\":[", SW_VERSION);
	sw_flush(r);
}

static void
sw_json_finding(struct sw_report *r, const struct sw_finding *f)
{
	sw_buf_adds(&r->b, r->n > 0 ? ",\n" : "\n");
	sw_json_object(&r->b, f, &r->noise_off);
}

static void
sw_json_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	sw_buf_addf(b, "%s],\"summary\":{\"failed\":%llu,\"connections\":%llu,"
	    "\"succeeded\":%llu,\"no_auth\":%llu,\"unfinished\":%llu,"
	    "\"lines\":%llu,\"sshd_lines\":%llu,\"unmatched_lines\":%llu,"
	    "\"unparsed_lines\":%llu,\"input_partial\":%s,\"noise\":%llu,"
	    "\"outside_window\":%llu,"
	    "\"by_cause\":[",
	    r->n > 0 ? "\n" : "",
	    (unsigned long long)s->failed, (unsigned long long)s->connections,
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown, (unsigned long long)s->lines,
	    (unsigned long long)s->sshd_lines, (unsigned long long)s->unmatched,
	    (unsigned long long)s->unparsed, s->partial ? "true" : "false",
	    (unsigned long long)s->noise, (unsigned long long)s->outside);
	for (i = 0; i < s->ncauses; i++) {
		sw_buf_adds(b, i ? ",{" : "{");
		sw_json_str(b, "cause", s->causes[i].id);
		sw_buf_addf(b, ",\"count\":%llu}",
		    (unsigned long long)s->causes[i].count);
	}
	sw_buf_adds(b, "],\"unmatched_shapes\":[");
	for (i = 0; i < s->nshapes; i++) {
		sw_buf_adds(b, i ? ",{" : "{");
		sw_json_str(b, "shape", s->shapes[i].shape);
		sw_buf_addf(b, ",\"count\":%llu,",
		    (unsigned long long)s->shapes[i].count);
		sw_json_str(b, "file", s->shapes[i].origin);
		sw_buf_addf(b, ",\"line\":%llu}",
		    (unsigned long long)s->shapes[i].lineno);
	}
	sw_buf_adds(b, "],\"sources\":[");
	for (i = 0; i < s->nsources; i++) {
		sw_buf_adds(b, i ? ",\"" : "\"");
		sw_escape_json(b, sw_cstr(s->sources[i]));
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "]}}\n");
	sw_flush(r);
}

static void
sw_ndjson_finding(struct sw_report *r, const struct sw_finding *f)
{
	sw_json_object(&r->b, f, &r->noise_off);
	sw_buf_addc(&r->b, '\n');
}

/* Markdown, for support tickets: safe inline text, indented code blocks. */

static void
sw_md_text(struct sw_buf *b, const char *s)
{
	struct sw_buf esc;
	size_t i;

	sw_buf_init(&esc, 65536);
	sw_escape_text(&esc, sw_cstr(s));
	for (i = 0; i < esc.len; i++) {
		char ch = esc.p[i];
		if (strchr("\\`*_[]<>|#!~", ch) != NULL)
			sw_buf_addc(b, '\\');
		sw_buf_addc(b, ch == '\n' ? ' ' : ch);
	}
	sw_buf_free(&esc);
}

static void
sw_md_begin(struct sw_report *r)
{
	sw_buf_adds(&r->b, "# sshwhy report\n");
	sw_flush(r);
}

static void
sw_md_finding(struct sw_report *r, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;
	struct sw_buf *b = &r->b;
	size_t i;

	sw_buf_adds(b, "\n## Failed login: ");
	sw_md_text(b, c->user ? c->user : "(no user)");
	sw_buf_adds(b, " from ");
	sw_md_text(b, c->ip ? c->ip : "(unknown)");
	sw_buf_addf(b, " — `%s`\n\n| | |\n|---|---|\n| time | ", f->cause->id);
	sw_format_time_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, " |\n| host | ");
	sw_md_text(b, c->host);
	sw_buf_addf(b, " (pid %llu) |\n| user | ", (unsigned long long)c->pid);
	sw_md_text(b, c->user ? c->user : "(none)");
	if (c->user_invalid)
		sw_buf_adds(b, " (invalid user)");
	sw_buf_adds(b, " |\n| source | ");
	sw_md_text(b, c->ip ? c->ip : "(unknown)");
	if (c->port != 0)
		sw_buf_addf(b, " port %u", c->port);
	sw_buf_adds(b, " |\n| method | ");
	sw_md_text(b, f->method);
	sw_buf_addf(b, " |\n| cause | `%s` (%s) |\n\n**", f->cause->id,
	    sw_confidence_name(f->confidence));
	sw_md_text(b, f->cause->title);
	sw_buf_adds(b, "**\n\n");
	sw_md_text(b, f->cause->explanation);
	if (f->note != NULL) {
		sw_buf_adds(b, "\n\n*Note:* ");
		sw_md_text(b, f->note);
	}
	sw_buf_adds(b, "\n\n**Fix:** ");
	sw_md_text(b, f->fix);
	sw_buf_adds(b, "\n");
	if (!r->opts.no_evidence && c->nevidence > 0) {
		sw_buf_adds(b, "\nEvidence:\n\n");
		for (i = 0; i < c->nevidence; i++) {
			const struct sw_evidence *e = &c->evidence[i];
			sw_buf_adds(b, i == f->primary ? "    > " : "      ");
			sw_escape_text(b, sw_cstr(e->origin));
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(b, sw_span_make(e->text, e->text_len));
			sw_buf_addc(b, '\n');
		}
	}
}

static void
sw_md_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	sw_buf_addf(b, "\n## Summary\n\n%llu failed login%s in %llu "
	    "connections (%llu succeeded, %llu closed before a user name).\n",
	    (unsigned long long)s->failed, s->failed == 1 ? "" : "s",
	    (unsigned long long)s->connections,
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth);
	if (s->ncauses > 0) {
		sw_buf_adds(b, "\n| count | cause | title |\n|---:|---|---|\n");
		for (i = 0; i < s->ncauses; i++)
			sw_buf_addf(b, "| %llu | `%s` | %s |\n",
			    (unsigned long long)s->causes[i].count,
			    s->causes[i].id, s->causes[i].title);
	}
	if (s->noise > 0) {
		sw_buf_addf(b, "\n%llu failed logins look like attack noise "
		    "(scans, brute force)%s. Top addresses:",
		    (unsigned long long)s->noise,
		    r->opts.all ? "" : " and are not listed");
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : " ");
			sw_md_text(b, s->top_ips[i].key);
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_adds(b, ".\n");
	}
	if (s->partial)
		sw_buf_adds(b, "\nSome input could not be read; the report "
		    "covers the rest.\n");
	sw_flush(r);
}

static const struct sw_writer sw_writers[] = {
	{ "text", NULL, sw_text_finding, sw_text_end },
	{ "json", sw_json_begin, sw_json_finding, sw_json_end },
	{ "ndjson", NULL, sw_ndjson_finding, NULL },
	{ "markdown", sw_md_begin, sw_md_finding, sw_md_end },
	{ "html", sw_html_begin, sw_html_finding, sw_html_end },
};
#define SW_NWRITERS (sizeof(sw_writers) / sizeof(sw_writers[0]))

static const struct sw_writer *
sw_writer_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < SW_NWRITERS; i++)
		if (strcmp(sw_writers[i].name, name) == 0)
			return &sw_writers[i];
	return NULL;
}

int
sw_report_known(const char *format)
{
	return sw_writer_find(format) != NULL;
}

struct sw_report *
sw_report_new(const char *format, FILE *out, const struct sw_report_opts *opts,
    struct sw_noise *noise)
{
	const struct sw_writer *w = sw_writer_find(format);
	struct sw_report *r;

	if (w == NULL)
		return NULL;
	r = sw_xcalloc(1, sizeof(*r));
	r->w = w;
	r->out = out;
	r->noise = noise;
	if (opts != NULL)
		r->opts = *opts;
	sw_buf_init(&r->b, (size_t)16 << 20);
	r->spool = tmpfile();
	if (r->opts.redact)
		r->redact = sw_redact_new(r->opts.redact_key, r->opts.redact_key ?
		    strlen(r->opts.redact_key) : 0);
	if (w->begin != NULL) {
		w->begin(r);
		sw_flush(r);
	}
	return r;
}

static void
sw_spool_str(FILE *fp, const char *s, size_t n)
{
	if (n > 0)
		fwrite(s, 1, n, fp);
}

void
sw_report_finding(struct sw_report *r, const struct sw_finding *f)
{
	const struct sw_conn *c;
	struct sw_spool_hdr h;

	if (r->redact != NULL)
		f = sw_redact_finding(r->redact, f);
	c = f->conn;
	if (r->noise != NULL)
		sw_noise_observe(r->noise, f);
	r->noise_off = SIZE_MAX;
	sw_buf_reset(&r->b);
	r->w->finding(r, f);
	r->n++;
	if (r->spool == NULL || r->noise == NULL) {
		/* No spool: stream, with noise unknown (false). */
		sw_flush(r);
		return;
	}
	memset(&h, 0, sizeof(h));
	h.len = r->b.len;
	h.noise_off = r->noise_off == SIZE_MAX ? UINT64_MAX : r->noise_off;
	h.iplen = c->ip ? (uint32_t)strlen(c->ip) : 0;
	h.userlen = c->user ? (uint32_t)strlen(c->user) : 0;
	h.causelen = (uint32_t)strlen(f->cause->id);
	h.invalid = (uint32_t)c->user_invalid;
	fwrite(&h, sizeof(h), 1, r->spool);
	sw_spool_str(r->spool, c->ip, h.iplen);
	sw_spool_str(r->spool, c->user, h.userlen);
	sw_spool_str(r->spool, f->cause->id, h.causelen);
	sw_spool_str(r->spool, r->b.p, r->b.len);
	sw_buf_reset(&r->b);
}

static char *
sw_spool_read_str(FILE *fp, uint32_t n)
{
	char *s = sw_xmalloc((size_t)n + 1);

	if (n > 0 && fread(s, 1, n, fp) != n) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

/* Writes the spool out now that noise is known. */
static int
sw_report_replay(struct sw_report *r, struct sw_summary *s)
{
	struct sw_spool_hdr h;
	int text = r->w->end != NULL && strcmp(r->w->name, "json") != 0;
	int rc = 0;

	if (fflush(r->spool) != 0 || fseek(r->spool, 0, SEEK_SET) != 0)
		return -1;
	while (fread(&h, sizeof(h), 1, r->spool) == 1) {
		char *ip = NULL, *user = NULL, *cause = NULL, *body = NULL;
		int noise;

		if (h.len > ((uint64_t)64 << 20) ||
		    (ip = sw_spool_read_str(r->spool, h.iplen)) == NULL ||
		    (user = sw_spool_read_str(r->spool, h.userlen)) == NULL ||
		    (cause = sw_spool_read_str(r->spool, h.causelen)) == NULL ||
		    (body = sw_spool_read_str(r->spool, (uint32_t)h.len)) == NULL) {
			free(ip);
			free(user);
			free(cause);
			rc = -1;
			break;
		}
		noise = sw_noise_is(r->noise, h.iplen ? ip : NULL, cause,
		    (int)h.invalid);
		if (noise) {
			sw_noise_count(r->noise, h.iplen ? ip : NULL,
			    h.userlen ? user : NULL);
			if (h.noise_off != UINT64_MAX && h.noise_off + 5 <= h.len)
				memcpy(body + h.noise_off, "true ", 5);
		}
		if (!(noise && text && !r->opts.all)) {
			fwrite(body, 1, (size_t)h.len, r->out);
			s->listed++;
		}
		free(ip);
		free(user);
		free(cause);
		free(body);
	}
	return rc;
}

int
sw_report_end(struct sw_report *r, struct sw_summary *s)
{
	int rc = 0;

	s->listed = 0;
	if (r->spool != NULL && r->noise != NULL)
		rc = sw_report_replay(r, s);
	else
		s->listed = r->n;
	if (r->noise != NULL) {
		s->noise = sw_noise_total(r->noise);
		s->noise_addresses = sw_noise_addresses(r->noise);
		s->ntop_ips = sw_noise_top_ips(r->noise, &s->top_ips);
		s->ntop_users = sw_noise_top_users(r->noise, &s->top_users);
	}
	if (r->redact != NULL)
		sw_redact_summary(r->redact, s);
	if (r->w->end != NULL) {
		r->w->end(r, s);
		sw_flush(r);
	}
	fflush(r->out);
	return rc;
}

void
sw_report_free(struct sw_report *r)
{
	if (r == NULL)
		return;
	if (r->spool != NULL)
		fclose(r->spool);
	sw_redact_free(r->redact);
	if (r->wstate_free != NULL)
		r->wstate_free(r->wstate);
	sw_buf_free(&r->b);
	free(r);
}

struct sw_buf *
sw_report_buf(struct sw_report *r)
{
	return &r->b;
}

const struct sw_report_opts *
sw_report_options(const struct sw_report *r)
{
	return &r->opts;
}

void *
sw_report_state(const struct sw_report *r)
{
	return r->wstate;
}

void
sw_report_set_state(struct sw_report *r, void *state, void (*free_fn)(void *))
{
	r->wstate = state;
	r->wstate_free = free_fn;
}
