/*
 * s6_redact.c: pseudonyms for --redact. A finding is copied with every
 * sensitive value replaced before any writer sees it, so no format can
 * forget one. Values are known two ways: learned (the connection's user,
 * address and host, the evidence lines' named captures) and recognised by
 * shape anywhere in a text (IPv4/IPv6 addresses, SHA256:/MD5: fingerprints,
 * /home/NAME). Text is scanned once, left to right, and pseudonyms are
 * never scanned again, so a real 198.51.100.7 cannot be confused with one.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "s6_redact.h"

enum sw_rkind {
	SW_RK_USER, SW_RK_HOST, SW_RK_IP4, SW_RK_IP6, SW_RK_FP, SW_RK_ID,
	SW_RK_N
};

/* Pseudonyms available per kind (numbers 1..space). */
static const uint32_t sw_rk_space[SW_RK_N] = {
	999999, 999999,
	762 + 131072,		/* three documentation /24s, then 198.18.0.0/15 */
	0xffffffffU, 999999, 999999
};

#define SW_REDACT_MAX_ENTRIES 2000000	/* values plus used-number marks */
#define SW_REDACT_MAX_VALUES 256	/* learned per finding */

struct sw_rentry {
	char *k;		/* kind byte, then the value bytes */
	uint32_t klen;
	uint32_t num;		/* 0: over the ceiling */
	uint64_t h;
};

struct sw_rval {
	const char *p;
	size_t len;
	int kind;
};

struct sw_redact {
	unsigned char *key;
	size_t keylen;
	int keyed;
	struct sw_rentry *tab;
	size_t cap, n;
	uint32_t next[SW_RK_N];		/* numbers handed out per kind */
	uint64_t overflow;
	/* The current finding's values (borrowed from it) and its copy. */
	struct sw_rval vals[SW_REDACT_MAX_VALUES];
	size_t nvals;
	struct sw_finding f;
	struct sw_conn c;
	struct sw_evidence *ev;
	size_t nev;
	char *user, *ip, *host, *note, *shost;
	struct sw_fix fix;		/* built again from the pseudonyms */
	char **strs;			/* evidence texts and origins, summary */
	size_t nstrs;
	struct sw_shape *shapes;
	char **sources;
};

struct sw_redact *
sw_redact_new(const void *key, size_t keylen)
{
	struct sw_redact *rd = sw_xcalloc(1, sizeof(*rd));

	if (key != NULL) {
		rd->keyed = 1;
		rd->keylen = keylen;
		rd->key = sw_xmalloc(keylen + 1);
		memcpy(rd->key, key, keylen);
	}
	rd->cap = 1024;
	rd->tab = sw_xcalloc(rd->cap, sizeof(*rd->tab));
	sw_fix_init(&rd->fix);
	return rd;
}

static void
sw_redact_scratch_free(struct sw_redact *rd)
{
	size_t i;

	for (i = 0; i < rd->nstrs; i++)
		free(rd->strs[i]);
	free(rd->strs);
	rd->strs = NULL;
	rd->nstrs = 0;
	free(rd->ev);
	rd->ev = NULL;
	rd->nev = 0;
	free(rd->user);
	free(rd->ip);
	free(rd->host);
	free(rd->shost);
	rd->shost = NULL;
	free(rd->note);
	rd->user = rd->ip = rd->host = rd->note = NULL;
}

void
sw_redact_free(struct sw_redact *rd)
{
	size_t i;

	if (rd == NULL)
		return;
	sw_redact_scratch_free(rd);
	sw_fix_free(&rd->fix);
	for (i = 0; i < rd->cap; i++)
		free(rd->tab[i].k);
	free(rd->tab);
	free(rd->shapes);
	free(rd->sources);
	if (rd->key != NULL)
		memset(rd->key, 0, rd->keylen);
	free(rd->key);
	free(rd);
}

/* The table: open addressing over (kind, value), FNV-1a. */

static uint64_t
sw_rhash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h;
}

static struct sw_rentry *
sw_rfind(struct sw_redact *rd, const char *k, size_t klen, uint64_t h)
{
	size_t i = (size_t)(h & (rd->cap - 1));

	while (rd->tab[i].k != NULL) {
		if (rd->tab[i].h == h && rd->tab[i].klen == klen &&
		    memcmp(rd->tab[i].k, k, klen) == 0)
			return &rd->tab[i];
		i = (i + 1) & (rd->cap - 1);
	}
	return &rd->tab[i];
}

static void
sw_rgrow(struct sw_redact *rd)
{
	struct sw_rentry *old = rd->tab;
	size_t oldcap = rd->cap, i;

	rd->cap *= 2;
	rd->tab = sw_xcalloc(rd->cap, sizeof(*rd->tab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].k != NULL)
			*sw_rfind(rd, old[i].k, old[i].klen, old[i].h) = old[i];
	}
	free(old);
}

