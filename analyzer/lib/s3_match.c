/*
 * s3_match.c: runs the compiled patterns over messages. Dispatch before
 * regex: a message's key is its first token once "error: ", "fatal: " or
 * "debug1: " is stripped ("Failed", "PAM:"), and each key has the list of
 * patterns that can match it (those whose literal start gives that key,
 * plus the few without one), so a line no rule knows costs a hash lookup
 * and a line a rule knows costs about one pcre2_match. Each list keeps
 * rule order so the result is deterministic. Every pcre2_match runs with
 * the match, depth and heap limits of the match context.
 */
#include <stdlib.h>
#include <string.h>

#include "s3_match.h"
#include "s3_rules_int.h"

/*
 * The patterns to try for one key, in rule order; sv[client][preauth]
 * keeps those whose side and preauth condition fit such a line as
 * written (the variants relax preauth and use v).
 */
struct sw_dlist {
	int strip;
	struct sw_span token;		/* into a pattern's token */
	const struct sw_pattern **v;
	size_t n;
	const struct sw_pattern **sv[2][2];
	size_t sn[2][2];
};

struct sw_matcher {
	const struct sw_rules *rs;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	pcre2_match_data *md;
	struct sw_htab keys;		/* struct sw_dlist by (strip, token) */
	struct sw_dlist *lists;
	size_t nlists;
	const struct sw_pattern **rest;	/* unkeyed patterns, rule order */
	size_t nrest;
	struct sw_dlist rest_list;	/* rest as a list, with its views */
	struct sw_match_stats stats;
	struct sw_buf variant;	/* "error: " + message, reused */
};


struct sw_dkey {
	int strip;
	struct sw_span token;
};

static uint64_t
sw_dkey_hash(int strip, struct sw_span token)
{
	return sw_hash_bytes(token.p, token.len) ^ (uint64_t)strip;
}

static int
sw_dkey_eq(const void *item, const void *key)
{
	const struct sw_dlist *l = item;
	const struct sw_dkey *k = key;

	return l->strip == k->strip && sw_span_eq(l->token, k->token);
}

static const size_t sw_strip_len[SW_STRIP_N] = { 0, 7, 7, 8 };

/* The message's key: strip class and first token, after [preauth] is off. */
static struct sw_dkey
sw_message_key(struct sw_span msg)
{
	struct sw_dkey k = { SW_STRIP_NONE, msg };
	const char *sp;
	int s;

	for (s = 1; s < SW_STRIP_N; s++) {
		size_t len = sw_strip_len[s];
		if (msg.len >= len && msg.p[0] == sw_strip_text[s][0] &&
		    memcmp(msg.p, sw_strip_text[s], len) == 0) {
			k.strip = s;
			k.token = sw_span_make(msg.p + len, msg.len - len);
			break;
		}
	}
	if ((sp = memchr(k.token.p, ' ', k.token.len)) != NULL)
		k.token.len = (size_t)(sp - k.token.p);
	return k;
}

/* Whether pattern pt can match a message with key k. */
static int
sw_pattern_fits(const struct sw_pattern *pt, int strip, struct sw_span token)
{
	size_t i;

	if (pt->nkeys == 0)
		return 1;
	if (!(pt->strip == strip || (pt->strip_opt && strip == SW_STRIP_NONE)))
		return 0;
	for (i = 0; i < pt->nkeys; i++)
		if (sw_span_eq_str(token, pt->keys[i]) &&
		    strlen(pt->keys[i]) == token.len)
			return 1;
	return 0;
}

static void
sw_dispatch_add_key(struct sw_matcher *m, int strip, const char *token,
    size_t len)
{
	struct sw_dkey k = { strip, { token, len } };

	if (sw_htab_find(&m->keys, sw_dkey_hash(strip, k.token), sw_dkey_eq,
	    &k) != NULL)
		return;
	/* lists is final before the table points into it: two passes. */
	m->lists[m->nlists].strip = strip;
	m->lists[m->nlists].token = k.token;
	m->nlists++;
	sw_htab_put(&m->keys, sw_dkey_hash(strip, k.token),
	    &m->lists[m->nlists - 1]);
}

/* Whether a line as written (client or not, [preauth] or not) can match. */
static int
sw_pattern_admits(const struct sw_pattern *pt, int client, int preauth)
{
	const struct sw_rule *r = pt->rule;

	return !((r->preauth == SW_PREAUTH_YES && !preauth) ||
	    (r->preauth == SW_PREAUTH_NO && preauth) ||
	    r->side != (client ? SW_SIDE_CLIENT : SW_SIDE_SERVER));
}

