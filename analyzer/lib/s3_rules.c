/*
 * s3_rules.c: loads the rules directory. One YAML file per rule, read with
 * libyaml's document API; every field is checked and every problem is
 * reported with file:line and the field, so a bad directory is refused as
 * a whole rather than half-used. Patterns are compiled once, byte-mode
 * (log lines need not be UTF-8), with JIT when the platform has it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "s3_rules_int.h"

struct sw_loader {
	struct sw_diag *diag;
	const char *path;
	yaml_document_t *doc;
	int errors;
};

/*
 * A hostile or broken rule file must not flood stderr (issue 13, D13): the
 * first SW_LOAD_ERRORS_SHOWN errors of a file are printed, the rest counted
 * and summarised in one line. Files over SW_RULE_FILE_MAX bytes are refused
 * before parsing, so a 3-million-entry list is not built in memory.
 */
#define SW_LOAD_ERRORS_SHOWN	20
#define SW_RULE_FILE_MAX	((long long)1 << 20)
#define SW_MAX_CAPTURES		32	/* captures per example */

static const char *const sw_meaning_names[] = {
	"connect", "attempt", "success", "partial", "refusal", "cause",
	"close", "info", "inferred", "dropped",
};
static const char *const sw_level_names[] = {
	"QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG1", "DEBUG2",
	"DEBUG3",
};
static const char *const sw_conf_names[] = { "certain", "likely", "unknown" };
static const char *const sw_cap_names[] = {
	"user", "ip", "port", "method", "key_type", "fingerprint", "path",
	"invalid", "conn_pid", "child_pid", "rhost",
};

const char *
sw_meaning_name(enum sw_meaning m)
{
	return sw_meaning_names[m];
}

const char *
sw_loglevel_name(enum sw_loglevel l)
{
	return sw_level_names[l];
}

const char *
sw_confidence_name(enum sw_confidence c)
{
	return sw_conf_names[c];
}

const char *
sw_cap_name(enum sw_cap c)
{
	return sw_cap_names[c];
}

static void
sw_load_error(struct sw_loader *l, const yaml_node_t *node, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
sw_load_error(struct sw_loader *l, const yaml_node_t *node, const char *field,
    const char *fmt, ...)
{
	char why[600];
	va_list ap;

	l->errors++;
	if (l->errors > SW_LOAD_ERRORS_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (field != NULL)
		sw_diag_printf(l->diag, SW_DIAG_ERROR, l->path,
		    node ? node->start_mark.line + 1 : 0, "field '%s': %s",
		    field, why);
	else
		sw_diag_printf(l->diag, SW_DIAG_ERROR, l->path,
		    node ? node->start_mark.line + 1 : 0, "%s", why);
}

static const char *
sw_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/*
 * Whether `pair`'s key already appeared earlier in `map`; if so, reports it
 * with both lines (issue 13, D9: the last value used to win silently and
 * the earlier one leaked). The caller skips the pair. Mappings are small:
 * the root and cause have a handful of known keys, captures are capped.
 */
static int
sw_dup_key(struct sw_loader *l, const yaml_node_t *map,
    const yaml_node_pair_t *pair, const char *field)
{
	const yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
	const char *key = sw_scalar(k);
	const yaml_node_pair_t *p;

	if (key == NULL)
		return 0;
	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		const yaml_node_t *pk = yaml_document_get_node(l->doc, p->key);
		const char *pkey = sw_scalar(pk);

		if (pkey != NULL && strcmp(pkey, key) == 0) {
			sw_load_error(l, k, field, "duplicate key '%s' (first "
			    "at line %lu)", key,
			    (unsigned long)pk->start_mark.line + 1);
			return 1;
		}
	}
	return 0;
}

/* A scalar field; NULL with an error when missing and required. */
static const char *
sw_get_str(struct sw_loader *l, const yaml_node_t *v, const char *field)
{
	const char *s = sw_scalar(v);

	if (s == NULL) {
		sw_load_error(l, v, field, "must be a string");
		return NULL;
	}
	if (strlen(s) != v->data.scalar.length) {
		sw_load_error(l, v, field, "contains a NUL byte");
		return NULL;
	}
	return s;
}

static int
sw_lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static int
sw_valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return 0;
	}
	return s[0] != '-';
}

/*
 * Literal text at s (part of a pattern), into out[0..SW_MAX_PREFIX); *used
 * is how many source bytes it took. Stops at the first metacharacter, or
 * before a character a quantifier follows.
 */