/* Inserts a key that sw_rfind did not find; NULL over the ceiling. */
static struct sw_rentry *
sw_rinsert(struct sw_redact *rd, const char *k, size_t klen, uint64_t h)
{
	struct sw_rentry *e;

	if (rd->n >= SW_REDACT_MAX_ENTRIES)
		return NULL;
	if ((rd->n + 1) * 2 > rd->cap)
		sw_rgrow(rd);
	e = sw_rfind(rd, k, klen, h);
	e->k = sw_xmalloc(klen + 1);
	memcpy(e->k, k, klen);
	e->k[klen] = '\0';
	e->klen = (uint32_t)klen;
	e->h = h;
	rd->n++;
	return e;
}

/* Marks pseudonym `num` of `kind` as taken; 0 if it already was. */
static int
sw_rclaim(struct sw_redact *rd, int kind, uint32_t num)
{
	char k[5];
	uint64_t h;
	struct sw_rentry *e;

	k[0] = (char)(0x80 | kind);
	memcpy(k + 1, &num, 4);
	h = sw_rhash(k, 5);
	e = sw_rfind(rd, k, 5, h);
	if (e->k != NULL)
		return 0;
	return sw_rinsert(rd, k, 5, h) != NULL;
}

/* A number in 1..space from HMAC-SHA256(key, kind, attempt, value). */
static uint32_t
sw_rkeyed(struct sw_redact *rd, int kind, uint32_t attempt, struct sw_span v)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct sw_buf msg;
	uint64_t x = 0;
	int i;

	sw_buf_init(&msg, 0);
	sw_buf_addc(&msg, (char)kind);
	sw_buf_add(&msg, &attempt, 4);
	sw_buf_add(&msg, v.p, v.len);
	if (HMAC(EVP_sha256(), rd->key, (int)rd->keylen,
	    (const unsigned char *)msg.p, msg.len, md, &mdlen) == NULL ||
	    mdlen < 8) {
		sw_buf_free(&msg);
		return 0;
	}
	sw_buf_free(&msg);
	for (i = 0; i < 8; i++)
		x = (x << 8) | md[i];
	/* IPv4: the documentation ranges while probing finds room there. */
	if (kind == SW_RK_IP4 && attempt < 32)
		return (uint32_t)(x % 762) + 1;
	return (uint32_t)(x % sw_rk_space[kind]) + 1;
}

/* The pseudonym number of a value; 0 when the tables are full. */
static uint32_t
sw_rnum(struct sw_redact *rd, int kind, struct sw_span v, int create)
{
	struct sw_buf k;
	struct sw_rentry *e;
	uint64_t h;
	uint32_t num = 0, attempt;

	sw_buf_init(&k, 0);
	sw_buf_addc(&k, (char)kind);
	sw_buf_add(&k, v.p, v.len);
	h = sw_rhash(k.p, k.len);
	e = sw_rfind(rd, k.p, k.len, h);
	if (e->k != NULL || !create) {
		num = e->k != NULL ? e->num : UINT32_MAX;
		sw_buf_free(&k);
		return num;
	}
	if (rd->next[kind] < sw_rk_space[kind]) {
		if (!rd->keyed) {
			num = ++rd->next[kind];
		} else {
			/* Probe until a free number: injective in a report. */
			for (attempt = 0; num == 0 && attempt < 64; attempt++) {
				uint32_t n = sw_rkeyed(rd, kind, attempt, v);
				if (n != 0 && sw_rclaim(rd, kind, n))
					num = n;
			}
			for (attempt = 1; num == 0 && attempt < 1000000; attempt++) {
				uint32_t n = (uint32_t)(((uint64_t)attempt * 2654435761U) %
				    sw_rk_space[kind]) + 1;
				if (sw_rclaim(rd, kind, n))
					num = n;
			}
			if (num != 0)
				rd->next[kind]++;
		}
	}
	if (num == 0)
		rd->overflow++;
	e = sw_rinsert(rd, k.p, k.len, h);
	if (e != NULL)
		e->num = num;
	sw_buf_free(&k);
	return num;
}

