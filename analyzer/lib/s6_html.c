/*
 * s6_html.c: --format html. One file that needs nothing else: CSS and the
 * chart (SVG) inline, no script, and a Content-Security-Policy that lets
 * the page load nothing at all, so it can be mailed or opened offline.
 * Every byte that came from a log goes through sw_html_escape. Findings
 * are streamed (the report spool decides what is listed), so the summary
 * and the chart, known only at the end, come last in the file and are put
 * first on screen with CSS flex order.
 */
#include <stdlib.h>
#include <string.h>

#include "s2_format.h"
#include "s6_html.h"
#include "s6_report_int.h"

#define SW_HTML_MAX_CAUSES 512
#define SW_HTML_MAX_POINTS 1000000	/* failed logins the chart counts */
#define SW_HTML_MAX_BUCKETS 48
#define SW_HTML_NCOLORS 12
#define SW_HTML_BAR_MAX 40.0		/* px: one interval is not a wall */

/* Okabe-Ito and Tol colours, apart for colour-blind readers; causes past
 * the first eleven (by count) share the last, grey, as "other causes". */
static const char *const sw_html_colors[SW_HTML_NCOLORS] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
	"#F0E442", "#882255", "#44AA99", "#332288", "#AA4499", "#9AA0A6",
};

struct sw_html_cause {
	const struct sw_cause *cause;	/* owned by the rule set */
	uint64_t count;
};

struct sw_html_point {
	int64_t time_us;
	uint32_t cause;			/* index in causes */
};

struct sw_html {
	struct sw_html_cause causes[SW_HTML_MAX_CAUSES];
	size_t ncauses;
	struct sw_html_point *pts;
	size_t npts, cap;
	uint64_t pts_dropped;
	int utc_off_min;		/* of the first finding, for the axis */
	/* The summary's causes (most frequent first): colour i is rank i. */
	const struct sw_cause_count *ranked;
	size_t nranked;
	uint64_t rows;
};

static void
sw_html_state_free(void *p)
{
	struct sw_html *h = p;

	if (h == NULL)
		return;
	free(h->pts);
	free(h);
}

/* Escaping. */

void
sw_html_escape(struct sw_buf *out, struct sw_span s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.len) {
		uint32_t cp;
		size_t n, run = i;

		while (run < s.len && p[run] >= 0x20 && p[run] < 0x7f &&
		    strchr("&<>\"'\\", p[run]) == NULL)
			run++;
		if (run > i) {
			sw_buf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		switch (p[i]) {
		case '&': sw_buf_adds(out, "&amp;"); i++; continue;
		case '<': sw_buf_adds(out, "&lt;"); i++; continue;
		case '>': sw_buf_adds(out, "&gt;"); i++; continue;
		case '"': sw_buf_adds(out, "&quot;"); i++; continue;
		case '\'': sw_buf_adds(out, "&#39;"); i++; continue;
		case '\\': sw_buf_adds(out, "\\"); i++; continue;
		default: break;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			sw_buf_addf(out, "<span class=\"esc\">\\x%02x</span>", p[i]);
			i++;
			continue;
		}
		n = sw_utf8_seq(p + i, s.len - i, &cp);
		if (n == 0) {
			sw_buf_addf(out, "<span class=\"esc\">\\x%02x</span>", p[i]);
			i++;
		} else if (sw_cp_dangerous(cp)) {
			sw_buf_addf(out, "<span class=\"esc\">\\u{%04x}</span>",
			    (unsigned)cp);
			i += n;
		} else {
			sw_buf_add(out, p + i, n);
			i += n;
		}
	}
}

static void
sw_html_str(struct sw_buf *b, const char *s)
{
	if (s != NULL)
		sw_html_escape(b, sw_span_make(s, strlen(s)));
}

/* Trusted rule prose: folded YAML line ends become spaces. */
static void
sw_html_prose(struct sw_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0, i, j;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && s[j] != '\n'; j++)
			;
		sw_html_escape(b, sw_span_make(s + i, j - i));
		if (j < n) {
			sw_buf_addc(b, ' ');
			j++;
		}
	}
}