static size_t
sw_literal(const char *s, char *out, size_t *used)
{
	const char *start = s;
	size_t n = 0;

	while (*s != '\0' && n < SW_MAX_PREFIX - 1) {
		char c = *s;
		const char *next;

		if (c == '\\') {
			unsigned char e = (unsigned char)s[1];
			/* Only escaped punctuation is a plain literal. */
			if (e == '\0' || (e >= '0' && e <= '9') ||
			    (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
				break;
			c = (char)e;
			next = s + 2;
		} else if (strchr("^$.[]|()?*+{}", c) != NULL)
			break;
		else
			next = s + 1;
		if (*next == '?' || *next == '*' || *next == '+' || *next == '{')
			break;
		out[n++] = c;
		s = next;
	}
	out[n] = '\0';
	if (used != NULL)
		*used = (size_t)(s - start);
	return n;
}

/* Past the escape, class or plain byte at s. */
static const char *
sw_skip_atom(const char *s)
{
	if (*s == '\\' && s[1] != '\0')
		return s + 2;
	if (*s == '[') {
		s++;
		if (*s == '^')
			s++;
		if (*s == ']')
			s++;
		while (*s != '\0' && *s != ']')
			s += (*s == '\\' && s[1] != '\0') ? 2 : 1;
		return *s != '\0' ? s + 1 : s;
	}
	return s + 1;
}

/* Whether the pattern has an alternation at its top level. */
static int
sw_top_alternation(const char *s)
{
	int depth = 0;

	while (*s) {
		if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		else if (*s == '|' && depth == 0)
			return 1;
		s = sw_skip_atom(s);
	}
	return 0;
}

/* The first token of lit (up to its first space), if lit reaches past it. */
static int
sw_token_of(const char *lit, size_t n, char *out)
{
	const char *sp = memchr(lit, ' ', n);

	if (sp == NULL || sp == lit)
		return 0;
	memcpy(out, lit, (size_t)(sp - lit));
	out[sp - lit] = '\0';
	return 1;
}

/*
 * Keys from a leading group "(?:A|B)" or "(?<name>A|B)" at s: each
 * alternative's token, from its own literal start or, when it is all
 * literal, from it and the literal after the group. 0 if any is unknown.
 */
static size_t
sw_group_keys(struct sw_pattern *pt, const char *s)
{
	char alt[256], lit[2 * SW_MAX_PREFIX + 1], after[SW_MAX_PREFIX];
	const char *p = s, *a, *end;
	size_t n = 0, used, len, an;
	int depth = 0;

	if (strncmp(p, "(?:", 3) == 0)
		p += 3;
	else if (strncmp(p, "(?<", 3) == 0 && p[3] != '=' && p[3] != '!') {
		if ((p = strchr(p, '>')) == NULL)
			return 0;
		p++;
	} else
		return 0;
	/* Find the group's end, then the literal after it. */
	for (end = p; *end != '\0'; end = sw_skip_atom(end)) {
		if (*end == '(')
			depth++;
		else if (*end == ')' && depth-- == 0)
			break;
	}
	if (*end != ')' || strchr("?*+{", end[1]) != NULL)
		return 0;
	(void)sw_literal(end + 1, after, NULL);
	for (a = p; a <= end; ) {
		const char *q = a;
		depth = 0;
		while (q < end && !(*q == '|' && depth == 0)) {
			if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
			q = sw_skip_atom(q);
		}
		len = (size_t)(q - a);
		if (len == 0 || len >= sizeof(alt) || n == SW_MAX_KEYS)
			return 0;
		memcpy(alt, a, len);
		alt[len] = '\0';
		an = sw_literal(alt, lit, &used);
		if (used == len) {
			/* All literal: the token may run into what follows. */
			size_t k = strlen(after);
			if (an + k >= sizeof(lit))
				k = sizeof(lit) - an - 1;
			memcpy(lit + an, after, k);
			an += k;
			lit[an] = '\0';
		}
		if (an >= SW_MAX_TOKEN)
			an = SW_MAX_TOKEN - 1;
		if (!sw_token_of(lit, an, pt->keys[n]))
			return 0;
		n++;
		a = q + 1;
	}
	return n;
}

/* The longest literal run at the top level: every match contains it. */
static void
sw_required_literal(struct sw_pattern *pt)
{
	const char *s = pt->source;
	char run[SW_MAX_PREFIX];
	size_t n, used;
	int depth = 0;

	pt->required_len = 0;
	pt->required[0] = '\0';
	while (*s) {
		if (depth == 0 && strchr("^$.[]|()?*+{}", *s) == NULL) {
			n = sw_literal(s, run, &used);
			if (n > pt->required_len) {
				memcpy(pt->required, run, n + 1);
				pt->required_len = n;
			}
			if (used > 0) {
				s += used;
				continue;
			}
		}
		if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		s = sw_skip_atom(s);
	}
}

const char *const sw_strip_text[SW_STRIP_N] = {
	"", "error: ", "fatal: ", "debug1: ",
};

/*
 * The literal text a "^..." pattern must start with, to skip it cheaply,
 * its dispatch keys (after an optional or required "error: ", "fatal: "
 * or "debug1: ") and, for a pattern without keys, its required literal.
 */
static void
sw_pattern_prefix(struct sw_pattern *pt)
{
	const char *s = pt->source, *rest, *p;
	char lit[SW_MAX_PREFIX];
	size_t n, k, len, used;

	pt->prefix_len = 0;
	pt->prefix[0] = '\0';
	pt->nkeys = 0;
	pt->strip = SW_STRIP_NONE;
	pt->strip_opt = 0;
	pt->required_len = 0;
	pt->required[0] = '\0';
	if (*s++ != '^' || sw_top_alternation(pt->source))
		return;
	n = sw_literal(s, pt->prefix, &used);
	pt->prefix_len = n;
	rest = s;
	for (k = 1; k < SW_STRIP_N; k++) {
		len = strlen(sw_strip_text[k]);
		if (n == 0 && strncmp(s, "(?:", 3) == 0 &&
		    strncmp(s + 3, sw_strip_text[k], len) == 0 &&
		    strncmp(s + 3 + len, ")?", 2) == 0) {
			pt->strip_opt = 1;	/* "(?:error: )?" */
			pt->strip = (int)k;
			rest = s + 3 + len + 2;
			break;
		}
		if (n >= len && memcmp(pt->prefix, sw_strip_text[k], len) == 0) {
			/* The source may spell it with escapes: walk it. */
			size_t got = 0;
			rest = s;
			while (got < len) {
				rest += rest[0] == '\\' ? 2 : 1;
				got++;
			}
			pt->strip = (int)k;
			break;
		}
	}
	/* Inline options ("(?i)", "(?x)") change what literal text means. */
	for (p = pt->source; (p = strstr(p, "(?")) != NULL; p += 2)
		if (strchr(":<!=>", p[2]) == NULL)
			return;
	n = sw_literal(rest, lit, &used);
	if (sw_token_of(lit, n, pt->keys[0]))
		pt->nkeys = 1;
	else if (n == 0)
		pt->nkeys = sw_group_keys(pt, rest);
	if (pt->nkeys == 0) {
		pt->strip_opt = 0;
		pt->strip = SW_STRIP_NONE;
		sw_required_literal(pt);
	}
}

/*
 * Literal prefilter. Reads a pattern's top-level sequence into clauses every
 * match satisfies in order: a literal run ("Received disconnect from "), or
 * for a required group of alternatives one literal per alternative
 * ("(?:(?<code>14): .*|(?<code>\d+): (?:.*: )?Auth ...)" gives "14: " or
 * "Auth "). A group that is all literal ("(?<code>14)") joins the run it
 * stands in. Optional parts, classes, escapes and lookarounds only break
 * runs; anything this reader does not know (inline options, back
 * references, \x escapes, recursion) gives no clauses at all, so a
 * clause is only ever a necessary condition.
 */
#define SW_REQB_MAX 16
#define SW_REQ_DEPTH 8

struct sw_reqb {
	struct sw_req v[SW_REQB_MAX];
	size_t n;
	char run[SW_MAX_PREFIX];	/* literal run being read */
	size_t rn;
	int pure;			/* only literal bytes so far */
	char pure_lit[SW_MAX_PREFIX];	/* they, while they fit */
	size_t pure_len;
	int lead_broken;		/* something came before the first run */
};

struct sw_reqctx {
	int bail;		/* a construct not read: no clauses at all */
	int depth;
	struct sw_reqb level[SW_REQ_DEPTH + 1];	/* one per group depth */
};

static void
sw_req_init(struct sw_reqb *b)
{
	b->n = b->rn = b->pure_len = 0;
	b->pure = 1;
	b->lead_broken = 0;
}

static void
sw_req_push(struct sw_reqb *b, const struct sw_req *q)
{
	if (b->n < SW_REQB_MAX)
		b->v[b->n++] = *q;
}

static void
sw_req_flush(struct sw_reqb *b)
{
	struct sw_req q;

	if (b->rn == 0)
		return;
	memset(&q, 0, sizeof(q));
	q.nalt = 1;
	q.len[0] = (uint8_t)b->rn;
	memcpy(q.lit[0], b->run, b->rn);
	sw_req_push(b, &q);
	b->rn = 0;
}

static void
sw_req_char(struct sw_reqb *b, char c)
{
	if (b->rn == SW_MAX_PREFIX - 1)
		sw_req_flush(b);
	b->run[b->rn++] = c;
	if (b->pure && b->pure_len < SW_MAX_PREFIX - 1)
		b->pure_lit[b->pure_len++] = c;
	else
		b->pure = 0;
}

/* A non-literal element: ends the run and the sequence's purity. */
static void
sw_req_break(struct sw_reqb *b)
{
	if (b->n == 0 && b->rn == 0)
		b->lead_broken = 1;
	sw_req_flush(b);
	b->pure = 0;
}

/* Past a quantifier at p (and its lazy or possessive mark); *min is the
 * least number of repeats (1 without one). NULL: not one we read. */
static const char *
sw_req_quant(const char *p, unsigned *min)
{
	*min = 1;
	if (*p == '?' || *p == '*')
		*min = 0;
	else if (*p == '+')
		*min = 1;
	else if (*p == '{') {
		unsigned v = 0;
		const char *d = ++p;
		while (*p >= '0' && *p <= '9' && v < 1000)
			v = v * 10 + (unsigned)(*p++ - '0');
		if (p == d)
			return NULL;
		if (*p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p != '}')
			return NULL;
		*min = v;
	} else
		return p;
	p++;
	if (*p == '?' || *p == '+')
		p++;
	return p;
}

/* The longest single literal among b's clauses, or NULL. */
static const struct sw_req *
sw_req_best(const struct sw_reqb *b)
{
	const struct sw_req *best = NULL;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].nalt == 1 && (best == NULL ||
		    b->v[i].len[0] > best->len[0]))
			best = &b->v[i];
	return best;
}

