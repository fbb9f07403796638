/*
 * s6_report.c: the report, from findings to a rendered document. Findings
 * are spooled as compact records (s6_spool.c); at the end, one pass over
 * the spool decides attack noise (and, for writers grouped by cause,
 * sorts records into one spool per cause), then the writer renders the
 * summary and the records. Writers are rows of a table (s6_text.c,
 * s6_json.c, s6_markdown.c); each escapes untrusted bytes for its format
 * and prints fix commands as they are (s5_fix quoted them once).
 */
#include <stdlib.h>
#include <string.h>

#include "s6_report_int.h"

static const struct sw_writer *const sw_writers[] = {
	&sw_writer_text,
	&sw_writer_json,
	&sw_writer_ndjson,
	&sw_writer_markdown,
	&sw_writer_ecs,
	&sw_writer_html,
};
#define SW_NWRITERS (sizeof(sw_writers) / sizeof(sw_writers[0]))

/* Per-cause spools are few (one per cause id); past this, refuse more. */
#define SW_REPORT_MAX_CAUSES 4096

static const struct sw_writer *
sw_writer_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < SW_NWRITERS; i++)
		if (strcmp(sw_writers[i]->name, name) == 0)
			return sw_writers[i];
	return NULL;
}

int
sw_report_known(const char *format)
{
	return sw_writer_find(format) != NULL;
}

void
sw_report_flush(struct sw_report *r)
{
	if (r->b.len > 0)
		fwrite(r->b.p, 1, r->b.len, r->out);
	sw_buf_reset(&r->b);
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
	if (r->opts.width < 40)
		r->opts.width = r->opts.width == 0 ? 80 : 40;
	sw_buf_init(&r->b, (size_t)64 << 20);
	sw_buf_init(&r->enc, (size_t)256 << 20);
	sw_buf_init(&r->dec, (size_t)256 << 20);
	sw_buf_init(&r->prev_fix, (size_t)1 << 20);
	sw_buf_init(&r->fix_flat, (size_t)1 << 20);
	sw_buf_init(&r->esc, (size_t)4 << 20);
	sw_buf_init(&r->run, (size_t)1 << 20);
	r->spool = tmpfile();
	if (r->opts.redact)
		r->redact = sw_redact_new(r->opts.redact_key, r->opts.redact_key ?
		    strlen(r->opts.redact_key) : 0);
	return r;
}

static uint32_t
sw_report_cause_idx(struct sw_report *r, const struct sw_cause *c)
{
	size_t i;

	for (i = r->ncauses; i > 0; i--)
		if (r->causes[i - 1] == c)
			return (uint32_t)(i - 1);
	if (r->ncauses == SW_REPORT_MAX_CAUSES)
		return UINT32_MAX;
	r->causes = sw_xreallocarray(r->causes, r->ncauses + 1,
	    sizeof(*r->causes));
	r->causes[r->ncauses] = c;
	return (uint32_t)r->ncauses++;
}

/* A span as a C string in `buf` (NULL when absent): for sw_noise_*. */
static const char *
sw_span_cstr(struct sw_span s, char *buf, size_t len)
{
	if (s.p == NULL)
		return NULL;
	if (s.len >= len)
		s.len = len - 1;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return buf;
}

void
sw_report_finding(struct sw_report *r, const struct sw_finding *f)
{
	uint32_t idx;
	int noise_now = 0;

	if (r->redact != NULL)
		f = sw_redact_finding(r->redact, f);
	/*
	 * Whether f is attack noise already. An address's noisy flag never
	 * goes back and its entry is never evicted, so a finding that is
	 * noise now is noise at the end, when sw_rec_is_noise() judges the
	 * spooled record with the address cut to 127 bytes: a longer one is
	 * left to that judgement.
	 */
	if (r->noise != NULL)
		noise_now = sw_noise_observe_is(r->noise, f) &&
		    strlen(f->conn->ip) < 128;
	if ((idx = sw_report_cause_idx(r, f->cause)) == UINT32_MAX ||
	    r->spool == NULL) {
		r->spool_failed = 1;
		return;
	}
	/*
	 * A writer grouped by cause lists no noise (unless --all), so a
	 * finding already known to be noise is spooled as a stub that the
	 * noise summary counts, in its place in time order: nothing of it
	 * is encoded or rendered.
	 */
	if (r->w->grouped && !r->opts.all && noise_now)
		sw_spool_stub(r, f->conn->ip, f->conn->user);
	else
		sw_spool_encode(r, f, idx);
	if (r->enc.truncated ||
	    fwrite(r->enc.p, 1, r->enc.len, r->spool) != r->enc.len)
		r->spool_failed = 1;
	else
		r->n++;
}

static int
sw_rec_is_noise(struct sw_report *r, const struct sw_rec *rec)
{
	char ip[128];

	if (r->noise == NULL)
		return 0;
	return sw_noise_is(r->noise, sw_span_cstr(rec->ip, ip, sizeof(ip)),
	    rec->cause->id, rec->user_invalid);
}

/*
 * Pass 1: noise for every record (counted once), and for grouped writers
 * the listed records copied to their cause's spool.
 */
