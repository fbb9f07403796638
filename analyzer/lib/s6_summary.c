/*
 * s6_summary.c: successes after failures and the daily report (see
 * s6_summary.h). Failed logins are tallied by (cause, user, address,
 * invalid) so memory follows distinct combinations, not the number of
 * failures; whether a tally is attack noise is decided at the end, the
 * same way the report decides it for each finding.
 */
#include <stdlib.h>
#include <string.h>

#include "s6_summary.h"

/* A bounded map from strings to counts (open addressing). */
struct sw_smap {
	char **keys;
	uint64_t *vals;
	size_t cap, n, max;
	int full;
};

static uint64_t
sw_hash(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
sw_smap_init(struct sw_smap *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

static void
sw_smap_free(struct sw_smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

static size_t
sw_smap_slot(const struct sw_smap *m, const char *k)
{
	size_t i = (size_t)(sw_hash(k, 1469598103934665603ULL) % m->cap);

	while (m->keys[i] != NULL && strcmp(m->keys[i], k) != 0)
		i = (i + 1) % m->cap;
	return i;
}

static uint64_t
sw_smap_get(const struct sw_smap *m, const char *k)
{
	size_t i;

	if (m->cap == 0 || k == NULL)
		return 0;
	i = sw_smap_slot(m, k);
	return m->keys[i] ? m->vals[i] : 0;
}

static void
sw_smap_add(struct sw_smap *m, const char *k, uint64_t v)
{
	size_t i;

	if (k == NULL)
		return;
	if (m->n * 2 >= m->cap) {
		struct sw_smap g;
		size_t j;
		if (m->n >= m->max) {
			if (m->cap > 0 && m->keys[sw_smap_slot(m, k)] != NULL)
				m->vals[sw_smap_slot(m, k)] += v;
			else
				m->full = 1;
			return;
		}
		g = *m;
		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = sw_xcalloc(m->cap, sizeof(*m->keys));
		m->vals = sw_xcalloc(m->cap, sizeof(*m->vals));
		for (j = 0; j < g.cap; j++) {
			if (g.keys[j] == NULL)
				continue;
			i = sw_smap_slot(m, g.keys[j]);
			m->keys[i] = g.keys[j];
			m->vals[i] = g.vals[j];
		}
		free(g.keys);
		free(g.vals);
	}
	i = sw_smap_slot(m, k);
	if (m->keys[i] == NULL) {
		m->keys[i] = sw_xstrdup(k);
		m->n++;
	}
	m->vals[i] += v;
}

struct sw_tally {
	const struct sw_cause *cause;	/* owned by the rule set */
	char *user, *ip;
	int invalid;
	uint64_t count;
	int noise;
};

struct sw_succ {
	char *user, *ip, *method, *key;
	int64_t time_us;
	int utc_off_min;
	uint64_t ip_failed_before;
};

struct sw_digest {
	struct sw_tally *t;
	size_t nt, capt;
	size_t *idx;		/* hash index into t, SIZE_MAX empty */
	size_t capidx;
	uint64_t untracked;	/* failures over the tally ceiling */
	struct sw_smap ipfail, userfail;
	struct sw_succ *s;
	size_t ns;
	uint64_t nsucc;
};

struct sw_digest *
sw_digest_new(void)
{
	struct sw_digest *d = sw_xcalloc(1, sizeof(*d));

	sw_smap_init(&d->ipfail, SW_DIGEST_MAX_KEYS);
	sw_smap_init(&d->userfail, SW_DIGEST_MAX_KEYS);
	return d;
}

void
sw_digest_free(struct sw_digest *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nt; i++) {
		free(d->t[i].user);
		free(d->t[i].ip);
	}
	for (i = 0; i < d->ns; i++) {
		free(d->s[i].user);
		free(d->s[i].ip);
		free(d->s[i].method);
		free(d->s[i].key);
	}
	free(d->t);
	free(d->idx);
	free(d->s);
	sw_smap_free(&d->ipfail);
	sw_smap_free(&d->userfail);
	free(d);
}

static int
sw_streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static uint64_t
sw_tally_hash(const char *cause, const char *user, const char *ip, int inv)
{
	uint64_t h = sw_hash(cause, 1469598103934665603ULL);

	h = sw_hash(user ? user : "", (h ^ 0x1) * 1099511628211ULL);
	h = sw_hash(ip ? ip : "", (h ^ 0x2) * 1099511628211ULL);
	return h ^ (uint64_t)inv;
}

static void
sw_tally_reindex(struct sw_digest *d)
{
	size_t i, j;

	free(d->idx);
	d->capidx = d->capidx ? d->capidx * 2 : 256;
	d->idx = sw_xcalloc(d->capidx, sizeof(*d->idx));
	for (i = 0; i < d->capidx; i++)
		d->idx[i] = SIZE_MAX;
	for (i = 0; i < d->nt; i++) {
		j = (size_t)(sw_tally_hash(d->t[i].cause->id, d->t[i].user,
		    d->t[i].ip, d->t[i].invalid) % d->capidx);
		while (d->idx[j] != SIZE_MAX)
			j = (j + 1) % d->capidx;
		d->idx[j] = i;
	}
}

void
sw_digest_failure_counts(struct sw_digest *d, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;

	sw_smap_add(&d->ipfail, c->ip, 1);
	if (!c->user_invalid)
		sw_smap_add(&d->userfail, c->user, 1);
}

void
sw_digest_failure(struct sw_digest *d, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;
	size_t j;

	sw_digest_failure_counts(d, f);
	if (d->nt * 2 >= d->capidx)
		sw_tally_reindex(d);
	j = (size_t)(sw_tally_hash(f->cause->id, c->user, c->ip,
	    c->user_invalid) % d->capidx);
	while (d->idx[j] != SIZE_MAX) {
		struct sw_tally *t = &d->t[d->idx[j]];
		if (strcmp(t->cause->id, f->cause->id) == 0 &&
		    sw_streq(t->user, c->user) && sw_streq(t->ip, c->ip) &&
		    t->invalid == c->user_invalid) {
			t->count++;
			return;
		}
		j = (j + 1) % d->capidx;
	}
	if (d->nt >= SW_DIGEST_MAX_KEYS) {
		d->untracked++;
		return;
	}
	if (d->nt == d->capt) {
		d->capt = d->capt ? d->capt * 2 : 64;
		d->t = sw_xreallocarray(d->t, d->capt, sizeof(*d->t));
	}
	d->t[d->nt].cause = f->cause;
	d->t[d->nt].user = c->user ? sw_xstrdup(c->user) : NULL;
	d->t[d->nt].ip = c->ip ? sw_xstrdup(c->ip) : NULL;
	d->t[d->nt].invalid = c->user_invalid;
	d->t[d->nt].count = 1;
	d->t[d->nt].noise = 0;
	d->idx[j] = d->nt++;
}

void
sw_digest_success(struct sw_digest *d, const struct sw_success *s)
{
	const struct sw_conn *c = s->conn;
	struct sw_succ *x;

	d->nsucc++;
	if (d->ns >= SW_DIGEST_MAX_SUCCESS)
		return;
	d->s = sw_xreallocarray(d->s, d->ns + 1, sizeof(*d->s));
	x = &d->s[d->ns++];
	memset(x, 0, sizeof(*x));
	x->user = c->user ? sw_xstrdup(c->user) : NULL;
	x->ip = c->ip ? sw_xstrdup(c->ip) : NULL;
	x->method = sw_xstrdup(s->method ? s->method : "unknown");
	x->key = s->key ? sw_xstrdup(s->key) : NULL;
	x->time_us = c->start_us;
	x->utc_off_min = c->utc_off_min;
	x->ip_failed_before = sw_smap_get(&d->ipfail, c->ip);
}

uint64_t
sw_digest_successes(const struct sw_digest *d)
{
	return d->nsucc;
}

static void
sw_tstr(struct sw_buf *b, const char *s)
{
	if (s == NULL)
		sw_buf_adds(b, "(none)");
	else
		sw_escape_text(b, sw_span_make(s, strlen(s)));
}

static void
sw_jstr(struct sw_buf *b, const char *key, const char *s)
{
	sw_buf_addf(b, "\"%s\":", key);
	if (s == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, sw_span_make(s, strlen(s)));
	sw_buf_addc(b, '"');
}

/* One {"field":"key","count":N} element of a JSON array. */
static void
sw_jcount(struct sw_buf *b, int first, const char *field, const char *key,
    uint64_t count)
{
	sw_buf_adds(b, first ? "{" : ",{");
	sw_jstr(b, field, key);
	sw_buf_addf(b, ",\"count\":%llu}", (unsigned long long)count);
}

/* Whether success i is one to call out, and why (1: address, 2: user). */
static int
sw_callout_kind(const struct sw_digest *d, size_t i, uint64_t *n)
{
	const struct sw_succ *x = &d->s[i];

	if (x->ip_failed_before > 0) {
		*n = x->ip_failed_before;
		return 1;
	}
	if (x->user != NULL && (*n = sw_smap_get(&d->userfail, x->user)) > 0)
		return 2;
	return 0;
}

static void
sw_callout_text(struct sw_buf *b, const struct sw_succ *x, int kind,
    uint64_t n)
{
	sw_buf_adds(b, "  ");
	sw_buf_add_rfc3339(b, x->time_us, x->utc_off_min);
	sw_buf_adds(b, "  ");
	sw_tstr(b, x->user);
	sw_buf_adds(b, " from ");
	sw_tstr(b, x->ip);
	sw_buf_adds(b, " (");
	sw_tstr(b, x->method);
	if (x->key != NULL) {
		sw_buf_addc(b, ' ');
		sw_tstr(b, x->key);
	}
	sw_buf_adds(b, "): ");
	if (kind == 1)
		sw_buf_addf(b, "after %llu failed login%s from this address\n",
		    (unsigned long long)n, n == 1 ? "" : "s");
	else
		sw_buf_addf(b, "while %llu other login%s of this user failed\n",
		    (unsigned long long)n, n == 1 ? "" : "s");
}

void
sw_digest_callouts(struct sw_digest *d, struct sw_buf *out)
{
	size_t i, shown = 0, total = 0;
	uint64_t n;
	int k;

	for (i = 0; i < d->ns; i++)
		if (sw_callout_kind(d, i, &n) != 0)
			total++;
	if (total == 0)
		return;
	sw_buf_addf(out, "Successful logins after failures (%zu; a success "
	    "from an address that failed before can be a break-in):\n", total);
	for (i = 0; i < d->ns && shown < SW_DIGEST_MAX_CALLOUTS; i++) {
		if ((k = sw_callout_kind(d, i, &n)) == 0)
			continue;
		sw_callout_text(out, &d->s[i], k, n);
		shown++;
	}
	if (total > shown)
		sw_buf_addf(out, "  ... and %zu more\n", total - shown);
}

/* Is name in the sorted v? */
static int
sw_known_has(char *const *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], name);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Sorting helpers for the report's lists. */
struct sw_kv {
	const char *key;
	const char *title;
	uint64_t count;
};

static int
sw_kv_cmp(const void *a, const void *b)
{
	const struct sw_kv *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Adds count to key in a small list (linear: lists are per cause/user). */
static void
sw_kv_add(struct sw_kv **v, size_t *n, const char *key, const char *title,
    uint64_t count)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
			(*v)[i].count += count;
			return;
		}
	*v = sw_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = key;
	(*v)[*n].title = title;
	(*v)[*n].count = count;
	(*n)++;
}