static const char *sw_req_seq(struct sw_reqctx *cx, const char *s,
    struct sw_reqb *b);

static const char *
sw_req_fail(struct sw_reqctx *cx, const char *s)
{
	cx->bail = 1;
	return s + strlen(s);
}

/* A group at s ('('): its clauses into b. Returns the byte after it. */
static const char *
sw_req_group(struct sw_reqctx *cx, const char *s, struct sw_reqb *b)
{
	struct sw_reqb *alt;
	struct sw_req q;
	const char *p = s + 1, *after;
	int look = 0, nalt = 0, every = 1;
	unsigned min;
	size_t i;

	if (p[0] == '*')
		return sw_req_fail(cx, s);	/* verbs */
	if (p[0] == '?') {
		if (p[1] == '#') {		/* a comment */
			while (*p != '\0' && *p != ')')
				p++;
			return *p == ')' ? p + 1 : sw_req_fail(cx, s);
		}
		if (p[1] == ':' || p[1] == '|' || p[1] == '>')
			p += 2;
		else if (p[1] == '=' || p[1] == '!') {
			look = 1;
			p += 2;
		} else if (p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
			look = 1;
			p += 3;
		} else if (p[1] == '<' || p[1] == '\'' ||
		    (p[1] == 'P' && p[2] == '<')) {
			char close = p[1] == '\'' ? '\'' : '>';
			p += p[1] == 'P' ? 3 : 2;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
				p++;
			if (*p++ != close)
				return sw_req_fail(cx, s);
		} else
			return sw_req_fail(cx, s);	/* options, recursion */
	}
	if (cx->depth >= SW_REQ_DEPTH)
		return sw_req_fail(cx, s);
	alt = &cx->level[++cx->depth];
	memset(&q, 0, sizeof(q));
	for (;;) {
		const struct sw_req *best;
		sw_req_init(alt);
		p = sw_req_seq(cx, p, alt);
		if (cx->bail)
			break;
		sw_req_flush(alt);
		if (*p != '|' && nalt == 0)
			break;		/* one alternative: alt keeps it */
		if (nalt < SW_MAX_ALTS) {
			if (alt->pure && alt->pure_len > 0) {
				q.len[nalt] = (uint8_t)alt->pure_len;
				memcpy(q.lit[nalt], alt->pure_lit, alt->pure_len);
			} else if ((best = sw_req_best(alt)) != NULL) {
				q.len[nalt] = best->len[0];
				memcpy(q.lit[nalt], best->lit[0], best->len[0]);
			} else
				every = 0;	/* an alternative without one */
		}
		nalt++;
		if (*p != '|')
			break;
		p++;
	}
	cx->depth--;
	if (cx->bail)
		return p;
	if (*p != ')' || (after = sw_req_quant(p + 1, &min)) == NULL)
		return sw_req_fail(cx, s);
	if (look || min == 0) {
		sw_req_break(b);
		return after;
	}
	if (nalt == 0) {
		/* One alternative: its clauses are the group's. */
		if (alt->pure && after == p + 1) {
			for (i = 0; i < alt->pure_len; i++)
				sw_req_char(b, alt->pure_lit[i]);
			return after;	/* "(?<code>14)" joins the run */
		}
		sw_req_break(b);
		for (i = 0; i < alt->n; i++)
			sw_req_push(b, &alt->v[i]);
		return after;
	}
	sw_req_break(b);
	if (nalt <= SW_MAX_ALTS && every) {
		q.nalt = (uint8_t)nalt;
		sw_req_push(b, &q);
	}
	return after;
}

/* A sequence up to '|', ')' or the end: its clauses into b. */
static const char *
sw_req_seq(struct sw_reqctx *cx, const char *s, struct sw_reqb *b)
{
	while (*s != '\0' && *s != '|' && *s != ')' && !cx->bail) {
		const char *next;
		unsigned min;
		char c = *s;
		int lit = 1;

		if (c == '(') {
			s = sw_req_group(cx, s, b);
			continue;
		}
		if (c == '^' || c == '$') {
			sw_req_break(b);
			s++;
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{')
			return sw_req_fail(cx, s);
		if (c == '[') {
			next = s + 1;
			if (*next == '^')
				next++;
			if (*next == ']')
				next++;
			while (*next != '\0' && *next != ']') {
				if (next[0] == '[' && (next[1] == ':' ||
				    next[1] == '.' || next[1] == '=')) {
					/* "[:alpha:]"; anything else: not read */
					const char *e = next + 2;
					while (*e >= 'a' && *e <= 'z')
						e++;
					if (next[1] != ':' || e[0] != ':' ||
					    e[1] != ']')
						return sw_req_fail(cx, s);
					next = e + 2;
				} else
					next += (*next == '\\' && next[1] != '\0') ?
					    2 : 1;
			}
			if (*next != ']')
				return sw_req_fail(cx, s);
			next++;
			lit = 0;
		} else if (c == '\\') {
			unsigned char e = (unsigned char)s[1];
			next = s + 2;
			if (e == '\0')
				return sw_req_fail(cx, s);
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			    (e >= '0' && e <= '9') || e >= 0x80) {
				/* Classes and assertions; \x, \Q, \1: not read. */
				if (strchr("dDsSwWhHvVnrtfeaRbBAzZG", e) == NULL)
					return sw_req_fail(cx, s);
				lit = 0;
			} else
				c = (char)e;
		} else {
			next = s + 1;
			lit = c != '.';
		}
		if ((s = sw_req_quant(next, &min)) == NULL)
			return sw_req_fail(cx, next);
		if (!lit || min == 0) {
			sw_req_break(b);
			continue;
		}
		sw_req_char(b, c);
		if (s != next)		/* "a+": one at least, then maybe more */
			sw_req_break(b);
	}
	return s;
}

/* The byte of lit to look for first: the least common in log text. */
static uint8_t
sw_req_rare(const char *lit, size_t n)
{
	size_t i, best = 0;
	int bs = 1000;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)lit[i];
		int sc = c == ' ' ? 100 : strchr("etaoinsr", c) != NULL &&
		    c != '\0' ? 60 : (c >= 'a' && c <= 'z') ? 50 :
		    (c >= '0' && c <= '9') ? 40 : (c == '.' || c == ':') ?
		    30 : 10;
		if (sc < bs) {
			bs = sc;
			best = i;
		}
	}
	return (uint8_t)best;
}