/* A cause id is [a-z0-9-] (rules/); anything else becomes '-' in ids. */
static void
sw_html_id(struct sw_buf *b, const char *id)
{
	for (; id != NULL && *id != '\0'; id++) {
		char c = *id;
		sw_buf_addc(b, (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' ? c : '-');
	}
}

/* State. */

static struct sw_html *
sw_html_get(struct sw_report *r)
{
	if (r->wstate == NULL) {
		r->wstate = sw_xcalloc(1, sizeof(struct sw_html));
		r->wstate_free = sw_html_state_free;
	}
	return r->wstate;
}

static size_t
sw_html_cause_index(struct sw_html *h, const struct sw_cause *c)
{
	size_t i;

	for (i = 0; i < h->ncauses; i++)
		if (h->causes[i].cause == c ||
		    strcmp(h->causes[i].cause->id, c->id) == 0)
			return i;
	if (h->ncauses >= SW_HTML_MAX_CAUSES)
		return SIZE_MAX;
	h->causes[h->ncauses].cause = c;
	h->causes[h->ncauses].count = 0;
	return h->ncauses++;
}

/* A cause's colour: its rank in the summary (count, then id), the
 * first eleven apart, the rest grey. */
static size_t
sw_html_color_idx(const struct sw_html *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->nranked && i < SW_HTML_NCOLORS - 1; i++)
		if (strcmp(h->ranked[i].id, id) == 0)
			return i;
	return SW_HTML_NCOLORS - 1;
}

static const char *
sw_html_color(const struct sw_html *h, const char *id)
{
	return sw_html_colors[sw_html_color_idx(h, id)];
}

/* Page. */

static const char sw_html_css[] =
"*{box-sizing:border-box}"
"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
"color:#1b1f24;background:#f6f7f9}"
"main{display:flex;flex-direction:column;gap:18px;max-width:1200px;"
"margin:0 auto;padding:20px}"
"header{order:-4}#summary{order:-3}#chart{order:-2}#findings{order:-1}"
"#causes{order:0}"
"section,header{background:#fff;border:1px solid #d8dde3;border-radius:8px;"
"padding:14px 18px}"
"h1{font-size:22px;margin:0}h2{font-size:18px;margin:0 0 10px}"
"h3{font-size:16px;margin:16px 0 4px}"
".meta{color:#57606a;margin:4px 0 0}"
"table{border-collapse:collapse;width:100%}"
"#findings table{table-layout:fixed}"
"#findings td{overflow-wrap:anywhere}"
"th,td{text-align:left;vertical-align:top;padding:6px 8px;"
"border-bottom:1px solid #e3e7ec}"
"th{background:#eef1f4;font-weight:600}"
"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
"tr.success td{background:#e6f6ea}"
".callouts pre{background:#e6f6ea;border-left:4px solid #1a7f37;"
"white-space:pre-wrap;overflow-wrap:anywhere}"
"tr.success td:first-child{border-left:4px solid #1a7f37}"
".ok{color:#1a7f37;font-weight:600}"
".swatch{display:inline-block;width:11px;height:11px;border-radius:2px;"
"margin-right:6px;vertical-align:baseline}"
"a.cause{font-family:ui-monospace,monospace;text-decoration:none;"
"color:#0550ae}"
".conf,.tag{color:#57606a;font-size:13px}"
".tag{border:1px solid #d0d7de;border-radius:4px;padding:0 4px}"
"code,pre{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
"font-size:13px}"
"p code{background:#eef1f4;padding:0 3px;"
"border-radius:3px}"
"pre{margin:6px 0;padding:6px 8px;background:#f0f2f5;border-radius:4px;"
"white-space:pre;overflow-x:auto}"
"pre.cmd{background:#1f2328;color:#f0f3f6}"
"pre.ev{font-size:12px}"
"pre.ev mark{background:#fff3b0}"
".esc{color:#b3261e;background:#fde7e7;border-radius:2px}"
".fix p,.note{margin:4px 0}.note{color:#57606a}"
"details summary{cursor:pointer;color:#0550ae}"
".warn{color:#9a6700}"
"svg text{font:12px system-ui,sans-serif;fill:#1b1f24}"
".legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin-top:6px;"
"font-size:13px}"
"@media print{body{background:#fff}details{display:block}"
"details>*{display:block}}";

static void sw_html_summary(struct sw_report *r, const struct sw_summary *s);

static void
sw_html_begin(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	struct sw_html *h = sw_html_get(r);

	/* Borrowed from the pipeline for the whole report. */
	h->ranked = s->causes;
	h->nranked = s->ncauses;
	sw_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
	    "base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"sshwhy %s\">\n"
	    "<title>sshwhy report</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<main>\n<header><h1>sshwhy report</h1>"
	    "<p class=\"meta\">Why SSH logins failed: the cause of each, "
	    "the lines that show it, and the fix. Made by sshwhy %s%s.</p>"
	    "</header>\n", SW_VERSION, sw_html_css, SW_VERSION,
	    r->opts.redact ? "; names, addresses and keys are pseudonyms "
	    "(--redact)" : "");
	sw_html_summary(r, s);
	sw_buf_adds(b, "<section id=\"findings\"><h2>Failed logins</h2>\n"
	    "<table>\n<colgroup><col style=\"width:8.5em\"><col "
	    "style=\"width:6em\"><col style=\"width:9em\"><col "
	    "style=\"width:9em\"><col style=\"width:7em\"><col "
	    "style=\"width:11em\"><col></colgroup>\n<thead><tr><th>time</th>"
	    "<th>host</th><th>user</th><th>source</th><th>method</th>"
	    "<th>cause</th><th>fix and evidence</th></tr></thead>\n<tbody>\n");
}

