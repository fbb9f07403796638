/*
 * s6_text.c: the text report, for people at a terminal. Findings grouped
 * by cause; a cause's title and explanation once, then its failed logins.
 * Prose wraps at the width given (the terminal's, or 80); a fix command
 * always stands alone on its own line, unwrapped and unescaped (s5_fix
 * made it paste-safe), so a mouse selection of the line is the command.
 * Every other value from a log is escaped (sw_escape_text).
 */
#include <string.h>

#include "s6_report_int.h"
#include "s6_summary.h"

#define SW_INDENT 12

struct sw_wrap {
	struct sw_buf *b;
	size_t col, indent, width;
	struct sw_buf *esc;		/* scratch for the escaped text */
};

/* Appends words of already-escaped text, wrapping at w->width; a blank
 * line in the text starts a new paragraph. */
static void
sw_wrap_words(struct sw_wrap *w, const char *p, size_t n)
{
	/* By display width, breaking Japanese between characters too. */
	w->col = sw_i18n_wrap(w->b, p, n, w->col, w->indent, w->width);
}

static void
sw_wrap_escaped(struct sw_wrap *w, struct sw_span s)
{
	struct sw_buf *esc = w->esc;

	sw_buf_reset(esc);
	sw_escape_text(esc, s);
	sw_wrap_words(w, esc->p ? esc->p : "", esc->len);
}

/* "  label     ": the label translated, padded to SW_INDENT columns by
 * display width (a Japanese label is two columns a character). */
static void
sw_text_label(struct sw_buf *b, const char *label)
{
	const char *t = SW_(label);
	size_t w = sw_i18n_width(t);

	sw_buf_adds(b, "  ");
	sw_buf_adds(b, t);
	sw_buf_add_spaces(b, w < SW_INDENT - 2 ? SW_INDENT - 2 - w : 1);
}

/* "  label     text..." wrapped; `s` is untrusted. */
static void
sw_text_para(struct sw_report *r, const char *label, struct sw_span s)
{
	struct sw_wrap w = { &r->b, SW_INDENT, SW_INDENT, r->opts.width,
	    &r->esc };

	sw_text_label(&r->b, label);
	sw_wrap_escaped(&w, s);
	sw_buf_addc(&r->b, '\n');
}

/* The fix: prose wrapped (values escaped), each command alone on a line. */
static void
sw_text_fix(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_wrap w = { &r->b, SW_INDENT, SW_INDENT, r->opts.width,
	    &r->esc };
	struct sw_buf *run = &r->run;
	int after_cmd = 0;
	size_t i = 0, k;

	sw_text_label(&r->b, SW_N_("fix"));
	while (i < rec->nfix) {
		if (rec->fix[i].kind == SW_FIX_COMMAND) {
			/* Never escaped: sw_fix_unsafe let only printable,
			 * visible characters into a command. */
			if (w.col > w.indent || after_cmd)
				sw_buf_addc(&r->b, '\n');
			sw_buf_add_spaces(&r->b, w.indent + 2);
			sw_buf_add(&r->b, rec->fix[i].s.p, rec->fix[i].s.len);
			w.col = w.indent;
			after_cmd = 1;
			i++;
			continue;
		}
		/* A run of prose, values and notes: escaped and wrapped as one. */
		sw_buf_reset(run);
		for (k = i; k < rec->nfix && rec->fix[k].kind != SW_FIX_COMMAND;
		    k++)
			sw_buf_add(run, rec->fix[k].s.p, rec->fix[k].s.len);
		i = k;
		{
			struct sw_span s = sw_fix_prose_trim(sw_span_make(
			    run->p ? run->p : "", run->len), i < rec->nfix,
			    after_cmd);
			if (s.len == 0)
				continue;
			if (after_cmd) {
				sw_buf_addc(&r->b, '\n');
				sw_buf_add_spaces(&r->b, w.indent);
				w.col = w.indent;
				after_cmd = 0;
			}
			sw_wrap_escaped(&w, s);
		}
	}
	sw_buf_addc(&r->b, '\n');
}