static int
sw_report_sort(struct sw_report *r, struct sw_summary *s)
{
	const char *raw;
	size_t rawlen;
	int rc;

	r->cause_spool = sw_xcalloc(r->ncauses + 1, sizeof(*r->cause_spool));
	r->cause_listed = sw_xcalloc(r->ncauses + 1, sizeof(*r->cause_listed));
	while ((rc = sw_spool_read_part(r, r->spool, &raw, &rawlen, 1)) == 1) {
		struct sw_rec *rec = &r->rec;
		int noise = rec->stub || sw_rec_is_noise(r, rec);
		char ip[128], user[2048];

		if (noise)
			sw_noise_count(r->noise,
			    sw_span_cstr(rec->ip, ip, sizeof(ip)),
			    sw_span_cstr(rec->user, user, sizeof(user)));
		if (noise && r->w->grouped && !r->opts.all)
			continue;
		s->listed++;
		if (!r->w->grouped)
			continue;
		sw_spool_mark_noise(r, noise);
		if (r->cause_spool[rec->cause_idx] == NULL &&
		    (r->cause_spool[rec->cause_idx] = tmpfile()) == NULL)
			return -1;
		if (fwrite(raw, 1, rawlen, r->cause_spool[rec->cause_idx]) !=
		    rawlen)
			return -1;
		r->cause_listed[rec->cause_idx]++;
	}
	return rc;
}

static struct sw_report *sw_sort_ctx;

/* Groups: most findings first, then cause id. */
static int
sw_group_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct sw_report *r = sw_sort_ctx;

	if (r->cause_listed[x] != r->cause_listed[y])
		return r->cause_listed[x] > r->cause_listed[y] ? -1 : 1;
	return strcmp(r->causes[x]->id, r->causes[y]->id);
}

static int
sw_report_render(struct sw_report *r, FILE *fp, int recheck_noise)
{
	const char *raw;
	size_t rawlen;
	int rc;

	if (fflush(fp) != 0 || fseek(fp, 0, SEEK_SET) != 0)
		return -1;
	r->nth_in_group = 0;
	sw_buf_reset(&r->prev_fix);
	while ((rc = sw_spool_read(r, fp, &raw, &rawlen)) == 1) {
		if (recheck_noise) {
			r->rec.noise = sw_rec_is_noise(r, &r->rec);
			sw_success_emit(r, r->rec.start_us);
		}
		r->w->rec(r, &r->rec);
		r->nth++;
		r->nth_in_group++;
		sw_report_maybe_flush(r);
	}
	return rc;
}

int
sw_report_end(struct sw_report *r, struct sw_summary *s)
{
	int rc = r->spool_failed ? -1 : 0;
	size_t i, *order = NULL;

	s->listed = 0;
	if (r->spool != NULL && (fflush(r->spool) != 0 ||
	    fseek(r->spool, 0, SEEK_SET) != 0 || sw_report_sort(r, s) != 0))
		rc = -1;
	if (r->noise != NULL) {
		s->noise = sw_noise_total(r->noise);
		s->noise_addresses = sw_noise_addresses(r->noise);
		s->ntop_ips = sw_noise_top_ips(r->noise, &s->top_ips);
		s->ntop_users = sw_noise_top_users(r->noise, &s->top_users);
	}
	if (r->redact != NULL)
		sw_redact_summary(r->redact, s);
	if (r->w->begin != NULL)
		r->w->begin(r, s);
	if (r->spool != NULL && r->w->grouped) {
		order = sw_xcalloc(r->ncauses + 1, sizeof(*order));
		for (i = 0; i < r->ncauses; i++)
			order[i] = i;
		sw_sort_ctx = r;
		qsort(order, r->ncauses, sizeof(*order), sw_group_cmp);
		for (i = 0; i < r->ncauses; i++) {
			size_t k = order[i];
			if (r->cause_listed[k] == 0 || r->cause_spool[k] == NULL)
				continue;
			if (r->w->group != NULL)
				r->w->group(r, r->causes[k], r->cause_listed[k]);
			if (sw_report_render(r, r->cause_spool[k], 0) != 0)
				rc = -1;
		}
		free(order);
	} else if (r->spool != NULL) {
		if (sw_report_render(r, r->spool, 1) != 0)
			rc = -1;
	}
	if (!r->w->grouped)
		sw_success_emit(r, INT64_MAX);
	if (r->w->end != NULL)
		r->w->end(r, s);
	sw_report_flush(r);
	fflush(r->out);
	return rc;
}

void
sw_report_free(struct sw_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->spool != NULL)
		fclose(r->spool);
	for (i = 0; r->cause_spool != NULL && i < r->ncauses; i++)
		if (r->cause_spool[i] != NULL)
			fclose(r->cause_spool[i]);
	free(r->cause_spool);
	free(r->cause_listed);
	free(r->causes);
	free(r->ev);
	sw_redact_free(r->redact);
	if (r->wstate_free != NULL)
		r->wstate_free(r->wstate);
	sw_buf_free(&r->b);
	sw_buf_free(&r->enc);
	sw_buf_free(&r->dec);
	sw_buf_free(&r->prev_fix);
	sw_buf_free(&r->fix_flat);
	sw_buf_free(&r->esc);
	sw_buf_free(&r->run);
	sw_success_free(r);
	free(r);
}