/*
 * The fix as s5_fix built it: the prose escaped, with its commands inline
 * as <code>, then every command again in a <pre><code> block of its own,
 * so selecting a block copies exactly one command, never wrapped. A
 * command is only HTML-escaped (the browser undoes that on copy); a
 * withheld command is a warning.
 */
static void
sw_html_fix(struct sw_buf *b, const struct sw_rec *rec)
{
	size_t i, ncmd = 0;

	sw_buf_adds(b, "<div class=\"fix\"><p>");
	for (i = 0; i < rec->nfix; i++) {
		struct sw_span t = rec->fix[i].s;
		size_t j, k;

		if (rec->fix[i].kind == SW_FIX_COMMAND) {
			sw_buf_adds(b, "<code>");
			sw_html_escape(b, t);
			sw_buf_adds(b, "</code>");
			ncmd++;
			continue;
		}
		if (rec->fix[i].kind == SW_FIX_WITHHELD)
			sw_buf_adds(b, "<em class=\"warn\">");
		/* Folded template lines: newlines are spaces. */
		for (j = 0; j < t.len; j = k + 1) {
			for (k = j; k < t.len && t.p[k] != '\n'; k++)
				;
			sw_html_escape(b, sw_span_make(t.p + j, k - j));
			if (k < t.len)
				sw_buf_addc(b, ' ');
		}
		if (rec->fix[i].kind == SW_FIX_WITHHELD)
			sw_buf_adds(b, "</em>");
	}
	sw_buf_adds(b, "</p>");
	for (i = 0; ncmd > 0 && i < rec->nfix; i++) {
		if (rec->fix[i].kind != SW_FIX_COMMAND)
			continue;
		sw_buf_adds(b, "<pre class=\"cmd\"><code>");
		sw_html_escape(b, rec->fix[i].s);
		sw_buf_adds(b, "</code></pre>");
	}
	sw_buf_adds(b, "</div>");
}