static void
sw_rrender(struct sw_buf *out, int kind, uint32_t num, struct sw_span orig)
{
	uint32_t m;

	switch (kind) {
	case SW_RK_USER:
		if (num == 0)
			sw_buf_adds(out, "user-x");
		else
			sw_buf_addf(out, "user-%u", num);
		break;
	case SW_RK_HOST:
		if (num == 0)
			sw_buf_adds(out, "host-x");
		else
			sw_buf_addf(out, "host-%u", num);
		break;
	case SW_RK_IP4:
		if (num == 0)
			sw_buf_adds(out, "192.0.2.0");
		else if (num <= 254)
			sw_buf_addf(out, "198.51.100.%u", num);
		else if (num <= 508)
			sw_buf_addf(out, "203.0.113.%u", num - 254);
		else if (num <= 762)
			sw_buf_addf(out, "192.0.2.%u", num - 508);
		else {
			m = num - 763;
			sw_buf_addf(out, "198.%u.%u.%u", 18 + (m >> 16),
			    (m >> 8) & 255, m & 255);
		}
		break;
	case SW_RK_IP6:
		if (num <= 0xffff)
			sw_buf_addf(out, "2001:db8::%x", num);
		else
			sw_buf_addf(out, "2001:db8::%x:%x", num >> 16,
			    num & 0xffff);
		break;
	case SW_RK_FP: {
		/* Keep the hash name ("SHA256:"), which says what kind of key. */
		const char *colon = orig.p ? memchr(orig.p, ':', orig.len) : NULL;
		size_t i, n = colon ? (size_t)(colon - orig.p) : 0;
		int ok = n > 0 && n <= 10 && orig.p[0] >= 'A' && orig.p[0] <= 'Z';
		for (i = 0; ok && i < n; i++)
			ok = (orig.p[i] >= 'A' && orig.p[i] <= 'Z') ||
			    (orig.p[i] >= '0' && orig.p[i] <= '9');
		if (ok)
			sw_buf_add(out, orig.p, n);
		else if (n == 2)
			sw_buf_adds(out, "MD5");	/* legacy hex pairs */
		else
			sw_buf_adds(out, "SHA256");
		if (num == 0)
			sw_buf_adds(out, ":redacted-x");
		else
			sw_buf_addf(out, ":redacted-%u", num);
		break;
	}
	default:
		if (num == 0)
			sw_buf_adds(out, "cert-id-x");
		else
			sw_buf_addf(out, "cert-id-%u", num);
		break;
	}
}

static void
sw_rpseudo(struct sw_redact *rd, struct sw_buf *out, int kind, struct sw_span v)
{
	sw_rrender(out, kind, sw_rnum(rd, kind, v, 1), v);
}

/* Address, host name or "UNKNOWN" (sshd's word for no name). */
static int
sw_rclassify_addr(struct sw_span v)
{
	char tmp[INET6_ADDRSTRLEN + 64];
	unsigned char bin[16];
	size_t n = v.len;
	const char *pct = memchr(v.p, '%', v.len);

	if (pct != NULL)
		n = (size_t)(pct - v.p);
	if (n > 0 && n < sizeof(tmp) && memchr(v.p, '\0', n) == NULL) {
		memcpy(tmp, v.p, n);
		tmp[n] = '\0';
		if (inet_pton(AF_INET, tmp, bin) == 1)
			return SW_RK_IP4;
		if (inet_pton(AF_INET6, tmp, bin) == 1)
			return SW_RK_IP6;
	}
	return SW_RK_HOST;
}

static void
sw_rpseudo_addr(struct sw_redact *rd, struct sw_buf *out, struct sw_span v)
{
	if (sw_span_eq_str(v, "UNKNOWN")) {
		sw_buf_adds(out, "UNKNOWN");
		return;
	}
	sw_rpseudo(rd, out, sw_rclassify_addr(v), v);
}

/* Kinds of the named captures; -1: not redacted as a whole. */
#define SW_RK_ADDR 100

static int
sw_rcapture_kind(const char *name)
{
	static const struct { const char *name; int kind; } map[] = {
		{ "user", SW_RK_USER }, { "ruser", SW_RK_USER },
		{ "logname", SW_RK_USER }, { "run_as", SW_RK_USER },
		{ "ip", SW_RK_ADDR }, { "rhost", SW_RK_ADDR },
		{ "local_ip", SW_RK_ADDR }, { "listen_addr", SW_RK_ADDR },
		{ "from_host", SW_RK_ADDR },
		{ "fingerprint", SW_RK_FP }, { "ca_fingerprint", SW_RK_FP },
		{ "cert_id", SW_RK_ID },
	};
	size_t i;

	for (i = 0; name != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].kind;
	return -1;
}

/* Scanning. */

