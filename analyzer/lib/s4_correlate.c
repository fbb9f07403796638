/*
 * s4_correlate.c: the connection table. A hash on (host, pid) finds
 * the open connection of a line; a list in creation order hands finished
 * connections over in the order they started, so output is deterministic
 * and sorted by start time for time-ordered input. Only the list's head is
 * checked for expiry, which keeps every line O(1).
 *
 * Memory is bounded by design: the list (open connections and finished ones
 * waiting for their turn) has a ceiling in nodes and in bytes, and a
 * connection's evidence lines are packed into one arena per connection
 * (one allocation, grown by doubling), unpacked only when it is handed over.
 * Time may jump backwards (concatenated or repeated logs): a connection
 * whose last line is more than the idle time away from the current line,
 * in either direction, is over.
 */
#include <stdlib.h>
#include <string.h>

#include "s4_correlate.h"

#define SW_MAX_HOSTS 65536
#define SW_ARENA_MIN 256	/* first evidence arena; doubled as needed */
#define SW_ARENA_CLASSES 3	/* arenas of 256, 512, 1024 bytes are pooled */
#define SW_POOL_MAX 256		/* pooled nodes, and arenas per class */
#define SW_MAX_BYTES_DEFAULT ((size_t)16 << 20)

/*
 * One evidence line packed in a connection's arena: this header, its set
 * named captures, then the text and a NUL, padded to 8 bytes.
 */
struct sw_evrec {
	const char *origin;
	const struct sw_rule *rule;
	uint64_t lineno;
	int64_t time_us;
	int32_t utc_off_min;
	uint32_t text_len;
	uint32_t nnamed;
	uint32_t size;		/* the whole record */
};

struct sw_evnamed {
	const char *name;
	uint32_t off, len;
};

struct sw_host {
	char *name;
	enum sw_loglevel level;
};

struct sw_cnode {
	struct sw_conn c;
	const struct sw_host *hostref;
	int64_t close_us;
	int in_hash;
	int context_only;	/* only info lines so far: dropped if it stays so */
	int done;		/* finished: waiting only for its turn */
	int decided;		/* success seen: lingers like a closed one */
	int has_cause;		/* a line naming a cause was seen */
	char *ev;		/* evidence arena: packed struct sw_evrec */
	uint32_t ev_len, ev_cap;
	uint32_t ev_last;	/* offset of the newest record */
	uint64_t child_pid;	/* "User child is on pid": an alias, or 0 */
	int child_in_hash;
	struct sw_cnode *prev, *next;	/* creation order */
};

struct sw_correlator {
	struct sw_correlate_opts opts;
	sw_conn_cb cb;
	void *ctx;
	struct sw_diag *diag;
	struct sw_htab table;	/* open connections by (host, pid) */
	struct sw_htab alias;	/* by (host, child pid): post-auth lines */
	size_t nopen;
	struct sw_cnode *head, *tail;
	struct sw_htab hosts;	/* interned names */
	struct sw_host *last_host;	/* the previous line's: most are */
	size_t last_host_len;
	struct sw_correlate_stats stats;
	int warned_full;
	int64_t latest_us;	/* newest timestamp read so far */
	size_t nlist;		/* nodes in the creation list */
	size_t bytes;		/* their memory, as counted by sw_node_bytes */
	struct sw_evidence *scratch;	/* unpacked evidence, max_evidence */
	/* Freed nodes and small arenas kept for reuse (a malloc and a free
	 * per connection otherwise); capped, so memory still follows what
	 * is open. */
	struct sw_cnode *node_pool;
	size_t node_pooled;
	char *arena_pool[SW_ARENA_CLASSES][SW_POOL_MAX];
	size_t arena_pooled[SW_ARENA_CLASSES];
};

const char *
sw_outcome_name(enum sw_outcome o)
{
	switch (o) {
	case SW_OUTCOME_SUCCESS: return "success";
	case SW_OUTCOME_FAILURE: return "failure";
	case SW_OUTCOME_UNKNOWN: return "unknown";
	case SW_OUTCOME_NOAUTH:  return "no-auth";
	}
	return "?";
}

void
sw_correlate_opts_default(struct sw_correlate_opts *o)
{
	o->max_connections = 50000;
	o->idle_us = (int64_t)900 * 1000000;	/* 15 min; LoginGraceTime is 2 */
	o->linger_us = (int64_t)5 * 1000000;
	o->max_evidence = 40;
	o->max_bytes = SW_MAX_BYTES_DEFAULT;
}

static int
sw_host_eq(const void *item, const void *key)
{
	const struct sw_host *h = item;
	const struct sw_span *name = key;

	return strlen(h->name) == name->len && sw_span_eq_str(*name, h->name);
}