static size_t
sw_req_score(const struct sw_req *q)
{
	size_t i, m = SIZE_MAX;

	for (i = 0; i < q->nalt; i++)
		if (q->len[i] < m)
			m = q->len[i];
	return m;
}

static void
sw_pattern_clauses(struct sw_pattern *pt)
{
	/* Not zeroed (22 KiB a pattern): each level is set up when used. */
	struct sw_reqctx *cx = sw_xmalloc(sizeof(*cx));
	struct sw_reqb *top = &cx->level[0];
	const char *s = pt->source, *end;
	size_t i, k = 0;

	cx->bail = 0;
	cx->depth = 0;
	pt->nreq = 0;
	pt->req_start = 0;
	sw_req_init(top);
	/* "^(?:error: )?": the prefix is then compared after the "error: "
	 * the message has, if any (s3_match.c). */
	if (pt->strip_opt)
		end = sw_req_seq(cx, s + 1 + 3 + strlen(sw_strip_text[pt->strip]) +
		    2, top);
	else
		end = sw_req_seq(cx, s[0] == '^' ? s + 1 : s, top);
	sw_req_flush(top);
	if (cx->bail || *end != '\0') {
		free(cx);
		return;
	}
	/*
	 * A run at the very start of a "^..." pattern is its literal prefix,
	 * compared in place; it may be longer than sw_literal's ("Failed
	 * password for " through "(?<method>password)"). The rest is
	 * searched from its end.
	 */
	if (s[0] == '^' && !top->lead_broken && top->n > 0 &&
	    top->v[0].nalt == 1 && top->v[0].len[0] >= pt->prefix_len &&
	    memcmp(top->v[0].lit[0], pt->prefix, pt->prefix_len) == 0) {
		pt->prefix_len = top->v[0].len[0];
		memcpy(pt->prefix, top->v[0].lit[0], pt->prefix_len);
		pt->prefix[pt->prefix_len] = '\0';
		pt->req_start = pt->prefix_len;
		k = 1;
	}
	/* Short clauses (" ", ": ") cost more than they save: dropped. */
	for (i = k; i < top->n; )
		if (sw_req_score(&top->v[i]) < 3) {
			memmove(&top->v[i], &top->v[i + 1],
			    (top->n - i - 1) * sizeof(top->v[0]));
			top->n--;
		} else
			i++;
	/* Keep the longest SW_MAX_REQ, in order. */
	while (top->n - k > SW_MAX_REQ) {
		size_t worst = k;
		for (i = k; i < top->n; i++)
			if (sw_req_score(&top->v[i]) <
			    sw_req_score(&top->v[worst]))
				worst = i;
		memmove(&top->v[worst], &top->v[worst + 1],
		    (top->n - worst - 1) * sizeof(top->v[0]));
		top->n--;
	}
	for (i = k; i < top->n; i++) {
		struct sw_req *q = &pt->req[pt->nreq++];
		size_t a;
		*q = top->v[i];
		for (a = 0; a < q->nalt; a++)
			q->rare[a] = sw_req_rare(q->lit[a], q->len[a]);
	}
	free(cx);
}

static int
sw_compile(struct sw_loader *l, const yaml_node_t *node, struct sw_rule *r,
    const char *src)
{
	struct sw_pattern *pt = &r->patterns[r->npatterns];
	PCRE2_SIZE erroff;
	int errcode;
	uint32_t namecount, entrysize, i;
	PCRE2_SPTR table;

	memset(pt, 0, sizeof(*pt));
	pt->code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	    PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C |
	    PCRE2_DUPNAMES,
	    &errcode, &erroff, NULL);
	if (pt->code == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		sw_load_error(l, node, "patterns", "PCRE2 error at offset %zu: %s",
		    (size_t)erroff, (const char *)msg);
		return -1;
	}
	pt->jit = pcre2_jit_compile(pt->code, PCRE2_JIT_COMPLETE) == 0;
	pt->rule = r;
	pt->source = sw_xstrdup(src);
	pcre2_pattern_info(pt->code, PCRE2_INFO_CAPTURECOUNT, &pt->ngroups);
	pt->ngroups++;
	pcre2_pattern_info(pt->code, PCRE2_INFO_NAMECOUNT, &namecount);
	pcre2_pattern_info(pt->code, PCRE2_INFO_NAMEENTRYSIZE, &entrysize);
	pcre2_pattern_info(pt->code, PCRE2_INFO_NAMETABLE, &table);
	if (namecount > SW_MAX_NAMED) {
		sw_load_error(l, node, "patterns",
		    "more than %d named captures", SW_MAX_NAMED);
		namecount = SW_MAX_NAMED;
	}
	for (i = 0; i < namecount; i++) {
		const unsigned char *e = table + (size_t)i * entrysize;
		uint32_t group = ((uint32_t)e[0] << 8) | e[1];
		const char *name = (const char *)e + 2;
		int k;

		uint32_t j;

		pt->names[i] = sw_xstrdup(name);
		pt->name_group[i] = group;
		k = sw_lookup(sw_cap_names, SW_CAP_COUNT_, name);
		pt->name_known[i] = k;
		for (j = 0; j < i && strcmp(pt->names[j], name) != 0; j++)
			;
		pt->name_slot[i] = j < i ? pt->name_slot[j] :
		    (uint8_t)pt->nslots++;
	}
	pt->nnamed = namecount;
	sw_pattern_prefix(pt);
	sw_pattern_clauses(pt);
	r->npatterns++;
	return 0;
}