int
sw_digest_report(struct sw_digest *d, FILE *out, const char *format,
    struct sw_noise *noise, const struct sw_digest_totals *t,
    const struct sw_digest_known *known,
    void (*new_name)(void *ctx, int is_user, const char *name), void *ctx)
{
	struct sw_kv *causes = NULL, *users = NULL, *newc = NULL, *newu = NULL;
	size_t ncauses = 0, nusers = 0, nnewc = 0, nnewu = 0, i, j;
	uint64_t real = 0, noisy = 0, n;
	size_t ncallouts = 0;
	const struct sw_noise_top *tips = NULL, *tusers = NULL;
	size_t ntips = 0, ntusers = 0;
	int json = strcmp(format, "json") == 0 || strcmp(format, "ndjson") == 0;
	struct sw_buf b;
	int wrote = 0;

	for (i = 0; i < d->nt; i++) {
		struct sw_tally *x = &d->t[i];
		x->noise = noise != NULL && sw_noise_is(noise, x->ip,
		    x->cause->id, x->invalid);
		if (x->noise) {
			noisy += x->count;
			for (n = 0; n < x->count; n++)
				sw_noise_count(noise, x->ip, x->user);
			continue;
		}
		real += x->count;
		sw_kv_add(&causes, &ncauses, x->cause->id, x->cause->title,
		    x->count);
		if (x->user != NULL)
			sw_kv_add(&users, &nusers, x->user, NULL, x->count);
		if (known != NULL && !sw_known_has(known->causes,
		    known->ncauses, x->cause->id))
			sw_kv_add(&newc, &nnewc, x->cause->id, x->cause->title,
			    x->count);
		if (known != NULL && x->user != NULL && !x->invalid &&
		    !sw_known_has(known->users, known->nusers, x->user))
			sw_kv_add(&newu, &nnewu, x->user, NULL, x->count);
	}
	for (i = 0; i < d->ns; i++)
		if (sw_callout_kind(d, i, &n) != 0)
			ncallouts++;
	if (noise != NULL) {
		ntips = sw_noise_top_ips(noise, &tips);
		ntusers = sw_noise_top_users(noise, &tusers);
	}
	if (ncauses > 1)
		qsort(causes, ncauses, sizeof(*causes), sw_kv_cmp);
	if (nusers > 1)
		qsort(users, nusers, sizeof(*users), sw_kv_cmp);
	if (nnewc > 1)
		qsort(newc, nnewc, sizeof(*newc), sw_kv_cmp);
	if (nnewu > 1)
		qsort(newu, nnewu, sizeof(*newu), sw_kv_cmp);
	for (i = 0; i < nnewc; i++)
		new_name(ctx, 0, newc[i].key);
	for (i = 0; i < nnewu; i++)
		new_name(ctx, 1, newu[i].key);
	if (out == NULL || (real == 0 && ncallouts == 0))
		goto out;	/* nothing new: quiet, for cron */

	sw_buf_init(&b, (size_t)64 << 20);
	if (!json) {
		sw_buf_adds(&b, "sshwhy report");
		if (t->first_us != 0) {
			sw_buf_adds(&b, ": connections from ");
			sw_buf_add_rfc3339(&b, t->first_us, t->utc_off_min);
			sw_buf_adds(&b, " to ");
			sw_buf_add_rfc3339(&b, t->last_us, t->utc_off_min);
		}
		sw_buf_addc(&b, '\n');
		if (t->filter != NULL && *t->filter) {
			sw_buf_adds(&b, "Selected: ");
			sw_tstr(&b, t->filter);
			sw_buf_addc(&b, '\n');
		}
		sw_buf_addf(&b, "\n%llu connections: %llu failed logins (%llu "
		    "of real users, %llu attack noise), %llu successful, %llu "
		    "closed before a user name.\n",
		    (unsigned long long)t->connections,
		    (unsigned long long)t->failed, (unsigned long long)real,
		    (unsigned long long)noisy, (unsigned long long)t->succeeded,
		    (unsigned long long)t->noauth);
		if (t->partial)
			sw_buf_adds(&b, "Some input could not be read (see the "
			    "messages on stderr).\n");
		if (known != NULL && !known->have)
			sw_buf_adds(&b, "First run with this state file: "
			    "everything is new.\n");
		if (nnewc + nnewu > 0) {
			sw_buf_adds(&b, "\nNew since the last run:\n");
			for (i = 0; i < nnewc; i++)
				sw_buf_addf(&b, "  cause %-28s %s (%llu)\n",
				    newc[i].key, newc[i].title,
				    (unsigned long long)newc[i].count);
			for (i = 0; i < nnewu; i++) {
				sw_buf_adds(&b, "  failing user ");
				sw_tstr(&b, newu[i].key);
				sw_buf_addf(&b, " (%llu)\n",
				    (unsigned long long)newu[i].count);
			}
		}
		if (ncallouts > 0) {
			sw_buf_addc(&b, '\n');
			sw_digest_callouts(d, &b);
		}
		if (ncauses > 0) {
			sw_buf_adds(&b, "\nFailed logins of real users by "
			    "cause:\n");
			for (i = 0; i < ncauses; i++)
				sw_buf_addf(&b, "  %6llu  %-28s %s\n",
				    (unsigned long long)causes[i].count,
				    causes[i].key, causes[i].title);
		}
		if (nusers > 0) {
			sw_buf_adds(&b, "\nFailed logins of real users by user:\n");
			for (i = 0; i < nusers; i++) {
				sw_buf_addf(&b, "  %6llu  ", (unsigned long long)
				    users[i].count);
				sw_tstr(&b, users[i].key);
				sw_buf_adds(&b, ":");
				for (j = 0; j < d->nt; j++) {
					const struct sw_tally *x = &d->t[j];
					if (x->noise || x->user == NULL ||
					    strcmp(x->user, users[i].key) != 0)
						continue;
					sw_buf_addf(&b, " %s from ", x->cause->id);
					sw_tstr(&b, x->ip);
					sw_buf_addf(&b, " (%llu);",
					    (unsigned long long)x->count);
				}
				if (b.len > 0 && b.p[b.len - 1] == ';')
					b.p[--b.len] = '\0';
				sw_buf_addc(&b, '\n');
			}
		}
		if (noisy > 0) {
			size_t na = noise ? sw_noise_addresses(noise) : 0;
			sw_buf_addf(&b, "\nAttack noise: %llu failed login%s from "
			    "%zu address%s.\n  top addresses: ",
			    (unsigned long long)noisy, noisy == 1 ? "" : "s",
			    na, na == 1 ? "" : "es");
			for (i = 0; i < ntips; i++) {
				sw_buf_adds(&b, i ? ", " : "");
				sw_tstr(&b, tips[i].key);
				sw_buf_addf(&b, " (%llu)",
				    (unsigned long long)tips[i].count);
			}
			sw_buf_adds(&b, "\n  top user names: ");
			for (i = 0; i < ntusers; i++) {
				sw_buf_adds(&b, i ? ", " : "");
				sw_tstr(&b, tusers[i].key);
				sw_buf_addf(&b, " (%llu)",
				    (unsigned long long)tusers[i].count);
			}
			sw_buf_addc(&b, '\n');
		}
		if (d->untracked > 0)
			sw_buf_addf(&b, "(%llu failed logins over the table "
			    "ceiling are in the totals only.)\n",
			    (unsigned long long)d->untracked);
		sw_buf_adds(&b, "\nDetails: sshwhy --user NAME, --from ADDRESS or "
		    "--cause ID over the same logs; --timeline for every "
		    "connection.\n");
	} else {
		sw_buf_addf(&b, "{\"report\":\"summary\",\"connections\":%llu,"
		    "\"failed\":%llu,\"failed_real\":%llu,\"noise\":%llu,"
		    "\"succeeded\":%llu,\"no_auth\":%llu,\"input_partial\":%s,"
		    "\"first_run\":%s,",
		    (unsigned long long)t->connections,
		    (unsigned long long)t->failed, (unsigned long long)real,
		    (unsigned long long)noisy, (unsigned long long)t->succeeded,
		    (unsigned long long)t->noauth, t->partial ? "true" : "false",
		    known != NULL && !known->have ? "true" : "false");
		sw_jstr(&b, "filter", t->filter && *t->filter ? t->filter :
		    NULL);
		sw_buf_adds(&b, ",\"new_causes\":[");
		for (i = 0; i < nnewc; i++) {
			sw_buf_adds(&b, i ? ",{" : "{");
			sw_jstr(&b, "cause", newc[i].key);
			sw_buf_addf(&b, ",\"count\":%llu}",
			    (unsigned long long)newc[i].count);
		}
		sw_buf_adds(&b, "],\"new_users\":[");
		for (i = 0; i < nnewu; i++) {
			sw_buf_adds(&b, i ? ",{" : "{");
			sw_jstr(&b, "user", newu[i].key);
			sw_buf_addf(&b, ",\"count\":%llu}",
			    (unsigned long long)newu[i].count);
		}
		sw_buf_adds(&b, "],\"successes_after_failures\":[");
		for (i = 0, j = 0; i < d->ns; i++) {
			const struct sw_succ *x = &d->s[i];
			int k = sw_callout_kind(d, i, &n);
			if (k == 0)
				continue;
			sw_buf_adds(&b, j++ ? ",{\"time\":\"" : "{\"time\":\"");
			sw_buf_add_rfc3339(&b, x->time_us, x->utc_off_min);
			sw_buf_adds(&b, "\",");
			sw_jstr(&b, "user", x->user);
			sw_buf_addc(&b, ',');
			sw_jstr(&b, "source_ip", x->ip);
			sw_buf_addc(&b, ',');
			sw_jstr(&b, "method", x->method);
			sw_buf_addc(&b, ',');
			sw_jstr(&b, "key", x->key);
			sw_buf_addf(&b, ",\"why\":\"%s\",\"failed\":%llu}",
			    k == 1 ? "address-failed-before" :
			    "user-failed-elsewhere", (unsigned long long)n);
		}
		sw_buf_adds(&b, "],\"by_cause\":[");
		for (i = 0; i < ncauses; i++)
			sw_jcount(&b, i == 0, "cause", causes[i].key,
			    causes[i].count);
		sw_buf_adds(&b, "],\"by_user\":[");
		for (i = 0; i < nusers; i++)
			sw_jcount(&b, i == 0, "user", users[i].key,
			    users[i].count);
		sw_buf_adds(&b, "],\"noise_top_addresses\":[");
		for (i = 0; i < ntips; i++)
			sw_jcount(&b, i == 0, "source_ip", tips[i].key,
			    tips[i].count);
		sw_buf_adds(&b, "],\"noise_top_users\":[");
		for (i = 0; i < ntusers; i++)
			sw_jcount(&b, i == 0, "user", tusers[i].key,
			    tusers[i].count);
		sw_buf_adds(&b, "]}\n");
	}
	if (b.truncated)
		fputs("sshwhy: the report was cut at 64 MiB\n", out);
	fwrite(b.p, 1, b.len, out);
	sw_buf_free(&b);
	wrote = 1;
out:
	free(causes);
	free(users);
	free(newc);
	free(newu);
	return wrote;
}

void
sw_summary_text_extra(struct sw_buf *b, const struct sw_summary *s,
    int callouts)
{
	if (s->filter != NULL && *s->filter) {
		sw_buf_adds(b, "Selected: ");
		sw_escape_text(b, sw_span_make(s->filter, strlen(s->filter)));
		sw_buf_addf(b, " (%llu other connection%s left out).\n",
		    (unsigned long long)s->filtered_out,
		    s->filtered_out == 1 ? "" : "s");
	}
	if (callouts && s->callouts != NULL)
		sw_buf_adds(b, s->callouts);
}
