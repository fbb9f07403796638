/*
 * s6_spool.c: findings as compact records on disk. A record is a u32
 * length and then fixed fields and length-prefixed byte strings (any
 * byte, NUL included; 0xffffffff for "absent"). Memory holds one record
 * at a time whatever the number of findings; the spool is a tmpfile().
 */
#include <stdlib.h>
#include <string.h>

#include "s6_report_int.h"

#define SW_SPAN_NONE 0xffffffffu
/* Offset of the noise byte in an encoded record (after the u32 length). */
#define SW_NOISE_OFF 4

static void
sw_put(struct sw_buf *b, const void *p, size_t n)
{
	sw_buf_add(b, p, n);
}

static void
sw_put_u32(struct sw_buf *b, uint32_t v)
{
	sw_put(b, &v, sizeof(v));
}

static void
sw_put_u64(struct sw_buf *b, uint64_t v)
{
	sw_put(b, &v, sizeof(v));
}

static void
sw_put_span(struct sw_buf *b, const char *p, size_t len)
{
	if (p == NULL) {
		sw_put_u32(b, SW_SPAN_NONE);
		return;
	}
	if (len > 0x7fffffffu)
		len = 0x7fffffffu;
	sw_put_u32(b, (uint32_t)len);
	sw_put(b, p, len);
}

static void
sw_put_str(struct sw_buf *b, const char *s)
{
	sw_put_span(b, s, s ? strlen(s) : 0);
}

void
sw_spool_encode(struct sw_report *r, const struct sw_finding *f,
    uint32_t cause_idx)
{
	const struct sw_conn *c = f->conn;
	const struct sw_fix *fix = sw_fix_get(f->fix);
	struct sw_buf *b = &r->enc;
	uint32_t len;
	size_t i;

	sw_buf_reset(b);
	sw_put_u32(b, 0);			/* length, patched below */
	sw_buf_addc(b, (char)(f->noise != 0));	/* SW_NOISE_OFF */
	sw_buf_addc(b, (char)f->confidence);
	sw_buf_addc(b, (char)c->level_seen);
	sw_buf_addc(b, (char)(c->user_invalid != 0));
	sw_put_u64(b, (uint64_t)c->start_us);
	sw_put_u32(b, (uint32_t)(int32_t)c->utc_off_min);
	sw_put_u64(b, c->pid);
	sw_put_u32(b, c->port);
	sw_put_u32(b, cause_idx);
	sw_put_u32(b, f->primary == SIZE_MAX ? UINT32_MAX :
	    (uint32_t)f->primary);
	sw_put_u32(b, c->evidence_dropped);
	sw_put_str(b, c->host);
	sw_put_str(b, c->user);
	sw_put_str(b, c->ip);
	sw_put_str(b, c->source_host);
	sw_put_str(b, f->method);
	sw_put_str(b, f->note);
	sw_put_u32(b, (uint32_t)fix->nparts);
	for (i = 0; i < fix->nparts; i++) {
		struct sw_span s = sw_fix_span(fix, i);
		sw_buf_addc(b, (char)fix->part[i].kind);
		sw_put_span(b, s.p, s.len);
	}
	sw_put_u32(b, (uint32_t)c->nevidence);
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		sw_put_str(b, e->origin);
		sw_put_u64(b, e->lineno);
		sw_put_str(b, sw_rule_id(e->rule));
		sw_put_span(b, e->text, e->text_len);
	}
	/* The client's view, rendered now for this writer (s6_client). */
	sw_buf_addc(b, (char)sw_client_side(f));
	{
		struct sw_buf blob;
		sw_buf_init(&blob, (size_t)16 << 20);
		sw_client_blob(r, f, &blob);
		if (r->redact != NULL && blob.len > 0) {
			/* The client's view names the same user, hosts,
			 * addresses, key files and fingerprints. */
			struct sw_buf red;
			sw_buf_init(&red, (size_t)16 << 20);
			sw_redact_text(r->redact, &red, sw_span_make(blob.p,
			    blob.len));
			sw_buf_reset(&blob);
			sw_buf_add(&blob, red.p ? red.p : "", red.len);
			sw_buf_free(&red);
		}
		sw_put_span(b, blob.len > 0 ? blob.p : NULL, blob.len);
		sw_buf_free(&blob);
	}
	len = (uint32_t)b->len;
	memcpy(b->p, &len, sizeof(len));
}