static struct sw_host *
sw_intern_host(struct sw_correlator *c, struct sw_span name)
{
	uint64_t hv;
	struct sw_host *h;

	/* One file is mostly one host: the previous line's, compared as
	 * sw_host_eq does (a name with a NUL never equals a stored one). */
	if (c->last_host != NULL && c->last_host_len == name.len &&
	    (name.len == 0 || memcmp(c->last_host->name, name.p,
	    name.len) == 0))
		return c->last_host;
	hv = sw_hash_bytes(name.p, name.len);
	if ((h = sw_htab_find(&c->hosts, hv, sw_host_eq, &name)) != NULL) {
		c->last_host = h;
		c->last_host_len = strlen(h->name);	/* as sw_host_eq */
		return h;
	}
	if (c->hosts.n >= SW_MAX_HOSTS) {
		static char other_name[] = "(other hosts)";
		static struct sw_host other = { other_name, SW_LEVEL_INFO };
		return &other;
	}
	h = sw_xcalloc(1, sizeof(*h));
	h->name = sw_span_dup(name);
	h->level = SW_LEVEL_QUIET;
	sw_htab_put(&c->hosts, hv, h);
	c->last_host = h;
	c->last_host_len = strlen(h->name);
	return h;
}

struct sw_correlator *
sw_correlator_new(const struct sw_correlate_opts *opts, sw_conn_cb cb,
    void *ctx, struct sw_diag *diag)
{
	struct sw_correlator *c = sw_xcalloc(1, sizeof(*c));

	if (opts != NULL)
		c->opts = *opts;
	else
		sw_correlate_opts_default(&c->opts);
	if (c->opts.max_evidence == 0)
		c->opts.max_evidence = 1;
	if (c->opts.max_evidence > 1024)
		c->opts.max_evidence = 1024;
	if (c->opts.max_bytes == 0)
		c->opts.max_bytes = SW_MAX_BYTES_DEFAULT;
	if (c->opts.max_connections == 0)
		c->opts.max_connections = 1;
	c->scratch = sw_xcalloc(c->opts.max_evidence, sizeof(*c->scratch));
	c->cb = cb;
	c->ctx = ctx;
	c->diag = diag;
	sw_htab_init(&c->table);
	sw_htab_init(&c->alias);
	sw_htab_init(&c->hosts);
	return c;
}

struct sw_conn_key {
	const struct sw_host *h;
	uint64_t pid;
};

static uint64_t
sw_conn_hash(const struct sw_host *h, uint64_t pid)
{
	return sw_hash_mix((uint64_t)(uintptr_t)h * 0x9e3779b97f4a7c15ULL ^
	    pid * 0xc2b2ae3d27d4eb4fULL);
}

static int
sw_conn_eq(const void *item, const void *key)
{
	const struct sw_cnode *n = item;
	const struct sw_conn_key *k = key;

	return n->hostref == k->h && n->c.pid == k->pid;
}

static int
sw_alias_eq(const void *item, const void *key)
{
	const struct sw_cnode *n = item;
	const struct sw_conn_key *k = key;

	return n->hostref == k->h && n->child_pid == k->pid;
}

static struct sw_cnode *
sw_lookup(struct sw_correlator *c, const struct sw_host *h, uint64_t pid)
{
	struct sw_conn_key k = { h, pid };

	return sw_htab_find(&c->table, sw_conn_hash(h, pid), sw_conn_eq, &k);
}

static void
sw_unalias(struct sw_correlator *c, struct sw_cnode *n)
{
	if (!n->child_in_hash)
		return;
	sw_htab_del(&c->alias, sw_conn_hash(n->hostref, n->child_pid), n);
	n->child_in_hash = 0;
}

static struct sw_cnode *
sw_lookup_alias(struct sw_correlator *c, const struct sw_host *h, uint64_t pid)
{
	struct sw_conn_key k = { h, pid };

	return sw_htab_find(&c->alias, sw_conn_hash(h, pid), sw_alias_eq, &k);
}

/*
 * A PAM helper (keyboard-interactive) logs under its own pid, without a
 * port: find the connection by user and remote host among the most recent
 * open ones of the same host. So does the session child that refuses a
 * login after authentication (UsePAM no: "User X not allowed because
 * /etc/nologin exists"): it joins the user's connection that succeeded.
 */