/* Length of s without trailing white space (folded YAML adds a newline). */
static size_t
sw_trimmed(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/*
 * A translation block inside `cause:` (`ja: {title, explanation, fix}`):
 * all three fields, each non-empty.
 */
static void
sw_load_cause_lang(struct sw_loader *l, const yaml_node_t *node,
    struct sw_rule *r, enum sw_lang lang)
{
	static const char *const fields[3] = { "title", "explanation", "fix" };
	const char *code = sw_lang_code(lang);
	yaml_node_pair_t *pair;
	char where[64];
	size_t f;

	snprintf(where, sizeof(where), "cause.%s", code);
	if (node->type != YAML_MAPPING_NODE) {
		sw_load_error(l, node, where, "must be a mapping of title, "
		    "explanation and fix");
		return;
	}
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, pair->value);
		const char *key = sw_scalar(k), *s;

		if (sw_dup_key(l, node, pair, where))
			continue;
		for (f = 0; f < 3 && key != NULL; f++)
			if (strcmp(key, fields[f]) == 0)
				break;
		if (key == NULL || f == 3) {
			sw_load_error(l, k, where, "unknown field '%s' (title, "
			    "explanation, fix)", key ? key : "");
			continue;
		}
		if ((s = sw_get_str(l, v, key)) == NULL)
			continue;
		if (sw_trimmed(s) == 0) {
			sw_load_error(l, v, where, "'%s' is empty", key);
			continue;
		}
		free(r->c_l10n[lang][f]);
		r->c_l10n[lang][f] = sw_xstrndup(s, sw_trimmed(s));
	}
	for (f = 0; f < 3; f++)
		if (r->c_l10n[lang][f] == NULL)
			sw_load_error(l, node, where, "'%s' missing", fields[f]);
	r->cause.text[lang].title = r->c_l10n[lang][0];
	r->cause.text[lang].explanation = r->c_l10n[lang][1];
	r->cause.text[lang].fix = r->c_l10n[lang][2];
}

static void
sw_load_cause(struct sw_loader *l, const yaml_node_t *node, struct sw_rule *r)
{
	yaml_node_pair_t *pair;
	int have_id = 0, have_title = 0, have_expl = 0, have_fix = 0;

	if (node->type != YAML_MAPPING_NODE) {
		sw_load_error(l, node, "cause", "must be a mapping");
		return;
	}
	r->has_cause = 1;
	r->cause.confidence = SW_CONF_CERTAIN;
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, pair->value);
		const char *key = sw_scalar(k), *s;
		enum sw_lang lang;

		if (key == NULL) {
			sw_load_error(l, k, "cause", "keys must be strings");
			continue;
		}
		if (sw_dup_key(l, node, pair, "cause"))
			continue;
		if (strcmp(key, "en") != 0 && sw_lang_parse(key, &lang) == 0 &&
		    strcmp(key, sw_lang_code(lang)) == 0) {
			sw_load_cause_lang(l, v, r, lang);
			continue;
		}
		if (strcmp(key, "confidence") == 0) {
			int c = sw_lookup(sw_conf_names, 3, sw_scalar(v));
			if (c < 0)
				sw_load_error(l, v, "cause.confidence",
				    "must be certain, likely or unknown");
			else
				r->cause.confidence = (enum sw_confidence)c;
			continue;
		}
		if (strcmp(key, "fix_side") == 0) {
			const char *fs = sw_scalar(v);
			if (fs != NULL && strcmp(fs, "client") == 0)
				r->cause.fix_side = SW_SIDE_CLIENT;
			else if (fs != NULL && strcmp(fs, "server") == 0)
				r->cause.fix_side = SW_SIDE_SERVER;
			else
				sw_load_error(l, v, "cause.fix_side",
				    "must be client or server");
			r->fix_side_set = 1;
			continue;
		}
		if (strcmp(key, "confirm") == 0) {
			if ((s = sw_get_str(l, v, key)) == NULL)
				continue;
			if (sw_trimmed(s) == 0)
				sw_load_error(l, v, key, "is empty");
			else
				r->cause.confirm = r->c_confirm =
				    sw_xstrndup(s, sw_trimmed(s));
			continue;
		}
		if (strcmp(key, "id") != 0 && strcmp(key, "title") != 0 &&
		    strcmp(key, "explanation") != 0 && strcmp(key, "fix") != 0) {
			sw_load_error(l, k, "cause", "unknown field '%s'", key);
			continue;
		}
		if ((s = sw_get_str(l, v, key)) == NULL)
			continue;
		if (sw_trimmed(s) == 0) {
			sw_load_error(l, v, key, "is empty");
			continue;
		}
		if (strcmp(key, "id") == 0) {
			if (!sw_valid_id(s))
				sw_load_error(l, v, "cause.id",
				    "must be lower-case letters, digits and '-'");
			r->cause.id = r->c_id = sw_xstrndup(s, sw_trimmed(s));
			have_id = 1;
		} else if (strcmp(key, "title") == 0) {
			r->cause.title = r->c_title = sw_xstrndup(s, sw_trimmed(s));
			have_title = 1;
		} else if (strcmp(key, "explanation") == 0) {
			r->cause.explanation = r->c_expl = sw_xstrndup(s,
			    sw_trimmed(s));
			have_expl = 1;
		} else if (strcmp(key, "fix") == 0) {
			r->cause.fix = r->c_fix = sw_xstrndup(s, sw_trimmed(s));
			have_fix = 1;
		}
	}
	if (!have_id)
		sw_load_error(l, node, "cause.id", "missing");
	if (!have_title)
		sw_load_error(l, node, "cause.title", "missing");
	if (!have_expl)
		sw_load_error(l, node, "cause.explanation", "missing");
	if (!have_fix)
		sw_load_error(l, node, "cause.fix", "missing");
	r->cause.text[SW_LANG_EN].title = r->cause.title;
	r->cause.text[SW_LANG_EN].explanation = r->cause.explanation;
	r->cause.text[SW_LANG_EN].fix = r->cause.fix;
}