static int
sw_rword(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static int
sw_rdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
sw_rhex(unsigned char c)
{
	return sw_rdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of a dotted-quad IPv4 address at p[i..to), or 0. */
static size_t
sw_rscan_ip4(const char *p, size_t i, size_t to)
{
	size_t j = i, part;
	char tmp[16];
	unsigned char bin[4];

	if (i > 0 && (sw_rword((unsigned char)p[i - 1]) || p[i - 1] == '.'))
		return 0;
	for (part = 0; part < 4; part++) {
		size_t d = 0;
		if (part > 0) {
			if (j >= to || p[j] != '.')
				return 0;
			j++;
		}
		while (j < to && sw_rdigit((unsigned char)p[j]) && d < 4) {
			j++;
			d++;
		}
		if (d == 0 || d > 3)
			return 0;
	}
	if (j < to && (sw_rword((unsigned char)p[j]) ||
	    (p[j] == '.' && j + 1 < to && sw_rdigit((unsigned char)p[j + 1]))))
		return 0;
	memcpy(tmp, p + i, j - i);
	tmp[j - i] = '\0';
	return inet_pton(AF_INET, tmp, bin) == 1 ? j - i : 0;
}

/* Length of an IPv6 address (and %zone) at p[i..to), or 0. */
static size_t
sw_rscan_ip6(const char *p, size_t i, size_t to)
{
	size_t j = i, colons = 0, n;
	char tmp[64];
	unsigned char bin[16];

	if (i > 0 && (sw_rword((unsigned char)p[i - 1]) || p[i - 1] == ':' ||
	    p[i - 1] == '.'))
		return 0;
	while (j < to && j - i < 45 && (sw_rhex((unsigned char)p[j]) ||
	    p[j] == ':' || p[j] == '.')) {
		colons += p[j] == ':';
		j++;
	}
	if (colons < 2)
		return 0;
	/* A sentence may end right after the address. */
	while (j > i && (p[j - 1] == '.' || (p[j - 1] == ':' &&
	    !(j - i >= 2 && p[j - 2] == ':'))))
		j--;
	if (j < to && sw_rword((unsigned char)p[j]))
		return 0;
	n = j - i;
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, p + i, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, bin) != 1)
		return 0;
	if (j < to && p[j] == '%') {
		j++;
		while (j < to && (sw_rword((unsigned char)p[j]) || p[j] == '.' ||
		    p[j] == '-'))
			j++;
	}
	return j - i;
}

/* Length of "SHA256:base64" or "MD5:hex:hex..." at p[i..to), or 0. */
static size_t
sw_rscan_fp(const char *p, size_t i, size_t to)
{
	size_t j;

	if (i > 0 && sw_rword((unsigned char)p[i - 1]))
		return 0;
	if (to - i > 7 && memcmp(p + i, "SHA256:", 7) == 0) {
		for (j = i + 7; j < to && (sw_rword((unsigned char)p[j]) ||
		    p[j] == '+' || p[j] == '/' || p[j] == '='); j++)
			;
		return j - i >= 7 + 16 ? j - i : 0;
	}
	if (to - i > 4 && memcmp(p + i, "MD5:", 4) == 0) {
		for (j = i + 4; j < to && (sw_rhex((unsigned char)p[j]) ||
		    p[j] == ':'); j++)
			;
		while (j > i + 4 && p[j - 1] == ':')
			j--;
		return j - i >= 4 + 16 ? j - i : 0;
	}
	return 0;
}

/* A legacy MD5 fingerprint, 16 hex pairs with colons, at p[i..to), or 0. */
static size_t
sw_rscan_hexfp(const char *p, size_t i, size_t to)
{
	size_t k, j = i;

	if (i > 0 && (sw_rword((unsigned char)p[i - 1]) || p[i - 1] == ':'))
		return 0;
	for (k = 0; k < 16; k++) {
		if (k > 0 && (j >= to || p[j++] != ':'))
			return 0;
		if (j + 2 > to || !sw_rhex((unsigned char)p[j]) ||
		    !sw_rhex((unsigned char)p[j + 1]))
			return 0;
		j += 2;
	}
	if (j < to && (sw_rword((unsigned char)p[j]) || p[j] == ':'))
		return 0;
	return j - i;
}

static const char *const sw_home_prefixes[] = {
	"/home/", "/Users/", "/var/home/", "/usr/home/", "/export/home/",
};

/* "/home/NAME": the prefix length in *plen and NAME's length, or 0. */
static size_t
sw_rscan_home(const char *p, size_t i, size_t to, size_t *plen)
{
	size_t k, j;

	for (k = 0; k < sizeof(sw_home_prefixes) / sizeof(sw_home_prefixes[0]);
	    k++) {
		size_t n = strlen(sw_home_prefixes[k]);
		if (to - i <= n || memcmp(p + i, sw_home_prefixes[k], n) != 0)
			continue;
		for (j = i + n; j < to && strchr("/ \t\n'\":,;()[]<>`|&*?",
		    p[j]) == NULL; j++)
			;
		if (j > i + n) {
			*plen = n;
			return j - i - n;
		}
	}
	return 0;
}