static struct sw_cnode *
sw_lookup_pam_helper(struct sw_correlator *c, const struct sw_host *h,
    const struct sw_event *ev)
{
	struct sw_span user = ev->cap[SW_CAP_USER], rhost = ev->cap[SW_CAP_RHOST];
	struct sw_cnode *n;
	int budget = 64;

	/* Only a refusal names a cause worth moving; a user is required,
	 * since an address alone matches every connection of a scanner. */
	if (ev->cap[SW_CAP_PORT].p != NULL || user.len == 0 ||
	    (sw_rule_meaning(ev->rule) != SW_MEANING_CAUSE &&
	    sw_rule_meaning(ev->rule) != SW_MEANING_REFUSAL))
		return NULL;
	for (n = c->tail; n != NULL && budget-- > 0; n = n->prev) {
		if (n->done || n->hostref != h || n->context_only)
			continue;
		if (ev->rec->time_us - n->c.start_us > (int64_t)600 * 1000000)
			break;
		if (n->c.closed || n->has_cause || n->c.user == NULL ||
		    !sw_span_eq_str(user, n->c.user))
			continue;
		if (!sw_span_starts_with(ev->rec->message, "pam_") &&
		    n->c.n_success == 0)
			continue;	/* a session child: after a success */
		if (rhost.len > 0 && n->c.ip != NULL &&
		    !sw_span_eq_str(rhost, n->c.ip))
			continue;
		return n;
	}
	return NULL;
}

static void
sw_unhash(struct sw_correlator *c, struct sw_cnode *n)
{
	sw_unalias(c, n);

	if (!n->in_hash)
		return;
	sw_htab_del(&c->table, sw_conn_hash(n->hostref, n->c.pid), n);
	n->in_hash = 0;
	c->nopen--;
}

/* What a node costs: the node, its arena, its strings (malloc rounding). */
static size_t
sw_node_bytes(const struct sw_cnode *n)
{
	return sizeof(*n) + 16 + n->ev_cap +
	    (n->c.user != NULL ? strlen(n->c.user) + 24 : 0) +
	    (n->c.ip != NULL ? strlen(n->c.ip) + 24 : 0) +
	    (n->c.source_host != NULL ? strlen(n->c.source_host) + 24 : 0);
}

/* The pool class of an arena of cap bytes, or -1. */
static int
sw_arena_class(size_t cap)
{
	int k;

	for (k = 0; k < SW_ARENA_CLASSES; k++)
		if (cap == (size_t)SW_ARENA_MIN << k)
			return k;
	return -1;
}

static void
sw_arena_put(struct sw_correlator *c, char *p, size_t cap)
{
	int k = sw_arena_class(cap);

	if (p != NULL && k >= 0 && c->arena_pooled[k] < SW_POOL_MAX)
		c->arena_pool[k][c->arena_pooled[k]++] = p;
	else
		free(p);
}

/* A new arena of cap bytes holding the first len bytes of old. */
static char *
sw_arena_grow(struct sw_correlator *c, char *old, size_t oldcap, size_t len,
    size_t cap)
{
	int k = sw_arena_class(cap);
	char *p;

	if (k < 0 || c->arena_pooled[k] == 0)
		return sw_xreallocarray(old, cap, 1);
	p = c->arena_pool[k][--c->arena_pooled[k]];
	if (len > 0)
		memcpy(p, old, len);
	sw_arena_put(c, old, oldcap);
	return p;
}

static void
sw_cnode_free(struct sw_correlator *c, struct sw_cnode *n)
{
	c->bytes -= sw_node_bytes(n);
	c->nlist--;
	sw_arena_put(c, n->ev, n->ev_cap);
	free(n->c.user);
	free(n->c.ip);
	free(n->c.source_host);
	if (c->node_pooled < SW_POOL_MAX) {
		n->next = c->node_pool;
		c->node_pool = n;
		c->node_pooled++;
	} else
		free(n);
}

/* A zeroed node, from the pool when it has one. */
static struct sw_cnode *
sw_cnode_new(struct sw_correlator *c)
{
	struct sw_cnode *n = c->node_pool;

	if (n == NULL)
		return sw_xcalloc(1, sizeof(*n));
	c->node_pool = n->next;
	c->node_pooled--;
	memset(n, 0, sizeof(*n));
	return n;
}

static const struct sw_evrec *
sw_evrec_at(const struct sw_cnode *n, uint32_t off)
{
	return (const struct sw_evrec *)(const void *)(n->ev + off);
}

