/*
 * s4_correlate.c: the connection table. A chained hash on (host, pid) finds
 * the open connection of a line; a list in creation order hands finished
 * connections over in the order they started, so output is deterministic
 * and sorted by start time for time-ordered input. Only the list's head is
 * checked for expiry, which keeps every line O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "s4_correlate.h"

#define SW_MAX_HOSTS 65536

struct sw_host {
	char *name;
	enum sw_loglevel level;
	struct sw_host *next;
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
	size_t evidence_cap;
	uint64_t child_pid;	/* "User child is on pid": an alias, or 0 */
	int child_in_hash;
	struct sw_cnode *hnext;	/* hash chain */
	struct sw_cnode *anext;	/* alias chain (child pid) */
	struct sw_cnode *prev, *next;	/* creation order */
};

struct sw_correlator {
	struct sw_correlate_opts opts;
	sw_conn_cb cb;
	void *ctx;
	struct sw_diag *diag;
	struct sw_cnode **table;
	size_t tsize;
	struct sw_cnode *alias[1024];	/* by child pid: post-auth lines */
	size_t nopen;
	struct sw_cnode *head, *tail;
	struct sw_host *hosts[1024];
	size_t nhosts;
	struct sw_correlate_stats stats;
	int warned_full;
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
}

static uint64_t
sw_hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct sw_host *
sw_intern_host(struct sw_correlator *c, struct sw_span name)
{
	size_t b = sw_hash_bytes(name.p, name.len) % 1024;
	struct sw_host *h;

	for (h = c->hosts[b]; h != NULL; h = h->next)
		if (sw_span_eq_str(name, h->name) && strlen(h->name) == name.len)
			return h;
	if (c->nhosts >= SW_MAX_HOSTS) {
		static char other_name[] = "(other hosts)";
		static struct sw_host other = { other_name, SW_LEVEL_INFO,
		    NULL };
		return &other;
	}
	h = sw_xcalloc(1, sizeof(*h));
	h->name = sw_span_dup(name);
	h->level = SW_LEVEL_QUIET;
	h->next = c->hosts[b];
	c->hosts[b] = h;
	c->nhosts++;
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
	c->cb = cb;
	c->ctx = ctx;
	c->diag = diag;
	c->tsize = 1024;
	c->table = sw_xcalloc(c->tsize, sizeof(*c->table));
	return c;
}

static size_t
sw_slot(const struct sw_correlator *c, const struct sw_host *h, uint64_t pid)
{
	uint64_t k = (uint64_t)(uintptr_t)h * 0x9e3779b97f4a7c15ULL ^
	    pid * 0xc2b2ae3d27d4eb4fULL;
	return (size_t)(k ^ (k >> 29)) & (c->tsize - 1);
}

static void
sw_hash_grow(struct sw_correlator *c)
{
	struct sw_cnode **old = c->table;
	size_t oldsize = c->tsize, i;

	c->tsize *= 2;
	c->table = sw_xcalloc(c->tsize, sizeof(*c->table));
	for (i = 0; i < oldsize; i++) {
		struct sw_cnode *n = old[i], *next;
		for (; n != NULL; n = next) {
			size_t s = sw_slot(c, n->hostref, n->c.pid);
			next = n->hnext;
			n->hnext = c->table[s];
			c->table[s] = n;
		}
	}
	free(old);
}

static struct sw_cnode *
sw_lookup(struct sw_correlator *c, const struct sw_host *h, uint64_t pid)
{
	struct sw_cnode *n;

	for (n = c->table[sw_slot(c, h, pid)]; n != NULL; n = n->hnext)
		if (n->hostref == h && n->c.pid == pid)
			return n;
	return NULL;
}

static void
sw_unalias(struct sw_correlator *c, struct sw_cnode *n)
{
	struct sw_cnode **pp;

	if (!n->child_in_hash)
		return;
	for (pp = &c->alias[n->child_pid % 1024]; *pp != NULL;
	    pp = &(*pp)->anext) {
		if (*pp == n) {
			*pp = n->anext;
			break;
		}
	}
	n->child_in_hash = 0;
}

static struct sw_cnode *
sw_lookup_alias(struct sw_correlator *c, const struct sw_host *h, uint64_t pid)
{
	struct sw_cnode *n;

	for (n = c->alias[pid % 1024]; n != NULL; n = n->anext)
		if (n->hostref == h && n->child_pid == pid)
			return n;
	return NULL;
}

