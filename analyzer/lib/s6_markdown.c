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
void
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
void
sw_md_value(struct sw_buf *b, struct sw_span s)
{
	struct sw_buf esc;

	sw_buf_init(&esc, (size_t)4 << 20);
	sw_escape_text(&esc, s);
	sw_md_code_span(b, sw_span_make(esc.p ? esc.p : "", esc.len));
	sw_buf_free(&esc);
}

void
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

	sw_buf_adds(b, SW_("# sshwhy report\n\n"));
	sw_buf_addf(b, SW_NG_("**%llu failed login**", "**%llu failed logins**",
	    s->failed), (unsigned long long)s->failed);
	sw_buf_addf(b, SW_NG_(" in %llu connection (%llu succeeded, %llu closed "
	    "before a user name, %llu unfinished).", " in %llu connections "
	    "(%llu succeeded, %llu closed before a user name, %llu "
	    "unfinished).", s->connections),
	    (unsigned long long)s->connections,
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown);
	if (s->outside > 0)
		sw_buf_addf(b, SW_(" %llu more started outside the time window."),
		    (unsigned long long)s->outside);
	if (s->client_failed > 0)
		sw_buf_addf(b, " **%llu failed login%s** seen only in ssh "
		    "client output.", (unsigned long long)s->client_failed,
		    s->client_failed == 1 ? "" : "s");
	sw_buf_adds(b, "\n");
	if (s->filter != NULL && *s->filter) {
		sw_buf_adds(b, "\n");
		sw_summary_text_extra(b, s, 0);
	}
	if (s->ncauses > 0) {
		sw_buf_adds(b, SW_("\n| failed logins | cause | what it means |\n"
		    "|---:|---|---|\n"));
		for (i = 0; i < s->ncauses; i++)
			sw_buf_addf(b, "| %llu | `%s` | %s |\n",
			    (unsigned long long)s->causes[i].count,
			    s->causes[i].id, s->causes[i].title);
	}
	if (s->noise > 0) {
		sw_buf_addf(b, SW_NG_("\n%llu failed login", "\n%llu failed logins",
		    s->noise), (unsigned long long)s->noise);
		sw_buf_addf(b, SW_NG_(" from %zu address look like attack noise "
		    "(scans, brute force)%s. Top addresses:", " from %zu "
		    "addresses look like attack noise (scans, brute force)%s. "
		    "Top addresses:", s->noise_addresses), s->noise_addresses,
		    r->opts.all ? "" : SW_(" and are not listed below"));
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : " ");
			sw_md_value(b, sw_cstr(s->top_ips[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_adds(b, SW_(". Top user names:"));
		for (i = 0; i < s->ntop_users; i++) {
			sw_buf_adds(b, i ? ", " : " ");
			sw_md_value(b, sw_cstr(s->top_users[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_users[i].count);
		}
		sw_buf_adds(b, SW_(".\n"));
	}
	if (s->partial)
		sw_buf_adds(b, SW_("\n**Some input could not be read**; the "
		    "report covers the rest.\n"));
	sw_buf_addf(b, SW_NG_("\nRead %llu lines from %zu source (%llu from "
	    "sshd, %llu unrecognised).\n", "\nRead %llu lines from %zu sources "
	    "(%llu from sshd, %llu unrecognised).\n", s->nsources),
	    (unsigned long long)s->lines, s->nsources,
	    (unsigned long long)s->sshd_lines,
	    (unsigned long long)s->unmatched);
}

static void
sw_md_group(struct sw_report *r, const struct sw_cause *c, uint64_t n)
{
	struct sw_buf *b = &r->b;

	sw_buf_addf(b, "\n## `%s`: ", c->id);
	sw_md_inline(b, sw_cstr(sw_cause_title(c)));
	sw_buf_addf(b, " (%llu)\n\n", (unsigned long long)n);
	sw_md_inline(b, sw_cstr(sw_cause_explanation(c)));
	sw_buf_adds(b, "\n");
}

static void
sw_md_rec(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b, flat, ev;
	size_t i;

	if (rec->side == SW_REC_CLIENT) {
		sw_client_md_head(r, rec);
		goto fix;
	}
	sw_buf_adds(b, "\n### ");
	sw_buf_add_rfc3339(b, rec->start_us, rec->utc_off_min);
	sw_buf_adds(b, " · ");
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, SW_("(no user)"));
	sw_buf_adds(b, SW_(" from "));
	if (rec->ip.p != NULL)
		sw_md_value(b, rec->ip);
	else if (rec->source_host.p != NULL)
		sw_md_value(b, rec->source_host);
	else
		sw_buf_adds(b, SW_("(unknown address)"));
	sw_buf_adds(b, SW_("\n\n- **Host:** "));
	sw_md_value(b, rec->host);
	sw_buf_addf(b, SW_(" (sshd pid %llu)\n- **User:** "),
	    (unsigned long long)rec->pid);
	if (rec->user.p != NULL)
		sw_md_value(b, rec->user);
	else
		sw_buf_adds(b, SW_("(none)"));
	if (rec->user_invalid)
		sw_buf_adds(b, SW_(" (invalid user)"));
	sw_buf_adds(b, SW_("\n- **Source:** "));
	if (rec->ip.p != NULL)
		sw_md_value(b, rec->ip);
	else if (rec->source_host.p == NULL)
		sw_buf_adds(b, SW_("(unknown)"));
	if (rec->source_host.p != NULL) {
		sw_buf_adds(b, rec->ip.p != NULL ? " (" : "");
		sw_md_value(b, rec->source_host);
		sw_buf_adds(b, rec->ip.p != NULL ? ")" : "");
	}
	if (rec->port != 0)
		sw_buf_addf(b, SW_(" port %u"), rec->port);
	sw_buf_adds(b, SW_("\n- **Method:** "));
	sw_md_value(b, rec->method);
	sw_buf_addf(b, SW_("\n- **Cause:** `%s` (%s)%s\n"), rec->cause->id,
	    sw_confidence_name(rec->confidence),
	    rec->noise ? SW_(", part of attack noise") : "");
	if (rec->note.p != NULL) {
		/* A note quotes log values inside sentences; an address such
		 * as user@host would autolink in GFM whatever the escaping,
		 * so a note with an '@' is shown as code. */
		sw_buf_adds(b, SW_("- **Note:** "));
		if (memchr(rec->note.p, '@', rec->note.len) != NULL)
			sw_md_value(b, rec->note);
		else
			sw_md_inline(b, rec->note);
		sw_buf_adds(b, "\n");
	}
fix:
	sw_buf_init(&flat, (size_t)1 << 20);
	sw_rec_fix_flatten(rec, &flat);
	if (r->nth_in_group > 0 && flat.len == r->prev_fix.len &&
	    memcmp(flat.p, r->prev_fix.p, flat.len) == 0) {
		sw_buf_adds(b, SW_("\n**Fix:** as above.\n"));
	} else {
		/* Commands stand alone in ```sh blocks (every such block
		 * is a command, pasted as is); values in prose are code
		 * spans; the template's words are escaped text. */
		sw_buf_adds(b, SW_("\n**Fix:** "));
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
			sw_buf_addf(&ev, SW_NG_("  (%u more line not kept)\n",
			    "  (%u more lines not kept)\n", rec->evidence_dropped),
			    rec->evidence_dropped);
		sw_buf_adds(b, SW_("\nEvidence (`>` marks the line that proves "
		    "the cause):\n\n"));
		sw_md_fenced(b, "text", sw_span_make(ev.p ? ev.p : "", ev.len));
		sw_buf_free(&ev);
	}
	if (rec->client.p != NULL)
		sw_buf_add(b, rec->client.p, rec->client.len);
}

static void
sw_md_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	if (s->nshapes > 0 && r->opts.unmatched) {
		sw_buf_adds(b, SW_("\n## Unrecognised sshd lines\n\n| count | "
		    "shape | first seen |\n|---:|---|---|\n"));
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