static void
sw_text_group(struct sw_report *r, const struct sw_cause *c, uint64_t n)
{
	struct sw_wrap w = { &r->b, 2, 2, r->opts.width, &r->esc };

	sw_buf_addf(&r->b, "== %s: ", c->id);
	sw_buf_adds(&r->b, sw_cause_title(c));
	sw_buf_addf(&r->b, SW_NG_(" (%llu failed login)\n  ",
	    " (%llu failed logins)\n  ", n), (unsigned long long)n);
	sw_wrap_escaped(&w, sw_cstr(sw_cause_explanation(c)));
	sw_buf_adds(&r->b, "\n\n");
}

static void
sw_text_rec(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b, *flat = &r->fix_flat, swap;
	size_t i;

	if (rec->side == SW_REC_CLIENT) {
		sw_client_text_head(r, rec);
		goto note;
	}
	sw_buf_add_rfc3339(b, rec->start_us, rec->utc_off_min);
	sw_buf_adds(b, "  ");
	sw_escape_text(b, rec->host);
	sw_buf_addf(b, SW_("  pid %llu  failed login, %s (%s)%s\n"),
	    (unsigned long long)rec->pid, rec->cause->id,
	    sw_confidence_name(rec->confidence),
	    rec->noise ? SW_("  [attack noise]") : "");
	sw_text_label(b, SW_N_("user"));
	if (rec->user.p != NULL)
		sw_escape_text(b, rec->user);
	else
		sw_buf_adds(b, SW_("(none)"));
	if (rec->user_invalid)
		sw_buf_adds(b, SW_(" (invalid user)"));
	sw_buf_addc(b, '\n');
	sw_text_label(b, SW_N_("from"));
	if (rec->ip.p != NULL)
		sw_escape_text(b, rec->ip);
	else if (rec->source_host.p == NULL)
		sw_buf_adds(b, SW_("(unknown address)"));
	if (rec->source_host.p != NULL) {
		sw_buf_adds(b, rec->ip.p != NULL ? " (" : "");
		sw_escape_text(b, rec->source_host);
		sw_buf_adds(b, rec->ip.p != NULL ? ")" : "");
	}
	if (rec->port != 0)
		sw_buf_addf(b, SW_(" port %u"), rec->port);
	sw_buf_addc(b, '\n');
	sw_text_label(b, SW_N_("method"));
	sw_escape_text(b, rec->method);
	sw_buf_addc(b, '\n');
note:
	if (rec->note.p != NULL)
		sw_text_para(r, SW_N_("note"), rec->note);
	/* The same fix as the finding above (same user, same path): once. */
	sw_buf_reset(flat);
	sw_rec_fix_flatten(rec, flat);
	if (r->nth_in_group > 0 && flat->len == r->prev_fix.len &&
	    memcmp(flat->p, r->prev_fix.p, flat->len) == 0) {
		sw_text_label(b, SW_N_("fix"));
		sw_buf_adds(b, SW_("as above"));
		sw_buf_addc(b, '\n');
	} else
		sw_text_fix(r, rec);
	/* This fix is the next record's "above". */
	swap = r->prev_fix;
	r->prev_fix = *flat;
	*flat = swap;
	if (!r->opts.no_evidence && rec->nev > 0) {
		sw_buf_addf(b, "  %s\n", SW_("evidence"));
		for (i = 0; i < rec->nev; i++) {
			const struct sw_rec_ev *e = &rec->ev[i];
			sw_buf_adds(b, i == rec->primary ? "  > " : "    ");
			sw_escape_text(b, e->origin);
			sw_buf_addc(b, ':');
			sw_buf_add_u64(b, e->lineno);
			sw_buf_add(b, ": ", 2);
			sw_escape_text(b, e->text);
			sw_buf_addc(b, '\n');
		}
		if (rec->evidence_dropped > 0)
			sw_buf_addf(b, SW_NG_("    (%u more line not kept)\n",
			    "    (%u more lines not kept)\n",
			    rec->evidence_dropped), rec->evidence_dropped);
	}
	if (rec->client.p != NULL)
		sw_buf_add(b, rec->client.p, rec->client.len);
	sw_buf_addc(b, '\n');
}