/*
 * sshd phrases that quote a name no rule captures on its own: hostbased
 * authentication's client user and host. The prefix length in *plen, the
 * kind in *kind; the name ends at the closing quote. 0 if none.
 */
static size_t
sw_rscan_phrase(const char *p, size_t i, size_t to, size_t *plen, int *kind)
{
	static const struct { const char *prefix; int kind; } ph[] = {
		{ "client user \"", SW_RK_USER },
		{ "client host \"", SW_RK_ADDR },
	};
	size_t k, n, j;

	if (p[i] != 'c')
		return 0;
	for (k = 0; k < sizeof(ph) / sizeof(ph[0]); k++) {
		n = strlen(ph[k].prefix);
		if (to - i <= n || memcmp(p + i, ph[k].prefix, n) != 0)
			continue;
		for (j = i + n; j < to && p[j] != '"'; j++)
			;
		if (j == i + n)
			return 0;
		*plen = n;
		*kind = ph[k].kind;
		return j - i;
	}
	return 0;
}

/*
 * "name@host" at p[i..to): its length, with the name's length in *namelen;
 * 0 if there is none. The name starts a word; the host is a DNS name.
 */
static size_t
sw_rscan_at(const char *p, size_t i, size_t to, size_t *namelen)
{
	size_t j = i, k;

	if (!sw_rword((unsigned char)p[i]) || (i > 0 &&
	    (sw_rword((unsigned char)p[i - 1]) || strchr(".-+@", p[i - 1]))))
		return 0;
	while (j < to && (sw_rword((unsigned char)p[j]) || p[j] == '.' ||
	    p[j] == '-' || p[j] == '+'))
		j++;
	if (j + 1 >= to || p[j] != '@' || !sw_rword((unsigned char)p[j + 1]))
		return 0;
	for (k = j + 1; k < to && (sw_rword((unsigned char)p[k]) ||
	    p[k] == '.' || p[k] == '-'); k++)
		;
	while (k > j + 1 && (p[k - 1] == '.' || p[k - 1] == '-'))
		k--;
	*namelen = j - i;
	return k - i;
}

/* Whether learned value v matches at p[i..to) as a whole word. */
static int
sw_rvalue_at(const char *p, size_t i, size_t to, const struct sw_rval *v)
{
	if (v->len == 0 || to - i < v->len || p[i] != v->p[0] ||
	    memcmp(p + i, v->p, v->len) != 0)
		return 0;
	if (sw_rword((unsigned char)v->p[0]) && i > 0 &&
	    sw_rword((unsigned char)p[i - 1]))
		return 0;
	if (sw_rword((unsigned char)v->p[v->len - 1]) && i + v->len < to &&
	    sw_rword((unsigned char)p[i + v->len]))
		return 0;
	return 1;
}

static void
sw_rmark(uint32_t *newpos, size_t from, size_t to, size_t at)
{
	size_t j;

	if (newpos == NULL)
		return;
	for (j = from; j < to; j++)
		newpos[j] = (uint32_t)at;
}

/*
 * Appends p[from..to) redacted. `skip[k]` set: learned value k is not
 * looked for where incap[i] is 0, the rule's literal text (k is a capture
 * of this line, replaced by position); inside other captures (a reason, a
 * method_info) it is.
 * `global`: also replace any word already known as a user or host name.
 * newpos[j] (if given) receives the output offset of input byte j.
 */
