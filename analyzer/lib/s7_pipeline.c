/*
 * s7_pipeline.c: wires the stages together for one run. The only state
 * that lives for the whole input is the per-cause tally and the stages'
 * own bounded tables; lines flow through one at a time.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "s0_time.h"
#include "s1_input.h"
#include "s2_format.h"
#include "s3_match.h"
#include "s3_rules.h"
#include "s4_client.h"
#include "s4_correlate.h"
#include "s5_client.h"
#include "s5_diagnose.h"
#include "s5_filter.h"
#include "s5_noise.h"
#include "s6_report.h"
#include "s6_summary.h"
#include "s6_timeline.h"
#include "s7_incr.h"
#include "s7_pipeline.h"
#include "s7_producer.h"

#define SW_MAX_CAUSE_IDS 512

struct sw_run {
	struct sw_report *report;
	struct sw_client_table *clients;	/* ssh -v sessions */
	struct sw_client_diag *client_diag;
	uint64_t client_failed;			/* reported client-only */
	uint64_t unmatched;
	struct sw_cause_count causes[SW_MAX_CAUSE_IDS];
	size_t ncauses;
	/* Issue 10: filters, successes, timeline, --state. */
	const struct sw_run_opts *o;
	struct sw_diagnoser *dg;
	struct sw_noise *noise;
	struct sw_digest *digest;
	int digest_on;			/* needed: text callouts, --summary, --state */
	struct sw_timeline *tl;
	struct sw_incr *incr;
	int64_t newest_us, idle_us;
	int at_finish;
	int conn_pass;			/* this connection passes --user/--from */
	int selected;			/* its failure passed --cause */
	const struct sw_cause *cause;	/* its failure cause */
	uint64_t conns, failed, succeeded, unknown, noauth, filtered_out;
	uint64_t deferred;
	int64_t first_us, last_us;
	int utc_off_min;
};

void
sw_run_opts_default(struct sw_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->max_line = SW_INPUT_MAX_LINE_DEFAULT;
	o->max_connections = 50000;
}

int
sw_run_add_filter(struct sw_run_opts *o, int kind, const char *value)
{
	if (o->filter == NULL)
		o->filter = sw_filter_new();
	switch (kind) {
	case 'u':
		return sw_filter_add_user(o->filter, value);
	case 'f':
		return sw_filter_add_from(o->filter, value);
	case 'c':
		return sw_filter_add_cause(o->filter, value);
	default:
		return -1;
	}
}

void
sw_run_opts_free(struct sw_run_opts *o)
{
	sw_filter_free(o->filter);
	o->filter = NULL;
}

int
sw_run_parse_when(const char *s, int64_t *out)
{
	return sw_time_parse(s, (int64_t)time(NULL), out);
}

int
sw_run_commit(struct sw_incr *in, FILE *err)
{
	int rc = sw_incr_commit(in, err) == 0 ? 0 : SW_EXIT_USAGE;

	sw_incr_free(in);
	return rc;
}

void
sw_run_discard(struct sw_incr *in)
{
	sw_incr_free(in);
}

int
sw_run_set_format(struct sw_run_opts *o, const char *name)
{
	if (!sw_report_known(name))
		return -1;
	o->format = name;
	return 0;
}

static void
sw_run_tally(struct sw_run *run, const struct sw_cause *c)
{
	size_t i;

	/* Ids are unique in the table: the same string first, by address. */
	for (i = 0; i < run->ncauses; i++)
		if (run->causes[i].id == c->id)
			break;
	if (i == run->ncauses)
		for (i = 0; i < run->ncauses; i++)
			if (strcmp(run->causes[i].id, c->id) == 0)
				break;
	if (i == run->ncauses && run->ncauses < SW_MAX_CAUSE_IDS) {
		run->causes[i].id = c->id;
		run->causes[i].title = sw_cause_title(c);
		run->causes[i].count = 0;
		run->ncauses++;
	}
	if (i < run->ncauses)
		run->causes[i].count++;
}

static void
sw_run_finding(void *ctx, const struct sw_finding *f)
{
	struct sw_run *run = ctx;
	struct sw_client_session *cs;
	struct sw_client_finding cf;
	struct sw_finding g;

	run->cause = f->cause;
	if (!run->conn_pass || !sw_filter_cause(run->o->filter, f->cause->id) ||
	    run->report == NULL) {
		/* Noise is judged over every failure, selected or not. */
		sw_noise_observe(run->noise, f);
		if (!run->conn_pass || !sw_filter_cause(run->o->filter,
		    f->cause->id))
			return;
	}
	run->selected = 1;
	/* Tallies only for the daily report and the state file. */
	if (run->digest_on && (run->o->summary || run->o->state != NULL))
		sw_digest_failure(run->digest, f);
	else if (run->digest_on)
		sw_digest_failure_counts(run->digest, f);
	sw_run_tally(run, f->cause);
	/* The client's view of the same attempt, when ssh -v output was
	 * read before this connection ended (a paste has no time: it sorts
	 * first). One finding then carries both views. */
	if (run->clients != NULL && sw_client_count(run->clients) > 0 &&
	    (cs = sw_client_join(run->clients, f->conn)) != NULL &&
	    sw_client_diagnose(run->client_diag, cs, &cf)) {
		sw_client_merge(&g, f, &cf);
		f = &g;
	}
	if (run->report != NULL)
		sw_report_finding(run->report, f);
}

static void
sw_run_success(void *ctx, const struct sw_success *s)
{
	struct sw_run *run = ctx;

	if (!run->conn_pass || sw_filter_has_cause(run->o->filter))
		return;
	if (run->digest_on)
		sw_digest_success(run->digest, s);
	if (run->report != NULL)
		sw_report_success(run->report, s);
}

/*
 * Every finished connection: kept for the next run (--state, still open
 * at the end), then diagnosed (which calls the two callbacks above), then
 * counted and shown in the timeline when selected.
 */