/* Points c.evidence at the connection's lines, unpacked into scratch. */
static void
sw_unpack(struct sw_correlator *c, struct sw_cnode *n)
{
	uint32_t off = 0;
	size_t i = 0, j;

	while (off < n->ev_len && i < c->opts.max_evidence) {
		const struct sw_evrec *r = sw_evrec_at(n, off);
		const struct sw_evnamed *nm =
		    (const struct sw_evnamed *)(const void *)(r + 1);
		struct sw_evidence *e = &c->scratch[i++];

		e->origin = r->origin;
		e->lineno = r->lineno;
		e->time_us = r->time_us;
		e->utc_off_min = r->utc_off_min;
		e->text = (const char *)(nm + r->nnamed);
		e->text_len = r->text_len;
		e->rule = r->rule;
		e->nnamed = r->nnamed;
		for (j = 0; j < r->nnamed; j++) {
			e->named[j].name = nm[j].name;
			e->named[j].off = nm[j].off;
			e->named[j].len = nm[j].len;
			e->named[j].set = 1;
		}
		off += r->size;
	}
	n->c.evidence = c->scratch;
	n->c.nevidence = i;
}

/*
 * LoginGraceTime's default: a pre-auth connection still silent this long
 * after its last line, while the log went on, was ended without a word.
 */
#define SW_SILENT_US ((int64_t)120 * 1000000)

static void
sw_decide(const struct sw_correlator *cr, struct sw_cnode *n)
{
	struct sw_conn *c = &n->c;
	size_t i;
	int failure_evidence = c->n_failed > 0, cause_seen = 0;

	for (i = 0; i < c->nevidence; i++) {
		enum sw_meaning m = sw_rule_meaning(c->evidence[i].rule);
		if (m == SW_MEANING_REFUSAL || m == SW_MEANING_CAUSE)
			failure_evidence = 1;
		if (sw_rule_cause(c->evidence[i].rule) != NULL &&
		    m != SW_MEANING_ATTEMPT)
			cause_seen = 1;
	}
	if (c->n_success > 0 && !c->refused_after_success)
		c->outcome = SW_OUTCOME_SUCCESS;
	else if (c->n_success > 0)
		c->outcome = SW_OUTCOME_FAILURE;	/* session refused */
	else if (c->user == NULL && !c->user_invalid && !cause_seen)
		c->outcome = SW_OUTCOME_NOAUTH;
	else if (c->closed || failure_evidence)
		c->outcome = SW_OUTCOME_FAILURE;
	else if (cr->latest_us - c->last_us > SW_SILENT_US) {
		/* A user was named, then nothing, while the log moved on:
		 * the login did not happen (timeout, client gave up). */
		c->outcome = SW_OUTCOME_FAILURE;
		c->went_silent = 1;
	} else
		c->outcome = SW_OUTCOME_UNKNOWN;
	/*
	 * The LogLevel is what this connection's own lines show: one file
	 * often holds several sshd instances at different levels. Lines
	 * below INFO (fatal:, error:) say little, so a host that logs at
	 * INFO or more lifts such a connection to INFO, never higher.
	 */
	if (c->level_seen < SW_LEVEL_INFO)
		c->level_seen = n->hostref->level < SW_LEVEL_INFO ?
		    n->hostref->level : SW_LEVEL_INFO;
}

/* Hands over finished connections from the head of the creation list. */
static void
sw_emit_ready(struct sw_correlator *c)
{
	while (c->head != NULL && c->head->done) {
		struct sw_cnode *n = c->head;
		c->head = n->next;
		if (c->head != NULL)
			c->head->prev = NULL;
		else
			c->tail = NULL;
		if (n->context_only)
			c->stats.connections--;	/* never became one */
		else {
			sw_unpack(c, n);
			sw_decide(c, n);
			c->cb(c->ctx, &n->c);
		}
		sw_cnode_free(c, n);
	}
}

static void
sw_finish_node(struct sw_correlator *c, struct sw_cnode *n)
{
	sw_unhash(c, n);
	n->done = 1;
}

/* Expires the head while it is finished, lingered out or idle. */
static void
sw_sweep(struct sw_correlator *c, int64_t now)
{
	while (c->head != NULL) {
		struct sw_cnode *n = c->head;
		int64_t quiet_since = (n->c.closed || n->decided) ?
		    n->close_us : n->c.last_us;
		int64_t limit = (n->c.closed || n->decided) ?
		    c->opts.linger_us : c->opts.idle_us;

		/* Far in the future: time went back (a second copy of the
		 * log, another host's file appended); this one is over. */
		if (!n->done && now - quiet_since <= limit &&
		    quiet_since - now <= c->opts.idle_us)
			break;
		sw_finish_node(c, n);
		sw_emit_ready(c);
	}
}

/*
 * Over a ceiling (nodes, counting finished ones waiting for their turn, or
 * bytes): the oldest connection is finished now, which also hands over the
 * finished ones behind it. `keep` is never finished (the line's own).
 */