static void
sw_rscan(struct sw_redact *rd, struct sw_buf *out, const char *p, size_t len,
    size_t from, size_t to, uint32_t *newpos, const unsigned char *skip,
    const unsigned char *incap, int global)
{
	size_t i = from, k, n, plen;
	int kind;

	while (i < to) {
		size_t at = out->len;
		const struct sw_rval *best = NULL;

		/* root's home says nothing about anyone: keep it readable. */
		if (p[i] == '/' && to - i >= 5 && memcmp(p + i, "/root", 5) == 0 &&
		    (i == 0 || !sw_rword((unsigned char)p[i - 1])) &&
		    (i + 5 == to || !sw_rword((unsigned char)p[i + 5]))) {
			sw_buf_add(out, "/root", 5);
			sw_rmark(newpos, i, i + 5, at);
			i += 5;
			continue;
		}
		if (p[i] == '/' && (n = sw_rscan_home(p, i, to, &plen)) > 0) {
			sw_buf_add(out, p + i, plen);
			sw_rpseudo(rd, out, SW_RK_USER,
			    sw_span_make(p + i + plen, n));
			sw_rmark(newpos, i, i + plen + n, at);
			i += plen + n;
			continue;
		}
		for (k = 0; k < rd->nvals; k++) {
			if ((skip == NULL || !skip[k] ||
			    (incap != NULL && incap[i])) &&
			    sw_rvalue_at(p, i, to, &rd->vals[k])) {
				best = &rd->vals[k];	/* longest first */
				break;
			}
		}
		if (best != NULL) {
			struct sw_span v = sw_span_make(best->p, best->len);
			if (best->kind == SW_RK_ADDR)
				sw_rpseudo_addr(rd, out, v);
			else
				sw_rpseudo(rd, out, best->kind, v);
			sw_rmark(newpos, i, i + best->len, at);
			i += best->len;
			/* user@host, as in a key comment. */
			if (best->kind == SW_RK_USER && i + 1 < to && p[i] == '@' &&
			    (sw_rword((unsigned char)p[i + 1]))) {
				size_t j = i + 1;
				while (j < to && (sw_rword((unsigned char)p[j]) ||
				    p[j] == '-' || p[j] == '.'))
					j++;
				while (j > i + 1 && p[j - 1] == '.')
					j--;
				sw_buf_addc(out, '@');
				sw_rpseudo_addr(rd, out,
				    sw_span_make(p + i + 1, j - i - 1));
				sw_rmark(newpos, i, j, out->len);
				i = j;
			}
			continue;
		}
		if ((n = sw_rscan_phrase(p, i, to, &plen, &kind)) > 0) {
			/* sshd's own words before a quoted name. */
			sw_buf_add(out, p + i, plen);
			if (kind == SW_RK_ADDR)
				sw_rpseudo_addr(rd, out, sw_span_make(p + i + plen,
				    n - plen));
			else
				sw_rpseudo(rd, out, kind, sw_span_make(p + i + plen,
				    n - plen));
		} else if ((n = sw_rscan_at(p, i, to, &plen)) > 0) {
			/* name@host (a key comment, a mail address). */
			sw_rpseudo(rd, out, SW_RK_USER, sw_span_make(p + i, plen));
			sw_buf_addc(out, '@');
			sw_rpseudo_addr(rd, out, sw_span_make(p + i + plen + 1,
			    n - plen - 1));
		} else if (sw_rdigit((unsigned char)p[i]) &&
		    (n = sw_rscan_ip4(p, i, to)) > 0) {
			sw_rpseudo(rd, out, SW_RK_IP4, sw_span_make(p + i, n));
		} else if (sw_rhex((unsigned char)p[i]) &&
		    (n = sw_rscan_hexfp(p, i, to)) > 0) {
			sw_rpseudo(rd, out, SW_RK_FP, sw_span_make(p + i, n));
		} else if ((sw_rhex((unsigned char)p[i]) || p[i] == ':') &&
		    (n = sw_rscan_ip6(p, i, to)) > 0) {
			sw_rpseudo(rd, out, SW_RK_IP6, sw_span_make(p + i, n));
		} else if ((p[i] == 'S' || p[i] == 'M') &&
		    (n = sw_rscan_fp(p, i, to)) > 0) {
			sw_rpseudo(rd, out, SW_RK_FP, sw_span_make(p + i, n));
		} else if (global && sw_rword((unsigned char)p[i]) &&
		    (i == 0 || !sw_rword((unsigned char)p[i - 1]))) {
			uint32_t num = UINT32_MAX;
			int gkind = SW_RK_USER;
			for (n = 0; i + n < to && (sw_rword((unsigned char)p[i + n]) ||
			    p[i + n] == '-' || p[i + n] == '.'); n++)
				;
			while (n > 1 && p[i + n - 1] == '.')
				n--;
			num = sw_rnum(rd, SW_RK_USER, sw_span_make(p + i, n), 0);
			if (num == UINT32_MAX) {
				gkind = SW_RK_HOST;
				num = sw_rnum(rd, SW_RK_HOST,
				    sw_span_make(p + i, n), 0);
			}
			if (num != UINT32_MAX)
				sw_rrender(out, gkind, num, sw_span_make(NULL, 0));
			else
				sw_buf_add(out, p + i, n);
		} else {
			n = 1;
			sw_buf_addc(out, p[i]);
		}
		sw_rmark(newpos, i, i + n, at);
		i += n;
	}
	(void)len;
}

void
sw_redact_text(struct sw_redact *rd, struct sw_buf *out, struct sw_span s)
{
	if (s.p != NULL)
		sw_rscan(rd, out, s.p, s.len, 0, s.len, NULL, NULL, NULL, 0);
}

/* Learning a finding's values. */