static void
sw_dlist_views(struct sw_dlist *l)
{
	int c, p;
	size_t i;

	for (c = 0; c < 2; c++)
		for (p = 0; p < 2; p++) {
			l->sv[c][p] = sw_xcalloc(l->n + 1, sizeof(*l->sv[c][p]));
			for (i = 0; i < l->n; i++)
				if (sw_pattern_admits(l->v[i], c, p))
					l->sv[c][p][l->sn[c][p]++] = l->v[i];
		}
}

static void
sw_dlist_free(struct sw_dlist *l)
{
	int c, p;

	for (c = 0; c < 2; c++)
		for (p = 0; p < 2; p++)
			free(l->sv[c][p]);
}

/* Files every pattern under the keys it can match, in rule order. */
static void
sw_dispatch_build(struct sw_matcher *m)
{
	const struct sw_rules *rs = m->rs;
	size_t i, j, k, np = 0;

	for (i = 0; i < rs->nrules; i++)
		np += rs->rules[i]->npatterns;
	m->lists = sw_xcalloc(2 * SW_MAX_KEYS * np + 1, sizeof(*m->lists));
	sw_htab_init(&m->keys);
	for (i = 0; i < rs->nrules; i++) {
		for (j = 0; j < rs->rules[i]->npatterns; j++) {
			const struct sw_pattern *pt = &rs->rules[i]->patterns[j];
			for (k = 0; k < pt->nkeys; k++) {
				sw_dispatch_add_key(m, pt->strip, pt->keys[k],
				    strlen(pt->keys[k]));
				if (pt->strip_opt)
					sw_dispatch_add_key(m, SW_STRIP_NONE,
					    pt->keys[k], strlen(pt->keys[k]));
			}
		}
	}
	m->rest = sw_xcalloc(np + 1, sizeof(*m->rest));
	for (k = 0; k < m->nlists; k++)
		m->lists[k].v = sw_xcalloc(np + 1, sizeof(*m->lists[k].v));
	m->rest_list.v = m->rest;
	for (i = 0; i < rs->nrules; i++) {
		for (j = 0; j < rs->rules[i]->npatterns; j++) {
			const struct sw_pattern *pt = &rs->rules[i]->patterns[j];
			if (pt->nkeys == 0)
				m->rest[m->nrest++] = pt;
			for (k = 0; k < m->nlists; k++) {
				struct sw_dlist *l = &m->lists[k];
				if (sw_pattern_fits(pt, l->strip, l->token))
					l->v[l->n++] = pt;
			}
		}
	}
	m->rest_list.n = m->nrest;
	for (k = 0; k < m->nlists; k++)
		sw_dlist_views(&m->lists[k]);
	sw_dlist_views(&m->rest_list);
}

struct sw_span
sw_match_strip_preauth(struct sw_span msg, int *preauth)
{
	static const char suffix[] = " [preauth]";

	*preauth = 0;
	if (sw_span_ends_with(msg, suffix)) {
		*preauth = 1;
		msg.len -= sizeof(suffix) - 1;
	}
	return msg;
}

struct sw_matcher *
sw_matcher_new(const struct sw_rules *rs, const struct sw_match_limits *limits)
{
	struct sw_matcher *m = sw_xcalloc(1, sizeof(*m));
	uint32_t maxgroups = 1;
	size_t i, j;

	m->rs = rs;
	sw_buf_init(&m->variant, 1024);
	m->mctx = pcre2_match_context_create(NULL);
	if (m->mctx == NULL) {
		fprintf(stderr, "sshwhy: out of memory (PCRE2 context)\n");
		abort();
	}
	pcre2_set_match_limit(m->mctx, limits ? limits->match_limit : 100000);
	pcre2_set_depth_limit(m->mctx, limits ? limits->depth_limit : 2000);
	pcre2_set_heap_limit(m->mctx, limits ? limits->heap_limit_kib : 4096);
	m->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (m->jit_stack != NULL)
		pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);

	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i]->npatterns; j++)
			if (rs->rules[i]->patterns[j].ngroups > maxgroups)
				maxgroups = rs->rules[i]->patterns[j].ngroups;
	m->md = pcre2_match_data_create(maxgroups, NULL);
	if (m->md == NULL) {
		fprintf(stderr, "sshwhy: out of memory (PCRE2 match data)\n");
		abort();
	}
	sw_dispatch_build(m);
	return m;
}

void
sw_matcher_free(struct sw_matcher *m)
{
	size_t k;

	if (m == NULL)
		return;
	for (k = 0; k < m->nlists; k++) {
		sw_dlist_free(&m->lists[k]);
		free(m->lists[k].v);
	}
	free(m->lists);
	sw_dlist_free(&m->rest_list);
	free(m->rest);
	sw_htab_free(&m->keys);
	pcre2_match_data_free(m->md);
	if (m->jit_stack != NULL)
		pcre2_jit_stack_free(m->jit_stack);
	pcre2_match_context_free(m->mctx);
	sw_buf_free(&m->variant);
	free(m);
}