static void
sw_shed(struct sw_correlator *c, const struct sw_cnode *keep,
    const struct sw_record *rec, size_t adding)
{
	while (c->head != NULL && c->head != keep &&
	    (c->nlist + adding > c->opts.max_connections ||
	    c->bytes > c->opts.max_bytes)) {
		int by_count = c->nlist + adding > c->opts.max_connections;

		sw_finish_node(c, c->head);
		c->stats.flushed_early++;
		if (by_count && !(c->warned_full & 1)) {
			c->warned_full |= 1;
			sw_diag_printf(c->diag, SW_DIAG_WARNING, rec->origin,
			    rec->lineno, "more than %zu connections open at "
			    "once; the oldest are finished early "
			    "(--max-connections)", c->opts.max_connections);
		} else if (!by_count && !(c->warned_full & 2)) {
			c->warned_full |= 2;
			sw_diag_printf(c->diag, SW_DIAG_WARNING, rec->origin,
			    rec->lineno, "open connections hold more than "
			    "%zu MiB of evidence; the oldest are finished "
			    "early", c->opts.max_bytes >> 20);
		}
		sw_emit_ready(c);
	}
}

static struct sw_cnode *
sw_open_node(struct sw_correlator *c, const struct sw_host *h, uint64_t pid,
    const struct sw_record *rec)
{
	struct sw_cnode *n;

	sw_shed(c, NULL, rec, 1);
	n = sw_cnode_new(c);
	n->hostref = h;
	n->c.host = h->name;
	n->c.pid = pid;
	n->c.start_us = n->c.last_us = rec->time_us;
	n->c.utc_off_min = rec->utc_off_min;
	n->c.level_seen = SW_LEVEL_QUIET;
	n->in_hash = 1;
	sw_htab_put(&c->table, sw_conn_hash(h, pid), n);
	n->prev = c->tail;
	if (c->tail != NULL)
		c->tail->next = n;
	else
		c->head = n;
	c->tail = n;
	c->nopen++;
	c->nlist++;
	c->bytes += sw_node_bytes(n);
	c->stats.connections++;
	if (c->nopen > c->stats.max_open)
		c->stats.max_open = c->nopen;
	return n;
}

static void
sw_add_evidence(struct sw_correlator *c, struct sw_cnode *n,
    const struct sw_event *ev)
{
	struct sw_conn *cn = &n->c;
	const struct sw_record *rec = ev->rec;
	struct sw_evrec *r;
	struct sw_evnamed *nm;
	size_t i, k, nset = 0, need;

	if (cn->nevidence >= c->opts.max_evidence) {
		/* Full: a line naming a cause replaces the newest plain one. */
		const struct sw_cause *cause = sw_rule_cause(ev->rule);
		const struct sw_evrec *last = sw_evrec_at(n, n->ev_last);
		cn->evidence_dropped++;
		if (cause == NULL || sw_rule_cause(last->rule) != NULL)
			return;
		n->ev_len = n->ev_last;
		cn->nevidence--;
	}
	for (i = 0; i < ev->nnamed && i < SW_EVIDENCE_MAX_NAMED; i++) {
		const struct sw_span v = ev->named[i].value;
		if (v.p != NULL && v.p >= rec->raw.p &&
		    v.p + v.len <= rec->raw.p + rec->raw.len)
			nset++;
	}
	need = (sizeof(*r) + nset * sizeof(*nm) + rec->raw.len + 1 + 7) &
	    ~(size_t)7;
	if (need > UINT32_MAX / 4 - n->ev_len) {
		cn->evidence_dropped++;	/* only with a huge --max-line */
		return;
	}
	if (n->ev_len + need > n->ev_cap) {
		/* Doubling: most connections have a few short lines. */
		size_t cap = n->ev_cap ? n->ev_cap : SW_ARENA_MIN, old = n->ev_cap;
		while (cap < n->ev_len + need)
			cap *= 2;
		n->ev = sw_arena_grow(c, n->ev, old, n->ev_len, cap);
		n->ev_cap = (uint32_t)cap;
		c->bytes += cap - old;
	}
	n->ev_last = n->ev_len;
	r = (struct sw_evrec *)(void *)(n->ev + n->ev_len);
	nm = (struct sw_evnamed *)(void *)(r + 1);
	r->origin = rec->origin;
	r->rule = ev->rule;
	r->lineno = rec->lineno;
	r->time_us = rec->time_us;
	r->utc_off_min = rec->utc_off_min;
	r->text_len = (uint32_t)rec->raw.len;
	r->nnamed = (uint32_t)nset;
	r->size = (uint32_t)need;
	for (i = k = 0; i < ev->nnamed && i < SW_EVIDENCE_MAX_NAMED; i++) {
		const struct sw_span v = ev->named[i].value;
		if (v.p != NULL && v.p >= rec->raw.p &&
		    v.p + v.len <= rec->raw.p + rec->raw.len) {
			nm[k].name = ev->named[i].name;
			nm[k].off = (uint32_t)(v.p - rec->raw.p);
			nm[k].len = (uint32_t)v.len;
			k++;
		}
	}
	if (rec->raw.len > 0)
		memcpy(nm + nset, rec->raw.p, rec->raw.len);
	((char *)(nm + nset))[rec->raw.len] = '\0';
	n->ev_len += (uint32_t)need;
	cn->nevidence++;
	sw_shed(c, n, rec, 0);
}

