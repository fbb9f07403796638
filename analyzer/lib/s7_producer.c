/*
 * s7_producer.c: one input stream read, parsed and matched in a thread of
 * its own (--threads). The thread fills batches: up to SW_BATCH_ITEMS
 * records whose line bytes are copied into the batch's arena, each with
 * its event already matched, and the diagnostics its reading gave, each
 * tagged with the record it came before. At most SW_QUEUE_DEPTH full
 * batches wait for the main thread, so memory stays bounded whatever the
 * input; the thread waits when the queue is full.
 *
 * Matching here is safe because it has no state from one line to the next:
 * a matcher holds only its PCRE2 match data, JIT stack, dispatch table
 * (read-only after sw_matcher_new), a scratch buffer and counters; each
 * thread has its own, and the compiled rule set is shared read-only.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "s7_producer.h"

#define SW_BATCH_ITEMS 1024
#define SW_BATCH_ARENA ((size_t)128 << 10)
#define SW_BATCH_SLACK 64	/* zeroed bytes after the arena: JIT read-ahead */
#define SW_BATCH_MSGS 4096	/* messages in one batch before it is handed on */
#define SW_QUEUE_DEPTH 4

/* Messages recorded before item `idx` of the batch was read. */
struct sw_msg_group {
	size_t idx;
	struct sw_diag_msg *m;
	size_t n;
};

struct sw_batch {
	struct sw_item *items;
	size_t n;
	char *arena;
	size_t used, cap;
	struct sw_msg_group *groups;
	size_t ngroups, capgroups, nmsgs;
	int last;		/* the stream ends after this batch */
	struct sw_batch *next;	/* free list */
};

struct sw_producer {
	struct sw_input *in;
	struct sw_format *fmt;
	struct sw_diag *rdiag;
	struct sw_matcher *m;
	int match_client;
	pthread_t tid;
	int joined;
	atomic_int stop;
	double cpu_s;		/* the thread's CPU time, when it ended */

	pthread_mutex_t mu;
	pthread_cond_t has_data, has_space;
	struct sw_batch *queue[SW_QUEUE_DEPTH];
	size_t qhead, qlen;
	struct sw_batch *free_list;
	struct sw_batch *all[SW_QUEUE_DEPTH + 3];
	size_t nall;

	/* Consumer side (main thread). */
	struct sw_batch *cur;
	size_t pos, gpos;
	int done;
};

static struct sw_batch *
sw_batch_new(size_t cap)
{
	struct sw_batch *b = sw_xcalloc(1, sizeof(*b));

	b->items = sw_xcalloc(SW_BATCH_ITEMS, sizeof(*b->items));
	b->cap = cap;
	b->arena = sw_xcalloc(1, cap + SW_BATCH_SLACK);
	return b;
}

static void
sw_batch_reset(struct sw_batch *b)
{
	size_t i;

	for (i = 0; i < b->ngroups; i++)
		sw_diag_msgs_free(b->groups[i].m, b->groups[i].n);
	b->ngroups = b->nmsgs = 0;
	b->n = b->used = 0;
	b->last = 0;
}

static void
sw_batch_free(struct sw_batch *b)
{
	if (b == NULL)
		return;
	sw_batch_reset(b);
	free(b->groups);
	free(b->items);
	free(b->arena);
	free(b);
}

/* An empty batch's arena made big enough for one long line (up to
 * --max-line); it keeps that size while the stream is read. */
static void
sw_batch_grow(struct sw_batch *b, size_t need)
{
	free(b->arena);
	b->cap = need;
	b->arena = sw_xcalloc(1, need + SW_BATCH_SLACK);
}

/* Moves what the recorder holds into the batch, before item b->n. */
static void
sw_batch_take_msgs(struct sw_batch *b, struct sw_diag *rdiag)
{
	struct sw_msg_group *g;

	if (sw_diag_nrecorded(rdiag) == 0)
		return;
	if (b->ngroups == b->capgroups) {
		b->capgroups = b->capgroups ? 2 * b->capgroups : 8;
		b->groups = sw_xreallocarray(b->groups, b->capgroups,
		    sizeof(*b->groups));
	}
	g = &b->groups[b->ngroups++];
	g->idx = b->n;
	g->m = sw_diag_take(rdiag, &g->n);
	b->nmsgs += g->n;
}

