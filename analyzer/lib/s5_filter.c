/*
 * s5_filter.c: --user, --from and --cause (see s5_filter.h). Addresses
 * are kept as 16 bytes (IPv4 as its IPv4-mapped IPv6 form) and a prefix
 * length, so one comparison serves both families and the mapped forms.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "s5_filter.h"

struct sw_net {
	unsigned char a[16];
	unsigned bits;		/* prefix length over the 128-bit form */
};

struct sw_filter {
	char *users[SW_FILTER_MAX];
	size_t nusers;
	struct sw_net nets[SW_FILTER_MAX];
	char *froms[SW_FILTER_MAX];
	size_t nnets;
	char *causes[SW_FILTER_MAX];
	size_t ncauses;
	struct sw_buf desc;
};

struct sw_filter *
sw_filter_new(void)
{
	struct sw_filter *f = sw_xcalloc(1, sizeof(*f));

	sw_buf_init(&f->desc, 16384);
	return f;
}

void
sw_filter_free(struct sw_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nusers; i++)
		free(f->users[i]);
	for (i = 0; i < f->ncauses; i++)
		free(f->causes[i]);
	for (i = 0; i < f->nnets; i++)
		free(f->froms[i]);
	sw_buf_free(&f->desc);
	free(f);
}

/* Address text to the 16-byte form; 0, or -1 if it is no address. */
static int
sw_addr_parse(const char *s, unsigned char out[16], int *v4)
{
	unsigned char b4[4];

	if (inet_pton(AF_INET, s, b4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, b4, 4);
		*v4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0xff, 0xff };
		*v4 = memcmp(out, mapped, 12) == 0;
		return 0;
	}
	return -1;
}

static int
sw_net_parse(const char *s, struct sw_net *n)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	int v4;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (sw_addr_parse(addr, n->a, &v4) != 0)
		return -1;
	n->bits = 128;
	if (slash != NULL) {
		const char *p = slash + 1;
		unsigned v = 0, max = v4 && strchr(addr, ':') == NULL ? 32 : 128;
		if (*p == '\0' || strlen(p) > 3)
			return -1;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > max)
			return -1;
		n->bits = max == 32 ? 96 + v : v;
	}
	return 0;
}

static int
sw_net_has(const struct sw_net *n, const unsigned char a[16])
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(n->a, a, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((n->a[full] ^ a[full]) & (0xff00 >> rest) & 0xff) == 0;
}

int
sw_filter_addr_match(const char *cidr, const char *ip)
{
	struct sw_net n;
	unsigned char a[16];
	int v4;

	if (sw_net_parse(cidr, &n) != 0)
		return -1;
	if (ip == NULL || sw_addr_parse(ip, a, &v4) != 0)
		return 0;
	return sw_net_has(&n, a);
}

int
sw_filter_add_user(struct sw_filter *f, const char *name)
{
	if (f->nusers >= SW_FILTER_MAX || *name == '\0')
		return -1;
	f->users[f->nusers++] = sw_xstrdup(name);
	return 0;
}

int
sw_filter_add_from(struct sw_filter *f, const char *s)
{
	if (f->nnets >= SW_FILTER_MAX || sw_net_parse(s, &f->nets[f->nnets]))
		return -1;
	f->froms[f->nnets++] = sw_xstrdup(s);
	return 0;
}

int
sw_filter_add_cause(struct sw_filter *f, const char *id)
{
	if (f->ncauses >= SW_FILTER_MAX || *id == '\0')
		return -1;
	f->causes[f->ncauses++] = sw_xstrdup(id);
	return 0;
}

int
sw_filter_active(const struct sw_filter *f)
{
	return f != NULL && (f->nusers || f->nnets || f->ncauses);
}

int
sw_filter_has_cause(const struct sw_filter *f)
{
	return f != NULL && f->ncauses > 0;
}

int
sw_filter_conn(const struct sw_filter *f, const struct sw_conn *c)
{
	size_t i;
	int ok;

	if (f == NULL)
		return 1;
	if (f->nusers > 0) {
		for (ok = 0, i = 0; i < f->nusers && !ok; i++)
			ok = c->user != NULL && strcmp(c->user, f->users[i]) == 0;
		if (!ok)
			return 0;
	}
	if (f->nnets > 0) {
		unsigned char a[16];
		int v4;
		if (c->ip == NULL || sw_addr_parse(c->ip, a, &v4) != 0)
			return 0;
		for (ok = 0, i = 0; i < f->nnets && !ok; i++)
			ok = sw_net_has(&f->nets[i], a);
		if (!ok)
			return 0;
	}
	return 1;
}

int
sw_filter_cause(const struct sw_filter *f, const char *id)
{
	size_t i;

	if (f == NULL || f->ncauses == 0)
		return 1;
	if (id == NULL)
		return 0;
	for (i = 0; i < f->ncauses; i++)
		if (strcmp(id, f->causes[i]) == 0)
			return 1;
	return 0;
}

static void
sw_desc_kind(struct sw_buf *b, const char *kind, char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	if (b->len > 0)
		sw_buf_adds(b, "; ");
	sw_buf_adds(b, kind);
	for (i = 0; i < n; i++) {
		sw_buf_adds(b, i == 0 ? " " : " or ");
		sw_buf_adds(b, v[i]);
	}
}

const char *
sw_filter_describe(struct sw_filter *f)
{
	if (f == NULL)
		return "";
	sw_buf_reset(&f->desc);
	sw_desc_kind(&f->desc, "user", f->users, f->nusers);
	sw_desc_kind(&f->desc, "from", f->froms, f->nnets);
	sw_desc_kind(&f->desc, "cause", f->causes, f->ncauses);
	return f->desc.p != NULL ? f->desc.p : "";
}

size_t
sw_filter_ncauses(const struct sw_filter *f)
{
	return f != NULL ? f->ncauses : 0;
}

const char *
sw_filter_cause_at(const struct sw_filter *f, size_t i)
{
	return i < f->ncauses ? f->causes[i] : NULL;
}