static void
sw_load_example(struct sw_loader *l, const yaml_node_t *node, struct sw_rule *r,
    int must_match)
{
	struct sw_example *ex;
	const char *field = must_match ? "examples" : "not_matching";
	const yaml_node_t *linenode = node, *caps = NULL, *cause = NULL;
	yaml_node_pair_t *pair;

	if (r->nexamples >= SW_MAX_EXAMPLES)
		return;		/* reported once by sw_load_list */
	if (node->type == YAML_MAPPING_NODE) {
		linenode = NULL;
		for (pair = node->data.mapping.pairs.start;
		    pair < node->data.mapping.pairs.top; pair++) {
			const yaml_node_t *k = yaml_document_get_node(l->doc,
			    pair->key);
			const yaml_node_t *v = yaml_document_get_node(l->doc,
			    pair->value);
			const char *key = sw_scalar(k);
			if (sw_dup_key(l, node, pair, field))
				continue;
			if (key != NULL && strcmp(key, "line") == 0)
				linenode = v;
			else if (key != NULL && strcmp(key, "captures") == 0 &&
			    must_match)
				caps = v;
			else if (key != NULL && strcmp(key, "cause") == 0 &&
			    must_match)
				cause = v;
			else
				sw_load_error(l, k, field, "unknown field '%s'",
				    key ? key : "?");
		}
		if (linenode == NULL) {
			sw_load_error(l, node, field, "example without 'line'");
			return;
		}
	}
	if (sw_get_str(l, linenode, field) == NULL)
		return;
	ex = &r->examples[r->nexamples++];
	memset(ex, 0, sizeof(*ex));
	ex->line = sw_xstrdup(sw_scalar(linenode));
	ex->yaml_line = linenode->start_mark.line + 1;
	ex->must_match = must_match;
	if (cause != NULL) {
		const char *c = sw_get_str(l, cause, "cause");
		if (c != NULL && (c[0] == '\0' ||
		    strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(c)))
			sw_load_error(l, cause, "cause", "must be a cause id "
			    "(lower-case letters, digits and '-') or 'none'");
		else if (c != NULL)
			ex->cause = sw_xstrdup(c);
	}
	if (caps == NULL)
		return;
	if (caps->type != YAML_MAPPING_NODE) {
		sw_load_error(l, caps, "captures", "must be a mapping");
		return;
	}
	if (caps->data.mapping.pairs.top - caps->data.mapping.pairs.start >
	    SW_MAX_CAPTURES) {
		sw_load_error(l, caps, "captures", "%ld captures; at most %d",
		    (long)(caps->data.mapping.pairs.top -
		    caps->data.mapping.pairs.start), SW_MAX_CAPTURES);
		return;
	}
	for (pair = caps->data.mapping.pairs.start;
	    pair < caps->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, pair->value);
		const char *key = sw_scalar(k), *val = sw_get_str(l, v, "captures");

		if (key == NULL || val == NULL || sw_dup_key(l, caps, pair,
		    "captures"))
			continue;
		ex->caps = sw_xreallocarray(ex->caps, ex->ncaps + 1,
		    sizeof(*ex->caps));
		ex->caps[ex->ncaps].name = sw_xstrdup(key);
		ex->caps[ex->ncaps].value = sw_xstrdup(val);
		ex->ncaps++;
	}
}

static void
sw_load_list(struct sw_loader *l, const yaml_node_t *v, const char *field,
    struct sw_rule *r)
{
	yaml_node_item_t *it;

	if (v->type == YAML_SCALAR_NODE && strcmp(field, "patterns") == 0) {
		if (r->npatterns < SW_MAX_PATTERNS)
			sw_compile(l, v, r, sw_scalar(v));
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		sw_load_error(l, v, field, "must be a list");
		return;
	}
	if (strcmp(field, "patterns") != 0) {
		size_t n = (size_t)(v->data.sequence.items.top -
		    v->data.sequence.items.start);
		if (r->nexamples + n > SW_MAX_EXAMPLES) {
			sw_load_error(l, v, field, "%zu more lines make %zu "
			    "examples; at most %d (examples and not_matching "
			    "together)", n, r->nexamples + n, SW_MAX_EXAMPLES);
			return;
		}
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	    it++) {
		const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
		if (strcmp(field, "patterns") == 0) {
			const char *s = sw_get_str(l, item, field);
			if (s == NULL)
				continue;
			if (r->npatterns >= SW_MAX_PATTERNS) {
				sw_load_error(l, item, field,
				    "%zu patterns; at most %d",
				    (size_t)(v->data.sequence.items.top -
				    v->data.sequence.items.start),
				    SW_MAX_PATTERNS);
				return;
			}
			sw_compile(l, item, r, s);
		} else
			sw_load_example(l, item, r,
			    strcmp(field, "examples") == 0);
	}
}

static void
sw_rule_free(struct sw_rule *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	free(r->id);
	free(r->file);
	free(r->method);
	free(r->c_id);
	free(r->c_title);
	free(r->c_expl);
	free(r->c_fix);
	for (i = 0; i < SW_LANG_COUNT_; i++)
		for (j = 0; j < 3; j++)
			free(r->c_l10n[i][j]);
	free(r->c_confirm);
	for (i = 0; i < r->npatterns; i++) {
		pcre2_code_free(r->patterns[i].code);
		free(r->patterns[i].source);
		for (j = 0; j < r->patterns[i].nnamed; j++)
			free(r->patterns[i].names[j]);
	}
	for (i = 0; i < r->nexamples; i++) {
		free(r->examples[i].line);
		free(r->examples[i].cause);
		for (j = 0; j < r->examples[i].ncaps; j++) {
			free(r->examples[i].caps[j].name);
			free(r->examples[i].caps[j].value);
		}
		free(r->examples[i].caps);
	}
	free(r);
}