struct sw_span
sw_evidence_named(const struct sw_evidence *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nnamed; i++)
		if (e->named[i].set && strcmp(e->named[i].name, name) == 0)
			return sw_span_make(e->text + e->named[i].off,
			    e->named[i].len);
	return sw_span_make(NULL, 0);
}

static void
sw_set_str(struct sw_correlator *c, char **dst, struct sw_span v, size_t max)
{
	struct sw_buf b;
	size_t i;

	if (*dst != NULL || v.p == NULL || v.len == 0)
		return;
	if (v.len > max)
		v.len = max;
	if (memchr(v.p, '\0', v.len) == NULL) {
		*dst = sw_span_dup(v);
		c->bytes += strlen(*dst) + 24;	/* as sw_node_bytes counts it */
		return;
	}
	/*
	 * A NUL would cut the C string (and the fix built from it) short:
	 * keep the whole value with each NUL written as \x00. The backslash
	 * then makes every fix command withhold itself (s5_fix).
	 */
	sw_buf_init(&b, 4 * max + 1);
	for (i = 0; i < v.len; i++) {
		if (v.p[i] == '\0')
			sw_buf_adds(&b, "\\x00");
		else
			sw_buf_addc(&b, v.p[i]);
	}
	*dst = sw_span_dup(sw_span_make(b.p, b.len));
	sw_buf_free(&b);
	c->bytes += strlen(*dst) + 24;
}

/* Whether needle (" port ", " from ": 2 bytes or more) occurs twice or
 * more in s, overlaps counted: memchr for its second byte, then a compare. */
static int
sw_span_twice(struct sw_span s, const char *needle)
{
	size_t n = strlen(needle), count = 0;
	const char *q, *end = s.p + s.len;

	if (s.len < n)
		return 0;
	for (q = s.p + 1; q < end && (q = memchr(q, needle[1],
	    (size_t)(end - q))) != NULL; q++)
		if ((size_t)(end - (q - 1)) >= n &&
		    memcmp(q - 1, needle, n) == 0 && ++count > 1)
			return 1;
	return 0;
}

/*
 * Whether a line found by its pid names a different client address than
 * the connection's. Only an address sshd wrote counts: it must come
 * after the user name, and the line must name one address only (a user
 * name or auth info such as "ssh2: from 10.10.1.2 port 55555 ssh2" can
 * spell a second one, and then which is sshd's is not certain).
 * Listener lines naming a connection by "pid = N" are left out (9.8
 * writes the local address first), and so are lines that have no
 * address of their own.
 */
static int
sw_other_address(const struct sw_cnode *n, const struct sw_event *ev)
{
	struct sw_span ip = ev->cap[SW_CAP_IP], user = ev->cap[SW_CAP_USER];

	if (n->c.ip == NULL || ip.p == NULL || ip.len == 0 ||
	    ev->cap[SW_CAP_CONN_PID].p != NULL)
		return 0;
	if (user.p != NULL && ip.p < user.p + user.len)
		return 0;	/* not after the user name: not trusted */
	if (sw_span_twice(ev->rec->message, " port ") ||
	    sw_span_twice(ev->rec->message, " from "))
		return 0;	/* a user name or auth info spells a second one */
	return !sw_span_eq_str(ip, n->c.ip);
}

/*
 * With UseDNS yes sshd names the client by its host name in some lines
 * (AllowUsers refusals, PAM errors, pam_* rhost=, key options): kept as
 * source_host. An address literal there is not a host name.
 */
static void
sw_set_host(struct sw_correlator *c, struct sw_conn *cn,
    const struct sw_event *ev)
{
	struct sw_span h = ev->cap[SW_CAP_RHOST];
	size_t i;
	int literal = 1;

	if (h.len == 0)
		h = sw_event_named(ev, "from_host");
	if (cn->source_host != NULL || h.len == 0 || h.len > 255 ||
	    sw_span_eq_str(h, "UNKNOWN"))
		return;
	for (i = 0; i < h.len && literal; i++)
		literal = strchr("0123456789abcdefABCDEF:.%", h.p[i]) != NULL;
	if (literal && memchr(h.p, '.', h.len) == NULL &&
	    memchr(h.p, ':', h.len) == NULL)
		literal = 0;	/* "deadbeef" is a name */
	if (!literal)
		sw_set_str(c, &cn->source_host, h, 255);
}

