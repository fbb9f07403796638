/*
 * s5_fix.c: fix templates filled in as prose and paste-safe commands.
 * Invariant: a SW_FIX_COMMAND part holds trusted template text and values
 * that passed sw_fix_unsafe() and were quoted by sw_fix_shell_quote(), so
 * bash reading it (pasted, or run with `bash -c`) sees each value as one
 * literal word.
 */
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

/* The value of {name}: a capture of the evidence line, else a field of the
 * connection. p == NULL when there is none. */
static struct sw_span
sw_fix_value(const char *name, const struct sw_conn *c,
    const struct sw_evidence *e, char *portbuf, size_t portlen)
{
	struct sw_span v = { NULL, 0 };

	if (e != NULL)
		v = sw_evidence_named(e, name);
	if (v.p != NULL)
		return v;
	if (strcmp(name, "user") == 0 && c->user != NULL)
		v = sw_span_make(c->user, strlen(c->user));
	else if (strcmp(name, "ip") == 0 && c->ip != NULL)
		v = sw_span_make(c->ip, strlen(c->ip));
	else if (strcmp(name, "host") == 0 && c->host != NULL)
		v = sw_span_make(c->host, strlen(c->host));
	else if (strcmp(name, "port") == 0 && c->port != 0) {
		snprintf(portbuf, portlen, "%u", c->port);
		v = sw_span_make(portbuf, strlen(portbuf));
	} else if (strcmp(name, "method") == 0 && c->method[0] != '\0')
		v = sw_span_make(c->method, strlen(c->method));
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

/*
 * Expands one segment of the template, [p, end): prose (in_cmd 0), where
 * each value becomes a part of its own, or a command, one part. Returns
 * NULL, or for a command the reason a value was unsafe, with *bad_name set
 * to the placeholder's name (and nothing added).
 */
static const char *
sw_fix_segment(struct sw_fix *fx, const char *p, const char *end, int in_cmd,
    const struct sw_conn *c, const struct sw_evidence *e, char *bad_name,
    size_t bad_len)
{
	struct sw_buf *out = &fx->text;
	size_t off = out->len, nparts = fx->nparts;

	while (p < end) {
		const char *close;
		char name[48], portbuf[16];
		size_t n;
		struct sw_span v;
		const char *why;

		if (*p != '{') {
			/* Literal text up to the next placeholder, at once. */
			const char *q = memchr(p, '{', (size_t)(end - p));
			n = q != NULL ? (size_t)(q - p) : (size_t)(end - p);
			sw_buf_add(out, p, n);
			p += n;
			continue;
		}
		if ((close = memchr(p + 1, '}', (size_t)(end - p - 1)))
		    == NULL || (n = (size_t)(close - p - 1)) == 0 ||
		    n >= sizeof(name)) {
			sw_buf_addc(out, *p++);
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		v = sw_fix_value(name, c, e, portbuf, sizeof(portbuf));
		if (v.p == NULL)
			sw_buf_add(out, p, n + 2);	/* left as written */
		else if (!in_cmd) {
			sw_fix_part_add(fx, SW_FIX_PROSE, off);
			off = out->len;
			sw_buf_add(out, v.p, v.len);
			sw_fix_part_add(fx, SW_FIX_VALUE, off);
			off = out->len;
		} else if ((why = sw_fix_unsafe(v)) != NULL) {
			snprintf(bad_name, bad_len, "%s", name);
			out->len = off;
			fx->nparts = nparts;
			return why;
		} else
			sw_fix_shell_quote(out, v);
		p = close + 1;
	}
	sw_fix_part_add(fx, in_cmd ? SW_FIX_COMMAND : SW_FIX_PROSE, off);
	return NULL;
}

void
sw_fix_build(struct sw_fix *fx, const char *tmpl, const struct sw_conn *c,
    const struct sw_evidence *e)
{
	const char *p = tmpl, *end = tmpl + strlen(tmpl);
	int in_cmd = 0;

	sw_fix_reset(fx);
	while (p < end) {
		const char *tick = memchr(p, '`', (size_t)(end - p));
		const char *seg_end = tick != NULL ? tick : end;
		size_t off = fx->text.len;
		char bad[48];
		const char *why;

		if (in_cmd && tick == NULL) {
			/* An unclosed backtick: the rest is prose. */
			in_cmd = 0;
		}
		why = sw_fix_segment(fx, p, seg_end, in_cmd, c, e, bad,
		    sizeof(bad));
		if (why != NULL) {
			sw_buf_addf(&fx->text, SW_("(command left out: the value of "
			    "{%s} cannot be pasted safely because %s; look it "
			    "up in the evidence and type the command by hand)"),
			    bad, SW_(why));
			sw_fix_part_add(fx, SW_FIX_WITHHELD, off);
		}
		p = tick != NULL ? tick + 1 : end;
		if (tick != NULL)
			in_cmd = !in_cmd;
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
sw_fix_flatten(const struct sw_fix *fx, struct sw_buf *out)
{
	size_t i;

	for (i = 0; i < fx->nparts; i++) {
		struct sw_span s = sw_fix_span(fx, i);
		if (fx->part[i].kind == SW_FIX_COMMAND)
			sw_buf_addc(out, '`');
		sw_buf_add(out, s.p, s.len);
		if (fx->part[i].kind == SW_FIX_COMMAND)
			sw_buf_addc(out, '`');
	}
}