/*
 * Where lit[0..len) first occurs in p[0..n), or NULL: memchr for its
 * least common byte (rare), then a compare (memmem is a GNU extension).
 */
static const char *
sw_find(const char *p, size_t n, const char *lit, size_t len, size_t rare)
{
	const char *q, *last;

	if (len == 0)
		return p;
	if (n < len)
		return NULL;
	q = p + rare;
	last = q + (n - len + 1);	/* one past the last place for lit[rare] */
	while (q < last && (q = memchr(q, lit[rare], (size_t)(last - q))) !=
	    NULL) {
		if (memcmp(q - rare, lit, len) == 0)
			return q - rare;
		q++;
	}
	return NULL;
}

/*
 * The literal prefilter (s3_rules.c, sw_pattern_clauses): every clause in
 * order, each after the earliest end of the one before. A message that
 * fails cannot match the pattern.
 */
static int
sw_clauses_hold(const struct sw_pattern *pt, struct sw_span msg, size_t pos)
{
	size_t i, a;

	for (i = 0; i < pt->nreq; i++) {
		const struct sw_req *q = &pt->req[i];
		size_t best = SIZE_MAX;
		for (a = 0; a < q->nalt; a++) {
			const char *f = sw_find(msg.p + pos, msg.len - pos,
			    q->lit[a], q->len[a], q->rare[a]);
			if (f != NULL && (size_t)(f - msg.p) + q->len[a] < best)
				best = (size_t)(f - msg.p) + q->len[a];
		}
		if (best == SIZE_MAX)
			return 0;
		pos = best;
	}
	return 1;
}

/*
 * Runs one pattern; fills ev on a match. filter: skip PCRE2 when the
 * literal prefix or clauses show the pattern cannot match; it is 1 + the
 * message's strip class (sw_message_key: which of "error: ", "fatal: ",
 * "debug1: " it starts with). 0: pure PCRE2, for sw_match_record_all,
 * which checks that the filters never lose a match.
 */