/* The noise byte of a stub record (full records have 0 or 1). */
#define SW_NOISE_STUB 2

void
sw_spool_stub(struct sw_report *r, const char *ip, const char *user)
{
	struct sw_buf *b = &r->enc;
	uint32_t len;

	sw_buf_reset(b);
	sw_put_u32(b, 0);			/* length, patched below */
	sw_buf_addc(b, (char)SW_NOISE_STUB);	/* SW_NOISE_OFF */
	sw_put_str(b, ip);
	sw_put_str(b, user);
	len = (uint32_t)b->len;
	memcpy(b->p, &len, sizeof(len));
}

void
sw_spool_mark_noise(struct sw_report *r, int noise)
{
	if (r->dec.len > SW_NOISE_OFF)
		r->dec.p[SW_NOISE_OFF] = (char)(noise != 0);
	r->rec.noise = noise != 0;
}

/* A cursor over the decode buffer; every read checks the bounds. */
struct sw_cur {
	const char *p, *end;
	int bad;
};

static inline void
sw_get(struct sw_cur *c, void *out, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p, n);
	c->p += n;
}

static inline uint32_t
sw_get_u32(struct sw_cur *c)
{
	uint32_t v;
	sw_get(c, &v, sizeof(v));
	return v;
}

static inline uint64_t
sw_get_u64(struct sw_cur *c)
{
	uint64_t v;
	sw_get(c, &v, sizeof(v));
	return v;
}

static inline unsigned char
sw_get_u8(struct sw_cur *c)
{
	unsigned char v;
	sw_get(c, &v, 1);
	return v;
}

static inline struct sw_span
sw_get_span(struct sw_cur *c)
{
	uint32_t n = sw_get_u32(c);
	struct sw_span s = { NULL, 0 };

	if (c->bad || n == SW_SPAN_NONE)
		return s;
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return s;
	}
	s.p = c->p;
	s.len = n;
	c->p += n;
	return s;
}

int
sw_spool_read(struct sw_report *r, FILE *fp, const char **raw, size_t *rawlen)
{
	return sw_spool_read_part(r, fp, raw, rawlen, 0);
}