static void
sw_run_conn(void *ctx, const struct sw_conn *c)
{
	struct sw_run *run = ctx;
	const struct sw_run_opts *o = run->o;
	int sel;

	if (run->at_finish && run->incr != NULL &&
	    sw_incr_defer(run->incr, c, run->newest_us, run->idle_us)) {
		run->deferred++;
		return;
	}
	run->conn_pass = sw_filter_conn(o->filter, c);
	run->selected = 0;
	run->cause = NULL;
	sw_diagnose_conn(run->dg, c);
	if ((o->since_us != 0 && c->start_us < o->since_us) ||
	    (o->until_us != 0 && c->start_us >= o->until_us))
		return;
	sel = run->conn_pass && (!sw_filter_has_cause(o->filter) ||
	    (c->outcome == SW_OUTCOME_FAILURE && run->selected));
	if (!sel) {
		run->filtered_out++;
		return;
	}
	run->conns++;
	switch (c->outcome) {
	case SW_OUTCOME_SUCCESS: run->succeeded++; break;
	case SW_OUTCOME_FAILURE: run->failed++; break;
	case SW_OUTCOME_UNKNOWN: run->unknown++; break;
	case SW_OUTCOME_NOAUTH: run->noauth++; break;
	}
	if (run->first_us == 0 || c->start_us < run->first_us)
		run->first_us = c->start_us;
	if (c->start_us > run->last_us) {
		run->last_us = c->start_us;
		run->utc_off_min = c->utc_off_min;
	}
	/* Scanners that never named a user only when an address is asked. */
	if (run->tl != NULL && (c->outcome != SW_OUTCOME_NOAUTH ||
	    sw_filter_active(o->filter)))
		sw_timeline_conn(run->tl, c, c->outcome == SW_OUTCOME_FAILURE ?
		    run->cause : NULL);
}

static void
sw_run_new_name(void *ctx, int is_user, const char *name)
{
	struct sw_run *run = ctx;

	if (run->incr == NULL)
		return;
	if (is_user)
		sw_state_add_user(sw_incr_next(run->incr), name);
	else
		sw_state_add_cause(sw_incr_next(run->incr), name);
}

/* Client runs that no server connection explained: reported alone. */
static void
sw_run_client_findings(struct sw_run *run)
{
	size_t i;

	for (i = 0; i < sw_client_count(run->clients); i++) {
		struct sw_client_session *s = sw_client_get(run->clients, i);
		struct sw_client_finding cf;

		if (s->joined || !sw_client_diagnose(run->client_diag, s, &cf))
			continue;
		{
			struct sw_finding g;
			struct sw_conn conn;
			sw_client_alone(&g, &conn, &cf);
			sw_run_tally(run, cf.cause);
			run->client_failed++;
			if (run->report != NULL)
				sw_report_finding(run->report, &g);
		}
	}
}