static struct sw_rule *
sw_load_file(struct sw_diag *diag, const char *path, const char *base)
{
	struct sw_loader l;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	struct sw_rule *r = NULL;
	FILE *fp;
	struct stat st;
	int have_meaning = 0, have_patterns = 0, have_level = 0;
	int have_priority = 0, have_id = 0;
	char expect_id[256];

	memset(&l, 0, sizeof(l));
	l.diag = diag;
	l.path = path;
	if ((fp = fopen(path, "rb")) == NULL) {
		sw_diag_printf(diag, SW_DIAG_ERROR, path, 0, "cannot open: %s",
		    strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		sw_diag_printf(diag, SW_DIAG_ERROR, path, 0, "not a regular "
		    "file: a rule is one YAML file");
		fclose(fp);
		return NULL;
	}
	if ((long long)st.st_size > SW_RULE_FILE_MAX) {
		sw_diag_printf(diag, SW_DIAG_ERROR, path, 0, "%lld bytes; a "
		    "rule file may have at most %lld", (long long)st.st_size,
		    SW_RULE_FILE_MAX);
		fclose(fp);
		return NULL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		sw_diag_printf(diag, SW_DIAG_ERROR, path,
		    parser.problem_mark.line + 1, "YAML: %s%s%s",
		    parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		fclose(fp);
		return NULL;
	}
	l.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		sw_load_error(&l, root, NULL, "a rule file must be a mapping");
		goto out;
	}
	r = sw_xcalloc(1, sizeof(*r));
	r->file = sw_xstrdup(path);
	r->preauth = SW_PREAUTH_ANY;
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
		const char *key = sw_scalar(k), *s;
		int x;

		if (key == NULL) {
			sw_load_error(&l, k, NULL, "keys must be strings");
			continue;
		}
		if (sw_dup_key(&l, root, pair, NULL))
			continue;
		if (strcmp(key, "patterns") == 0) {
			have_patterns = 1;
			sw_load_list(&l, v, key, r);
		} else if (strcmp(key, "examples") == 0 ||
		    strcmp(key, "not_matching") == 0) {
			sw_load_list(&l, v, key, r);
		} else if (strcmp(key, "cause") == 0) {
			sw_load_cause(&l, v, r);
		} else if ((s = sw_get_str(&l, v, key)) == NULL) {
			continue;
		} else if (strcmp(key, "id") == 0) {
			if (!sw_valid_id(s))
				sw_load_error(&l, v, key,
				    "must be lower-case letters, digits and '-'");
			r->id = sw_xstrdup(s);
			have_id = 1;
		} else if (strcmp(key, "meaning") == 0) {
			x = sw_lookup(sw_meaning_names, 10, s);
			if (x < 0)
				sw_load_error(&l, v, key, "'%s' is not one of "
				    "connect, attempt, success, partial, refusal, "
				    "cause, close, info, inferred, dropped", s);
			else
				r->meaning = (enum sw_meaning)x;
			have_meaning = 1;
		} else if (strcmp(key, "level") == 0) {
			x = sw_lookup(sw_level_names, 8, s);
			if (x < 0)
				sw_load_error(&l, v, key, "'%s' is not an sshd "
				    "LogLevel (QUIET ... DEBUG3)", s);
			else
				r->level = (enum sw_loglevel)x;
			have_level = 1;
		} else if (strcmp(key, "priority") == 0) {
			uint64_t p;
			if (sw_span_to_u64(sw_span_make(s, strlen(s)), &p) ||
			    p > 100)
				sw_load_error(&l, v, key,
				    "must be an integer from 0 to 100");
			else
				r->priority = (int)p;
			have_priority = 1;
		} else if (strcmp(key, "preauth") == 0) {
			if (strcmp(s, "yes") == 0)
				r->preauth = SW_PREAUTH_YES;
			else if (strcmp(s, "no") == 0)
				r->preauth = SW_PREAUTH_NO;
			else if (strcmp(s, "any") == 0)
				r->preauth = SW_PREAUTH_ANY;
			else
				sw_load_error(&l, v, key,
				    "must be yes, no or any");
		} else if (strcmp(key, "refuses_session") == 0) {
			if (strcmp(s, "yes") == 0)
				r->refuses_session = 1;
			else if (strcmp(s, "no") != 0)
				sw_load_error(&l, v, key, "must be yes or no");
		} else if (strcmp(key, "method") == 0) {
			r->method = sw_xstrdup(s);
		} else if (strcmp(key, "side") == 0) {
			if (strcmp(s, "client") == 0)
				r->side = SW_SIDE_CLIENT;
			else if (strcmp(s, "server") == 0)
				r->side = SW_SIDE_SERVER;
			else
				sw_load_error(&l, v, key,
				    "must be server or client");
		} else
			sw_load_error(&l, k, NULL, "unknown field '%s'", key);
	}
	if (!have_id)
		sw_load_error(&l, root, "id", "missing");
	else {
		snprintf(expect_id, sizeof(expect_id), "%s", base);
		if (strlen(expect_id) > 5)
			expect_id[strlen(expect_id) - 5] = '\0';
		if (strcmp(expect_id, r->id) != 0)
			sw_load_error(&l, root, "id", "'%s' does not match the "
			    "file name (expected '%s')", r->id, expect_id);
	}
	if (!have_meaning)
		sw_load_error(&l, root, "meaning", "missing");
	if (!have_level)
		sw_load_error(&l, root, "level", "missing");
	if (!have_priority)
		sw_load_error(&l, root, "priority", "missing");
	if (r->meaning == SW_MEANING_INFERRED) {
		if (have_patterns && r->npatterns > 0)
			sw_load_error(&l, root, "patterns",
			    "an inferred rule has no patterns");
		if (!r->has_cause)
			sw_load_error(&l, root, "cause",
			    "an inferred rule must name its cause");
	} else {
		size_t i, nmatch = 0;
		if (!have_patterns)
			sw_load_error(&l, root, "patterns", "missing");
		else if (r->npatterns == 0 && l.errors == 0)
			sw_load_error(&l, root, "patterns", "empty list");
		for (i = 0; i < r->nexamples; i++)
			nmatch += r->examples[i].must_match;
		if (nmatch == 0)
			sw_load_error(&l, root, "examples",
			    "at least one example line is required");
	}
	if (r->has_cause && !r->fix_side_set)
		r->cause.fix_side = r->side;
	if (r->side == SW_SIDE_CLIENT && r->has_cause && r->cause.id != NULL &&
	    strncmp(r->cause.id, "client-", 7) != 0)
		sw_load_error(&l, root, "cause.id", "a client cause id starts "
		    "with 'client-' (one id, one side)");
	if (r->refuses_session && !r->has_cause)
		sw_load_error(&l, root, "refuses_session",
		    "a rule that refuses the session must name its cause");
	if ((r->meaning == SW_MEANING_CAUSE || r->meaning == SW_MEANING_DROPPED) &&
	    !r->has_cause)
		sw_load_error(&l, root, "cause",
		    "a rule with meaning 'cause' or 'dropped' must name its "
		    "cause");
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	if (l.errors > SW_LOAD_ERRORS_SHOWN)
		sw_diag_printf(diag, SW_DIAG_ERROR, path, 0, "%d more errors "
		    "in this file not shown", l.errors - SW_LOAD_ERRORS_SHOWN);
	if (l.errors > 0) {
		sw_rule_free(r);
		return NULL;
	}
	return r;
}

static int
sw_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.yaml names of a directory, sorted, in *names. 0 on success; -1
 * (reported) when it cannot be read or holds too many, or quietly when
 * `missing_ok` and it does not exist.
 */
static int
sw_list_rules(const char *dir, int missing_ok, struct sw_diag *diag,
    char ***names, size_t *nnames)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	*names = NULL;
	*nnames = 0;
	if ((d = opendir(dir)) == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		sw_diag_printf(diag, SW_DIAG_ERROR, dir, 0,
		    "cannot read rules directory: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 6 ||
		    strcmp(de->d_name + n - 5, ".yaml") != 0)
			continue;
		if (*nnames >= SW_MAX_RULES) {
			sw_diag_printf(diag, SW_DIAG_ERROR, dir, 0,
			    "more than %d rule files", SW_MAX_RULES);
			rc = -1;
			break;
		}
		*names = sw_xreallocarray(*names, *nnames + 1, sizeof(**names));
		(*names)[(*nnames)++] = sw_xstrdup(de->d_name);
	}
	closedir(d);
	if (*nnames > 1)
		qsort(*names, *nnames, sizeof(**names), sw_strcmp_p);
	return rc;
}

static void
sw_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* An overlay file that disables a rule: empty, or a link to /dev/null. */
static int
sw_is_disabling(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	return (S_ISREG(st.st_mode) && st.st_size == 0) || S_ISCHR(st.st_mode);
}

struct sw_rules *
sw_rules_load(const char *dir, struct sw_diag *diag)
{
	return sw_rules_load_merged(dir, NULL, diag);
}