int
sw_spool_read_part(struct sw_report *r, FILE *fp, const char **raw,
    size_t *rawlen, int head_only)
{
	struct sw_rec *rec = &r->rec;
	struct sw_cur cur;
	uint32_t len, i, n;

	if (fread(&len, sizeof(len), 1, fp) != 1)
		return ferror(fp) ? -1 : 0;
	if (len < 5 || len > ((uint32_t)1 << 30))
		return -1;
	sw_buf_reset(&r->dec);
	sw_buf_add(&r->dec, &len, sizeof(len));
	if (sw_buf_reserve(&r->dec, len - 4) != 0)
		return -1;
	if (fread(r->dec.p + 4, 1, len - 4, fp) != len - 4)
		return -1;
	r->dec.len = len;
	*raw = r->dec.p;
	*rawlen = len;

	cur.p = r->dec.p + 4;
	cur.end = r->dec.p + len;
	cur.bad = 0;
	memset(rec, 0, sizeof(*rec));
	rec->noise = sw_get_u8(&cur);
	if (rec->noise == SW_NOISE_STUB) {
		rec->noise = 1;
		rec->stub = 1;
		rec->ip = sw_get_span(&cur);
		rec->user = sw_get_span(&cur);
		return cur.bad ? -1 : 1;
	}
	if (len < 8)
		return -1;
	rec->confidence = (enum sw_confidence)sw_get_u8(&cur);
	rec->level_seen = (enum sw_loglevel)sw_get_u8(&cur);
	rec->user_invalid = sw_get_u8(&cur);
	rec->start_us = (int64_t)sw_get_u64(&cur);
	rec->utc_off_min = (int)(int32_t)sw_get_u32(&cur);
	rec->pid = sw_get_u64(&cur);
	rec->port = sw_get_u32(&cur);
	rec->cause_idx = sw_get_u32(&cur);
	rec->primary = sw_get_u32(&cur);
	rec->evidence_dropped = sw_get_u32(&cur);
	rec->host = sw_get_span(&cur);
	rec->user = sw_get_span(&cur);
	rec->ip = sw_get_span(&cur);
	if (head_only) {
		/* What the noise pass needs; the rest is checked when
		 * the record is rendered. */
		if (cur.bad || rec->cause_idx >= r->ncauses)
			return -1;
		rec->cause = r->causes[rec->cause_idx];
		return 1;
	}
	rec->source_host = sw_get_span(&cur);
	rec->method = sw_get_span(&cur);
	rec->note = sw_get_span(&cur);
	n = sw_get_u32(&cur);
	if (n > SW_FIX_MAX_PARTS)
		return -1;
	rec->nfix = n;
	for (i = 0; i < n; i++) {
		rec->fix[i].kind = (enum sw_fix_kind)sw_get_u8(&cur);
		rec->fix[i].s = sw_get_span(&cur);
	}
	n = sw_get_u32(&cur);
	if (cur.bad || n > 1000000)
		return -1;
	if (n > r->evcap) {
		r->evcap = n;
		r->ev = sw_xreallocarray(r->ev, r->evcap, sizeof(*r->ev));
	}
	for (i = 0; i < n; i++) {
		r->ev[i].origin = sw_get_span(&cur);
		r->ev[i].lineno = sw_get_u64(&cur);
		r->ev[i].rule = sw_get_span(&cur);
		r->ev[i].text = sw_get_span(&cur);
	}
	rec->nev = n;
	rec->ev = r->ev;
	rec->side = sw_get_u8(&cur);
	rec->client = sw_get_span(&cur);
	if (cur.bad || rec->cause_idx >= r->ncauses)
		return -1;
	rec->cause = r->causes[rec->cause_idx];
	return 1;
}

void
sw_rec_fix_flatten(const struct sw_rec *rec, struct sw_buf *out)
{
	size_t i;

	for (i = 0; i < rec->nfix; i++) {
		int cmd = rec->fix[i].kind == SW_FIX_COMMAND;
		if (cmd)
			sw_buf_addc(out, '`');
		sw_buf_add(out, rec->fix[i].s.p, rec->fix[i].s.len);
		if (cmd)
			sw_buf_addc(out, '`');
	}
}

/* "fix":"...","commands":[...] for the JSON writers (json, ndjson, ecs);
 * `scratch` holds the flattened fix. */
void
sw_rec_json_fix(const struct sw_rec *rec, struct sw_buf *scratch,
    struct sw_buf *b)
{
	size_t i, n;

	sw_buf_reset(scratch);
	sw_rec_fix_flatten(rec, scratch);
	sw_buf_adds(b, "\"fix\":\"");
	sw_escape_json(b, sw_span_make(scratch->p ? scratch->p : "",
	    scratch->len));
	sw_buf_adds(b, "\",\"commands\":[");
	for (i = 0, n = 0; i < rec->nfix; i++) {
		if (rec->fix[i].kind != SW_FIX_COMMAND)
			continue;
		sw_buf_adds(b, n++ ? ",\"" : "\"");
		sw_escape_json(b, rec->fix[i].s);
		sw_buf_addc(b, '"');
	}
	sw_buf_addc(b, ']');
}

struct sw_span
sw_fix_prose_trim(struct sw_span s, int before_cmd, int after_cmd)
{
	if (after_cmd)
		while (s.len > 0 && strchr(" \n.,;)", s.p[0]) != NULL) {
			s.p++;
			s.len--;
		}
	if (before_cmd) {
		while (s.len > 0 && strchr(" \n", s.p[s.len - 1]) != NULL)
			s.len--;
		if (s.len > 0 && s.p[s.len - 1] == '(')
			s.len--;
		while (s.len > 0 && strchr(" \n", s.p[s.len - 1]) != NULL)
			s.len--;
	}
	return s;
}