static void
sw_html_rec(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_html *h = sw_html_get(r);
	const struct sw_report_opts *o = &r->opts;
	struct sw_buf *b = &r->b;
	size_t ci, i;

	/* The chart counts every failed login, attack noise too. */
	ci = sw_html_cause_index(h, rec->cause);
	if (ci != SIZE_MAX)
		h->causes[ci].count++;
	if (h->npts == 0 && h->pts_dropped == 0)
		h->utc_off_min = rec->utc_off_min;
	if (ci != SIZE_MAX && h->npts < SW_HTML_MAX_POINTS) {
		if (h->npts == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 256;
			h->pts = sw_xreallocarray(h->pts, h->cap, sizeof(*h->pts));
		}
		h->pts[h->npts].time_us = rec->start_us;
		h->pts[h->npts].cause = (uint32_t)ci;
		h->npts++;
	} else
		h->pts_dropped++;
	if (rec->noise && !o->all)
		return;
	h->rows++;
	sw_buf_addf(b, "<tr class=\"fail%s\" id=\"login-%llu\"><td>",
	    rec->noise ? " noise" : "", (unsigned long long)h->rows);
	{
		/* Date over time; the datetime attribute keeps RFC 3339. */
		struct sw_buf t;
		sw_buf_init(&t, 64);
		sw_buf_add_rfc3339(&t, rec->start_us, rec->utc_off_min);
		sw_buf_adds(b, "<time datetime=\"");
		sw_html_escape(b, sw_span_make(t.p, t.len));
		sw_buf_adds(b, "\">");
		if (t.len > 11 && t.p[10] == 'T') {
			sw_buf_add(b, t.p, 10);
			sw_buf_adds(b, "<br>");
			sw_html_escape(b, sw_span_make(t.p + 11, t.len - 11));
		} else
			sw_html_escape(b, sw_span_make(t.p, t.len));
		sw_buf_adds(b, "</time>");
		sw_buf_free(&t);
	}
	sw_buf_adds(b, "</td><td>");
	sw_html_escape(b, rec->host);
	sw_buf_addf(b, "<br><span class=\"conf\">pid %llu</span></td><td>",
	    (unsigned long long)rec->pid);
	if (rec->user.p != NULL)
		sw_html_escape(b, rec->user);
	else
		sw_buf_adds(b, "<i>(none)</i>");
	if (rec->user_invalid)
		sw_buf_adds(b, " <span class=\"tag\">invalid user</span>");
	sw_buf_adds(b, "</td><td>");
	if (rec->ip.p != NULL)
		sw_html_escape(b, rec->ip);
	else
		sw_buf_adds(b, "<i>(unknown)</i>");
	if (rec->port != 0)
		sw_buf_addf(b, "<br><span class=\"conf\">port %u</span>",
		    rec->port);
	sw_buf_adds(b, "</td><td>");
	sw_html_escape(b, rec->method);
	sw_buf_addf(b, "</td><td><span class=\"swatch\" style=\"background:%s\">"
	    "</span><a class=\"cause\" href=\"#cause-",
	    sw_html_color(h, rec->cause->id));
	sw_html_id(b, rec->cause->id);
	sw_buf_adds(b, "\">");
	sw_html_str(b, rec->cause->id);
	sw_buf_addf(b, "</a><br><span class=\"conf\">%s%s</span></td><td>",
	    sw_confidence_name(rec->confidence),
	    rec->noise ? ", attack noise" : "");
	sw_html_fix(b, rec);
	if (rec->note.p != NULL) {
		sw_buf_adds(b, "<p class=\"note\">Note: ");
		sw_html_escape(b, rec->note);
		sw_buf_adds(b, "</p>");
	}
	if (!o->no_evidence && rec->nev > 0) {
		sw_buf_addf(b, "<details><summary>evidence (%zu line%s)"
		    "</summary><pre class=\"ev\">", rec->nev,
		    rec->nev == 1 ? "" : "s");
		for (i = 0; i < rec->nev; i++) {
			const struct sw_rec_ev *e = &rec->ev[i];
			if (i == rec->primary)
				sw_buf_adds(b, "<mark>");
			sw_html_escape(b, e->origin);
			sw_buf_addf(b, ":%llu: ", (unsigned long long)e->lineno);
			sw_html_escape(b, e->text);
			if (i == rec->primary)
				sw_buf_adds(b, "</mark>");
			sw_buf_addc(b, '\n');
		}
		if (rec->evidence_dropped > 0)
			sw_buf_addf(b, "(%u more lines not kept)\n",
			    rec->evidence_dropped);
		sw_buf_adds(b, "</pre></details>");
	}
	sw_buf_adds(b, "</td></tr>\n");
}

