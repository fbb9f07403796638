/*
 * s5_fix.c: fix templates filled in as prose and paste-safe commands.
 * Invariant: a SW_FIX_COMMAND part holds trusted template text and values
 * that passed sw_fix_unsafe() and were quoted by sw_fix_shell_quote(), so
 * bash reading it (pasted, or run with `bash -c`) sees each value as one
 * literal word.
 */
#include <stdlib.h>
#include <string.h>

#include "s0_i18n.h"
#include "s5_fix.h"

void
sw_fix_init(struct sw_fix *fx)
{
	memset(fx, 0, sizeof(*fx));
	sw_buf_init(&fx->text, 65536);
}

void
sw_fix_free(struct sw_fix *fx)
{
	sw_buf_free(&fx->text);
	fx->nparts = 0;
}

void
sw_fix_reset(struct sw_fix *fx)
{
	sw_buf_reset(&fx->text);
	fx->nparts = 0;
}

const char *
sw_fix_unsafe(struct sw_span v)
{
	const unsigned char *p = (const unsigned char *)v.p;
	size_t i = 0;

	if (v.len > SW_FIX_MAX_VALUE)
		return SW_N_("it is longer than 256 bytes");
	if (v.len > 0 && p[0] == '-')
		return SW_N_("it starts with '-', which the command would read as an "
		    "option");
	while (i < v.len) {
		uint32_t cp;
		size_t n;

		if (p[i] == '\0')
			return SW_N_("it holds a NUL byte");
		if (p[i] < 0x20 || p[i] == 0x7f)
			return SW_N_("it holds a control character");
		if (p[i] == '\\')
			return SW_N_("it holds a backslash (an escape, not a real "
			    "name)");
		if (p[i] < 0x80) {
			/* Printable ASCII: one byte, never invisible. */
			i++;
			continue;
		}
		if ((n = sw_utf8_seq(p + i, v.len - i, &cp)) == 0)
			return SW_N_("it is not valid UTF-8");
		if (sw_cp_dangerous(cp))
			return SW_N_("it holds an invisible or direction-changing "
			    "character");
		i += n;
	}
	return NULL;
}

void
sw_fix_shell_quote(struct sw_buf *out, struct sw_span v)
{
	size_t i;
	int plain = v.len > 0;

	for (i = 0; i < v.len && plain; i++) {
		unsigned char c = (unsigned char)v.p[i];
		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || c == '/' || c == ':' || c == '@' || c == '+' ||
		    c == ',' || c == '%' || c == '=';
	}
	if (plain) {
		sw_buf_add(out, v.p, v.len);
		return;
	}
	sw_buf_addc(out, '\'');
	for (i = 0; i < v.len; i++) {
		if (v.p[i] == '\'')
			sw_buf_adds(out, "'\\''");
		else
			sw_buf_addc(out, v.p[i]);
	}
	sw_buf_addc(out, '\'');
}

/* Connection fields a placeholder can name when no capture has it. */
enum { SW_FV_OTHER, SW_FV_USER, SW_FV_IP, SW_FV_HOST, SW_FV_PORT,
	SW_FV_METHOD };

/*
 * A template compiled once: segments (prose, or a command between
 * backticks) of tokens (literal text, or a {name} placeholder). Building
 * a fix from it is copies and value lookups, no scanning.
 */
struct sw_fix_tok {
	const char *p;		/* literal: the text; placeholder: "{name}" */
	size_t len;
	const char *name;	/* placeholder: its name, NUL-terminated; else NULL */
	int field;		/* SW_FV_* */
};

struct sw_fix_seg {
	int in_cmd;
	size_t tok0, ntok;
};

struct sw_fix_tmpl {
	const char *src;	/* the template it was compiled from */
	struct sw_fix_tok *tok;
	size_t ntok, captok;
	struct sw_fix_seg *seg;
	size_t nseg, capseg;
	char *names;		/* the placeholder names, back to back */
	size_t nnames;		/* placeholders */
	struct sw_fix konst;	/* no placeholder: the fix, built once */
	int has_konst;
};

struct sw_fix_cache {
	struct sw_htab t;	/* struct sw_fix_tmpl, by template address */
	size_t n;
};

/* The value of {name}: a capture of the evidence line, else a field of the
 * connection. p == NULL when there is none. */
