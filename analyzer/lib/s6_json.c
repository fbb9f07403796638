/*
 * s6_json.c: JSON (one document) and NDJSON (one finding per line) share
 * one object writer. Findings come in time order. A cause's static
 * explanation is not repeated in every finding: the JSON document has it
 * once in "causes", NDJSON leaves it to `sshwhy explain CAUSE`. Every
 * string goes through sw_escape_json, so the output is always valid JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "s6_report_int.h"

static inline void
sw_json_key(struct sw_buf *b, const char *key)
{
	sw_buf_addc(b, '"');
	sw_buf_adds(b, key);
	sw_buf_add(b, "\":", 2);
}

static inline void
sw_json_span(struct sw_buf *b, const char *key, struct sw_span v)
{
	sw_json_key(b, key);
	if (v.p == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, v);
	sw_buf_addc(b, '"');
}

static void
sw_json_object(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b;
	size_t i;

	/* ssh client output has no time and no sshd pid: null. */
	if (rec->side == SW_REC_CLIENT)
		sw_buf_adds(b, "{\"time\":null,");
	else {
		sw_buf_adds(b, "{\"time\":\"");
		sw_buf_add_rfc3339(b, rec->start_us, rec->utc_off_min);
		sw_buf_adds(b, "\",");
	}
	sw_json_span(b, "host", rec->host);
	if (rec->side == SW_REC_CLIENT)
		sw_buf_adds(b, ",\"pid\":null,");
	else
	{
		sw_buf_adds(b, ",\"pid\":");
		sw_buf_add_u64(b, rec->pid);
		sw_buf_addc(b, ',');
	}
	sw_json_span(b, "user", rec->user);
	sw_buf_adds(b, rec->user_invalid ? ",\"invalid_user\":true," :
	    ",\"invalid_user\":false,");
	sw_json_span(b, "source_ip", rec->ip);
	if (rec->port != 0) {
		sw_buf_adds(b, ",\"source_port\":");
		sw_buf_add_u64(b, rec->port);
		sw_buf_addc(b, ',');
	} else
		sw_buf_adds(b, ",\"source_port\":null,");
	sw_json_span(b, "source_host", rec->source_host);
	sw_buf_adds(b, ",");
	sw_json_span(b, "method", rec->method);
	sw_buf_adds(b, ",");
	sw_json_span(b, "cause", sw_cstr(rec->cause->id));
	sw_buf_adds(b, ",");
	sw_json_span(b, "confidence",
	    sw_cstr(sw_confidence_name(rec->confidence)));
	sw_buf_adds(b, ",");
	sw_json_span(b, "title", sw_cstr(sw_cause_title(rec->cause)));
	sw_buf_addc(b, ',');
	sw_rec_json_fix(rec, &r->fix_flat, b);
	sw_buf_addc(b, ',');
	sw_json_span(b, "note", rec->note);
	sw_buf_adds(b, ",\"log_level_seen\":\"");
	sw_buf_adds(b, sw_loglevel_name(rec->level_seen));
	sw_buf_adds(b, rec->noise ? "\",\"noise\":true,\"evidence\":[" :
	    "\",\"noise\":false,\"evidence\":[");
	for (i = 0; i < rec->nev; i++) {
		const struct sw_rec_ev *e = &rec->ev[i];
		sw_buf_adds(b, i > 0 ? ",{" : "{");
		sw_json_span(b, "file", e->origin);
		sw_buf_adds(b, ",\"line\":");
		sw_buf_add_u64(b, e->lineno);
		sw_buf_addc(b, ',');
		sw_json_span(b, "text", e->text);
		sw_buf_adds(b, ",");
		sw_json_span(b, "rule", e->rule);
		sw_buf_adds(b, i == rec->primary ? ",\"primary\":true}" :
		    ",\"primary\":false}");
	}
	sw_buf_adds(b, "]");
	sw_client_json_tail(b, rec);
	sw_buf_adds(b, "}");
}

static void
sw_json_begin(struct sw_report *r, const struct sw_summary *s)
{
	(void)s;
	sw_buf_addf(&r->b, "{\"sshwhy\":\"%s\",\"findings\":[", SW_VERSION);
}

static void
sw_json_rec(struct sw_report *r, const struct sw_rec *rec)
{
	sw_buf_adds(&r->b, r->nth > 0 ? ",\n" : "\n");
	sw_json_object(r, rec);
}