void
sw_correlate_event(struct sw_correlator *c, const struct sw_event *ev)
{
	const struct sw_record *rec = ev->rec;
	enum sw_meaning m = sw_rule_meaning(ev->rule);
	struct sw_host *h;
	struct sw_cnode *n;
	struct sw_conn *cn;
	uint64_t pid = rec->pid, v;
	const char *method;

	if (rec->time_us > c->latest_us)
		c->latest_us = rec->time_us;
	sw_sweep(c, rec->time_us);
	h = sw_intern_host(c, rec->host);
	if (sw_rule_level(ev->rule) > h->level)
		h->level = sw_rule_level(ev->rule);
	if (ev->cap[SW_CAP_CONN_PID].p != NULL &&
	    sw_span_to_u64(ev->cap[SW_CAP_CONN_PID], &v) == 0)
		pid = v;
	if (m == SW_MEANING_DROPPED) {
		/*
		 * MaxStartups or a penalty: the listener closed the socket
		 * itself. The line is the whole connection; it is not
		 * filed under the listener's pid, so drops never merge.
		 */
		n = sw_open_node(c, h, pid, rec);
		sw_unhash(c, n);
		cn = &n->c;
		sw_set_str(c, &cn->ip, ev->cap[SW_CAP_IP], 64);
		if (ev->cap[SW_CAP_PORT].p != NULL &&
		    sw_span_to_u64(ev->cap[SW_CAP_PORT], &v) == 0 && v <= 65535)
			cn->port = (unsigned)v;
		cn->closed = 1;
		n->has_cause = 1;
		sw_add_evidence(c, n, ev);
		n->done = 1;
		sw_emit_ready(c);
		return;
	}
	n = sw_lookup(c, h, pid);
	if (n == NULL && m != SW_MEANING_CONNECT) {
		n = sw_lookup_alias(c, h, pid);
		if (n == NULL && (sw_span_starts_with(rec->message, "pam_") ||
		    sw_rule_refuses_session(ev->rule)))
			n = sw_lookup_pam_helper(c, h, ev);
	}

	/*
	 * One sshd process serves one client: the address of its first line
	 * stays the connection's, whatever a later line seems to say. A
	 * crafted user name can make a line look like another address; it
	 * must not open a connection attributed to that address.
	 */
	if (m == SW_MEANING_CONNECT && n != NULL) {
		/* The pid was reused: the old connection is over. */
		sw_finish_node(c, n);
		n = NULL;
	} else if (n != NULL && n->in_hash && sw_other_address(n, ev)) {
		/*
		 * The pid's own line names another client: the old
		 * connection ended unseen (pid reuse, or an excerpt that
		 * lost its close line). It keeps its lines; this one
		 * starts a new connection.
		 */
		sw_finish_node(c, n);
		n = NULL;
	} else if (n != NULL && (n->c.closed || n->decided) &&
	    m != SW_MEANING_CLOSE && m != SW_MEANING_INFO &&
	    !(n->decided && !n->c.closed && (m == SW_MEANING_CAUSE ||
	    m == SW_MEANING_REFUSAL))) {
		/* New activity after the end: a new connection on this pid. */
		sw_finish_node(c, n);
		n = NULL;
	}
	if (n == NULL) {
		/*
		 * Context lines can come first (pam_unix logs its failure
		 * before sshd's "Failed password"): keep them on a tentative
		 * connection that is dropped if nothing else follows.
		 */
		n = sw_open_node(c, h, pid, rec);
		n->context_only = 1;
	}
	if (m != SW_MEANING_INFO) {
		if (n->context_only)
			n->c.start_us = rec->time_us;
		n->context_only = 0;
	} else if (n->context_only)
		c->stats.orphan_lines++;
	cn = &n->c;
	cn->last_us = rec->time_us;
	if (sw_rule_level(ev->rule) > cn->level_seen)
		cn->level_seen = sw_rule_level(ev->rule);
	sw_set_str(c, &cn->user, ev->cap[SW_CAP_USER], 256);
	sw_set_str(c, &cn->ip, ev->cap[SW_CAP_IP], 64);
	sw_set_host(c, cn, ev);
	if (cn->port == 0 && ev->cap[SW_CAP_PORT].p != NULL &&
	    sw_span_to_u64(ev->cap[SW_CAP_PORT], &v) == 0 && v <= 65535)
		cn->port = (unsigned)v;
	if (ev->cap[SW_CAP_INVALID].len > 0)
		cn->user_invalid = 1;
	method = sw_rule_method(ev->rule);
	if (ev->cap[SW_CAP_METHOD].len > 0 &&
	    ev->cap[SW_CAP_METHOD].len < sizeof(cn->method)) {
		memcpy(cn->method, ev->cap[SW_CAP_METHOD].p,
		    ev->cap[SW_CAP_METHOD].len);
		cn->method[ev->cap[SW_CAP_METHOD].len] = '\0';
	} else if (method != NULL && cn->method[0] == '\0')
		snprintf(cn->method, sizeof(cn->method), "%s", method);

	switch (m) {
	case SW_MEANING_ATTEMPT:
		cn->n_failed++;
		if (strcmp(cn->method, "password") == 0)
			cn->n_failed_password++;
		else if (strcmp(cn->method, "publickey") == 0)
			cn->n_failed_publickey++;
		break;
	case SW_MEANING_SUCCESS:
		cn->n_success++;
		n->decided = 1;
		n->close_us = rec->time_us;
		break;
	case SW_MEANING_CLOSE:
		break;
	default:
		break;
	}
	/* "fatal:" ends the process as surely as a close line. */
	if ((m == SW_MEANING_CLOSE ||
	    sw_span_starts_with(rec->message, "fatal: ")) && !cn->closed) {
		cn->closed = 1;
		n->close_us = rec->time_us;
	}
	if (sw_rule_cause(ev->rule) != NULL && m != SW_MEANING_ATTEMPT)
		n->has_cause = 1;
	if (ev->cap[SW_CAP_CHILD_PID].p != NULL && !n->child_in_hash &&
	    sw_span_to_u64(ev->cap[SW_CAP_CHILD_PID], &v) == 0 && v != pid) {
		n->child_pid = v;
		sw_htab_put(&c->alias, sw_conn_hash(h, v), n);
		n->child_in_hash = 1;
	}
	/* Forced password change, chroot refused: "Accepted" is not the
	 * end of the story, the user still could not log in. */
	if (sw_rule_refuses_session(ev->rule))
		cn->refused_after_success = 1;
	sw_add_evidence(c, n, ev);
	sw_emit_ready(c);
}