static struct sw_span
sw_fix_value(const struct sw_fix_tok *t, const struct sw_conn *c,
    const struct sw_evidence *e, char *portbuf, size_t portlen)
{
	struct sw_span v = { NULL, 0 };

	if (e != NULL)
		v = sw_evidence_named(e, t->name);
	if (v.p != NULL)
		return v;
	switch (t->field) {
	case SW_FV_USER:
		if (c->user != NULL)
			v = sw_span_make(c->user, strlen(c->user));
		break;
	case SW_FV_IP:
		if (c->ip != NULL)
			v = sw_span_make(c->ip, strlen(c->ip));
		break;
	case SW_FV_HOST:
		if (c->host != NULL)
			v = sw_span_make(c->host, strlen(c->host));
		break;
	case SW_FV_PORT:
		if (c->port != 0) {
			snprintf(portbuf, portlen, "%u", c->port);
			v = sw_span_make(portbuf, strlen(portbuf));
		}
		break;
	case SW_FV_METHOD:
		if (c->method[0] != '\0')
			v = sw_span_make(c->method, strlen(c->method));
		break;
	}
	return v;
}

static void
sw_fix_part_add(struct sw_fix *fx, enum sw_fix_kind kind, size_t off)
{
	size_t len = fx->text.len - off;

	if (len == 0)
		return;
	if (fx->nparts == SW_FIX_MAX_PARTS) {
		/*
		 * Templates are ours and short (rules test keeps them under
		 * the limit); if not, the rest joins the last part, which
		 * then counts as a value (escaped everywhere), never as a
		 * command.
		 */
		fx->part[fx->nparts - 1].len = fx->text.len -
		    fx->part[fx->nparts - 1].off;
		if (fx->part[fx->nparts - 1].kind == SW_FIX_COMMAND ||
		    kind != SW_FIX_PROSE)
			fx->part[fx->nparts - 1].kind = SW_FIX_VALUE;
		return;
	}
	fx->part[fx->nparts].kind = kind;
	fx->part[fx->nparts].off = off;
	fx->part[fx->nparts].len = len;
	fx->nparts++;
}

static void
sw_tmpl_tok(struct sw_fix_tmpl *t, const char *p, size_t len,
    const char *name)
{
	struct sw_fix_tok *k;

	/* Adjacent literals are one copy. */
	if (name == NULL && t->ntok > t->seg[t->nseg - 1].tok0 &&
	    t->tok[t->ntok - 1].name == NULL &&
	    t->tok[t->ntok - 1].p + t->tok[t->ntok - 1].len == p) {
		t->tok[t->ntok - 1].len += len;
		t->seg[t->nseg - 1].ntok = t->ntok - t->seg[t->nseg - 1].tok0;
		return;
	}
	if (t->ntok == t->captok) {
		t->captok = t->captok ? t->captok * 2 : 16;
		t->tok = sw_xreallocarray(t->tok, t->captok, sizeof(*t->tok));
	}
	k = &t->tok[t->ntok++];
	k->p = p;
	k->len = len;
	k->name = name;
	k->field = SW_FV_OTHER;
	if (name != NULL) {
		if (strcmp(name, "user") == 0)
			k->field = SW_FV_USER;
		else if (strcmp(name, "ip") == 0)
			k->field = SW_FV_IP;
		else if (strcmp(name, "host") == 0)
			k->field = SW_FV_HOST;
		else if (strcmp(name, "port") == 0)
			k->field = SW_FV_PORT;
		else if (strcmp(name, "method") == 0)
			k->field = SW_FV_METHOD;
	}
	t->seg[t->nseg - 1].ntok = t->ntok - t->seg[t->nseg - 1].tok0;
}