/* Chart: failed logins over time, one bar per interval stacked by cause. */

static const int64_t sw_html_steps[] = {	/* seconds */
	60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
	2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400,
	365 * 86400,
};

static void
sw_html_step_name(struct sw_buf *b, int64_t s)
{
	if (s < 3600)
		sw_buf_addf(b, "%lld minute%s", (long long)(s / 60),
		    s == 60 ? "" : "s");
	else if (s < 86400)
		sw_buf_addf(b, "%lld hour%s", (long long)(s / 3600),
		    s == 3600 ? "" : "s");
	else
		sw_buf_addf(b, "%lld day%s", (long long)(s / 86400),
		    s == 86400 ? "" : "s");
}

/* "2026-11-25 01:50" in the report's offset. */
static void
sw_html_axis_time(struct sw_buf *b, int64_t t_us, int off_min, int date)
{
	struct sw_buf tmp;

	sw_buf_init(&tmp, 64);
	sw_buf_add_rfc3339(&tmp, t_us, off_min);
	if (tmp.len >= 16) {
		if (date)
			sw_buf_add(b, tmp.p, 10);
		else
			sw_buf_add(b, tmp.p + 11, 5);
	}
	sw_buf_free(&tmp);
}

static void
sw_html_chart(struct sw_html *h, struct sw_buf *b)
{
	uint64_t (*cnt)[SW_HTML_MAX_CAUSES] = NULL;
	uint64_t tot[SW_HTML_MAX_BUCKETS], maxv = 0, top;
	int64_t lo, hi, step = 0, start;
	size_t nb, i, k;
	const int W = 760, H = 300, L = 56, R = 44, T = 14, B = 52;
	double bw, ph = H - T - B;

	sw_buf_adds(b, "<section id=\"chart\"><h2>Failed logins over time</h2>\n");
	if (h->npts == 0) {
		sw_buf_adds(b, "<p>No failed logins to chart.</p></section>\n");
		return;
	}
	lo = hi = h->pts[0].time_us;
	for (i = 1; i < h->npts; i++) {
		if (h->pts[i].time_us < lo)
			lo = h->pts[i].time_us;
		if (h->pts[i].time_us > hi)
			hi = h->pts[i].time_us;
	}
	for (i = 0; i < sizeof(sw_html_steps) / sizeof(sw_html_steps[0]); i++) {
		step = sw_html_steps[i];
		if ((hi / 1000000) / step - (lo / 1000000) / step + 1 <=
		    SW_HTML_MAX_BUCKETS)
			break;
	}
	/* Intervals aligned to the report's local clock. */
	{
		int64_t off = (int64_t)h->utc_off_min * 60;
		int64_t s = lo / 1000000 + off;
		s -= ((s % step) + step) % step;
		start = s - off;
	}
	nb = (size_t)((hi / 1000000 - start) / step + 1);
	if (nb > SW_HTML_MAX_BUCKETS)
		nb = SW_HTML_MAX_BUCKETS;
	if (nb < 1)
		nb = 1;
	cnt = sw_xcalloc(nb, sizeof(*cnt));
	memset(tot, 0, sizeof(tot));
	for (i = 0; i < h->npts; i++) {
		int64_t d = (h->pts[i].time_us / 1000000 - start) / step;
		size_t bi = d < 0 ? 0 : (size_t)d >= nb ? nb - 1 : (size_t)d;
		cnt[bi][h->pts[i].cause]++;
		tot[bi]++;
	}
	for (i = 0; i < nb; i++)
		if (tot[i] > maxv)
			maxv = tot[i];
	/* A round top for the axis: 1, 2, 5 x 10^n. */
	for (top = 1;; top *= 10) {
		if (top >= maxv) break;
		if (top * 2 >= maxv) { top *= 2; break; }
		if (top * 5 >= maxv) { top *= 5; break; }
	}
	bw = (double)(W - L - R) / (double)nb;
	sw_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\" "
	    "aria-labelledby=\"chart-title\"><title id=\"chart-title\">Failed "
	    "logins per ", W, H, W);
	sw_html_step_name(b, step);
	sw_buf_adds(b, ", stacked by cause</title>\n");
	/* Y axis: gridlines and counts. */
	for (k = 0; k <= 4; k++) {
		double y = T + ph - ph * (double)k / 4.0;
		uint64_t v = top * k / 4;
		if (top < 4 && (top * k) % 4 != 0)
			continue;
		sw_buf_addf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#e3e7ec\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">%llu</text>\n", L, W - R, y, y, L - 6,
		    y + 4, (unsigned long long)v);
	}
	sw_buf_addf(b, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
	    "transform=\"rotate(-90 14 %.1f)\">failed logins</text>\n",
	    T + ph / 2, T + ph / 2);
	/* Bars. */
	for (i = 0; i < nb; i++) {
		double w = bw > 6 ? bw - 2.0 : bw, y = T + ph;
		double x;
		if (w > SW_HTML_BAR_MAX)
			w = SW_HTML_BAR_MAX;
		x = L + bw * (double)i + (bw - w) / 2;
		for (k = 0; k < h->ncauses; k++) {
			double hh;
			if (cnt[i][k] == 0)
				continue;
			hh = ph * (double)cnt[i][k] / (double)top;
			y -= hh;
			sw_buf_addf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
			    x, y, w, hh,
			    sw_html_color(h, h->causes[k].cause->id));
			sw_html_axis_time(b, (start + (int64_t)i * step) * 1000000,
			    h->utc_off_min, 1);
			sw_buf_addc(b, ' ');
			sw_html_axis_time(b, (start + (int64_t)i * step) * 1000000,
			    h->utc_off_min, 0);
			sw_buf_adds(b, ": ");
			sw_html_str(b, h->causes[k].cause->id);
			sw_buf_addf(b, " %llu</title></rect>\n",
			    (unsigned long long)cnt[i][k]);
		}
	}
	/* X axis: first, middle and last interval. */
	sw_buf_addf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#57606a\"/>\n", L, W - R, T + ph, T + ph);
	for (k = 0; k < 3; k++) {
		size_t bi = k == 0 ? 0 : k == 1 ? nb / 2 : nb - 1;
		double x = L + bw * (double)bi + bw / 2;
		if ((k == 1 && (bi == 0 || bi == nb - 1)) || (k == 2 && nb == 1))
			continue;
		sw_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		    x, T + ph + 16);
		sw_html_axis_time(b, (start + (int64_t)bi * step) * 1000000,
		    h->utc_off_min, 0);
		sw_buf_addf(b, "</text><text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">", x, T + ph + 30);
		sw_html_axis_time(b, (start + (int64_t)bi * step) * 1000000,
		    h->utc_off_min, 1);
		sw_buf_adds(b, "</text>\n");
	}
	sw_buf_addf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">time "
	    "(UTC%+d:%02d), one bar per ", L + (double)(W - L - R) / 2, H - 4,
	    h->utc_off_min / 60, abs(h->utc_off_min % 60));
	sw_html_step_name(b, step);
	sw_buf_adds(b, "</text>\n</svg>\n<div class=\"legend\">");
	{
		uint64_t other = 0;
		size_t c, nother = 0;
		for (c = 0; c < SW_HTML_NCOLORS; c++) {
			for (k = 0; k < h->ncauses; k++) {
				if (sw_html_color_idx(h, h->causes[k].cause->id) != c)
					continue;
				if (c == SW_HTML_NCOLORS - 1) {
					other += h->causes[k].count;
					nother++;
					continue;
				}
				sw_buf_addf(b, "<span><span class=\"swatch\" "
				    "style=\"background:%s\"></span>",
				    sw_html_colors[c]);
				sw_html_str(b, h->causes[k].cause->id);
				sw_buf_addf(b, " (%llu)</span>",
				    (unsigned long long)h->causes[k].count);
			}
		}
		if (nother > 0)
			sw_buf_addf(b, "<span><span class=\"swatch\" style=\""
			    "background:%s\"></span>%zu other causes (%llu)"
			    "</span>", sw_html_colors[SW_HTML_NCOLORS - 1],
			    nother, (unsigned long long)other);
	}
	sw_buf_adds(b, "</div>\n");
	if (h->pts_dropped > 0)
		sw_buf_addf(b, "<p class=\"warn\">The chart counts the first %zu "
		    "failed logins; %llu more are not in it.</p>\n", h->npts,
		    (unsigned long long)h->pts_dropped);
	sw_buf_adds(b, "</section>\n");
	free(cnt);
}