static int
sw_cause_cmp(const void *a, const void *b)
{
	const struct sw_cause_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * Inputs are read as streams merged by time: each rotated set, directory
 * or "-" given on the command line is one stream (its files in rotation
 * order), and the next record always comes from the stream whose current
 * record is oldest. A journal plus an auth.log, or the logs of several
 * hosts, then reach the correlator in one time order. Each stream holds
 * one parsed record, whose bytes stay valid until that stream advances.
 */
struct sw_stream {
	struct sw_input *in;		/* NULL: the lines replayed from --state */
	struct sw_format *fmt;
	struct sw_record rec;
	int have;
	/* --state */
	struct sw_incr *incr;
	const char *set;		/* the set's first path */
	size_t *entry;			/* per source: sw_incr_skip_line cache */
	size_t nentry;
	const struct sw_state *replay;
	size_t rpos;
	struct sw_line rline;
	int64_t last_us;		/* last record read, for the year */
	int last_off;
	/* --threads: read, parsed and matched by a thread of its own. */
	struct sw_producer *prod;
	struct sw_diag *rdiag;		/* its recorder */
	const struct sw_item *item;	/* the current record, matched */
};

struct sw_streams {
	struct sw_stream *v;
	size_t n;
	size_t *heap;		/* stream indices, oldest record first */
	size_t nheap;
	struct sw_diag *diag;	/* where recorded messages are replayed */
	size_t nthreads;	/* reading threads started */
};

/* Whether a command-line path joins an earlier stream (same rotated set). */
static int
sw_same_set(const char *a, const char *b)
{
	size_t la, lb;
	struct stat sa, sb;

	if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0 ||
	    (stat(a, &sa) == 0 && S_ISDIR(sa.st_mode)) ||
	    (stat(b, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	la = sw_input_set_base(a);
	lb = sw_input_set_base(b);
	return la == lb && memcmp(a, b, la) == 0;
}

/*
 * `threads`: the first `threads` streams get a reading thread each (0: none).
 * Their input and format report to a recorder, emptied into `diag` at once
 * here (messages about opening come in the same order as without threads)
 * and later as the main thread consumes the records.
 */
static void
sw_streams_open(struct sw_streams *ss, const char *const *paths, size_t npaths,
    const struct sw_input_opts *io, const struct sw_format_opts *fo,
    struct sw_diag *diag, struct sw_incr *incr, size_t threads)
{
	const char **group = sw_xcalloc(npaths + 1, sizeof(*group));
	int *taken = sw_xcalloc(npaths + 1, sizeof(*taken));
	size_t i, j, k;

	memset(ss, 0, sizeof(*ss));
	ss->diag = diag;
	ss->v = sw_xcalloc(npaths + 2, sizeof(*ss->v));
	ss->heap = sw_xcalloc(npaths + 2, sizeof(*ss->heap));
	for (i = 0; i < npaths; i++) {
		if (taken[i])
			continue;
		for (k = 0, j = i; j < npaths; j++) {
			if (!taken[j] && (j == i || sw_same_set(paths[i],
			    paths[j]))) {
				group[k++] = paths[j];
				taken[j] = 1;
			}
		}
		if (ss->n < threads && incr == NULL) {
			struct sw_stream *t = &ss->v[ss->n];
			struct sw_diag_msg *msgs;
			size_t nmsgs;

			t->rdiag = sw_diag_new_recorder();
			t->in = sw_input_new(group, k, io, t->rdiag);
			t->fmt = sw_format_new(fo, t->rdiag);
			msgs = sw_diag_take(t->rdiag, &nmsgs);
			sw_diag_replay(diag, msgs, nmsgs);
			sw_diag_msgs_free(msgs, nmsgs);
		} else {
			ss->v[ss->n].in = sw_input_new(group, k, io, diag);
			ss->v[ss->n].fmt = sw_format_new(fo, diag);
		}
		if (incr != NULL) {
			int y, mon;
			ss->v[ss->n].incr = incr;
			ss->v[ss->n].set = paths[i];
			sw_incr_year(incr, paths[i], &y, &mon);
			if (y > 0 && fo->year == 0)
				sw_format_resume_year(ss->v[ss->n].fmt, y, mon);
		}
		ss->n++;
	}
	if (incr != NULL && sw_incr_old(incr)->npending > 0) {
		/* Connections the last run left open: their lines again. */
		struct sw_stream *r = &ss->v[ss->n++];
		int64_t secs = sw_incr_old(incr)->pending[0].time_us / 1000000;
		int64_t y;
		int m, d;

		r->replay = sw_incr_old(incr);
		r->fmt = sw_format_new(fo, diag);
		sw_civil_from_days(secs / 86400, &y, &m, &d);
		if (fo->year == 0 && y >= 1970 && y <= 9999)
			sw_format_resume_year(r->fmt, (int)y, 0);
	}
	free(group);
	free(taken);
}

/* --state: was this line read by an earlier run? */
static int
sw_stream_skip(struct sw_stream *s, const struct sw_line *line)
{
	if (line->source >= s->nentry) {
		size_t i, n = (size_t)line->source + 16;
		s->entry = sw_xreallocarray(s->entry, n, sizeof(*s->entry));
		for (i = s->nentry; i < n; i++)
			s->entry[i] = SIZE_MAX - 1;
		s->nentry = n;
	}
	return sw_incr_skip_line(s->incr, sw_input_source_name(s->in,
	    line->source), &s->entry[line->source], line);
}

/* The next line kept by the last run (--state). */
static int
sw_stream_replay(struct sw_stream *s)
{
	while (s->rpos < s->replay->npending) {
		const struct sw_state_line *l = &s->replay->pending[s->rpos++];
		memset(&s->rline, 0, sizeof(s->rline));
		s->rline.text = sw_span_make(l->text, strlen(l->text));
		s->rline.origin = l->origin;
		s->rline.lineno = l->lineno;
		if (sw_format_parse(s->fmt, &s->rline, &s->rec) == SW_OK) {
			s->rec.time_us = l->time_us;
			return s->have = 1;
		}
	}
	return s->have = 0;
}

/* Reads the stream's next sshd record; 0 when the stream is done. */
static int
sw_stream_fill(struct sw_stream *s, struct sw_diag *diag)
{
	struct sw_line line;

	s->have = 0;
	if (s->in == NULL)
		return sw_stream_replay(s);
	if (s->prod != NULL) {
		if ((s->item = sw_producer_next(s->prod, diag)) == NULL)
			return 0;
		s->rec = s->item->rec;
		return s->have = 1;
	}
	while (sw_input_next(s->in, &line) == SW_OK) {
		if (s->incr != NULL && sw_stream_skip(s, &line))
			continue;
		if (sw_format_parse(s->fmt, &line, &s->rec) == SW_OK) {
			if (s->incr != NULL) {
				if (sw_incr_skip_entry(s->incr, &line, &s->rec))
					continue;
				s->last_us = s->rec.time_us;
				s->last_off = s->rec.utc_off_min;
			}
			s->have = 1;
			break;
		}
	}
	if (s->rdiag != NULL) {
		struct sw_diag_msg *msgs;
		size_t nmsgs;

		msgs = sw_diag_take(s->rdiag, &nmsgs);
		sw_diag_replay(diag, msgs, nmsgs);
		sw_diag_msgs_free(msgs, nmsgs);
	}
	return s->have;
}

/* Heap order: older record first; on a tie, the earlier stream. */
static int
sw_stream_before(const struct sw_streams *ss, size_t a, size_t b)
{
	if (ss->v[a].rec.time_us != ss->v[b].rec.time_us)
		return ss->v[a].rec.time_us < ss->v[b].rec.time_us;
	/* Lines replayed from --state were read before: they go first. */
	if ((ss->v[a].in == NULL) != (ss->v[b].in == NULL))
		return ss->v[a].in == NULL;
	return a < b;
}

static void
sw_heap_down(struct sw_streams *ss, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;
		if (l < ss->nheap && sw_stream_before(ss, ss->heap[l], ss->heap[m]))
			m = l;
		if (r < ss->nheap && sw_stream_before(ss, ss->heap[r], ss->heap[m]))
			m = r;
		if (m == i)
			return;
		t = ss->heap[i];
		ss->heap[i] = ss->heap[m];
		ss->heap[m] = t;
		i = m;
	}
}

/* `rs`, `match_client`: for the reading threads' matchers. */
static void
sw_streams_start(struct sw_streams *ss, const struct sw_rules *rs,
    int match_client)
{
	size_t i;

	/* mktime(3) in the threads reads the time zone glibc loaded; load it
	 * here first, so they only read it (helgrind sees glibc's own lock
	 * around it as no lock). */
	tzset();
	for (i = 0; i < ss->n; i++) {
		struct sw_stream *s = &ss->v[i];

		/* No thread could be made: read inline (sw_stream_fill
		 * replays the recorder after each record). */
		if (s->rdiag != NULL && (s->prod = sw_producer_start(s->in,
		    s->fmt, s->rdiag, rs, match_client)) != NULL)
			ss->nthreads++;
	}
	for (i = 0; i < ss->n; i++)
		if (sw_stream_fill(&ss->v[i], ss->diag))
			ss->heap[ss->nheap++] = i;
	for (i = ss->nheap; i-- > 0;)
		sw_heap_down(ss, i);
}

/* The oldest pending record, or NULL at the end of every stream. */
static struct sw_record *
sw_streams_peek(struct sw_streams *ss)
{
	return ss->nheap > 0 ? &ss->v[ss->heap[0]].rec : NULL;
}

/* Done with the record sw_streams_peek returned: advance its stream. */
static void
sw_streams_pop(struct sw_streams *ss)
{
	if (!sw_stream_fill(&ss->v[ss->heap[0]], ss->diag))
		ss->heap[0] = ss->heap[--ss->nheap];
	sw_heap_down(ss, 0);
}

static void
sw_streams_free(struct sw_streams *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		sw_producer_free(ss->v[i].prod);
		sw_input_free(ss->v[i].in);
		sw_format_free(ss->v[i].fmt);
		sw_diag_free(ss->v[i].rdiag);
		free(ss->v[i].entry);
	}
	free(ss->v);
	free(ss->heap);
}

/*
 * Progress on stderr, for people at a terminal: only when stderr is one,
 * not --quiet, and only once a run has taken a second
 * ($SSHWHY_PROGRESS_DELAY_MS changes that, for tests). The clock is read
 * every 4096 records, so the loop pays nothing for it.
 */
struct sw_progress {
	FILE *err;
	int on;
	int shown;
	double delay;
	uint64_t n;
	struct timespec start, last;
};

static double
sw_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
sw_progress_init(struct sw_progress *p, FILE *err, int quiet)
{
	const char *d = getenv("SSHWHY_PROGRESS_DELAY_MS");
	uint64_t ms;

	memset(p, 0, sizeof(*p));
	p->err = err;
	p->on = !quiet && err != NULL && isatty(fileno(err));
	p->delay = 1.0;
	if (d != NULL && sw_span_to_u64(sw_span_make(d, strlen(d)), &ms) == 0)
		p->delay = (double)ms / 1000.0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

static void
sw_progress_tick(struct sw_progress *p)
{
	struct timespec now;

	if (!p->on || (++p->n & 0xfff) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sw_elapsed(&p->start, &now) < p->delay ||
	    (p->shown && sw_elapsed(&p->last, &now) < 0.2))
		return;
	p->last = now;
	p->shown = 1;
	fprintf(p->err, "\rsshwhy: %llu lines read (%.0f s)\033[K",
	    (unsigned long long)p->n, sw_elapsed(&p->start, &now));
	fflush(p->err);
}

static void
sw_progress_done(struct sw_progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", p->err);
		fflush(p->err);
	}
}

/*
 * Reading threads (--threads): 1 means none, everything in this thread;
 * 0, the default, the online CPUs up to 8. One more thread than input
 * streams would have nothing to read; sw_streams_open stops at the streams.
 * --state keeps one thread: its per-file bookkeeping (sw_incr_skip_line,
 * sw_incr_skip_entry) is shared by all streams and not made for threads.
 * Returns the number of streams to read in threads of their own.
 */
static size_t
sw_run_threads(const struct sw_run_opts *o)
{
	long n = o->threads;

	if (o->state != NULL)
		return 0;
	if (n == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n > 8)
			n = 8;
	}
	return n <= 1 ? 0 : (size_t)n;
}