/* One segment of the template, [p, end), into tokens. */
static void
sw_tmpl_segment(struct sw_fix_tmpl *t, const char *p, const char *end,
    int in_cmd, char **names)
{
	if (t->nseg == t->capseg) {
		t->capseg = t->capseg ? t->capseg * 2 : 8;
		t->seg = sw_xreallocarray(t->seg, t->capseg, sizeof(*t->seg));
	}
	t->seg[t->nseg].in_cmd = in_cmd;
	t->seg[t->nseg].tok0 = t->ntok;
	t->seg[t->nseg].ntok = 0;
	t->nseg++;
	while (p < end) {
		const char *close;
		size_t n;

		if (*p != '{') {
			/* Literal text up to the next placeholder, at once. */
			const char *q = memchr(p, '{', (size_t)(end - p));
			n = q != NULL ? (size_t)(q - p) : (size_t)(end - p);
			sw_tmpl_tok(t, p, n, NULL);
			p += n;
			continue;
		}
		if ((close = memchr(p + 1, '}', (size_t)(end - p - 1)))
		    == NULL || (n = (size_t)(close - p - 1)) == 0 ||
		    n >= 48) {
			sw_tmpl_tok(t, p++, 1, NULL);
			continue;
		}
		memcpy(*names, p + 1, n);
		(*names)[n] = '\0';
		sw_tmpl_tok(t, p, n + 2, *names);
		*names += n + 1;
		t->nnames++;
		p = close + 1;
	}
}

static struct sw_fix_tmpl *
sw_tmpl_compile(const char *tmpl)
{
	struct sw_fix_tmpl *t = sw_xcalloc(1, sizeof(*t));
	const char *p = tmpl, *end = tmpl + strlen(tmpl);
	char *names;
	int in_cmd = 0;

	t->src = tmpl;
	/* Names are shorter than the template they come from. */
	t->names = names = sw_xmalloc((size_t)(end - p) + 1);
	while (p < end) {
		const char *tick = memchr(p, '`', (size_t)(end - p));
		const char *seg_end = tick != NULL ? tick : end;

		if (in_cmd && tick == NULL) {
			/* An unclosed backtick: the rest is prose. */
			in_cmd = 0;
		}
		sw_tmpl_segment(t, p, seg_end, in_cmd, &names);
		p = tick != NULL ? tick + 1 : end;
		if (tick != NULL)
			in_cmd = !in_cmd;
	}
	return t;
}

static void
sw_tmpl_free(struct sw_fix_tmpl *t)
{
	if (t == NULL)
		return;
	free(t->tok);
	free(t->seg);
	free(t->names);
	if (t->has_konst)
		sw_fix_free(&t->konst);
	free(t);
}

/*
 * Expands one segment: prose (in_cmd 0), where each value becomes a part
 * of its own, or a command, one part. Returns NULL, or for a command the
 * reason a value was unsafe, with *bad set to the placeholder (and
 * nothing added).
 */
static const char *
sw_fix_segment(struct sw_fix *fx, const struct sw_fix_tmpl *t,
    const struct sw_fix_seg *sg, const struct sw_conn *c,
    const struct sw_evidence *e, const char **bad)
{
	struct sw_buf *out = &fx->text;
	size_t off = out->len, nparts = fx->nparts, i;
	int in_cmd = sg->in_cmd;

	for (i = sg->tok0; i < sg->tok0 + sg->ntok; i++) {
		const struct sw_fix_tok *k = &t->tok[i];
		char portbuf[16];
		struct sw_span v;
		const char *why;

		if (k->name == NULL) {
			sw_buf_add(out, k->p, k->len);
			continue;
		}
		v = sw_fix_value(k, c, e, portbuf, sizeof(portbuf));
		if (v.p == NULL)
			sw_buf_add(out, k->p, k->len);	/* left as written */
		else if (!in_cmd) {
			sw_fix_part_add(fx, SW_FIX_PROSE, off);
			off = out->len;
			sw_buf_add(out, v.p, v.len);
			sw_fix_part_add(fx, SW_FIX_VALUE, off);
			off = out->len;
		} else if ((why = sw_fix_unsafe(v)) != NULL) {
			*bad = k->name;
			out->len = off;
			if (out->p != NULL)
				out->p[off] = '\0';
			fx->nparts = nparts;
			return why;
		} else
			sw_fix_shell_quote(out, v);
	}
	sw_fix_part_add(fx, in_cmd ? SW_FIX_COMMAND : SW_FIX_PROSE, off);
	return NULL;
}

