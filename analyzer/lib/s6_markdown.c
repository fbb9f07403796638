/*
 * s6_markdown.c: the Markdown report, for support tickets. Summary first,
 * then findings grouped by cause, each cause's explanation once. Inline
 * untrusted text is escaped so it cannot open emphasis, links, autolinks,
 * mentions, HTML, entities or math. Fix commands are code spans and
 * evidence a fenced block, each delimited by more backticks than any run
 * inside, so nothing in a value can close them; commands render as code
 * and copy from the rendered page exactly as sshwhy quoted them.
 */
#include <string.h>

#include "s6_report_int.h"
#include "s6_summary.h"

/* Untrusted bytes as inline Markdown text (sw_escape_markdown: no
 * emphasis, link, autolink, mention, entity, HTML or math can form);
 * line breaks become spaces so a value cannot end the paragraph. */
static void
sw_md_inline(struct sw_buf *b, struct sw_span s)
{
	size_t from = b->len, i;

	sw_escape_markdown(b, s);
	for (i = from; i < b->len; i++)
		if (b->p[i] == '\n' || b->p[i] == '\r')
			b->p[i] = ' ';
}

/* A fence longer than every run of backticks in `s` (at least 3). */
static size_t
sw_md_fence_len(struct sw_span s)
{
	size_t i, run = 0, max = 0;

	for (i = 0; i < s.len; i++) {
		run = s.p[i] == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	return max < 3 ? 3 : max + 1;
}

/* A code span that no backtick inside can close (CommonMark 6.1). */
static void
sw_md_code_span(struct sw_buf *b, struct sw_span s)
{
	size_t n = sw_md_fence_len(s), i;
	int pad = s.len > 0 && (s.p[0] == '`' || s.p[s.len - 1] == '`' ||
	    s.p[0] == ' ' || s.p[s.len - 1] == ' ');

	if (n == 3) {
		/* no backtick run at all: one backtick is enough */
		for (i = 0; i < s.len && s.p[i] != '`'; i++)
			;
		if (i == s.len)
			n = 1;
	}
	for (i = 0; i < n; i++)
		sw_buf_addc(b, '`');
	if (pad)
		sw_buf_addc(b, ' ');
	sw_buf_add(b, s.p, s.len);
	if (pad)
		sw_buf_addc(b, ' ');
	for (i = 0; i < n; i++)
		sw_buf_addc(b, '`');
}

/* An untrusted value as code: no link, mention, entity or HTML can form
 * in a code span; control and invisible characters are made visible. */
static void
sw_md_value(struct sw_buf *b, struct sw_span s)
{
	struct sw_buf esc;

	sw_buf_init(&esc, (size_t)4 << 20);
	sw_escape_text(&esc, s);
	sw_md_code_span(b, sw_span_make(esc.p ? esc.p : "", esc.len));
	sw_buf_free(&esc);
}

static void
sw_md_fenced(struct sw_buf *b, const char *info, struct sw_span body)
{
	size_t n = sw_md_fence_len(body), i;

	for (i = 0; i < n; i++)
		sw_buf_addc(b, '`');
	sw_buf_adds(b, info);
	sw_buf_addc(b, '\n');
	sw_buf_add(b, body.p, body.len);
	if (body.len > 0 && body.p[body.len - 1] != '\n')
		sw_buf_addc(b, '\n');
	for (i = 0; i < n; i++)
		sw_buf_addc(b, '`');
	sw_buf_adds(b, "\n\n");
}

static void
sw_md_begin(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	sw_buf_addf(b, "# sshwhy report\n\n**%llu failed login%s** in %llu "
	    "connection%s (%llu succeeded, %llu closed before a user name, "
	    "%llu unfinished).",
	    (unsigned long long)s->failed, s->failed == 1 ? "" : "s",
	    (unsigned long long)s->connections, s->connections == 1 ? "" : "s",
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown);
	if (s->outside > 0)
		sw_buf_addf(b, " %llu more started outside the time window.",
		    (unsigned long long)s->outside);
	sw_buf_adds(b, "\n");
	if (s->filter != NULL && *s->filter) {
		sw_buf_adds(b, "\n");
		sw_summary_text_extra(b, s, 0);
	}
	if (s->ncauses > 0) {
		sw_buf_adds(b, "\n| failed logins | cause | what it means |\n"
		    "|---:|---|---|\n");
		for (i = 0; i < s->ncauses; i++)
			sw_buf_addf(b, "| %llu | `%s` | %s |\n",
			    (unsigned long long)s->causes[i].count,
			    s->causes[i].id, s->causes[i].title);
	}
	if (s->noise > 0) {
		sw_buf_addf(b, "\n%llu failed login%s from %zu address%s look "
		    "like attack noise (scans, brute force)%s. Top addresses:",
		    (unsigned long long)s->noise, s->noise == 1 ? "" : "s",
		    s->noise_addresses, s->noise_addresses == 1 ? "" : "es",
		    r->opts.all ? "" : " and are not listed below");
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : " ");
			sw_md_value(b, sw_cstr(s->top_ips[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_adds(b, ". Top user names:");
		for (i = 0; i < s->ntop_users; i++) {
			sw_buf_adds(b, i ? ", " : " ");
			sw_md_value(b, sw_cstr(s->top_users[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_users[i].count);
		}
		sw_buf_adds(b, ".\n");
	}
	if (s->partial)
		sw_buf_adds(b, "\n**Some input could not be read**; the report "
		    "covers the rest.\n");
	sw_buf_addf(b, "\nRead %llu lines from %zu source%s (%llu from sshd, "
	    "%llu unrecognised).\n", (unsigned long long)s->lines, s->nsources,
	    s->nsources == 1 ? "" : "s", (unsigned long long)s->sshd_lines,
	    (unsigned long long)s->unmatched);
}

static void
sw_md_group(struct sw_report *r, const struct sw_cause *c, uint64_t n)
{
	struct sw_buf *b = &r->b;

	sw_buf_addf(b, "\n## `%s`: ", c->id);
	sw_md_inline(b, sw_cstr(c->title));
	sw_buf_addf(b, " (%llu)\n\n", (unsigned long long)n);
	sw_md_inline(b, sw_cstr(c->explanation));
	sw_buf_adds(b, "\n");
}

static void
sw_md_rec(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b, flat, ev;
	size_t i;

	sw_buf_adds(b, "\n### ");
	sw_format_time_rfc3339(b, rec->start_us, rec->utc_off_min);
	sw_buf_adds(b, " · ");
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, "(no user)");
	sw_buf_adds(b, " from ");
	if (rec->ip.p != NULL)
		sw_md_value(b, rec->ip);
	else
		sw_buf_adds(b, "(unknown address)");
	sw_buf_adds(b, "\n\n- **Host:** ");
	sw_md_value(b, rec->host);
	sw_buf_addf(b, " (sshd pid %llu)\n- **User:** ",
	    (unsigned long long)rec->pid);
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, "(none)");
	if (rec->user_invalid)
		sw_buf_adds(b, " (invalid user)");
	sw_buf_adds(b, "\n- **Source:** ");
	if (rec->ip.p != NULL)
		sw_md_value(b, rec->ip);
	else
		sw_buf_adds(b, "(unknown)");
	if (rec->port != 0)
		sw_buf_addf(b, " port %u", rec->port);
	sw_buf_adds(b, "\n- **Method:** ");
	sw_md_value(b, rec->method);
	sw_buf_addf(b, "\n- **Cause:** `%s` (%s)%s\n", rec->cause->id,
	    sw_confidence_name(rec->confidence),
	    rec->noise ? ", part of attack noise" : "");
	if (rec->note.p != NULL) {
		/* A note quotes log values inside sentences; an address such
		 * as user@host would autolink in GFM whatever the escaping,
		 * so a note with an '@' is shown as code. */
		sw_buf_adds(b, "- **Note:** ");
		if (memchr(rec->note.p, '@', rec->note.len) != NULL)
			sw_md_value(b, rec->note);
		else
			sw_md_inline(b, rec->note);
		sw_buf_adds(b, "\n");
	}
	sw_buf_init(&flat, (size_t)1 << 20);
	sw_rec_fix_flatten(rec, &flat);
	if (r->nth_in_group > 0 && flat.len == r->prev_fix.len &&
	    memcmp(flat.p, r->prev_fix.p, flat.len) == 0) {
		sw_buf_adds(b, "\n**Fix:** as above.\n");
	} else {
		/* Commands stand alone in ```sh blocks (every such block
		 * is a command, pasted as is); values in prose are code
		 * spans; the template's words are escaped text. */
		sw_buf_adds(b, "\n**Fix:** ");
		for (i = 0; i < rec->nfix; i++) {
			struct sw_span s = rec->fix[i].s;
			int before = i + 1 < rec->nfix &&
			    rec->fix[i + 1].kind == SW_FIX_COMMAND;
			int after = i > 0 &&
			    rec->fix[i - 1].kind == SW_FIX_COMMAND;

			switch (rec->fix[i].kind) {
			case SW_FIX_COMMAND:
				sw_buf_adds(b, "\n\n");
				sw_md_fenced(b, "sh", s);
				break;
			case SW_FIX_VALUE:
				sw_md_value(b, s);
				break;
			case SW_FIX_WITHHELD:
				sw_buf_adds(b, "*");
				sw_md_inline(b, s);
				sw_buf_adds(b, "*");
				break;
			case SW_FIX_PROSE:
				sw_md_inline(b, sw_fix_prose_trim(s, before,
				    after));
				break;
			}
		}
		sw_buf_adds(b, "\n");
	}
	sw_buf_reset(&r->prev_fix);
	sw_buf_add(&r->prev_fix, flat.p ? flat.p : "", flat.len);
	sw_buf_free(&flat);
	if (!r->opts.no_evidence && rec->nev > 0) {
		sw_buf_init(&ev, (size_t)64 << 20);
		for (i = 0; i < rec->nev; i++) {
			const struct sw_rec_ev *e = &rec->ev[i];
			sw_buf_adds(&ev, i == rec->primary ? "> " : "  ");
			sw_escape_text(&ev, e->origin);
			sw_buf_addf(&ev, ":%llu: ", (unsigned long long)e->lineno);
			sw_escape_text(&ev, e->text);
			sw_buf_addc(&ev, '\n');
		}
		if (rec->evidence_dropped > 0)
			sw_buf_addf(&ev, "  (%u more lines not kept)\n",
			    rec->evidence_dropped);
		sw_buf_adds(b, "\nEvidence (`>` marks the line that proves the "
		    "cause):\n\n");
		sw_md_fenced(b, "text", sw_span_make(ev.p ? ev.p : "", ev.len));
		sw_buf_free(&ev);
	}
}

static void
sw_md_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	if (s->nshapes > 0 && r->opts.unmatched) {
		sw_buf_adds(b, "\n## Unrecognised sshd lines\n\n| count | shape "
		    "| first seen |\n|---:|---|---|\n");
		for (i = 0; i < s->nshapes; i++) {
			sw_buf_addf(b, "| %llu | ",
			    (unsigned long long)s->shapes[i].count);
			sw_md_inline(b, sw_cstr(s->shapes[i].shape));
			sw_buf_adds(b, " | ");
			sw_md_inline(b, sw_cstr(s->shapes[i].origin));
			sw_buf_addf(b, ":%llu |\n",
			    (unsigned long long)s->shapes[i].lineno);
		}
	}
}

const struct sw_writer sw_writer_markdown = {
	"markdown", 1, sw_md_begin, sw_md_group, sw_md_rec, sw_md_end,
};