static void
sw_html_summary(struct sw_report *r, const struct sw_summary *s)
{
	const struct sw_report_opts *o = &r->opts;
	struct sw_buf *b = &r->b;
	size_t i;

	sw_buf_adds(b, "<section id=\"summary\"><h2>Summary</h2>\n<p>");
	if (s->failed == 0)
		sw_buf_adds(b, "<b>No failed logins</b>");
	else
		sw_buf_addf(b, "<b>%llu failed login%s</b>",
		    (unsigned long long)s->failed, s->failed == 1 ? "" : "s");
	sw_buf_addf(b, " in %llu connection%s (%llu succeeded, %llu closed "
	    "before a user name, %llu unfinished).",
	    (unsigned long long)s->connections, s->connections == 1 ? "" : "s",
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown);
	if (s->outside > 0)
		sw_buf_addf(b, " %llu more started outside the time window "
		    "(--since/--until).", (unsigned long long)s->outside);
	sw_buf_adds(b, "</p>\n");
	if (s->ncauses > 0) {
		sw_buf_adds(b, "<table><thead><tr><th class=\"num\">count</th>"
		    "<th>cause</th><th>what it means</th></tr></thead><tbody>\n");
		for (i = 0; i < s->ncauses; i++) {
			sw_buf_addf(b, "<tr><td class=\"num\">%llu</td><td>"
			    "<span class=\"swatch\" style=\"background:%s\">"
			    "</span><a class=\"cause\" href=\"#cause-",
			    (unsigned long long)s->causes[i].count,
			    sw_html_colors[i < SW_HTML_NCOLORS - 1 ? i :
			    SW_HTML_NCOLORS - 1]);
			sw_html_id(b, s->causes[i].id);
			sw_buf_adds(b, "\">");
			sw_html_str(b, s->causes[i].id);
			sw_buf_adds(b, "</a></td><td>");
			sw_html_str(b, s->causes[i].title);
			sw_buf_adds(b, "</td></tr>\n");
		}
		sw_buf_adds(b, "</tbody></table>\n");
	}
	if (s->callouts != NULL && s->callouts[0] != '\0') {
		/* Successful logins after failures: the break-in signal. */
		const char *p = s->callouts, *nl;
		sw_buf_adds(b, "<div class=\"callouts\"><pre>");
		for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			sw_html_escape(b, sw_span_make(p, (size_t)(nl - p)));
			if (*nl == '\n')
				sw_buf_addc(b, '\n');
		}
		sw_buf_adds(b, "</pre></div>\n");
	}
	if (s->noise > 0) {
		sw_buf_addf(b, "<p>Attack noise: %llu failed login%s from %zu "
		    "address%s look like scans or brute force%s. Top addresses: ",
		    (unsigned long long)s->noise, s->noise == 1 ? "" : "s",
		    s->noise_addresses, s->noise_addresses == 1 ? "" : "es",
		    o->all ? "" : " (not listed; --all lists them)");
		for (i = 0; i < s->ntop_ips; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_html_str(b, s->top_ips[i].key);
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_ips[i].count);
		}
		sw_buf_adds(b, ". Top user names: ");
		for (i = 0; i < s->ntop_users; i++) {
			sw_buf_adds(b, i ? ", " : "");
			sw_html_str(b, s->top_users[i].key);
			sw_buf_addf(b, " (%llu)",
			    (unsigned long long)s->top_users[i].count);
		}
		sw_buf_adds(b, ".</p>\n");
	}
	sw_buf_addf(b, "<p class=\"meta\">Read %llu lines from %zu source%s: "
	    "%llu from sshd, %llu of them unrecognised by the rules",
	    (unsigned long long)s->lines, s->nsources,
	    s->nsources == 1 ? "" : "s", (unsigned long long)s->sshd_lines,
	    (unsigned long long)s->unmatched);
	if (s->unparsed > 0)
		sw_buf_addf(b, "; %llu lines in no known format",
		    (unsigned long long)s->unparsed);
	if (s->limit_hits > 0)
		sw_buf_addf(b, "; %llu lines stopped by a pattern match limit",
		    (unsigned long long)s->limit_hits);
	sw_buf_adds(b, ". Sources: ");
	for (i = 0; i < s->nsources; i++) {
		sw_buf_adds(b, i ? ", <code>" : "<code>");
		sw_html_str(b, s->sources[i]);
		sw_buf_adds(b, "</code>");
	}
	sw_buf_adds(b, ".</p>\n");
	if (s->nshapes > 0 && o->unmatched) {
		sw_buf_adds(b, "<details><summary>Unrecognised sshd lines by "
		    "shape</summary><pre class=\"ev\">");
		for (i = 0; i < s->nshapes; i++) {
			sw_buf_addf(b, "%6llu  ",
			    (unsigned long long)s->shapes[i].count);
			sw_html_str(b, s->shapes[i].shape);
			sw_buf_adds(b, "  (");
			sw_html_str(b, s->shapes[i].origin);
			sw_buf_addf(b, ":%llu)\n",
			    (unsigned long long)s->shapes[i].lineno);
		}
		sw_buf_adds(b, "</pre></details>\n");
	}
	if (s->partial)
		sw_buf_adds(b, "<p class=\"warn\">Some input could not be read "
		    "(see the messages sshwhy printed); the report covers the "
		    "rest.</p>\n");
	sw_buf_adds(b, "</section>\n");
}