static void
sw_fix_run(struct sw_fix *fx, const struct sw_fix_tmpl *t,
    const struct sw_conn *c, const struct sw_evidence *e)
{
	size_t i;

	sw_fix_reset(fx);
	for (i = 0; i < t->nseg; i++) {
		size_t off = fx->text.len;
		const char *bad = NULL, *why;

		why = sw_fix_segment(fx, t, &t->seg[i], c, e, &bad);
		if (why != NULL) {
			sw_buf_addf(&fx->text, SW_("(command left out: the value of "
			    "{%s} cannot be pasted safely because %s; look it "
			    "up in the evidence and type the command by hand)"),
			    bad, SW_(why));
			sw_fix_part_add(fx, SW_FIX_WITHHELD, off);
		}
	}
	/* Folded YAML leaves a trailing newline; reports add their own. */
	while (fx->nparts > 0 && fx->part[fx->nparts - 1].kind == SW_FIX_PROSE) {
		struct sw_fix_part *lp = &fx->part[fx->nparts - 1];
		while (lp->len > 0 && (fx->text.p[lp->off + lp->len - 1] == '\n' ||
		    fx->text.p[lp->off + lp->len - 1] == ' '))
			lp->len--;
		if (lp->len > 0)
			break;
		fx->nparts--;
	}
}

void
sw_fix_build(struct sw_fix *fx, const char *tmpl, const struct sw_conn *c,
    const struct sw_evidence *e)
{
	struct sw_fix_tmpl *t = sw_tmpl_compile(tmpl);

	sw_fix_run(fx, t, c, e);
	sw_tmpl_free(t);
}

struct sw_fix_cache *
sw_fix_cache_new(void)
{
	return sw_xcalloc(1, sizeof(struct sw_fix_cache));
}

void
sw_fix_cache_free(struct sw_fix_cache *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	for (i = 0; i < fc->t.cap; i++)
		sw_tmpl_free(fc->t.s[i].item);
	sw_htab_free(&fc->t);
	free(fc);
}

static int
sw_tmpl_eq(const void *item, const void *key)
{
	return ((const struct sw_fix_tmpl *)item)->src == key;
}

const struct sw_fix *
sw_fix_build_cached(struct sw_fix_cache *fc, struct sw_fix *fx,
    const char *tmpl, const struct sw_conn *c, const struct sw_evidence *e)
{
	uint64_t h = sw_hash_mix((uint64_t)(uintptr_t)tmpl);
	struct sw_fix_tmpl *t = sw_htab_find(&fc->t, h, sw_tmpl_eq, tmpl);

	if (t == NULL) {
		if (fc->n >= SW_FIX_CACHE_MAX) {
			sw_fix_build(fx, tmpl, c, e);
			return fx;
		}
		t = sw_tmpl_compile(tmpl);
		sw_htab_put(&fc->t, h, t);
		fc->n++;
		if (t->nnames == 0) {
			/* Nothing from the log: the same fix every time. */
			sw_fix_init(&t->konst);
			sw_fix_run(&t->konst, t, c, e);
			t->has_konst = 1;
		}
	}
	if (t->has_konst)
		return &t->konst;
	sw_fix_run(fx, t, c, e);
	return fx;
}

const struct sw_fix *
sw_fix_build_deferred(struct sw_fix_cache *fc, struct sw_fix *fx,
    const char *tmpl, const struct sw_conn *c, const struct sw_evidence *e)
{
	uint64_t h = sw_hash_mix((uint64_t)(uintptr_t)tmpl);
	struct sw_fix_tmpl *t = sw_htab_find(&fc->t, h, sw_tmpl_eq, tmpl);

	if (t == NULL || t->has_konst || fx->defer == NULL)
		return sw_fix_build_cached(fc, fx, tmpl, c, e);
	fx->defer->t = t;
	fx->defer->c = c;
	fx->defer->e = e;
	fx->defer->pending = 1;
	return fx;
}

const struct sw_fix *
sw_fix_get(const struct sw_fix *fx)
{
	struct sw_fix_defer *d = fx->defer;

	if (d != NULL && d->pending) {
		d->pending = 0;
		sw_fix_run(d->fx, d->t, d->c, d->e);
	}
	return fx;
}

void
sw_fix_flatten(const struct sw_fix *fx, struct sw_buf *out)
{
	size_t i;

	fx = sw_fix_get(fx);
	for (i = 0; i < fx->nparts; i++) {
		struct sw_span s = sw_fix_span(fx, i);
		if (fx->part[i].kind == SW_FIX_COMMAND)
			sw_buf_addc(out, '`');
		sw_buf_add(out, s.p, s.len);
		if (fx->part[i].kind == SW_FIX_COMMAND)
			sw_buf_addc(out, '`');
	}
}