/* Text wraps at the terminal's width, or 80 when not a terminal. */
static unsigned
sw_run_width(FILE *out)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;

	if (!isatty(fileno(out)))
		return 80;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols != NULL && sw_span_to_u64(sw_span_make(cols, strlen(cols)),
	    &v) == 0 && v > 0 && v < 10000)
		return (unsigned)v;
	return 80;
}

int
sw_run_analyze(const struct sw_run_opts *o, const char *rules_dir,
    const char *const *paths, size_t npaths, FILE *out, FILE *err)
{
	struct sw_diag *diag = sw_diag_new(err, 10);
	struct sw_rules *rs = NULL;
	struct sw_matcher *m = NULL;
	struct sw_streams ss;
	struct sw_record *rec;
	struct sw_correlator *cor = NULL;
	struct sw_shapes *shapes = sw_shapes_new(1000);
	struct sw_noise *noise = sw_noise_new();
	struct sw_keys *keys = NULL;
	struct sw_diagnoser *dg = NULL;
	struct sw_input_opts io;
	struct sw_format_opts fo;
	struct sw_correlate_opts co;
	struct sw_report_opts ro;
	struct sw_summary sum;
	struct sw_run run;
	struct sw_progress prog;
	const char **sources = NULL;
	int rc = SW_EXIT_USAGE;
	size_t i, j;
	struct sw_buf callouts;
	const char *const *rpaths = paths;
	size_t nrpaths = npaths;
	int wrote = 1;

	memset(&run, 0, sizeof(run));
	memset(&ss, 0, sizeof(ss));
	sw_buf_init(&callouts, (size_t)1 << 20);
	run.o = o;
	run.noise = noise;
	run.digest = sw_digest_new();
	/* Memory only where it is used (json and ndjson print no callouts). */
	run.digest_on = o->summary || o->state != NULL ||
	    strcmp(o->format, "text") == 0;
	sw_diag_set_quiet(diag, o->quiet);
	if ((rs = sw_rules_load_merged(rules_dir, o->rules_overlay,
	    diag)) == NULL) {
		fprintf(err, SW_("sshwhy: the rules directory %s is invalid; "
		    "nothing was analysed\n"), rules_dir);
		goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.no_evidence = o->no_evidence;
	ro.unmatched = o->unmatched;
	ro.all = o->all;
	ro.redact = o->redact || o->redact_key != NULL;
	ro.redact_key = o->redact_key;
	ro.width = sw_run_width(out);
	for (i = 0; i < sw_filter_ncauses(o->filter); i++) {
		const char *id = sw_filter_cause_at(o->filter, i);
		if (sw_rules_find_cause(rs, id) == NULL) {
			fprintf(err, "sshwhy: --cause: no cause '%s' (sshwhy "
			    "explain lists them)\n", id);
			goto out;
		}
	}
	if (o->timeline) {
		if ((run.tl = sw_timeline_new(o->format, out)) == NULL)
			goto out;
	} else if (!o->summary &&
	    (run.report = sw_report_new(o->format, out, &ro, noise)) == NULL)
		goto out;
	if ((dg = sw_diagnoser_new(rs, sw_run_finding, &run, diag)) == NULL)
		goto out;
	run.dg = dg;
	sw_diagnoser_set_success(dg, sw_run_success, &run);
	if (o->state != NULL) {
		run.incr = sw_incr_new(o->state, paths, npaths, err, o->quiet);
		rpaths = sw_incr_paths(run.incr, &nrpaths);
	}
	/* A rules directory without client rules reads no client output. */
	if (sw_rules_find_cause(rs, "client-undetermined") != NULL) {
		if ((run.client_diag = sw_client_diag_new(rs, diag)) == NULL)
			goto out;
		run.clients = sw_client_table_new(1000, 40, diag);
	}
	sw_diagnoser_set_window(dg, o->since_us, o->until_us);
	if (o->nauthorized_keys > 0) {
		size_t k;
		if (sw_rules_find_cause(rs, "authorized-keys-malformed") == NULL)
			fprintf(err, "sshwhy: warning: the rules define no cause "
			    "'authorized-keys-malformed'; broken authorized_keys "
			    "lines are only noted\n");
		keys = sw_keys_new();
		for (k = 0; k < o->nauthorized_keys; k++)
			(void)sw_keys_load(keys, o->authorized_keys[k], diag);
		sw_diagnoser_set_keys(dg, keys);
	}
	m = sw_matcher_new(rs, NULL);
	sw_input_opts_default(&io);
	io.max_line = o->max_line;
	memset(&fo, 0, sizeof(fo));
	fo.year = o->year;
	sw_correlate_opts_default(&co);
	co.max_connections = o->max_connections;
	run.idle_us = co.idle_us;
	cor = sw_correlator_new(&co, sw_run_conn, &run, diag);
	sw_streams_open(&ss, rpaths, nrpaths, &io, &fo, diag, run.incr,
	    sw_run_threads(o));
	sw_streams_start(&ss, rs, run.clients != NULL);
	sw_progress_init(&prog, err, o->quiet);

	while ((rec = sw_streams_peek(&ss)) != NULL) {
		const struct sw_item *it = ss.v[ss.heap[0]].item;
		struct sw_event ev;
		const struct sw_event *evp = &ev;

		if (rec->time_us > run.newest_us)
			run.newest_us = rec->time_us;
		sw_progress_tick(&prog);
		if (it != NULL)
			evp = &it->ev;	/* matched by the reading thread */
		if (rec->client) {
			/* ssh -v output: its own sessions, no sshd counts. */
			if (run.clients != NULL && (it != NULL ? it->st :
			    sw_match_record(m, rec, &ev)) == SW_OK)
				sw_client_event(run.clients, evp);
		} else if ((it != NULL ? it->st : sw_match_record(m, rec,
		    &ev)) == SW_OK)
			sw_correlate_event(cor, evp);
		else {
			run.unmatched++;
			sw_shapes_add(shapes, rec);
			sw_correlate_unmatched(cor, rec);
		}
		sw_streams_pop(&ss);
	}
	/* The reading threads are done: their stats can be read. */
	for (i = 0; i < ss.n; i++)
		sw_producer_join(ss.v[i].prod);
	run.at_finish = 1;
	sw_correlate_finish(cor);
	if (run.clients != NULL)
		sw_run_client_findings(&run);
	for (i = 0; run.incr != NULL && i < ss.n; i++)
		if (ss.v[i].in != NULL && ss.v[i].last_us != 0)
			sw_incr_saw(run.incr, ss.v[i].set, ss.v[i].last_us,
			    ss.v[i].last_off);
	sw_progress_done(&prog);

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < ss.n; i++) {
		const struct sw_format_stats *fs = sw_format_stats(ss.v[i].fmt);
		sum.lines += fs->lines;
		sum.sshd_lines += fs->sshd_lines;
		sum.unparsed += fs->unparsed;
	}
	{
		const struct sw_diagnose_stats *ds = sw_diagnose_stats(dg);
		const struct sw_correlate_stats *cs = sw_correlate_stats(cor);
		const struct sw_match_stats *ms = sw_match_stats(m);

		sum.limit_hits = ms->limit_lines;
		for (i = 0; i < ss.n; i++)
			if (ss.v[i].prod != NULL)
				sum.limit_hits += sw_producer_match_stats(
				    ss.v[i].prod)->limit_lines;
		sum.connections = cs->connections - ds->outside - run.deferred;
		sum.outside = ds->outside;
		sum.failed = ds->failed;
		sum.succeeded = ds->succeeded;
		sum.unknown = ds->unknown;
		sum.noauth = ds->noauth;
	}
	sum.unmatched = run.unmatched;
	sum.client_failed = run.client_failed;
	sum.shapes = sw_shapes_sorted(shapes, &sum.nshapes, &sum.shapes_other);
	if (run.ncauses > 1)
		qsort(run.causes, run.ncauses, sizeof(run.causes[0]),
		    sw_cause_cmp);
	sum.causes = run.causes;
	sum.ncauses = run.ncauses;
	for (i = 0; i < ss.n; i++)
		if (ss.v[i].in != NULL)
			sum.nsources += sw_input_nsources(ss.v[i].in);
	sources = sw_xcalloc(sum.nsources + 1, sizeof(*sources));
	for (i = 0, sum.nsources = 0; i < ss.n; i++)
		for (j = 0; ss.v[i].in != NULL &&
		    j < sw_input_nsources(ss.v[i].in); j++)
			sources[sum.nsources++] =
			    sw_input_source_name(ss.v[i].in, (unsigned)j);
	sum.sources = sources;
	if (sw_filter_active(o->filter)) {
		sum.connections = run.conns;
		sum.failed = run.failed;
		sum.succeeded = run.succeeded;
		sum.unknown = run.unknown;
		sum.noauth = run.noauth;
		sum.filter = sw_filter_describe(o->filter);
		sum.filtered_out = run.filtered_out;
	}
	sw_digest_callouts(run.digest, &callouts);
	sum.callouts = callouts.len > 0 ? callouts.p : NULL;
	sw_diag_finish(diag);
	sum.partial = sw_diag_partial(diag);
	if (run.report != NULL && sw_report_end(run.report, &sum) != 0) {
		fprintf(err, "sshwhy: could not read back the report spool "
		    "(temporary file): some findings are missing\n");
		sum.partial = 1;
	}
	if (run.tl != NULL)
		sw_timeline_end(run.tl, sum.filter);
	if (o->summary || run.incr != NULL) {
		struct sw_digest_totals t;
		struct sw_digest_known k;
		const struct sw_state *old = run.incr ?
		    sw_incr_old(run.incr) : NULL;

		memset(&t, 0, sizeof(t));
		t.connections = sum.connections;
		t.failed = sum.failed;
		t.succeeded = sum.succeeded;
		t.noauth = sum.noauth;
		t.lines = sum.lines;
		t.first_us = run.first_us;
		t.last_us = run.last_us;
		t.utc_off_min = run.utc_off_min;
		t.partial = sum.partial;
		t.filter = sum.filter;
		memset(&k, 0, sizeof(k));
		if (old != NULL) {
			k.have = sw_incr_had_state(run.incr);
			k.causes = old->causes;
			k.ncauses = old->ncauses;
			k.users = old->users;
			k.nusers = old->nusers;
		}
		wrote = sw_digest_report(run.digest, o->summary ? out : NULL,
		    o->format, noise, &t, old ? &k : NULL, sw_run_new_name,
		    &run);
	}

	rc = (sum.failed > 0 || run.client_failed > 0) &&
	    (!o->summary || wrote) ? SW_EXIT_FOUND :
	    SW_EXIT_NONE;
	if (sum.partial)
		rc |= SW_EXIT_PARTIAL;
	if (run.incr != NULL) {
		if (o->commit != NULL) {
			*o->commit = run.incr;
			run.incr = NULL;
		} else if (fflush(out) != 0 || ferror(out)) {
			fprintf(err, "sshwhy: the report could not be written; "
			    "the state file is left as it was\n");
			rc = SW_EXIT_USAGE;
		} else if (sw_incr_commit(run.incr, err) != 0)
			rc = SW_EXIT_USAGE;
	}
	if (getenv("SSHWHY_DEBUG_THREADS") != NULL) {
		struct timespec ts;
		double cpu = 0;

		for (i = 0; i < ss.n; i++)
			if (ss.v[i].prod != NULL)
				cpu += sw_producer_cpu(ss.v[i].prod);
		if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
			fprintf(err, "sshwhy: debug: CPU seconds: main thread "
			    "%.2f, reading threads %.2f\n", (double)ts.tv_sec +
			    (double)ts.tv_nsec / 1e9, cpu);
		fprintf(err, "sshwhy: debug: %zu reading threads\n",
		    ss.nthreads);
	}
out:
	free(sources);
	sw_shapes_free(shapes);
	sw_noise_free(noise);
	sw_keys_free(keys);
	/* The correlator's evidence points at input names: free it first. */
	sw_correlator_free(cor);
	sw_streams_free(&ss);
	sw_diagnoser_free(dg);
	sw_client_diag_free(run.client_diag);
	sw_client_table_free(run.clients);
	sw_matcher_free(m);
	sw_report_free(run.report);
	sw_rules_free(rs);
	sw_diag_free(diag);
	sw_timeline_free(run.tl);
	sw_digest_free(run.digest);
	sw_incr_free(run.incr);
	sw_buf_free(&callouts);
	return rc;
}