static enum sw_status
sw_match_pattern_relaxed(struct sw_matcher *m, const struct sw_pattern *pt,
    struct sw_span msg, int preauth, int relax_preauth, int filter,
    const struct sw_record *rec, struct sw_event *ev)
{
	const struct sw_rule *r = pt->rule;
	PCRE2_SPTR subject = (PCRE2_SPTR)(msg.len ? msg.p : "");
	PCRE2_SIZE *ov;
	size_t i;
	int rc;

	if ((r->preauth == SW_PREAUTH_YES && !preauth && !relax_preauth) ||
	    (r->preauth == SW_PREAUTH_NO && preauth) ||
	    r->side != (rec->client ? SW_SIDE_CLIENT : SW_SIDE_SERVER))
		return SW_ERR_NOMATCH;
	if (filter) {
		/* "^(?:error: )?Received ...": the prefix follows the
		 * "error: " the message has, if it has one. */
		size_t off = pt->strip_opt && filter - 1 == pt->strip ?
		    sw_strip_len[pt->strip] : 0;
		if (pt->prefix_len > msg.len - off ||
		    memcmp(pt->prefix, msg.p + off, pt->prefix_len) != 0 ||
		    (pt->nreq > 0 && !sw_clauses_hold(pt, msg,
		    off + pt->req_start))) {
			m->stats.skipped++;
			return SW_ERR_NOMATCH;
		}
	}
	m->stats.tried++;
	/* The same limits either way: JIT honours the match limit of the
	 * context (and ignores depth and heap, as pcre2_match does for JIT
	 * code); pcre2_jit_match only skips the option checks. */
	if (pt->jit)
		rc = pcre2_jit_match(pt->code, subject, msg.len, 0, 0, m->md,
		    m->mctx);
	else
		rc = pcre2_match(pt->code, subject, msg.len, 0, 0, m->md,
		    m->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return SW_ERR_NOMATCH;
	if (rc < 0) {
		m->stats.limit_hits++;
		return SW_ERR_MATCHLIMIT;
	}
	ov = pcre2_get_ovector_pointer(m->md);
	memset(ev, 0, sizeof(*ev));
	ev->rule = r;
	ev->rec = rec;
	ev->preauth = preauth;
	/*
	 * One named[] slot per distinct name, in name-table order (slots
	 * precomputed by the loader); with duplicate names (PCRE2_DUPNAMES)
	 * the first group that is set wins.
	 */
	ev->nnamed = pt->nslots;
	for (i = 0; i < pt->nnamed; i++) {
		uint32_t g = pt->name_group[i];
		struct sw_named_cap *nc = &ev->named[pt->name_slot[i]];
		struct sw_span v = { NULL, 0 };

		if (g < (uint32_t)rc && ov[2 * g] != PCRE2_UNSET)
			v = sw_span_make(msg.p + ov[2 * g],
			    ov[2 * g + 1] - ov[2 * g]);
		if (nc->name == NULL)
			nc->name = pt->names[i];
		if (nc->value.p == NULL)
			nc->value = v;
		if (pt->name_known[i] >= 0 && ev->cap[pt->name_known[i]].p == NULL)
			ev->cap[pt->name_known[i]] = v;
	}
	return SW_OK;
}

static enum sw_status
sw_match_pattern(struct sw_matcher *m, const struct sw_pattern *pt,
    struct sw_span msg, int preauth, const struct sw_record *rec,
    struct sw_event *ev)
{
	return sw_match_pattern_relaxed(m, pt, msg, preauth, 0, 0, rec, ev);
}

/* Tries every pattern the dispatch files under msg's key. */
static enum sw_status
sw_match_list(struct sw_matcher *m, struct sw_span msg, int preauth,
    int relax, const struct sw_record *rec, struct sw_event *ev,
    enum sw_status *worst)
{
	struct sw_dkey k = sw_message_key(msg);
	const struct sw_dlist *l = sw_htab_find(&m->keys,
	    sw_dkey_hash(k.strip, k.token), sw_dkey_eq, &k);
	const struct sw_pattern **list;
	size_t i, n;
	int c = rec->client != 0, p = preauth != 0;

	if (l == NULL)
		l = &m->rest_list;
	list = relax ? l->v : l->sv[c][p];
	n = relax ? l->n : l->sn[c][p];

	for (i = 0; i < n; i++) {
		enum sw_status st = sw_match_pattern_relaxed(m, list[i], msg,
		    preauth, relax, 1 + k.strip, rec, ev);
		if (st == SW_OK)
			return SW_OK;
		if (st == SW_ERR_MATCHLIMIT)
			*worst = st;
	}
	return SW_ERR_NOMATCH;
}

/* A span of the variant buffer, moved back onto the message it copies. */
static struct sw_span
sw_unvariant(struct sw_span v, const struct sw_buf *b, size_t plen,
    struct sw_span msg)
{
	if (v.p == NULL || v.p < b->p + plen || v.p + v.len > b->p + b->len)
		return sw_span_make(NULL, 0);	/* in the added prefix */
	return sw_span_make(msg.p + (v.p - (b->p + plen)), v.len);
}

/*
 * The same message as another OpenSSH version writes it: with or without
 * an "error: " or "fatal: " prefix (sshd has added and dropped them over
 * the years), and without " [preauth]" where older versions omit it.
 * Tried only when the line as written matched nothing.
 */
static enum sw_status
sw_match_variants(struct sw_matcher *m, struct sw_span msg, int preauth,
    const struct sw_record *rec, struct sw_event *ev, enum sw_status *worst)
{
	static const char *const prefixes[] = { "error: ", "fatal: " };
	struct sw_span base = msg;
	size_t i, k;

	/* Debug lines never carry these prefixes. */
	if (sw_span_starts_with(msg, "debug"))
		return SW_ERR_NOMATCH;
	if (!preauth && sw_match_list(m, msg, 0, 1, rec, ev, worst) == SW_OK)
		return SW_OK;
	for (i = 0; i < 2; i++)
		if (sw_span_starts_with(msg, prefixes[i])) {
			base = sw_span_make(msg.p + 7, msg.len - 7);
			if (sw_match_list(m, base, preauth, 1, rec, ev,
			    worst) == SW_OK)
				return SW_OK;
		}
	for (i = 0; i < 2; i++) {
		struct sw_span v;
		if (sw_span_starts_with(msg, prefixes[i]))
			continue;	/* that is the line as written */
		sw_buf_reset(&m->variant);
		sw_buf_adds(&m->variant, prefixes[i]);
		sw_buf_add(&m->variant, base.p, base.len);
		v = sw_span_make(m->variant.p, m->variant.len);
		if (sw_match_list(m, v, preauth, 1, rec, ev, worst) != SW_OK)
			continue;
		for (k = 0; k < ev->nnamed; k++)
			ev->named[k].value = sw_unvariant(ev->named[k].value,
			    &m->variant, 7, base);
		for (k = 0; k < SW_CAP_COUNT_; k++)
			ev->cap[k] = sw_unvariant(ev->cap[k], &m->variant, 7,
			    base);
		return SW_OK;
	}
	return SW_ERR_NOMATCH;
}

static int
sw_is_mask(char c)
{
	return c == 'x' || c == 'X' || c == '*';
}

/*
 * Length of a redacted IPv4 address at p ("xxx.xxx.xxx.xxx", "203.0.x.x",
 * "122.*.*.*" - four fields of digits or masks (x, X or *), at least one masked),
 * or of a template placeholder ("{{ip}}"); 0 if there is none.
 */
static size_t
sw_redacted_len(const char *p, size_t n)
{
	size_t i = 0, f;
	int masked = 0;

	if (n >= 5 && p[0] == '{' && p[1] == '{') {
		for (i = 2; i < n && i < 40 && p[i] != '}' && p[i] != ' '; i++)
			;
		if (i > 2 && i + 1 < n && p[i] == '}' && p[i + 1] == '}')
			return i + 2;
		return 0;
	}
	for (f = 0; f < 4; f++) {
		size_t start = i;
		int digits = 0, masks = 0;
		while (i < n && i - start < 4 && (sw_is_mask(p[i]) ||
		    (p[i] >= '0' && p[i] <= '9'))) {
			if (sw_is_mask(p[i]))
				masks++;
			else
				digits++;
			i++;
		}
		if (i == start || (digits && masks) || i - start > 3)
			return 0;
		masked |= masks > 0;
		if (f < 3) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
	}
	if (!masked || (i < n && ((p[i] >= '0' && p[i] <= '9') ||
	    sw_is_mask(p[i]) || p[i] == '.')))
		return 0;
	return i;
}

/*
 * A line whose client address the poster redacted: matched with every
 * masked character read as '0' (the same length, so the captures map back
 * onto the line and the address is shown as given). Tried last.
 */
static enum sw_status
sw_match_redacted(struct sw_matcher *m, struct sw_span msg, int preauth,
    const struct sw_record *rec, struct sw_event *ev, enum sw_status *worst)
{
	size_t i, k, len;
	int found = 0;
	struct sw_span v;

	sw_buf_reset(&m->variant);
	sw_buf_add(&m->variant, msg.p, msg.len);
	for (i = 0; i < msg.len; i++) {
		if (i > 0 && msg.p[i - 1] != ' ' && msg.p[i - 1] != '[' &&
		    msg.p[i - 1] != '(' && msg.p[i - 1] != '=' &&
		    msg.p[i - 1] != '@' && msg.p[i - 1] != '`' &&
		    msg.p[i - 1] != '\'')
			continue;
		if ((len = sw_redacted_len(msg.p + i, msg.len - i)) == 0)
			continue;
		for (k = i; k < i + len; k++)
			if (msg.p[k] != '.')
				m->variant.p[k] = '0';
		found = 1;
		i += len - 1;
	}
	if (!found)
		return SW_ERR_NOMATCH;
	v = sw_span_make(m->variant.p, msg.len);
	if (sw_match_list(m, v, preauth, 1, rec, ev, worst) != SW_OK)
		return SW_ERR_NOMATCH;
	for (k = 0; k < ev->nnamed; k++)
		ev->named[k].value = sw_unvariant(ev->named[k].value,
		    &m->variant, 0, msg);
	for (k = 0; k < SW_CAP_COUNT_; k++)
		ev->cap[k] = sw_unvariant(ev->cap[k], &m->variant, 0, msg);
	return SW_OK;
}

enum sw_status
sw_match_record(struct sw_matcher *m, const struct sw_record *rec,
    struct sw_event *ev)
{
	struct sw_span msg;
	int preauth;
	enum sw_status worst = SW_ERR_NOMATCH;

	msg = sw_match_strip_preauth(rec->message, &preauth);
	if (sw_match_list(m, msg, preauth, 0, rec, ev, &worst) == SW_OK)
		return SW_OK;
	if (worst == SW_ERR_NOMATCH &&
	    sw_match_variants(m, msg, preauth, rec, ev, &worst) == SW_OK)
		return SW_OK;
	if (worst == SW_ERR_NOMATCH &&
	    sw_match_redacted(m, msg, preauth, rec, ev, &worst) == SW_OK)
		return SW_OK;
	if (worst == SW_ERR_MATCHLIMIT)
		m->stats.limit_lines++;
	return worst;
}

enum sw_status
sw_match_record_all(struct sw_matcher *m, const struct sw_record *rec,
    struct sw_event *ev)
{
	struct sw_span msg;
	size_t i, j;
	int preauth;
	enum sw_status st, worst = SW_ERR_NOMATCH;

	msg = sw_match_strip_preauth(rec->message, &preauth);
	for (i = 0; i < m->rs->nrules; i++) {
		const struct sw_rule *r = m->rs->rules[i];
		for (j = 0; j < r->npatterns; j++) {
			st = sw_match_pattern(m, &r->patterns[j], msg, preauth,
			    rec, ev);
			if (st == SW_OK)
				return SW_OK;
			if (st == SW_ERR_MATCHLIMIT)
				worst = st;
		}
	}
	/* The same fallbacks as sw_match_record, for the same answer. */
	if (worst == SW_ERR_NOMATCH &&
	    sw_match_variants(m, msg, preauth, rec, ev, &worst) == SW_OK)
		return SW_OK;
	if (worst == SW_ERR_NOMATCH &&
	    sw_match_redacted(m, msg, preauth, rec, ev, &worst) == SW_OK)
		return SW_OK;
	return worst;
}

struct sw_span
sw_event_named(const struct sw_event *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->nnamed; i++)
		if (ev->named[i].name[0] == name[0] &&
		    strcmp(ev->named[i].name, name) == 0 &&
		    ev->named[i].value.p != NULL)
			return ev->named[i].value;
	return sw_span_make(NULL, 0);
}