static int
sw_cause_ptr_cmp(const void *a, const void *b)
{
	const struct sw_cause *x = *(const struct sw_cause *const *)a;
	const struct sw_cause *y = *(const struct sw_cause *const *)b;
	return strcmp(x->id, y->id);
}

static void
sw_json_end(struct sw_report *r, const struct sw_summary *s)
{
	struct sw_buf *b = &r->b;
	const struct sw_cause **sorted;
	size_t i;

	/* Each cause of a finding, once, with its explanation. */
	sw_buf_addf(b, "%s],\"causes\":{", r->nth > 0 ? "\n" : "");
	sorted = sw_xcalloc(r->ncauses + 1, sizeof(*sorted));
	if (r->ncauses > 0)
		memcpy(sorted, r->causes, r->ncauses * sizeof(*sorted));
	qsort(sorted, r->ncauses, sizeof(*sorted), sw_cause_ptr_cmp);
	for (i = 0; i < r->ncauses; i++) {
		sw_buf_adds(b, i ? ",\"" : "\"");
		sw_escape_json(b, sw_cstr(sorted[i]->id));
		sw_buf_adds(b, "\":{");
		sw_json_span(b, "title", sw_cstr(sw_cause_title(sorted[i])));
		sw_buf_adds(b, ",");
		sw_json_span(b, "explanation", sw_cstr(sw_cause_explanation(sorted[i])));
		sw_buf_adds(b, "}");
	}
	free(sorted);
	sw_buf_addf(b, "},\"summary\":{\"failed\":%llu,\"connections\":%llu,"
	    "\"succeeded\":%llu,\"no_auth\":%llu,\"unfinished\":%llu,"
	    "\"lines\":%llu,\"sshd_lines\":%llu,\"unmatched_lines\":%llu,"
	    "\"unparsed_lines\":%llu,\"input_partial\":%s,\"noise\":%llu,"
	    "\"outside_window\":%llu,\"client_failed\":%llu,"
	    "\"by_cause\":[",
	    (unsigned long long)s->failed, (unsigned long long)s->connections,
	    (unsigned long long)s->succeeded, (unsigned long long)s->noauth,
	    (unsigned long long)s->unknown, (unsigned long long)s->lines,
	    (unsigned long long)s->sshd_lines, (unsigned long long)s->unmatched,
	    (unsigned long long)s->unparsed, s->partial ? "true" : "false",
	    (unsigned long long)s->noise, (unsigned long long)s->outside,
	    (unsigned long long)s->client_failed);
	for (i = 0; i < s->ncauses; i++) {
		sw_buf_adds(b, i ? ",{" : "{");
		sw_json_span(b, "cause", sw_cstr(s->causes[i].id));
		sw_buf_addf(b, ",\"count\":%llu}",
		    (unsigned long long)s->causes[i].count);
	}
	sw_buf_adds(b, "],\"unmatched_shapes\":[");
	for (i = 0; i < s->nshapes; i++) {
		sw_buf_adds(b, i ? ",{" : "{");
		sw_json_span(b, "shape", sw_cstr(s->shapes[i].shape));
		sw_buf_addf(b, ",\"count\":%llu,",
		    (unsigned long long)s->shapes[i].count);
		sw_json_span(b, "file", sw_cstr(s->shapes[i].origin));
		sw_buf_addf(b, ",\"line\":%llu}",
		    (unsigned long long)s->shapes[i].lineno);
	}
	if (s->filter != NULL && *s->filter) {
		sw_buf_adds(b, "],");
		sw_json_span(b, "filter", sw_cstr(s->filter));
		sw_buf_addf(b, ",\"filtered_out\":%llu,\"sources\":[",
		    (unsigned long long)s->filtered_out);
	} else
		sw_buf_adds(b, "],\"sources\":[");
	for (i = 0; i < s->nsources; i++) {
		sw_buf_adds(b, i ? ",\"" : "\"");
		sw_escape_json(b, sw_cstr(s->sources[i]));
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "]}}\n");
}

static void
sw_ndjson_rec(struct sw_report *r, const struct sw_rec *rec)
{
	sw_json_object(r, rec);
	sw_buf_addc(&r->b, '\n');
}

const struct sw_writer sw_writer_json = {
	"json", 0, sw_json_begin, NULL, sw_json_rec, sw_json_end,
};

const struct sw_writer sw_writer_ndjson = {
	"ndjson", 0, NULL, NULL, sw_ndjson_rec, NULL,
};