/* Local rules (the overlay) and what each did to the shipped set. */
static void
sw_rules_test_origins(const struct sw_rules *rs, const char *overlay,
    FILE *out)
{
	size_t i;

	for (i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);
		enum sw_rule_origin o = sw_rule_origin(r);
		if (o == SW_ORIGIN_SHIPPED)
			continue;
		fprintf(out, o == SW_ORIGIN_REPLACED ?
		    SW_("local rule %s: %s (replaces the shipped rule)\n") :
		    SW_("local rule %s: %s (added)\n"), sw_rule_id(r),
		    sw_rule_file(r));
	}
	for (i = 0; i < sw_rules_ndisabled(rs); i++)
		fprintf(out, SW_("disabled rule %s: %s/%s.yaml is empty\n"),
		    sw_rules_disabled(rs, i), overlay, sw_rules_disabled(rs, i));
}

/* Every cause must carry each translation (the `ja:` block). */
static unsigned
sw_rules_test_lang(const struct sw_rules *rs, FILE *out)
{
	unsigned missing = 0;
	size_t i, l;

	for (i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);
		const struct sw_cause *c = sw_rule_cause(r);
		for (l = 0; c != NULL && l < SW_LANG_COUNT_; l++) {
			if (sw_cause_has_lang(c, (enum sw_lang)l))
				continue;
			fprintf(out, SW_("%s: cause '%s' has no %s: block "
			    "(title, explanation, fix)\n"), sw_rule_file(r),
			    c->id, sw_lang_code((enum sw_lang)l));
			missing++;
		}
	}
	return missing;
}