void
sw_correlate_unmatched(struct sw_correlator *c, const struct sw_record *rec)
{
	struct sw_host *h = sw_intern_host(c, rec->host);
	struct sw_cnode *n;
	enum sw_loglevel lvl = SW_LEVEL_QUIET;

	if (rec->time_us > c->latest_us)
		c->latest_us = rec->time_us;
	sw_sweep(c, rec->time_us);
	/* Debug lines show the LogLevel even when no rule knows them. */
	if (sw_span_starts_with(rec->message, "debug1: "))
		lvl = SW_LEVEL_DEBUG1;
	else if (sw_span_starts_with(rec->message, "debug2: "))
		lvl = SW_LEVEL_DEBUG2;
	else if (sw_span_starts_with(rec->message, "debug3: "))
		lvl = SW_LEVEL_DEBUG3;
	if (lvl > h->level)
		h->level = lvl;
	n = sw_lookup(c, h, rec->pid);
	if (n != NULL) {
		n->c.unmatched++;
		if (lvl > n->c.level_seen)
			n->c.level_seen = lvl;
	}
}

void
sw_correlate_finish(struct sw_correlator *c)
{
	struct sw_cnode *n;

	for (n = c->head; n != NULL; n = n->next)
		sw_finish_node(c, n);
	sw_emit_ready(c);
}

void
sw_correlator_free(struct sw_correlator *c)
{
	struct sw_cnode *n, *next;
	size_t i;

	if (c == NULL)
		return;
	for (n = c->head; n != NULL; n = next) {
		next = n->next;
		sw_cnode_free(c, n);
	}
	for (i = 0; i < c->hosts.cap; i++) {
		struct sw_host *h = c->hosts.s[i].item;
		if (h != NULL) {
			free(h->name);
			free(h);
		}
	}
	sw_htab_free(&c->hosts);
	sw_htab_free(&c->table);
	sw_htab_free(&c->alias);
	free(c->scratch);
	while ((n = c->node_pool) != NULL) {
		c->node_pool = n->next;
		free(n);
	}
	for (i = 0; i < SW_ARENA_CLASSES; i++)
		while (c->arena_pooled[i] > 0)
			free(c->arena_pool[i][--c->arena_pooled[i]]);
	free(c);
}

const struct sw_correlate_stats *
sw_correlate_stats(const struct sw_correlator *c)
{
	return &c->stats;
}