const struct sw_match_stats *
sw_match_stats(const struct sw_matcher *m)
{
	return &m->stats;
}

/* Self-test of the examples. */

static int
sw_rule_matches(struct sw_matcher *m, const struct sw_rule *r,
    struct sw_span msg, int preauth, const struct sw_record *rec,
    struct sw_event *ev)
{
	size_t j;

	for (j = 0; j < r->npatterns; j++)
		if (sw_match_pattern(m, &r->patterns[j], msg, preauth, rec,
		    ev) == SW_OK)
			return 1;
	return 0;
}

static void
sw_selftest_fail(FILE *out, const struct sw_rule *r,
    const struct sw_example *ex, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
sw_selftest_fail(FILE *out, const struct sw_rule *r,
    const struct sw_example *ex, const char *fmt, ...)
{
	struct sw_buf esc;
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	sw_buf_init(&esc, 4096);
	sw_escape_text(&esc, sw_span_make(ex->line, strlen(ex->line)));
	fprintf(out, "%s:%lu: %s\n    line: %s\n", r->file, ex->yaml_line, why,
	    esc.p ? esc.p : "");
	sw_buf_free(&esc);
}

/*
 * Hostile-name check (issue 13, D10): plants a forged address in the
 * example's user name and matches the line again against every rule. If a
 * rule then takes its address or port from the planted text, some pattern
 * trusts a tail that one sshd version does not write (the legacy
 * "Too many authentication failures for USER" without "from IP port P"),
 * so a client could choose the address a failure is blamed on.
 */
static const char sw_zeros[32];

static const char *const sw_plants[] = {
	" from 6.6.6.6 port 6666 ssh2",
	" from 6.6.6.6 port 6666",
	" from 6.6.6.6",
	" 6.6.6.6 port 6666",
	" 6.6.6.6 port 6666: Too many authentication failures",
};

static unsigned
sw_selftest_planted(struct sw_matcher *m, FILE *out, const struct sw_rule *r,
    const struct sw_example *ex, const struct sw_event *ev,
    const struct sw_record *rec)
{
	struct sw_span user = ev->cap[SW_CAP_USER];
	size_t i, cut;
	unsigned failures = 0;

	if (user.p == NULL || user.p < rec->message.p ||
	    user.p + user.len > rec->message.p + rec->message.len)
		return 0;
	cut = (size_t)(user.p + user.len - rec->message.p);
	for (i = 0; i < sizeof(sw_plants) / sizeof(sw_plants[0]); i++) {
		struct sw_buf b;
		struct sw_record fake = *rec;
		struct sw_event got;

		sw_buf_init(&b, 0);
		sw_buf_add(&b, rec->message.p, cut);
		sw_buf_adds(&b, sw_plants[i]);
		sw_buf_add(&b, rec->message.p + cut, rec->message.len - cut);
		sw_buf_add(&b, sw_zeros, sizeof(sw_zeros));
		b.len -= sizeof(sw_zeros);
		fake.message = fake.raw = sw_span_make(b.p, b.len);
		if (sw_match_record(m, &fake, &got) == SW_OK &&
		    (sw_span_eq_str(got.cap[SW_CAP_IP], "6.6.6.6") ||
		    sw_span_eq_str(got.cap[SW_CAP_PORT], "6666"))) {
			sw_selftest_fail(out, r, ex, "a user name ending in "
			    "'%s' sets the address or port through rule %s: "
			    "anchor the address to a tail every sshd version "
			    "writes", sw_plants[i], sw_rule_id(got.rule));
			failures++;
		}
		sw_buf_free(&b);
	}
	return failures;
}

unsigned
sw_rules_selftest(const struct sw_rules *rs, FILE *out, unsigned *checked)
{
	struct sw_matcher *m = sw_matcher_new(rs, NULL);
	struct sw_format_opts fo = { 2026, 0 };
	struct sw_format *fmt;
	struct sw_diag *quiet = sw_diag_new(NULL, 1);
	struct sw_buf pad;
	unsigned failures = 0, n = 0;
	size_t i, e, k, c;

	fmt = sw_format_new(&fo, quiet);
	sw_buf_init(&pad, 0);
	for (i = 0; i < rs->nrules; i++) {
		const struct sw_rule *r = rs->rules[i];
		for (e = 0; e < r->nexamples; e++) {
			const struct sw_example *ex = &r->examples[e];
			struct sw_line line;
			struct sw_record rec;
			struct sw_event ev;
			struct sw_span msg;
			int preauth;

			n++;
			/* A copy with zeroed slack: PCRE2's JIT reads a few
			 * bytes past the subject (valgrind would flag the
			 * exact-size strdup). */
			sw_buf_reset(&pad);
			sw_buf_add(&pad, ex->line, strlen(ex->line));
			sw_buf_add(&pad, sw_zeros, sizeof(sw_zeros));
			pad.len -= sizeof(sw_zeros);
			memset(&line, 0, sizeof(line));
			line.text = sw_span_make(pad.p, pad.len);
			line.origin = r->file;
			line.lineno = ex->yaml_line;
			/* Client examples must be recognised as client output;
			 * a server rule's bare message may look like one
			 * ("Connection closed by ..."). */
			if (sw_format_parse(fmt, &line, &rec) != SW_OK ||
			    (rec.client && r->side == SW_SIDE_SERVER)) {
				/* A bare message, as after "sshd[pid]: ". */
				memset(&rec, 0, sizeof(rec));
				rec.raw = rec.message = line.text;
				rec.origin = r->file;
				rec.lineno = ex->yaml_line;
			}
			msg = sw_match_strip_preauth(rec.message, &preauth);
			if (!ex->must_match) {
				if (sw_rule_matches(m, r, msg, preauth, &rec, &ev)) {
					sw_selftest_fail(out, r, ex,
					    "not_matching line matches rule %s",
					    r->id);
					failures++;
				}
				continue;
			}
			if (!sw_rule_matches(m, r, msg, preauth, &rec, &ev)) {
				sw_selftest_fail(out, r, ex,
				    "example does not match rule %s", r->id);
				failures++;
				continue;
			}
			/*
			 * Dispatch must reach the rule the pattern matches
			 * (another rule matching instead is reported below).
			 */
			{
				struct sw_event via;
				if (sw_match_record(m, &rec, &via) !=
				    SW_OK) {
					sw_selftest_fail(out, r, ex,
					    "dispatch does not reach rule %s "
					    "(docs/rules.md, \"Dispatch\")", r->id);
					failures++;
				}
			}
			for (c = 0; c < ex->ncaps; c++) {
				struct sw_span got = sw_event_named(&ev,
				    ex->caps[c].name);
				if (!sw_span_eq_str(got, ex->caps[c].value)) {
					struct sw_buf esc;
					sw_buf_init(&esc, 1024);
					sw_escape_text(&esc, got);
					sw_selftest_fail(out, r, ex,
					    "capture '%s' is '%s', expected '%s'",
					    ex->caps[c].name,
					    got.p ? esc.p : "(unset)",
					    ex->caps[c].value);
					sw_buf_free(&esc);
					failures++;
				}
			}
			for (k = 0; k < rs->nrules; k++) {
				struct sw_event other;
				if (k == i || !sw_rule_matches(m, rs->rules[k],
				    msg, preauth, &rec, &other))
					continue;
				sw_selftest_fail(out, r, ex,
				    "example also matches rule %s (%s): a line "
				    "must match one rule", rs->rules[k]->id,
				    rs->rules[k]->file);
				failures++;
			}
			failures += sw_selftest_planted(m, out, r, ex, &ev,
			    &rec);
		}
	}
	sw_buf_free(&pad);
	sw_format_free(fmt);
	sw_diag_free(quiet);
	sw_matcher_free(m);
	if (checked != NULL)
		*checked = n;
	return failures;
}

/* Drift shapes. */

#define SW_SHAPES_MAX 100000	/* ceiling of the ceiling */

struct sw_shapes {
	struct sw_shape *v;
	size_t n, cap, max;
	uint64_t other;		/* lines whose shape did not fit the table */
	struct sw_htab idx;	/* items: index into v + 1 */
	struct sw_buf scratch;	/* reused: no allocation per line */
	int sorted;		/* v was reordered: slots are stale */
};

struct sw_shape_key {
	const struct sw_shapes *t;
	const char *s;
};

static int
sw_shape_eq(const void *item, const void *key)
{
	const struct sw_shape_key *k = key;

	return strcmp(k->t->v[(uintptr_t)item - 1].shape, k->s) == 0;
}

struct sw_shapes *
sw_shapes_new(size_t max_shapes)
{
	struct sw_shapes *t = sw_xcalloc(1, sizeof(*t));

	t->max = max_shapes ? max_shapes : 1000;
	sw_buf_init(&t->scratch, 1024);
	if (t->max > SW_SHAPES_MAX)
		t->max = SW_SHAPES_MAX;
	sw_htab_init(&t->idx);
	return t;
}

void
sw_shapes_free(struct sw_shapes *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].shape);
		free(t->v[i].origin);
	}
	free(t->v);
	sw_htab_free(&t->idx);
	sw_buf_free(&t->scratch);
	free(t);
}