static void
sw_rlearn(struct sw_redact *rd, const char *p, size_t len, int kind)
{
	size_t i;

	if (p == NULL || len == 0 || rd->nvals >= SW_REDACT_MAX_VALUES)
		return;
	for (i = 0; i < rd->nvals; i++)
		if (rd->vals[i].len == len && memcmp(rd->vals[i].p, p, len) == 0)
			return;
	rd->vals[rd->nvals].p = p;
	rd->vals[rd->nvals].len = len;
	rd->vals[rd->nvals].kind = kind;
	rd->nvals++;
}

static int
sw_rval_cmp(const void *a, const void *b)
{
	const struct sw_rval *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return 0;
}

static char *
sw_rkeep(struct sw_redact *rd, struct sw_buf *b)
{
	char *s = b->p != NULL ? sw_buf_steal(b) : sw_xstrdup("");

	rd->strs = sw_xreallocarray(rd->strs, rd->nstrs + 1, sizeof(*rd->strs));
	rd->strs[rd->nstrs++] = s;
	return s;
}

struct sw_rcap {
	uint32_t off, len;
	int kind;
};

static int
sw_rcap_cmp(const void *a, const void *b)
{
	const struct sw_rcap *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len > y->len ? -1 : x->len < y->len;
}

/* One evidence line: captures replaced by position, the rest scanned. */
static void
sw_redact_evidence(struct sw_redact *rd, const struct sw_evidence *e,
    struct sw_evidence *re)
{
	struct sw_rcap caps[SW_EVIDENCE_MAX_NAMED];
	unsigned char skip[SW_REDACT_MAX_VALUES];
	uint32_t *newpos = sw_xcalloc(e->text_len + 1, sizeof(*newpos));
	unsigned char *incap = sw_xcalloc(e->text_len + 1, 1);
	size_t ncaps = 0, i, k, pos = 0, end = 0;
	struct sw_buf b;

	*re = *e;
	memset(skip, 0, sizeof(skip));
	for (i = 0; i < e->nnamed; i++) {
		int kind = sw_rcapture_kind(e->named[i].name);
		if (e->named[i].set &&
		    (size_t)e->named[i].off + e->named[i].len <= e->text_len)
			memset(incap + e->named[i].off, 1, e->named[i].len);
		if (kind < 0 || !e->named[i].set || e->named[i].len == 0 ||
		    (size_t)e->named[i].off + e->named[i].len > e->text_len)
			continue;
		caps[ncaps].off = e->named[i].off;
		caps[ncaps].len = e->named[i].len;
		caps[ncaps].kind = kind;
		ncaps++;
		/* Found by position here: not looked for as a word as well,
		 * so a user called "user" leaves "Invalid user" alone. */
		for (k = 0; k < rd->nvals; k++)
			if (rd->vals[k].len == e->named[i].len &&
			    memcmp(rd->vals[k].p, e->text + e->named[i].off,
			    e->named[i].len) == 0)
				skip[k] = 1;
	}
	qsort(caps, ncaps, sizeof(caps[0]), sw_rcap_cmp);
	sw_buf_init(&b, 0);
	for (i = 0; i < ncaps; i++) {
		struct sw_span v = sw_span_make(e->text + caps[i].off,
		    caps[i].len);
		if (caps[i].off < end)
			continue;	/* nested in or overlapping the last one */
		sw_rscan(rd, &b, e->text, e->text_len, pos, caps[i].off, newpos,
		    skip, incap, 0);
		sw_rmark(newpos, caps[i].off, caps[i].off + caps[i].len, b.len);
		if (caps[i].kind == SW_RK_ADDR)
			sw_rpseudo_addr(rd, &b, v);
		else
			sw_rpseudo(rd, &b, caps[i].kind, v);
		pos = end = caps[i].off + caps[i].len;
	}
	sw_rscan(rd, &b, e->text, e->text_len, pos, e->text_len, newpos, skip,
	    incap, 0);
	newpos[e->text_len] = (uint32_t)b.len;
	for (i = 0; i < e->nnamed; i++) {
		uint32_t off = e->named[i].off, len = e->named[i].len;
		if (!e->named[i].set || (size_t)off + len > e->text_len)
			continue;
		re->named[i].off = newpos[off];
		re->named[i].len = newpos[off + len] - newpos[off];
	}
	re->text_len = b.len;
	re->text = sw_rkeep(rd, &b);
	if (e->origin != NULL) {
		sw_buf_init(&b, 0);
		sw_redact_text(rd, &b, sw_span_make(e->origin, strlen(e->origin)));
		re->origin = sw_rkeep(rd, &b);
	}
	free(newpos);
	free(incap);
}

static char *
sw_rstr(struct sw_redact *rd, const char *s, int kind)
{
	struct sw_buf b;

	if (s == NULL)
		return NULL;
	sw_buf_init(&b, 0);
	if (kind == SW_RK_ADDR)
		sw_rpseudo_addr(rd, &b, sw_span_make(s, strlen(s)));
	else
		sw_rpseudo(rd, &b, kind, sw_span_make(s, strlen(s)));
	return sw_buf_steal(&b);
}