/*
 * `cause:` of the examples: each such line is analysed on its own, through
 * format, match, correlate and diagnose, and must give exactly one failed
 * login with that cause ("none": no failed login). This ties a rule's cause
 * id, its priority against the inferred causes and the diagnoser's choices
 * to a real line, which the matcher's self-test alone does not.
 */
struct sw_probe {
	const char *cause[4];
	size_t n;
};

static void
sw_probe_finding(void *ctx, const struct sw_finding *f)
{
	struct sw_probe *p = ctx;

	if (p->n < sizeof(p->cause) / sizeof(p->cause[0]))
		p->cause[p->n] = f->cause->id;
	p->n++;
}

/* 0, or -1 when the rule set lacks a cause the diagnoser needs. */
static int
sw_probe_line(const struct sw_rules *rs, const char *text, struct sw_probe *p)
{
	struct sw_diag *quiet = sw_diag_new(NULL, 1);
	struct sw_format_opts fo = { 2026, 0 };
	struct sw_format *fmt = sw_format_new(&fo, quiet);
	struct sw_matcher *m = sw_matcher_new(rs, NULL);
	struct sw_diagnoser *dg = sw_diagnoser_new(rs, sw_probe_finding, p,
	    quiet);
	struct sw_correlate_opts co;
	struct sw_correlator *cor;
	struct sw_buf buf;
	struct sw_line line;
	struct sw_record rec;
	struct sw_event ev;

	memset(p, 0, sizeof(*p));
	if (dg == NULL) {
		sw_matcher_free(m);
		sw_format_free(fmt);
		sw_diag_free(quiet);
		return -1;
	}
	sw_correlate_opts_default(&co);
	cor = sw_correlator_new(&co, sw_diagnose_conn, dg, quiet);
	sw_buf_init(&buf, 4096);
	memset(&line, 0, sizeof(line));
	line.origin = "example";
	line.lineno = 1;
	line.text = sw_span_make(text, strlen(text));
	if (sw_format_parse(fmt, &line, &rec) != SW_OK) {
		/* A bare message: give it the header sshd's syslog line has. */
		sw_buf_adds(&buf, "Jan  1 00:00:00 example sshd[1]: ");
		sw_buf_adds(&buf, text);
		line.text = sw_span_make(buf.p, buf.len);
		if (sw_format_parse(fmt, &line, &rec) != SW_OK)
			goto out;
	}
	if (rec.client) {
		/* ssh client output: one run of one line, diagnosed alone. */
		struct sw_client_table *t = sw_client_table_new(1, 1, quiet);
		struct sw_client_diag *cd = sw_client_diag_new(rs, quiet);
		struct sw_client_finding cf;
		if (cd != NULL && sw_match_record(m, &rec, &ev) == SW_OK) {
			sw_client_event(t, &ev);
			if (sw_client_diagnose(cd, sw_client_get(t, 0), &cf))
				p->cause[p->n++] = cf.cause->id;
		}
		sw_client_diag_free(cd);
		sw_client_table_free(t);
	} else if (sw_match_record(m, &rec, &ev) == SW_OK)
		sw_correlate_event(cor, &ev);
	else
		sw_correlate_unmatched(cor, &rec);
	sw_correlate_finish(cor);
out:
	sw_correlator_free(cor);
	sw_buf_free(&buf);
	sw_diagnoser_free(dg);
	sw_matcher_free(m);
	sw_format_free(fmt);
	sw_diag_free(quiet);
	return 0;
}