struct sw_rules *
sw_rules_load_merged(const char *dir, const char *overlay, struct sw_diag *diag)
{
	struct sw_rules *rs;
	char **names = NULL, **local = NULL;
	size_t nnames = 0, nlocal = 0, i = 0, j = 0;
	int bad = 0, limit = 0;

	if (sw_list_rules(dir, 0, diag, &names, &nnames) != 0 ||
	    (overlay != NULL &&
	    sw_list_rules(overlay, 1, diag, &local, &nlocal) != 0)) {
		sw_free_names(names, nnames);
		sw_free_names(local, nlocal);
		return NULL;
	}
	if (nnames + nlocal > SW_MAX_RULES) {
		sw_diag_printf(diag, SW_DIAG_ERROR, overlay, 0,
		    "more than %d rule files with the local ones", SW_MAX_RULES);
		bad = limit = 1;
	}

	rs = sw_xcalloc(1, sizeof(*rs));
	rs->dir = sw_xstrdup(dir);
	rs->rules = sw_xcalloc(nnames + nlocal + 1, sizeof(*rs->rules));
	/* Both lists are sorted: merge them, the overlay winning a tie. Every
	 * file is read even after a bad one, to report all problems at once. */
	while (!limit && (i < nnames || j < nlocal)) {
		int cmp = i == nnames ? 1 : j == nlocal ? -1 :
		    strcmp(names[i], local[j]);
		const char *base = cmp < 0 ? names[i] : local[j];
		char *path = sw_xasprintf("%s/%s", cmp < 0 ? dir : overlay, base);
		struct sw_rule *r;

		if (cmp >= 0 && sw_is_disabling(path)) {
			rs->disabled = sw_xreallocarray(rs->disabled,
			    rs->ndisabled + 1, sizeof(*rs->disabled));
			rs->disabled[rs->ndisabled++] = sw_xstrndup(base,
			    strlen(base) - 5);
		} else if ((r = sw_load_file(diag, path, base)) == NULL) {
			bad = 1;
		} else {
			r->origin = cmp < 0 ? SW_ORIGIN_SHIPPED :
			    cmp == 0 ? SW_ORIGIN_REPLACED : SW_ORIGIN_ADDED;
			rs->rules[rs->nrules++] = r;
		}
		free(path);
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
	sw_free_names(names, nnames);
	sw_free_names(local, nlocal);
	if (!bad && rs->nrules == 0) {
		sw_diag_printf(diag, SW_DIAG_ERROR, dir, 0,
		    "no rule files (*.yaml) in the rules directory");
		bad = 1;
	}
	/* One cause id, one meaning: titles must agree across rules, in
	 * every language both rules have. */
	for (i = 0; i < rs->nrules && !bad; i++) {
		const struct sw_rule *a = rs->rules[i];
		for (j = 0; j < i && a->has_cause; j++) {
			const struct sw_rule *b = rs->rules[j];
			size_t lg;
			if (!b->has_cause || strcmp(a->cause.id, b->cause.id) != 0)
				continue;
			for (lg = 0; lg < SW_LANG_COUNT_ && !bad; lg++) {
				const char *ta = a->cause.text[lg].title;
				const char *tb = b->cause.text[lg].title;
				if (ta == NULL || tb == NULL || strcmp(ta, tb) == 0)
					continue;
				sw_diag_printf(diag, SW_DIAG_ERROR, a->file, 0,
				    "field 'cause.%stitle': cause '%s' has "
				    "another title in %s", lg == SW_LANG_EN ? "" :
				    lg == SW_LANG_JA ? "ja." : "?.",
				    a->cause.id, b->file);
				bad = 1;
			}
		}
	}
	if (bad) {
		sw_rules_free(rs);
		return NULL;
	}
	return rs;
}

void
sw_rules_free(struct sw_rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		sw_rule_free(rs->rules[i]);
	for (i = 0; i < rs->ndisabled; i++)
		free(rs->disabled[i]);
	free(rs->disabled);
	free(rs->rules);
	free(rs->dir);
	free(rs);
}

size_t
sw_rules_count(const struct sw_rules *rs)
{
	return rs->nrules;
}

const struct sw_rule *
sw_rules_get(const struct sw_rules *rs, size_t i)
{
	return i < rs->nrules ? rs->rules[i] : NULL;
}

const struct sw_rule *
sw_rules_find_cause(const struct sw_rules *rs, const char *cause_id)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i]->has_cause &&
		    strcmp(rs->rules[i]->cause.id, cause_id) == 0)
			return rs->rules[i];
	return NULL;
}

const char *sw_rule_id(const struct sw_rule *r) { return r->id; }
const char *sw_rule_file(const struct sw_rule *r) { return r->file; }
enum sw_rule_origin sw_rule_origin(const struct sw_rule *r) { return r->origin; }

size_t
sw_rules_ndisabled(const struct sw_rules *rs)
{
	return rs->ndisabled;
}

const char *
sw_rules_disabled(const struct sw_rules *rs, size_t i)
{
	return i < rs->ndisabled ? rs->disabled[i] : NULL;
}

static const struct sw_cause_text *
sw_cause_text_cur(const struct sw_cause *c)
{
	enum sw_lang l = sw_lang_get();

	if (l != SW_LANG_EN && c->text[l].title != NULL)
		return &c->text[l];
	return &c->text[SW_LANG_EN];
}

/* Rule sets built by hand (tests) may leave text[] empty: English then. */
const char *
sw_cause_title(const struct sw_cause *c)
{
	const char *s = sw_cause_text_cur(c)->title;
	return s != NULL ? s : c->title;
}

const char *
sw_cause_explanation(const struct sw_cause *c)
{
	const char *s = sw_cause_text_cur(c)->explanation;
	return s != NULL ? s : c->explanation;
}

const char *
sw_cause_fix(const struct sw_cause *c)
{
	const char *s = sw_cause_text_cur(c)->fix;
	return s != NULL ? s : c->fix;
}

int
sw_cause_has_lang(const struct sw_cause *c, enum sw_lang l)
{
	return l < SW_LANG_COUNT_ && c->text[l].title != NULL &&
	    c->text[l].explanation != NULL && c->text[l].fix != NULL;
}
enum sw_meaning sw_rule_meaning(const struct sw_rule *r) { return r->meaning; }
int sw_rule_priority(const struct sw_rule *r) { return r->priority; }
enum sw_loglevel sw_rule_level(const struct sw_rule *r) { return r->level; }
const char *sw_rule_method(const struct sw_rule *r) { return r->method; }
int sw_rule_refuses_session(const struct sw_rule *r) { return r->refuses_session; }
enum sw_side sw_rule_side(const struct sw_rule *r) { return r->side; }

const char *
sw_side_name(enum sw_side s)
{
	return s == SW_SIDE_CLIENT ? "client" : "server";
}

const struct sw_cause *
sw_rule_cause(const struct sw_rule *r)
{
	return r->has_cause ? &r->cause : NULL;
}

const char *
sw_rule_example_cause(const struct sw_rule *r, size_t i)
{
	return i < r->nexamples ? r->examples[i].cause : NULL;
}

size_t
sw_rule_nexamples(const struct sw_rule *r)
{
	return r->nexamples;
}

const char *
sw_rule_example(const struct sw_rule *r, size_t i, int *must_match)
{
	if (i >= r->nexamples)
		return NULL;
	if (must_match != NULL)
		*must_match = r->examples[i].must_match;
	return r->examples[i].line;
}