static int
sw_within(struct sw_span s, struct sw_span line)
{
	uintptr_t p = (uintptr_t)s.p, a = (uintptr_t)line.p;

	return p >= a && p + s.len <= a + line.len;
}

/* A record's span moved into the batch: into the copied line when it was
 * in the line, else copied on its own (a static name such as "sshd"). */
static struct sw_span
sw_batch_span(struct sw_batch *b, struct sw_span s, struct sw_span line,
    const char *copy)
{
	char *q;

	if (s.p == NULL)
		return s;
	if (sw_within(s, line))
		return sw_span_make(copy + (s.p - line.p), s.len);
	q = b->arena + b->used;
	if (s.len > 0)
		memcpy(q, s.p, s.len);
	b->used += s.len;
	return sw_span_make(q, s.len);
}

static size_t
sw_outside(struct sw_span s, struct sw_span line)
{
	return s.p == NULL || sw_within(s, line) ? 0 : s.len;
}

/* Bytes one record needs in the arena. */
static size_t
sw_item_need(const struct sw_record *r, struct sw_span line)
{
	return line.len + sw_outside(r->host, line) +
	    sw_outside(r->program, line) + sw_outside(r->message, line) +
	    sw_outside(r->raw, line);
}

static void
sw_batch_add(struct sw_producer *p, struct sw_batch *b,
    const struct sw_record *r, struct sw_span line)
{
	struct sw_item *it = &b->items[b->n++];
	char *copy = b->arena + b->used;

	if (line.len > 0)
		memcpy(copy, line.p, line.len);
	b->used += line.len;
	it->rec = *r;
	it->rec.host = sw_batch_span(b, r->host, line, copy);
	it->rec.program = sw_batch_span(b, r->program, line, copy);
	it->rec.message = sw_batch_span(b, r->message, line, copy);
	it->rec.raw = sw_batch_span(b, r->raw, line, copy);
	if (!it->rec.client || p->match_client)
		it->st = sw_match_record(p->m, &it->rec, &it->ev);
	else
		it->st = SW_EOF;
}

/* An empty batch for the thread to fill (never waits: see the count). */
static struct sw_batch *
sw_batch_get(struct sw_producer *p)
{
	struct sw_batch *b;

	pthread_mutex_lock(&p->mu);
	if ((b = p->free_list) != NULL)
		p->free_list = b->next;
	else if (p->nall < sizeof(p->all) / sizeof(p->all[0]))
		b = p->all[p->nall++] = sw_batch_new(SW_BATCH_ARENA);
	pthread_mutex_unlock(&p->mu);
	if (b == NULL)
		abort();	/* more batches than the queue allows: a bug */
	sw_batch_reset(b);
	return b;
}

/* Hands a full batch on; waits while the queue is full. 0, or -1 when
 * the consumer stopped the thread. */