static unsigned
sw_rules_test_causes(const struct sw_rules *rs, FILE *out, unsigned *checked)
{
	unsigned failures = 0;
	size_t i, e;

	*checked = 0;
	for (i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);
		for (e = 0; e < sw_rule_nexamples(r); e++) {
			const char *want = sw_rule_example_cause(r, e);
			const char *text, *got;
			struct sw_probe p;
			struct sw_buf esc;
			int must;

			if (want == NULL)
				continue;
			text = sw_rule_example(r, e, &must);
			(*checked)++;
			if (sw_probe_line(rs, text, &p) != 0) {
				failures++;
				fprintf(out, "%s: example of rule %s states "
				    "cause %s, but the rules lack a cause the "
				    "diagnoser needs (insufficient-logging, "
				    "invalid-user, undetermined)\n",
				    sw_rule_file(r), sw_rule_id(r), want);
				continue;
			}
			got = p.n == 0 ? "none" : p.cause[0];
			if (p.n <= 1 && strcmp(got, want) == 0)
				continue;
			failures++;
			sw_buf_init(&esc, 1024);
			sw_escape_text(&esc, sw_span_make(text, strlen(text)));
			fprintf(out, "%s: example of rule %s states cause %s, "
			    "the line alone gives %s%s\n    line: %s\n",
			    sw_rule_file(r), sw_rule_id(r), want, got,
			    p.n > 1 ? " (and more findings)" : "",
			    esc.p ? esc.p : "");
			sw_buf_free(&esc);
		}
	}
	return failures;
}

int
sw_run_rules_test(const char *rules_dir, const char *overlay, FILE *out,
    FILE *err)
{
	struct sw_diag *diag = sw_diag_new(err, 1000);
	struct sw_rules *rs = sw_rules_load_merged(rules_dir, overlay, diag);
	unsigned failures, checked = 0, untranslated, cfail, cchecked = 0;
	size_t i, nlocal = 0;
	int rc;

	if (rs == NULL) {
		fprintf(err, SW_("sshwhy: rules directory %s is invalid\n"),
		    rules_dir);
		sw_diag_free(diag);
		return SW_EXIT_USAGE;
	}
	sw_rules_test_origins(rs, overlay, out);
	failures = sw_rules_selftest(rs, out, &checked);
	untranslated = sw_rules_test_lang(rs, out);
	for (i = 0; i < sw_rules_count(rs); i++)
		nlocal += sw_rule_origin(sw_rules_get(rs, i)) != SW_ORIGIN_SHIPPED;
	if (nlocal > 0 || sw_rules_ndisabled(rs) > 0)
		fprintf(out, SW_("%zu rules from %s, %zu local from %s, "
		    "%zu disabled\n"), sw_rules_count(rs) - nlocal, rules_dir,
		    nlocal, overlay, sw_rules_ndisabled(rs));
	fprintf(out, SW_("%zu rules, %u example lines: %u passed, %u failed\n"),
	    sw_rules_count(rs), checked, checked - (failures > checked ?
	    checked : failures), failures);
	cfail = sw_rules_test_causes(rs, out, &cchecked);
	fprintf(out, SW_("%u examples state a cause: %u passed, %u failed\n"),
	    cchecked, cchecked - cfail, cfail);
	if (untranslated > 0)
		fprintf(out, SW_("%u causes lack a translation\n"), untranslated);
	rc = failures == 0 && cfail == 0 && untranslated == 0 ? 0 : 1;
	sw_rules_free(rs);
	sw_diag_free(diag);
	return rc;
}

static int
sw_cause_id_cmp(const void *a, const void *b)
{
	const struct sw_cause *x = *(const struct sw_cause *const *)a;
	const struct sw_cause *y = *(const struct sw_cause *const *)b;

	return strcmp(x->id, y->id);
}

/* docs/causes.md, generated: every cause with its signatures and examples. */
static void
sw_explain_all(const struct sw_rules *rs, FILE *out)
{
	const struct sw_cause **causes;
	size_t i, j, k, n = 0, nr = sw_rules_count(rs);

	causes = sw_xcalloc(nr + 1, sizeof(*causes));
	for (i = 0; i < nr; i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);
		const struct sw_cause *c = sw_rule_cause(r);
		if (c != NULL && sw_rules_find_cause(rs, c->id) == r)
			causes[n++] = c;
	}
	qsort(causes, n, sizeof(*causes), sw_cause_id_cmp);
	fprintf(out, "# Causes\n\n<!-- Generated by `sshwhy explain` from "
	    "rules/: do not edit; run scripts/gen-causes.sh. -->\n\n"
	    "Every cause sshwhy can name, with the rules (signatures) that "
	    "name it, each signature's priority (when several lines of one "
	    "connection name a cause, the highest priority wins), the lowest "
	    "sshd LogLevel at which its line appears, and real example lines. What each lab scenario logs at "
	    "INFO, VERBOSE and DEBUG1 on a real OpenSSH 9.2 is in "
	    "tests/lab/NOTES.md, and sshwhy's accuracy per cause and level "
	    "in docs/lab.md. Causes whose id starts with `client-` are read "
	    "from OpenSSH client output (`ssh -v`; docs/client.md).\n\n"
	    "| cause | title |\n|---|---|\n");
	for (i = 0; i < n; i++)
		fprintf(out, "| [`%s`](#%s) | %s |\n", causes[i]->id,
		    causes[i]->id, sw_cause_title(causes[i]));
	for (i = 0; i < n; i++) {
		const struct sw_cause *c = causes[i];
		int client = sw_rule_side(sw_rules_find_cause(rs, c->id)) ==
		    SW_SIDE_CLIENT;
		fprintf(out, "\n## %s\n\n**%s** (confidence: %s%s%s)\n\n%s\n\n"
		    "**Fix:** %s\n\n", c->id, sw_cause_title(c),
		    sw_confidence_name(c->confidence),
		    client ? "; read from ssh client output, fix on the " : "",
		    client ? sw_side_name(c->fix_side) : "",
		    sw_cause_explanation(c), sw_cause_fix(c));
		if (c->confirm != NULL)
			fprintf(out, "**Server evidence that confirms it:** "
			    "%s\n\n", c->confirm);
		fprintf(out, "Signatures:\n\n");
		for (j = 0; j < nr; j++) {
			const struct sw_rule *r = sw_rules_get(rs, j);
			const struct sw_cause *x = sw_rule_cause(r);
			if (x == NULL || strcmp(x->id, c->id) != 0)
				continue;
			fprintf(out, "* `%s` (%s, priority %d, from %sLogLevel "
			    "%s)%s\n",
			    sw_rule_id(r), sw_meaning_name(sw_rule_meaning(r)),
			    sw_rule_priority(r), client ? "ssh " : "",
			    sw_loglevel_name(sw_rule_level(r)),
			    sw_rule_nexamples(r) ? ":" : ": inferred when the "
			    "lines that would name another cause are missing");
			for (k = 0; k < sw_rule_nexamples(r) && k < 3; k++) {
				int must;
				const char *ex = sw_rule_example(r, k, &must);
				if (must)
					fprintf(out, "\n      %s\n", ex);
			}
			if (sw_rule_nexamples(r))
				fprintf(out, "\n");
		}
	}
	free(causes);
}