/*
 * A PAM helper (keyboard-interactive) logs under its own pid, without a
 * port: find the connection by user and remote host among the most recent
 * open ones of the same host.
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
	struct sw_cnode **pp;

	sw_unalias(c, n);

	if (!n->in_hash)
		return;
	for (pp = &c->table[sw_slot(c, n->hostref, n->c.pid)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	}
	n->in_hash = 0;
	c->nopen--;
}

static void
sw_cnode_free(struct sw_cnode *n)
{
	size_t i;

	for (i = 0; i < n->c.nevidence; i++)
		free(n->c.evidence[i].text);
	free(n->c.evidence);
	free(n->c.user);
	free(n->c.ip);
	free(n);
}

static void
sw_decide(struct sw_cnode *n)
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
	else
		c->outcome = SW_OUTCOME_UNKNOWN;
	if (n->hostref->level > c->level_seen)
		c->level_seen = n->hostref->level;
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
			sw_decide(n);
			c->cb(c->ctx, &n->c);
		}
		sw_cnode_free(n);
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

		if (!n->done && now - quiet_since <= limit)
			break;
		sw_finish_node(c, n);
		sw_emit_ready(c);
	}
}

static struct sw_cnode *
sw_open_node(struct sw_correlator *c, const struct sw_host *h, uint64_t pid,
    const struct sw_record *rec)
{
	struct sw_cnode *n;

	if (c->nopen >= c->opts.max_connections && c->head != NULL) {
		/* Over the ceiling: the oldest connection is finished now. */
		struct sw_cnode *old = c->head;
		while (old != NULL && old->done)
			old = old->next;
		if (old != NULL) {
			sw_finish_node(c, old);
			c->stats.flushed_early++;
			if (!c->warned_full) {
				c->warned_full = 1;
				sw_diag_printf(c->diag, SW_DIAG_WARNING,
				    rec->origin, rec->lineno,
				    "more than %zu connections open at once; "
				    "the oldest are finished early "
				    "(--max-connections)",
				    c->opts.max_connections);
			}
			sw_emit_ready(c);
		}
	}
	if (c->nopen * 2 >= c->tsize && c->tsize < ((size_t)1 << 24))
		sw_hash_grow(c);
	n = sw_xcalloc(1, sizeof(*n));
	n->hostref = h;
	n->c.host = h->name;
	n->c.pid = pid;
	n->c.start_us = n->c.last_us = rec->time_us;
	n->c.utc_off_min = rec->utc_off_min;
	n->c.level_seen = SW_LEVEL_QUIET;
	n->in_hash = 1;
	{
		size_t s = sw_slot(c, h, pid);
		n->hnext = c->table[s];
		c->table[s] = n;
	}
	n->prev = c->tail;
	if (c->tail != NULL)
		c->tail->next = n;
	else
		c->head = n;
	c->tail = n;
	c->nopen++;
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
	struct sw_evidence *e;
	const struct sw_record *rec = ev->rec;
	size_t i;

	if (cn->nevidence >= c->opts.max_evidence) {
		/* Full: a line naming a cause replaces the newest plain one. */
		const struct sw_cause *cause = sw_rule_cause(ev->rule);
		struct sw_evidence *last = &cn->evidence[cn->nevidence - 1];
		cn->evidence_dropped++;
		if (cause == NULL || sw_rule_cause(last->rule) != NULL)
			return;
		free(last->text);
		cn->nevidence--;
	}
	if (cn->nevidence == n->evidence_cap) {
		/* Grow by doubling up to the ceiling: most connections are short. */
		size_t cap = n->evidence_cap ? n->evidence_cap * 2 : 8;
		if (cap > c->opts.max_evidence)
			cap = c->opts.max_evidence;
		cn->evidence = sw_xreallocarray(cn->evidence, cap,
		    sizeof(*cn->evidence));
		n->evidence_cap = cap;
	}
	e = &cn->evidence[cn->nevidence++];
	memset(e, 0, sizeof(*e));
	e->origin = rec->origin;
	e->lineno = rec->lineno;
	e->time_us = rec->time_us;
	e->utc_off_min = rec->utc_off_min;
	e->text = sw_span_dup(rec->raw);
	e->text_len = rec->raw.len;
	e->rule = ev->rule;
	for (i = 0; i < ev->nnamed && i < SW_EVIDENCE_MAX_NAMED; i++) {
		const struct sw_span v = ev->named[i].value;
		e->named[i].name = ev->named[i].name;
		if (v.p != NULL && v.p >= rec->raw.p &&
		    v.p + v.len <= rec->raw.p + rec->raw.len) {
			e->named[i].off = (uint32_t)(v.p - rec->raw.p);
			e->named[i].len = (uint32_t)v.len;
			e->named[i].set = 1;
		}
	}
	e->nnamed = i;
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
sw_set_str(char **dst, struct sw_span v, size_t max)
{
	struct sw_buf b;
	size_t i;

	if (*dst != NULL || v.p == NULL || v.len == 0)
		return;
	if (v.len > max)
		v.len = max;
	if (memchr(v.p, '\0', v.len) == NULL) {
		*dst = sw_span_dup(v);
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
		sw_set_str(&cn->ip, ev->cap[SW_CAP_IP], 64);
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
		if (n == NULL && sw_span_starts_with(rec->message, "pam_"))
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
	sw_set_str(&cn->user, ev->cap[SW_CAP_USER], 256);
	sw_set_str(&cn->ip, ev->cap[SW_CAP_IP], 64);
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
		n->anext = c->alias[v % 1024];
		c->alias[v % 1024] = n;
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
		sw_cnode_free(n);
	}
	for (i = 0; i < 1024; i++) {
		struct sw_host *h, *hn;
		for (h = c->hosts[i]; h != NULL; h = hn) {
			hn = h->next;
			free(h->name);
			free(h);
		}
	}
	free(c->table);
	free(c);
}

const struct sw_correlate_stats *
sw_correlate_stats(const struct sw_correlator *c)
{
	return &c->stats;
}