static int
sw_batch_push(struct sw_producer *p, struct sw_batch *b)
{
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	while (p->qlen == SW_QUEUE_DEPTH && !atomic_load(&p->stop))
		pthread_cond_wait(&p->has_space, &p->mu);
	if (atomic_load(&p->stop)) {
		b->next = p->free_list;
		p->free_list = b;
		rc = -1;
	} else {
		p->queue[(p->qhead + p->qlen++) % SW_QUEUE_DEPTH] = b;
		pthread_cond_signal(&p->has_data);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

static void *
sw_producer_main(void *arg)
{
	struct sw_producer *p = arg;
	struct sw_batch *b = sw_batch_get(p);
	struct sw_line line;
	struct sw_record rec;

	while (!atomic_load_explicit(&p->stop, memory_order_relaxed) &&
	    sw_input_next(p->in, &line) == SW_OK) {
		size_t need;

		if (sw_format_parse(p->fmt, &line, &rec) != SW_OK) {
			/* Lines without a record can still give messages:
			 * keep them bounded too. */
			if (sw_diag_nrecorded(p->rdiag) < 64)
				continue;
			sw_batch_take_msgs(b, p->rdiag);
			if (b->nmsgs < SW_BATCH_MSGS)
				continue;
			if (sw_batch_push(p, b) != 0)
				return NULL;
			b = sw_batch_get(p);
			continue;
		}
		sw_batch_take_msgs(b, p->rdiag);
		need = sw_item_need(&rec, line.text);
		if (b->n == SW_BATCH_ITEMS || b->used + need > b->cap ||
		    b->nmsgs >= SW_BATCH_MSGS) {
			if (b->n > 0 || b->nmsgs > 0) {
				if (sw_batch_push(p, b) != 0)
					return NULL;
				b = sw_batch_get(p);
			}
			if (need > b->cap)
				sw_batch_grow(b, need);
		}
		sw_batch_add(p, b, &rec, line.text);
	}
	sw_batch_take_msgs(b, p->rdiag);
	b->last = 1;
	{
		struct timespec ts;
		if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
			p->cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	(void)sw_batch_push(p, b);
	return NULL;
}

struct sw_producer *
sw_producer_start(struct sw_input *in, struct sw_format *fmt,
    struct sw_diag *rdiag, const struct sw_rules *rs, int match_client)
{
	struct sw_producer *p = sw_xcalloc(1, sizeof(*p));

	p->in = in;
	p->fmt = fmt;
	p->rdiag = rdiag;
	p->match_client = match_client;
	atomic_init(&p->stop, 0);
	p->m = sw_matcher_new(rs, NULL);
	if (p->m == NULL)
		goto fail;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->has_data, NULL);
	pthread_cond_init(&p->has_space, NULL);
	if (pthread_create(&p->tid, NULL, sw_producer_main, p) != 0) {
		pthread_cond_destroy(&p->has_space);
		pthread_cond_destroy(&p->has_data);
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	return p;
fail:
	sw_matcher_free(p->m);
	free(p);
	return NULL;
}

const struct sw_item *
sw_producer_next(struct sw_producer *p, struct sw_diag *diag)
{
	struct sw_batch *b;

	for (;;) {
		if (p->done)
			return NULL;
		if ((b = p->cur) == NULL) {
			pthread_mutex_lock(&p->mu);
			while (p->qlen == 0)
				pthread_cond_wait(&p->has_data, &p->mu);
			b = p->cur = p->queue[p->qhead];
			p->qhead = (p->qhead + 1) % SW_QUEUE_DEPTH;
			p->qlen--;
			pthread_cond_signal(&p->has_space);
			pthread_mutex_unlock(&p->mu);
			p->pos = p->gpos = 0;
		}
		while (p->gpos < b->ngroups && b->groups[p->gpos].idx == p->pos) {
			sw_diag_replay(diag, b->groups[p->gpos].m,
			    b->groups[p->gpos].n);
			p->gpos++;
		}
		if (p->pos < b->n)
			return &b->items[p->pos++];
		if (b->last) {
			p->done = 1;
			return NULL;
		}
		pthread_mutex_lock(&p->mu);
		b->next = p->free_list;
		p->free_list = b;
		pthread_mutex_unlock(&p->mu);
		p->cur = NULL;
	}
}

void
sw_producer_join(struct sw_producer *p)
{
	if (p == NULL || p->joined)
		return;
	if (!p->done) {
		pthread_mutex_lock(&p->mu);
		atomic_store(&p->stop, 1);
		pthread_cond_broadcast(&p->has_space);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_join(p->tid, NULL);
	p->joined = 1;
}

double
sw_producer_cpu(const struct sw_producer *p)
{
	return p->cpu_s;
}

const struct sw_match_stats *
sw_producer_match_stats(const struct sw_producer *p)
{
	return sw_match_stats(p->m);
}

void
sw_producer_free(struct sw_producer *p)
{
	size_t i;

	if (p == NULL)
		return;
	sw_producer_join(p);
	for (i = 0; i < p->nall; i++)
		sw_batch_free(p->all[i]);
	sw_matcher_free(p->m);
	pthread_cond_destroy(&p->has_space);
	pthread_cond_destroy(&p->has_data);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