static int
sw_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
sw_has_digit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sw_is_digit(p[i]))
			return 1;
	return 0;
}

void
sw_shape_of(struct sw_buf *out, struct sw_span message)
{
	int preauth;
	struct sw_span m = sw_match_strip_preauth(message, &preauth);
	size_t i = 0;
	int after_user = 0;

	while (i < m.len) {
		size_t j = i;

		if (m.p[i] == ' ') {
			sw_buf_addc(out, ' ');
			i++;
			continue;
		}
		if (m.p[i] == '\'' || m.p[i] == '"') {
			/* A quoted string is one token, spaces and all. */
			const char *q = memchr(m.p + i + 1, m.p[i], m.len - i - 1);
			if (q != NULL)
				j = (size_t)(q - m.p) + 1;
		}
		while (j < m.len && m.p[j] != ' ')
			j++;
		/* One token: m.p[i..j). */
		if (after_user) {
			sw_buf_addc(out, 'U');
		} else if (j - i >= 20 && memchr(m.p + i, '_', j - i) == NULL &&
		    sw_has_digit(m.p + i, j - i)) {
			/* Key blobs, fingerprints, hashes. */
			sw_buf_addc(out, 'X');
		} else if (m.p[i] == '\'' || m.p[i] == '"') {
			sw_buf_adds(out, "'S'");
		} else {
			size_t k = i;
			while (k < j) {
				if (sw_is_digit(m.p[k])) {
					while (k < j && sw_is_digit(m.p[k]))
						k++;
					sw_buf_addc(out, 'N');
				} else
					sw_buf_addc(out, m.p[k++]);
			}
		}
		after_user = (j - i == 4 && memcmp(m.p + i, "user", 4) == 0) ||
		    (j - i == 3 && memcmp(m.p + i, "for", 3) == 0);
		i = j;
	}
	if (preauth)
		sw_buf_adds(out, " [preauth]");
}

