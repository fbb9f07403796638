/*
 * s5_noise.c: per-address failure history in bounded tables. Each address
 * keeps the times of its last 5 failures and up to 3 invalid user names,
 * which is all the two noise rules need; memory is bounded by the address
 * ceiling, whatever the input size. Entries are one allocation each (the
 * key inline) in the shared hash table of stage 0.
 */
#include <stdlib.h>
#include <string.h>

#include "s5_noise.h"

#define SW_NOISE_BURST 5			/* failures ... */
#define SW_NOISE_WINDOW_US ((int64_t)600 * 1000000)	/* ... in 10 min */
#define SW_NOISE_INVALID 3			/* distinct invalid names */
#define SW_NOISE_MAX_IPS 200000
#define SW_NOISE_MAX_COUNTED 20000

struct sw_ipstat {
	int64_t times[SW_NOISE_BURST];	/* ring of the last failures */
	uint32_t invalid_hash[SW_NOISE_INVALID];
	uint8_t ntimes, head, ninvalid, noisy;
	char ip[];			/* NUL-terminated */
};

struct sw_counted {
	uint64_t count;
	char key[];
};

struct sw_counter {
	struct sw_htab t;
	size_t n;
	uint64_t overflow;
	struct sw_noise_top *top;
	size_t ntop;
};

struct sw_noise {
	struct sw_htab ips_seen;	/* struct sw_ipstat */
	size_t nips;
	uint64_t total;
	struct sw_counter ips, users;
};

static uint64_t
sw_fnv(const char *s)
{
	return sw_hash_bytes(s, strlen(s));
}

static int
sw_ipstat_eq(const void *item, const void *key)
{
	return strcmp(((const struct sw_ipstat *)item)->ip, key) == 0;
}

static int
sw_counted_eq(const void *item, const void *key)
{
	return strcmp(((const struct sw_counted *)item)->key, key) == 0;
}

/* Frees every item of a table whose items are plain allocations. */
static void
sw_htab_free_items(struct sw_htab *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->s[i].item);
	sw_htab_free(t);
}

struct sw_noise *
sw_noise_new(void)
{
	return sw_xcalloc(1, sizeof(struct sw_noise));
}

static void
sw_counter_free(struct sw_counter *c)
{
	sw_htab_free_items(&c->t);
	free(c->top);
}

void
sw_noise_free(struct sw_noise *n)
{
	if (n == NULL)
		return;
	sw_htab_free_items(&n->ips_seen);
	sw_counter_free(&n->ips);
	sw_counter_free(&n->users);
	free(n);
}

static struct sw_ipstat *
sw_ipstat(const struct sw_noise *n, const char *ip, uint64_t h)
{
	return sw_htab_find(&n->ips_seen, h, sw_ipstat_eq, ip);
}

/* Records f; its address's history, or NULL when it has none. */
static struct sw_ipstat *
sw_noise_record(struct sw_noise *n, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;
	struct sw_ipstat *s;
	unsigned i, oldest;
	uint64_t hip;

	if (c->ip == NULL)
		return NULL;
	hip = sw_fnv(c->ip);
	if ((s = sw_ipstat(n, c->ip, hip)) == NULL) {
		size_t len = strlen(c->ip);
		if (n->nips >= SW_NOISE_MAX_IPS)
			return NULL;
		s = sw_xcalloc(1, sizeof(*s) + len + 1);
		memcpy(s->ip, c->ip, len + 1);
		sw_htab_put(&n->ips_seen, hip, s);
		n->nips++;
	}
	s->times[s->head] = c->start_us;
	s->head = (s->head + 1) % SW_NOISE_BURST;
	if (s->ntimes < SW_NOISE_BURST)
		s->ntimes++;
	oldest = s->head;	/* the oldest of a full ring */
	if (s->ntimes == SW_NOISE_BURST &&
	    c->start_us - s->times[oldest] <= SW_NOISE_WINDOW_US)
		s->noisy = 1;
	if (c->user_invalid && c->user != NULL &&
	    s->ninvalid < SW_NOISE_INVALID) {
		uint32_t h = (uint32_t)sw_fnv(c->user);
		for (i = 0; i < s->ninvalid && s->invalid_hash[i] != h; i++)
			;
		if (i == s->ninvalid)
			s->invalid_hash[s->ninvalid++] = h;
		if (s->ninvalid >= SW_NOISE_INVALID)
			s->noisy = 1;
	}
	return s;
}