static void
sw_text_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	size_t i;

	if (s->failed == 0)
		sw_buf_adds(b, SW_("No failed logins"));
	else
		sw_buf_addf(b, SW_NG_("%llu failed login", "%llu failed logins",
		    s->failed), (unsigned long long)s->failed);
	sw_buf_addf(b, SW_NG_(" in %llu connection (%llu succeeded, %llu closed "
	    "before a user name, %llu unfinished).\n",
	    " in %llu connections (%llu succeeded, %llu closed "
	    "before a user name, %llu unfinished).\n", s->connections),
	    (unsigned long long)s->connections,
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown);
	sw_summary_text_extra(b, s, 1);
	if (s->client_failed > 0)
		sw_buf_addf(b, "%llu failed login%s seen only in ssh client "
		    "output.\n", (unsigned long long)s->client_failed,
		    s->client_failed == 1 ? "" : "s");
	if (s->outside > 0)
		sw_buf_addf(b, SW_NG_("%llu more connection started outside "
		    "the time window (--since/--until) and is not reported.\n",
		    "%llu more connections started outside the time window "
		    "(--since/--until) and are not reported.\n", s->outside),
		    (unsigned long long)s->outside);
	if (s->ncauses > 0) {
		sw_buf_adds(b, SW_("By cause:\n"));
		for (i = 0; i < s->ncauses; i++)
			sw_buf_addf(b, "  %6llu  %-28s %s\n",
			    (unsigned long long)s->causes[i].count,
			    s->causes[i].id, s->causes[i].title);
	}
	if (s->noise > 0) {
		sw_buf_addf(b, SW_NG_("Attack noise: %llu failed login",
		    "Attack noise: %llu failed logins", s->noise),
		    (unsigned long long)s->noise);
		sw_buf_addf(b, SW_NG_(" from %zu address look like scans or "
		    "brute force%s.\n", " from %zu addresses look like scans "
		    "or brute force%s.\n", s->noise_addresses),
		    s->noise_addresses, r->opts.all ? "" :
		    SW_(" (not listed above; --all lists them)"));
		sw_buf_adds(b, SW_("  top addresses: "));
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_escape_text(b, sw_cstr(s->top_ips[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_addc(b, '\n');
		sw_buf_adds(b, SW_("  top user names: "));
		for (i = 0; i < s->ntop_users; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_escape_text(b, sw_cstr(s->top_users[i].key));
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_users[i].count);
		}
		sw_buf_addc(b, '\n');
	}
	sw_buf_addf(b, SW_NG_("Read %llu lines from %zu source: %llu from sshd, "
	    "%llu of them unrecognised by the rules", "Read %llu lines from "
	    "%zu sources: %llu from sshd, %llu of them unrecognised by the "
	    "rules", s->nsources),
	    (unsigned long long)s->lines, s->nsources,
	    (unsigned long long)s->sshd_lines,
	    (unsigned long long)s->unmatched);
	if (s->unparsed > 0)
		sw_buf_addf(b, SW_("; %llu lines in no known format"),
		    (unsigned long long)s->unparsed);
	if (s->limit_hits > 0)
		sw_buf_addf(b, SW_("; %llu lines stopped by a pattern match "
		    "limit (counted as unrecognised)"),
		    (unsigned long long)s->limit_hits);
	/* TRANSLATORS: the end of the "Read ... lines" sentence. */
	sw_buf_adds(b, SW_(".\n"));
	if (s->nshapes > 0 && !r->opts.unmatched)
		sw_buf_addf(b, SW_NG_("The unrecognised sshd lines have %zu "
		    "shape; --unmatched lists them.\n", "The unrecognised sshd "
		    "lines have %zu shapes; --unmatched lists them.\n",
		    s->nshapes), s->nshapes);
	if (s->nshapes > 0 && r->opts.unmatched) {
		sw_buf_adds(b, SW_("Unrecognised sshd lines by shape (count, "
		    "shape, first example):\n"));
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
			sw_buf_addf(b, SW_("  %6llu  (lines of further shapes)\n"),
			    (unsigned long long)s->shapes_other);
	}
	if (s->partial)
		sw_buf_adds(b, SW_("Some input could not be read: see the "
		    "messages above; the report covers the rest.\n"));
}

const struct sw_writer sw_writer_text = {
	"text", 1, NULL, sw_text_group, sw_text_rec, sw_text_end,
};