static void
sw_html_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_html *h = sw_html_get(r);
	struct sw_buf *b = &r->b;
	size_t i, j;

	(void)s;
	if (h->rows == 0)
		sw_buf_adds(b, "<tr><td colspan=\"7\">No failed logins listed."
		    "</td></tr>\n");
	sw_buf_adds(b, "</tbody>\n</table>\n</section>\n");
	sw_html_chart(h, b);
	if (h->ncauses > 0) {
		sw_buf_adds(b, "<section id=\"causes\"><h2>Causes</h2>\n");
		/* In the summary's order: most failed logins first. */
		for (j = 0; j < h->nranked; j++)
		for (i = 0; i < h->ncauses; i++) {
			const struct sw_cause *c = h->causes[i].cause;
			if (strcmp(c->id, h->ranked[j].id) != 0)
				continue;
			sw_buf_adds(b, "<h3 id=\"cause-");
			sw_html_id(b, c->id);
			sw_buf_addf(b, "\"><span class=\"swatch\" style=\"background:"
			    "%s\"></span>", sw_html_color(h, c->id));
			sw_html_str(b, c->title);
			sw_buf_adds(b, " <code>");
			sw_html_str(b, c->id);
			sw_buf_addf(b, "</code></h3>\n<p>%llu failed login%s, "
			    "confidence %s.</p>\n<p>",
			    (unsigned long long)h->causes[i].count,
			    h->causes[i].count == 1 ? "" : "s",
			    sw_confidence_name(c->confidence));
			sw_html_prose(b, c->explanation);
			sw_buf_adds(b, "</p>\n");
		}
		sw_buf_adds(b, "</section>\n");
	}
	sw_buf_adds(b, "</main>\n</body>\n</html>\n");
}

const struct sw_writer sw_writer_html = {
	"html", 0, sw_html_begin, NULL, sw_html_rec, sw_html_end,
};