const struct sw_conn *
sw_redact_conn(struct sw_redact *rd, const struct sw_conn *c)
{
	size_t i, j;

	sw_redact_scratch_free(rd);
	rd->nvals = 0;
	sw_rlearn(rd, c->user, c->user ? strlen(c->user) : 0, SW_RK_USER);
	sw_rlearn(rd, c->ip, c->ip ? strlen(c->ip) : 0, SW_RK_ADDR);
	sw_rlearn(rd, c->host, c->host ? strlen(c->host) : 0, SW_RK_HOST);
	sw_rlearn(rd, c->source_host, c->source_host ?
	    strlen(c->source_host) : 0, SW_RK_HOST);
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		for (j = 0; j < e->nnamed; j++) {
			int kind = sw_rcapture_kind(e->named[j].name);
			if (kind >= 0 && e->named[j].set &&
			    (size_t)e->named[j].off + e->named[j].len <=
			    e->text_len)
				sw_rlearn(rd, e->text + e->named[j].off,
				    e->named[j].len, kind);
		}
	}
	qsort(rd->vals, rd->nvals, sizeof(rd->vals[0]), sw_rval_cmp);

	rd->c = *c;
	rd->c.user = rd->user = sw_rstr(rd, c->user, SW_RK_USER);
	rd->c.ip = rd->ip = sw_rstr(rd, c->ip, SW_RK_ADDR);
	rd->c.host = rd->host = sw_rstr(rd, c->host, SW_RK_HOST);
	rd->c.source_host = rd->shost = sw_rstr(rd, c->source_host,
	    SW_RK_HOST);
	rd->nev = c->nevidence;
	rd->ev = sw_xcalloc(rd->nev + 1, sizeof(*rd->ev));
	for (i = 0; i < c->nevidence; i++)
		sw_redact_evidence(rd, &c->evidence[i], &rd->ev[i]);
	rd->c.evidence = rd->ev;
	return &rd->c;
}

const struct sw_finding *
sw_redact_finding(struct sw_redact *rd, const struct sw_finding *f)
{
	const struct sw_conn *c = f->conn;
	struct sw_buf b;

	(void)sw_redact_conn(rd, c);
	rd->f = *f;
	rd->f.conn = &rd->c;
	if (f->method == c->method)
		rd->f.method = rd->c.method;
	/* The fix again, from the pseudonyms: quoted for them, not for the
	 * originals (a quoted original would leave quotes around a name). */
	sw_fix_build(&rd->fix, f->cause->fix, &rd->c,
	    f->primary < rd->nev ? &rd->ev[f->primary] : NULL);
	rd->f.fix = &rd->fix;
	if (f->note != NULL) {
		sw_buf_init(&b, 0);
		sw_redact_text(rd, &b, sw_span_make(f->note, strlen(f->note)));
		rd->note = b.p != NULL ? sw_buf_steal(&b) : sw_xstrdup("");
		rd->f.note = rd->note;
	}
	return &rd->f;
}

static char *
sw_rsummary_str(struct sw_redact *rd, const char *s)
{
	struct sw_buf b;

	if (s == NULL)
		return NULL;
	sw_buf_init(&b, 0);
	sw_rscan(rd, &b, s, strlen(s), 0, strlen(s), NULL, NULL, NULL, 1);
	return sw_rkeep(rd, &b);
}

void
sw_redact_summary(struct sw_redact *rd, struct sw_summary *s)
{
	size_t i;

	sw_redact_scratch_free(rd);
	rd->nvals = 0;
	if (s->nsources > 0) {
		free(rd->sources);
		rd->sources = sw_xcalloc(s->nsources, sizeof(*rd->sources));
		for (i = 0; i < s->nsources; i++)
			rd->sources[i] = sw_rsummary_str(rd, s->sources[i]);
		s->sources = (const char *const *)rd->sources;
	}
	/* Successes after failures: names and addresses seen before. */
	if (s->callouts != NULL)
		s->callouts = sw_rsummary_str(rd, s->callouts);
	if (s->nshapes > 0) {
		free(rd->shapes);
		rd->shapes = sw_xcalloc(s->nshapes, sizeof(*rd->shapes));
		for (i = 0; i < s->nshapes; i++) {
			rd->shapes[i] = s->shapes[i];
			rd->shapes[i].shape = sw_rsummary_str(rd,
			    s->shapes[i].shape);
			rd->shapes[i].origin = sw_rsummary_str(rd,
			    s->shapes[i].origin);
		}
		s->shapes = rd->shapes;
	}
}