static void
sw_json_kv(struct sw_buf *b, const char *key, const char *val, int comma)
{
	sw_buf_addf(b, "%s\"%s\":\"", comma ? "," : "", key);
	sw_escape_json(b, sw_span_make(val, strlen(val)));
	sw_buf_addc(b, '"');
}

/* One cause as a JSON object: its words and every signature naming it. */
static void
sw_explain_json_cause(struct sw_buf *b, const struct sw_rules *rs,
    const struct sw_cause *c)
{
	size_t i, k, n = 0;

	sw_json_kv(b, "id", c->id, 0);
	sw_json_kv(b, "title", sw_cause_title(c), 1);
	sw_json_kv(b, "confidence", sw_confidence_name(c->confidence), 1);
	sw_json_kv(b, "explanation", sw_cause_explanation(c), 1);
	sw_json_kv(b, "fix", sw_cause_fix(c), 1);
	sw_buf_adds(b, ",\"signatures\":[");
	for (i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);
		const struct sw_cause *x = sw_rule_cause(r);
		size_t m = 0;
		if (x == NULL || strcmp(x->id, c->id) != 0)
			continue;
		sw_buf_adds(b, n++ ? ",{" : "{");
		sw_json_kv(b, "rule", sw_rule_id(r), 0);
		sw_json_kv(b, "meaning", sw_meaning_name(sw_rule_meaning(r)), 1);
		sw_json_kv(b, "level", sw_loglevel_name(sw_rule_level(r)), 1);
		sw_buf_adds(b, ",\"examples\":[");
		for (k = 0; k < sw_rule_nexamples(r); k++) {
			int must;
			const char *ex = sw_rule_example(r, k, &must);
			if (!must)
				continue;
			sw_buf_adds(b, m++ ? ",\"" : "\"");
			sw_escape_json(b, sw_span_make(ex, strlen(ex)));
			sw_buf_addc(b, '"');
		}
		sw_buf_adds(b, "]}");
	}
	sw_buf_adds(b, "]");
}

/* `explain --format json`: one cause, or {"causes":[...]} sorted by id. */
static void
sw_explain_json(const struct sw_rules *rs, const struct sw_cause *one,
    FILE *out)
{
	struct sw_buf b;
	size_t i, n = 0, nr = sw_rules_count(rs);

	sw_buf_init(&b, (size_t)64 << 20);
	if (one != NULL) {
		sw_buf_adds(&b, "{");
		sw_explain_json_cause(&b, rs, one);
		sw_buf_adds(&b, "}\n");
	} else {
		const struct sw_cause **causes = sw_xcalloc(nr + 1,
		    sizeof(*causes));
		for (i = 0; i < nr; i++) {
			const struct sw_rule *r = sw_rules_get(rs, i);
			const struct sw_cause *c = sw_rule_cause(r);
			if (c != NULL && sw_rules_find_cause(rs, c->id) == r)
				causes[n++] = c;
		}
		qsort(causes, n, sizeof(*causes), sw_cause_id_cmp);
		sw_buf_addf(&b, "{\"sshwhy\":\"%s\",\"language\":\"%s\","
		    "\"causes\":[", SW_VERSION, sw_lang_code(sw_lang_get()));
		for (i = 0; i < n; i++) {
			sw_buf_adds(&b, i ? ",\n{" : "\n{");
			sw_explain_json_cause(&b, rs, causes[i]);
			sw_buf_adds(&b, "}");
		}
		sw_buf_adds(&b, "]}\n");
		free(causes);
	}
	fwrite(b.p, 1, b.len, out);
	sw_buf_free(&b);
}

int
sw_run_explain(const char *rules_dir, const char *overlay, const char *cause,
    const char *format, FILE *out, FILE *err)
{
	struct sw_diag *diag = sw_diag_new(err, 1000);
	struct sw_rules *rs = NULL;
	const struct sw_rule *r;
	size_t i;
	int rc = SW_EXIT_USAGE;
	int json = 0;

	if (format != NULL && strcmp(format, "json") == 0)
		json = 1;
	else if (format != NULL && strcmp(format, "text") != 0 &&
	    strcmp(format, "markdown") != 0) {
		fprintf(err, SW_("sshwhy: explain writes text, markdown or json, "
		    "not '%s'\n"), format);
		goto out;
	}
	if ((rs = sw_rules_load_merged(rules_dir, overlay, diag)) == NULL)
		goto out;
	if (cause == NULL) {
		if (json)
			sw_explain_json(rs, NULL, out);
		else
			sw_explain_all(rs, out);
		rc = 0;
		goto out;
	}
	if ((r = sw_rules_find_cause(rs, cause)) == NULL) {
		fprintf(err, SW_("sshwhy: no cause '%s'; known causes:"), cause);
		for (i = 0; i < sw_rules_count(rs); i++) {
			const struct sw_cause *c = sw_rule_cause(sw_rules_get(rs, i));
			if (c != NULL && sw_rules_find_cause(rs, c->id) ==
			    sw_rules_get(rs, i))
				fprintf(err, " %s", c->id);
		}
		fprintf(err, "\n");
		goto out;
	}
	if (json) {
		sw_explain_json(rs, sw_rule_cause(r), out);
		rc = 0;
		goto out;
	}
	{
		const struct sw_cause *c = sw_rule_cause(r);
		fprintf(out, SW_("%s: %s\n\n%s\n\nFix: %s\n\nSignatures:"),
		    c->id, sw_cause_title(c), sw_cause_explanation(c),
		    sw_cause_fix(c));
		for (i = 0; i < sw_rules_count(rs); i++) {
			const struct sw_cause *x = sw_rule_cause(sw_rules_get(rs, i));
			if (x != NULL && strcmp(x->id, cause) == 0)
				fprintf(out, " %s (%s)", sw_rule_id(sw_rules_get(rs, i)),
				    sw_loglevel_name(sw_rule_level(sw_rules_get(rs, i))));
		}
		fprintf(out, "\n");
	}
	rc = 0;
out:
	sw_rules_free(rs);
	sw_diag_free(diag);
	return rc;
}