void
sw_shapes_add(struct sw_shapes *t, const struct sw_record *rec)
{
	struct sw_buf *b = &t->scratch;
	struct sw_shape_key k = { t, NULL };
	uintptr_t it;
	uint64_t h;
	size_t i;

	sw_buf_reset(b);
	sw_shape_of(b, rec->message);
	if (b->p == NULL || b->len == 0)
		sw_buf_addc(b, ' ');
	if (t->sorted) {
		/* Sorting moved the entries: index them again. */
		sw_htab_free(&t->idx);
		for (i = 0; i < t->n; i++)
			sw_htab_put(&t->idx, sw_hash_bytes(t->v[i].shape,
			    strlen(t->v[i].shape)), (void *)(uintptr_t)(i + 1));
		t->sorted = 0;
	}
	h = sw_hash_bytes(b->p, strlen(b->p));	/* as the rebuild does */
	k.s = b->p;
	if ((it = (uintptr_t)sw_htab_find(&t->idx, h, sw_shape_eq, &k)) != 0) {
		t->v[it - 1].count++;
		return;
	}
	if (t->n >= t->max) {
		t->other++;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = sw_xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].shape = sw_xstrndup(b->p, b->len);
	t->v[t->n].count = 1;
	t->v[t->n].origin = sw_xstrdup(rec->origin ? rec->origin : "");
	t->v[t->n].lineno = rec->lineno;
	t->n++;
	sw_htab_put(&t->idx, h, (void *)(uintptr_t)t->n);
}

static int
sw_shape_cmp(const void *a, const void *b)
{
	const struct sw_shape *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->shape, y->shape);
}

const struct sw_shape *
sw_shapes_sorted(struct sw_shapes *t, size_t *n, uint64_t *other)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), sw_shape_cmp);
	t->sorted = 1;
	*n = t->n;
	if (other != NULL)
		*other = t->other;
	return t->v;
}