void
sw_noise_observe(struct sw_noise *n, const struct sw_finding *f)
{
	(void)sw_noise_record(n, f);
}

static int
sw_scanner_cause(const char *cause)
{
	static const char *const scanner_causes[] = {
		"wrong-password", "invalid-user", "user-not-allowed",
		"root-login-refused", "too-many-auth-failures",
		"insufficient-logging", "negotiation-failed", "undetermined",
		"connection-dropped", "tcp-wrappers-refused",
	};
	size_t i;

	for (i = 0; i < sizeof(scanner_causes) / sizeof(scanner_causes[0]); i++)
		if (strcmp(cause, scanner_causes[i]) == 0)
			return 1;
	return 0;
}

int
sw_noise_observe_is(struct sw_noise *n, const struct sw_finding *f)
{
	const struct sw_ipstat *s = sw_noise_record(n, f);

	return s != NULL && s->noisy && (f->conn->user_invalid ||
	    sw_scanner_cause(f->cause->id));
}

int
sw_noise_is(const struct sw_noise *n, const char *ip, const char *cause,
    int invalid_user)
{
	const struct sw_ipstat *s;

	if (ip == NULL || (s = sw_ipstat(n, ip, sw_fnv(ip))) == NULL ||
	    !s->noisy)
		return 0;
	if (invalid_user)
		return 1;
	return sw_scanner_cause(cause);
}

static void
sw_counter_add(struct sw_counter *c, const char *key)
{
	uint64_t h = sw_fnv(key);
	struct sw_counted *e;
	size_t len;

	if ((e = sw_htab_find(&c->t, h, sw_counted_eq, key)) != NULL) {
		e->count++;
		return;
	}
	if (c->n >= SW_NOISE_MAX_COUNTED) {
		c->overflow++;
		return;
	}
	len = strlen(key);
	e = sw_xcalloc(1, sizeof(*e) + len + 1);
	memcpy(e->key, key, len + 1);
	e->count = 1;
	sw_htab_put(&c->t, h, e);
	c->n++;
}

void
sw_noise_count(struct sw_noise *n, const char *ip, const char *user)
{
	n->total++;
	sw_counter_add(&n->ips, ip != NULL ? ip : "(unknown)");
	sw_counter_add(&n->users, user != NULL ? user : "(none)");
}

uint64_t
sw_noise_total(const struct sw_noise *n)
{
	return n->total;
}

size_t
sw_noise_addresses(const struct sw_noise *n)
{
	return n->ips.n;
}

static int
sw_top_cmp(const void *a, const void *b)
{
	const struct sw_noise_top *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The 10 most frequent keys, count then key order (deterministic). */
static size_t
sw_counter_top(struct sw_counter *c, const struct sw_noise_top **out)
{
	size_t i, k = 0;

	free(c->top);
	c->top = sw_xcalloc(c->n + 1, sizeof(*c->top));
	for (i = 0; i < c->t.cap; i++) {
		struct sw_counted *e = c->t.s[i].item;
		if (e != NULL) {
			c->top[k].key = e->key;
			c->top[k].count = e->count;
			k++;
		}
	}
	qsort(c->top, k, sizeof(*c->top), sw_top_cmp);
	c->ntop = k < 10 ? k : 10;
	*out = c->top;
	return c->ntop;
}

size_t
sw_noise_top_ips(struct sw_noise *n, const struct sw_noise_top **out)
{
	return sw_counter_top(&n->ips, out);
}

size_t
sw_noise_top_users(struct sw_noise *n, const struct sw_noise_top **out)
{
	return sw_counter_top(&n->users, out);
}
