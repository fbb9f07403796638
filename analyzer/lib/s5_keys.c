/*
 * s5_keys.c: authorized_keys analysis for stage 5. Files are read in
 * fixed buffers, one line at a time (line, line count and key ceilings);
 * each line is parsed as sshd's auth_check_authkey_line() and
 * sshauthopt_parse() do, keys are decoded and walked field by field, and
 * fingerprinted over the plain public key as ssh-keygen does. A small
 * state machine joins what spans lines: a key broken over lines, a pasted
 * private key, an SSH2/PuTTY or PEM block. Strings live in an arena owned
 * by the set; lines in fixed chunks, so pointers handed out never move;
 * two sorted digest indexes make lookups allocation-free.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "s0_common.h"
#include "s5_keys.h"

#define SW_REC_CHUNK	1024			/* lines per storage chunk */
#define SW_POOL_BLK	((size_t)64 << 10)	/* arena block */
#define SW_RD_BUF	((size_t)64 << 10)	/* bytes per read() */
#define SW_DEC_MAX	(SW_KEYS_MAX_LINE / 4 * 3 + 4)	/* decoded key */
#define SW_DIR_DEPTH	3	/* top, home/, USER/.ssh */

/*
 * Key types sshd knows (sshkey.c keyimpls[]). Types with the same id are
 * read as each other (rsa-sha2-256 names an ssh-rsa key). `fields` are the
 * public fields after the name (and after the nonce of a certificate):
 * k Ed25519 key (32 bytes), c curve name, q EC point, m mpint,
 * a application string (security keys), p ML-DSA+Ed25519 key.
 */
enum { F_ED25519, F_ED25519_SK, F_ECDSA, F_ECDSA_SK, F_RSA, F_DSA, F_MLDSA };

struct sw_keytype {
	const char *name;
	const char *plain;	/* plain type, as fingerprints serialise it */
	const char *curve;
	const char *fields;
	int id;
	int cert;
	int family;
};

static const struct sw_keytype sw_keytypes[] = {
	{ "ssh-ed25519", "ssh-ed25519", NULL, "k", 1, 0, F_ED25519 },
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", NULL, "k",
	    2, 1, F_ED25519 },
	{ "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com", NULL,
	    "ka", 3, 0, F_ED25519_SK },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
	    NULL, "ka", 4, 1, F_ED25519_SK },
	{ "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", "nistp256", "cq",
	    5, 0, F_ECDSA },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256",
	    "nistp256", "cq", 6, 1, F_ECDSA },
	{ "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", "nistp384", "cq",
	    7, 0, F_ECDSA },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384",
	    "nistp384", "cq", 8, 1, F_ECDSA },
	{ "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521", "nistp521", "cq",
	    9, 0, F_ECDSA },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
	    "nistp521", "cq", 10, 1, F_ECDSA },
	{ "sk-ecdsa-sha2-nistp256@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", "cqa",
	    11, 0, F_ECDSA_SK },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", "cqa",
	    12, 1, F_ECDSA_SK },
	{ "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", "cqa",
	    11, 0, F_ECDSA_SK },
	{ "webauthn-sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", "cqa",
	    12, 1, F_ECDSA_SK },
	{ "ssh-rsa", "ssh-rsa", NULL, "mm", 13, 0, F_RSA },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", NULL, "mm", 14, 1, F_RSA },
	{ "rsa-sha2-256", "ssh-rsa", NULL, "mm", 13, 0, F_RSA },
	{ "rsa-sha2-512", "ssh-rsa", NULL, "mm", 13, 0, F_RSA },
	{ "rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa", NULL, "mm",
	    14, 1, F_RSA },
	{ "rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa", NULL, "mm",
	    14, 1, F_RSA },
	{ "ssh-dss", "ssh-dss", NULL, "mmmm", 15, 0, F_DSA },
	{ "ssh-dss-cert-v01@openssh.com", "ssh-dss", NULL, "mmmm",
	    16, 1, F_DSA },
	{ "ssh-mldsa44-ed25519@openssh.com", "ssh-mldsa44-ed25519@openssh.com",
	    NULL, "p", 17, 0, F_MLDSA },
	{ "ssh-mldsa44-ed25519-cert-v01@openssh.com",
	    "ssh-mldsa44-ed25519@openssh.com", NULL, "p", 18, 1, F_MLDSA },
};

#define SW_NKEYTYPES (sizeof(sw_keytypes) / sizeof(sw_keytypes[0]))

/* sshd's RSA floor (SSH_RSA_MINIMUM_MODULUS_SIZE) and ceiling (bignum). */
#define SW_RSA_MIN_BITS		1024
#define SW_RSA_MAX_BITS		16384

static const char *const sw_problem_ids[SW_KEY_PROBLEM_COUNT] = {
	[SW_KEY_OK] = "ok",
	[SW_KEY_BROKEN_LINE] = "broken-line",
	[SW_KEY_PRIVATE_KEY] = "private-key",
	[SW_KEY_BAD_OPTIONS] = "bad-options",
	[SW_KEY_BAD_BLOB] = "bad-key",
	[SW_KEY_TYPE_MISMATCH] = "type-mismatch",
	[SW_KEY_UNKNOWN_TYPE] = "unknown-type",
	[SW_KEY_DSA] = "dsa-key",
	[SW_KEY_RSA_SIZE] = "rsa-key-size",
	[SW_KEY_PUTTY_FORMAT] = "putty-format",
	[SW_KEY_BAD_CHARS] = "lookalike-chars",
	[SW_KEY_BAD_ENCODING] = "utf16-file",
	[SW_KEY_NOT_A_KEY] = "not-a-key",
};

static const char *const sw_problem_texts[SW_KEY_PROBLEM_COUNT] = {
	[SW_KEY_OK] = "",
	[SW_KEY_BROKEN_LINE] =
	    "One key is split over several lines (wrapped when it was "
	    "pasted), so sshd reads none of it. Join the pieces into one "
	    "line: type, key and comment separated by single spaces, or add "
	    "the key again with ssh-copy-id.",
	[SW_KEY_PRIVATE_KEY] =
	    "A private key was pasted where the public key belongs; sshd "
	    "cannot use it. Put the public key there instead (the .pub file, "
	    "or what ssh-keygen -y -f KEYFILE prints) and treat this private "
	    "key as exposed to everyone who can read the file.",
	[SW_KEY_BAD_OPTIONS] =
	    "sshd ignores the whole line when an option before the key is "
	    "unknown or malformed. Fix or remove the option (AUTHORIZED_KEYS "
	    "FILE FORMAT in sshd(8)): options are separated by commas without "
	    "spaces, and values are in double quotes.",
	[SW_KEY_BAD_BLOB] =
	    "The base64 key is truncated or damaged, so sshd cannot decode "
	    "it. Copy the key again from the client's .pub file (ssh-copy-id "
	    "does it).",
	[SW_KEY_TYPE_MISMATCH] =
	    "The key type at the start of the line is missing or does not "
	    "match the key itself, so sshd skips the line. Use the line "
	    "exactly as it is in the client's .pub file.",
	[SW_KEY_UNKNOWN_TYPE] =
	    "The key type is not one this sshd knows, so it skips the line. "
	    "Use an Ed25519, ECDSA or RSA key (ssh-keygen -t ed25519 makes "
	    "one).",
	[SW_KEY_DSA] =
	    "The key is ssh-dss (DSA): sshd refuses it by default since "
	    "OpenSSH 7.0 and cannot use it at all since 9.8. Make a new key "
	    "on the client (ssh-keygen -t ed25519) and put its .pub line here.",
	[SW_KEY_RSA_SIZE] =
	    "sshd refuses RSA keys under 1024 bits (and over 16384). Make a "
	    "new key on the client (ssh-keygen -t ed25519, or -t rsa -b 3072) "
	    "and put its .pub line here.",
	[SW_KEY_PUTTY_FORMAT] =
	    "The key is in SSH2 format (RFC 4716, as PuTTYgen saves it) or "
	    "PEM, which sshd does not read in authorized_keys. Convert it to "
	    "one OpenSSH line with ssh-keygen -i -f FILE (-i -m PKCS8 for "
	    "PEM), or paste PuTTYgen's \"Public key for pasting into OpenSSH "
	    "authorized_keys file\" box.",
	[SW_KEY_BAD_CHARS] =
	    "The line has a character that looks like ASCII but is not (a "
	    "non-breaking space, smart quote, typographic dash or byte-order "
	    "mark, from a word processor, chat or web page), so sshd cannot "
	    "read it. Retype those characters, or copy the line again from "
	    "the .pub file with a plain-text tool.",
	[SW_KEY_BAD_ENCODING] =
	    "The file is UTF-16 (as Windows PowerShell's > and Out-File write "
	    "it), which sshd reads as garbage. Save it as ASCII or UTF-8 "
	    "without a byte-order mark (Out-File -Encoding ascii, or iconv -f "
	    "UTF-16 -t UTF-8).",
	[SW_KEY_NOT_A_KEY] =
	    "This line is not a key; sshd skips it. Remove it, or start it "
	    "with # to make it a comment.",
};

/* Characters that look like ASCII but are not: UTF-8, and a stand-in. */
struct sw_lookalike {
	const char *seq;
	const char *repl;
	const char *name;
};

static const struct sw_lookalike sw_lookalikes[] = {
	{ "\xEF\xBB\xBF", "", "a byte-order mark (U+FEFF)" },
	{ "\xC2\xA0", " ", "a non-breaking space (U+00A0)" },
	{ "\xE2\x80\xAF", " ", "a narrow no-break space (U+202F)" },
	{ "\xE2\x80\x80", " ", "a typographic space (U+2000)" },
	{ "\xE2\x80\x81", " ", "a typographic space (U+2001)" },
	{ "\xE2\x80\x82", " ", "an en space (U+2002)" },
	{ "\xE2\x80\x83", " ", "an em space (U+2003)" },
	{ "\xE2\x80\x84", " ", "a typographic space (U+2004)" },
	{ "\xE2\x80\x85", " ", "a typographic space (U+2005)" },
	{ "\xE2\x80\x86", " ", "a typographic space (U+2006)" },
	{ "\xE2\x80\x87", " ", "a figure space (U+2007)" },
	{ "\xE2\x80\x88", " ", "a punctuation space (U+2008)" },
	{ "\xE2\x80\x89", " ", "a thin space (U+2009)" },
	{ "\xE2\x80\x8A", " ", "a hair space (U+200A)" },
	{ "\xE3\x80\x80", " ", "an ideographic space (U+3000)" },
	{ "\xE2\x80\x8B", "", "a zero-width space (U+200B)" },
	{ "\xE2\x80\x8C", "", "a zero-width non-joiner (U+200C)" },
	{ "\xE2\x80\x8D", "", "a zero-width joiner (U+200D)" },
	{ "\xE2\x81\xA0", "", "a word joiner (U+2060)" },
	{ "\xE2\x80\x98", "'", "a left single quotation mark (U+2018)" },
	{ "\xE2\x80\x99", "'", "a right single quotation mark (U+2019)" },
	{ "\xE2\x80\x9C", "\"", "a left double quotation mark (U+201C)" },
	{ "\xE2\x80\x9D", "\"", "a right double quotation mark (U+201D)" },
	{ "\xE2\x80\x90", "-", "a hyphen (U+2010)" },
	{ "\xE2\x80\x91", "-", "a non-breaking hyphen (U+2011)" },
	{ "\xE2\x80\x92", "-", "a figure dash (U+2012)" },
	{ "\xE2\x80\x93", "-", "an en dash (U+2013)" },
	{ "\xE2\x80\x94", "-", "an em dash (U+2014)" },
	{ "\xE2\x88\x92", "-", "a minus sign (U+2212)" },
};

/* sshauthopt_parse(): flags (some take "no-"), then options with values. */
static const struct {
	const char *name;
	int negatable;
} sw_opt_flags[] = {
	{ "restrict", 0 },
	{ "cert-authority", 0 },
	{ "port-forwarding", 1 },
	{ "agent-forwarding", 1 },
	{ "x11-forwarding", 1 },
	{ "touch-required", 1 },
	{ "verify-required", 1 },
	{ "pty", 1 },
	{ "user-rc", 1 },
};

enum { OV_COMMAND, OV_PRINCIPALS, OV_FROM, OV_EXPIRY, OV_ENV,
    OV_PERMITOPEN, OV_PERMITLISTEN, OV_TUNNEL, OV_COUNT };

static const char *const sw_opt_valued[OV_COUNT] = {
	"command", "principals", "from", "expiry-time", "environment",
	"permitopen", "permitlisten", "tunnel",
};

/* A line kept, and the digests the indexes sort on. */
struct sw_key_rec {
	struct sw_key_line pub;		/* first: handed out by address */
	unsigned char sha[32];
	unsigned char md5[16];
	int has_sha, has_md5;
};

struct sw_fpidx {
	unsigned char d[32];		/* SHA-256, or MD5 and zeros */
	uint32_t rec;
};

struct sw_pool_blk {
	struct sw_pool_blk *next;
	size_t used, cap;
	char data[];
};

struct sw_keys {
	struct sw_key_rec **chunks;
	size_t nchunks;
	size_t n;
	struct sw_fpidx *sha, *md5;	/* sorted by digest, then line */
	size_t nsha, nmd5, capsha, capmd5;
	size_t indexed;			/* lines [0, indexed) are indexed */
	struct sw_pool_blk *pool;
	unsigned char *dec;		/* decoded key, SW_DEC_MAX */
	unsigned char *rd, *conv;	/* read buffer, UTF-16 conversion */
	struct sw_buf line;		/* the line being read */
	struct sw_buf acc;		/* base64 gathered over lines */
	struct sw_buf ser;		/* canonical key, for fingerprints */
	struct sw_buf tmp;		/* key built from a PEM block */
	struct sw_buf clean;		/* a line with look-alikes replaced */
	EVP_MD *md_sha256, *md_md5;	/* fetched once; MD5 NULL if refused */
};

/* The outcome of parsing one line (or a block). Spans borrow the line. */
struct sw_res {
	enum sw_key_problem problem;
	char detail[200];
	struct sw_span options, type, comment, blob;	/* p NULL: none */
	const struct sw_keytype *kt;	/* the type named on the line */
	int pending;		/* a key cut short at the end of the line */
	int truncated;
	int fp, has_md5;
	unsigned char sha[32], md5[16];
	unsigned bits;
	int cert_authority;
	int64_t expires;
	const char *inner_type;	/* type named inside the key (static) */
};

/* A key decoded and walked field by field. */
enum { WALK_OK, WALK_SHORT, WALK_BAD };

struct sw_field {
	const unsigned char *p;
	size_t len;
	char kind;
};

struct sw_walk {
	int status;
	const struct sw_keytype *kt;	/* the type named inside the key */
	const char *why;		/* WALK_BAD: a static reason */
	unsigned bits;			/* RSA modulus */
	int rsa_size_bad;
	size_t nf;
	struct sw_field f[6];
};

struct sw_optres {
	int bad;
	int cert_authority;
	int64_t expires;	/* the earliest expiry-time=, or 0 */
	char detail[200];
};

/* What spans lines: a key broken over lines, or a block. */
enum sw_blk_kind {
	BK_NONE, BK_PENDING, BK_PEM_PRIV, BK_PEM_PUB, BK_PEM_OTHER, BK_SSH2,
	BK_PPK,
};

struct sw_blk {
	enum sw_blk_kind kind;
	uint64_t start;
	unsigned nlines;
	int openssh;		/* BEGIN OPENSSH PRIVATE KEY */
	int pkcs1;		/* BEGIN RSA PUBLIC KEY */
	int ppk_pub;		/* between Public-Lines and Private-Lines */
	int hdr_cont;		/* SSH2 header line ended in a backslash */
	int ended;		/* the END line was seen */
	char label[40];		/* PEM label, for other blocks */
	const char *type_s, *options_s, *comment_s;	/* pooled */
	struct sw_res first;	/* pending: the first line's outcome */
};

struct sw_load {
	struct sw_keys *k;
	struct sw_diag *diag;
	enum sw_status st;
	int full_told;		/* the key ceiling was reported */
};

/* One file being read. */
struct sw_fctx {
	struct sw_keys *k;
	struct sw_load *L;
	const char *path;	/* the caller's */
	const char *user;	/* the caller's, or NULL */
	const char *path_s, *user_s;	/* pooled on the first line kept */
	uint64_t lineno;
	int utf16;		/* 0, 1 little-endian, 2 big-endian */
	int carry, has_carry;	/* odd byte between two reads */
	int toolong;
	int stop;		/* a ceiling ended the file */
	struct sw_blk blk;
};

/* Small helpers. */

static int
sw_lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int
sw_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
sw_isalnum(int c)
{
	return sw_isdigit(c) || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

static int
sw_isb64(int c)
{
	return sw_isalnum(c) || c == '+' || c == '/';
}

/* s starts with lit, ignoring ASCII case. */
static int
sw_casepfx(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit), i;

	if (n < l)
		return 0;
	for (i = 0; i < l; i++)
		if (sw_lc((unsigned char)s[i]) != sw_lc((unsigned char)lit[i]))
			return 0;
	return 1;
}

static int
sw_span_has(struct sw_span s, const char *lit)
{
	size_t l = strlen(lit), i;

	for (i = 0; l <= s.len && i <= s.len - l; i++)
		if (memcmp(s.p + i, lit, l) == 0)
			return 1;
	return 0;
}

static struct sw_span
sw_none(void)
{
	struct sw_span s = { NULL, 0 };
	return s;
}

static struct sw_span
sw_rest(struct sw_span s, size_t off)
{
	return off < s.len ? sw_span_make(s.p + off, s.len - off) : sw_none();
}

/* The token at *off (up to a blank), and *off past the blanks after it. */
static struct sw_span
sw_next_tok(struct sw_span s, size_t *off)
{
	size_t st = *off, i = *off, end;

	while (i < s.len && s.p[i] != ' ' && s.p[i] != '\t')
		i++;
	end = i;
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	*off = i;
	if (end == st)
		return sw_span_make(st < s.len ? s.p + st : NULL, 0);
	return sw_span_make(s.p + st, end - st);
}

static int
sw_is_b64_tok(struct sw_span t)
{
	size_t i;

	if (t.len == 0)
		return 0;
	for (i = 0; i < t.len; i++)
		if (!sw_isb64((unsigned char)t.p[i]) && t.p[i] != '=')
			return 0;
	return 1;
}

static const struct sw_keytype *
sw_keytype_find(struct sw_span name)
{
	size_t i;

	if (name.len == 0)
		return NULL;
	for (i = 0; i < SW_NKEYTYPES; i++)
		if (sw_span_eq_str(name, sw_keytypes[i].name))
			return &sw_keytypes[i];
	return NULL;
}

static void
sw_res_set(struct sw_res *r, enum sw_key_problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
sw_res_set(struct sw_res *r, enum sw_key_problem p, const char *fmt, ...)
{
	va_list ap;

	r->problem = p;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* Arena: strings live until sw_keys_free(). */

static char *
sw_pool_alloc(struct sw_keys *k, size_t n)
{
	struct sw_pool_blk *b = k->pool;
	char *p;

	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > SW_POOL_BLK ? n : SW_POOL_BLK;

		b = sw_xmalloc(sizeof(*b) + cap);
		b->next = k->pool;
		b->used = 0;
		b->cap = cap;
		k->pool = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static const char *
sw_pool_strn(struct sw_keys *k, const char *s, size_t n)
{
	char *p = sw_pool_alloc(k, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static const char *
sw_pool_str(struct sw_keys *k, const char *s)
{
	return s == NULL ? NULL : sw_pool_strn(k, s, strlen(s));
}

/* NULL for no span; the bytes up to the first NUL otherwise. */
static const char *
sw_pool_span(struct sw_keys *k, struct sw_span s)
{
	if (s.p == NULL)
		return NULL;
	return sw_pool_strn(k, s.p, s.len);
}

static struct sw_key_rec *
sw_rec_at(const struct sw_keys *k, size_t i)
{
	return &k->chunks[i / SW_REC_CHUNK][i % SW_REC_CHUNK];
}

/* Base64, decoded with libcrypto; sshd's b64_pton() rules. */

enum { B64_OK, B64_PARTIAL, B64_BAD };

/*
 * Decodes t into out (room for t.len / 4 * 3 bytes). B64_PARTIAL: no
 * padding and a length that is not a multiple of 4 (sshd refuses it; the
 * whole quanta are decoded, to tell a key cut short from a damaged one).
 * B64_BAD: a byte outside the alphabet or misplaced padding.
 */
static int
sw_b64_decode(struct sw_span t, unsigned char *out, size_t *outlen)
{
	size_t i, pad = 0, body, whole;
	int n;

	*outlen = 0;
	for (i = 0; i < t.len && sw_isb64((unsigned char)t.p[i]); i++)
		;
	body = i;
	for (; i < t.len && t.p[i] == '=' && pad < 2; i++)
		pad++;
	if (i != t.len)
		return B64_BAD;
	if (pad > 0 && t.len % 4 != 0)
		return B64_BAD;
	whole = t.len / 4 * 4;
	if (whole > 0) {
		n = EVP_DecodeBlock(out, (const unsigned char *)t.p,
		    (int)whole);
		if (n < 0 || (size_t)n < pad)
			return B64_BAD;
		*outlen = (size_t)n - pad;
	}
	if (pad == 0 && body % 4 != 0)
		return B64_PARTIAL;
	return B64_OK;
}

/* The wire format: big-endian lengths, length-prefixed strings. */

static int
sw_get_u32(const unsigned char *b, size_t n, size_t *off, uint32_t *v)
{
	if (n - *off < 4)
		return -1;
	*v = (uint32_t)b[*off] << 24 | (uint32_t)b[*off + 1] << 16 |
	    (uint32_t)b[*off + 2] << 8 | (uint32_t)b[*off + 3];
	*off += 4;
	return 0;
}

static int
sw_get_str(const unsigned char *b, size_t n, size_t *off,
    const unsigned char **p, size_t *len)
{
	uint32_t l;

	if (sw_get_u32(b, n, off, &l) != 0 || n - *off < l)
		return -1;
	*p = b + *off;
	*len = l;
	*off += l;
	return 0;
}

static unsigned
sw_mpint_bits(const unsigned char *p, size_t len)
{
	unsigned bits;
	unsigned char c;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (unsigned)(len - 1) * 8;
	for (c = p[0]; c != 0; c >>= 1)
		bits++;
	return bits;
}

/*
 * Walks a decoded key as sshkey_from_blob() does: the type name, the
 * nonce of a certificate, the public fields, the rest of a certificate,
 * and nothing after. WALK_SHORT: the key ends before its structure does
 * (cut short). The certificate signature is not verified.
 */
static void
sw_walk_key(const unsigned char *b, size_t n, struct sw_walk *w)
{
	const unsigned char *p;
	const char *f;
	size_t off = 0, len;
	uint32_t v, certtype = 0;
	int i;

	memset(w, 0, sizeof(*w));
	w->status = WALK_SHORT;
	if (sw_get_str(b, n, &off, &p, &len) != 0)
		return;
	w->kt = sw_keytype_find(sw_span_make((const char *)p, len));
	if (w->kt == NULL) {
		w->status = WALK_BAD;
		w->why = "the key inside names a type sshd does not know";
		return;
	}
	if (w->kt->cert && sw_get_str(b, n, &off, &p, &len) != 0)
		return;
	for (f = w->kt->fields; *f != '\0'; f++) {
		if (sw_get_str(b, n, &off, &p, &len) != 0)
			return;
		switch (*f) {
		case 'k':
			if (len != 32)
				w->why = "the Ed25519 key is not 32 bytes";
			break;
		case 'c':
			if (!sw_span_eq_str(sw_span_make((const char *)p, len),
			    w->kt->curve))
				w->why = "the curve does not match the key type";
			break;
		case 'q':
		case 'p':
			if (len == 0)
				w->why = "the public key is empty";
			break;
		case 'm':
			if (len > 0 && (p[0] & 0x80) != 0)
				w->why = "a negative number in the key";
			else if (len > SW_RSA_MAX_BITS / 8 + 1 &&
			    !(w->kt->family == F_RSA && w->nf == 1))
				w->why = "a number in the key is too large";
			break;
		default:
			break;
		}
		w->f[w->nf].p = p;
		w->f[w->nf].len = len;
		w->f[w->nf].kind = *f;
		w->nf++;
	}
	if (w->kt->family == F_RSA) {
		w->bits = sw_mpint_bits(w->f[1].p, w->f[1].len);
		w->rsa_size_bad = w->f[1].len > SW_RSA_MAX_BITS / 8 + 1 ||
		    w->bits < SW_RSA_MIN_BITS;
	}
	if (w->kt->cert) {
		/* serial, type, key id, principals, validity, options,
		 * extensions, reserved, signature key, signature */
		if (sw_get_u32(b, n, &off, &v) != 0 ||
		    sw_get_u32(b, n, &off, &v) != 0 ||
		    sw_get_u32(b, n, &off, &certtype) != 0)
			return;
		for (i = 0; i < 2; i++)
			if (sw_get_str(b, n, &off, &p, &len) != 0)
				return;
		for (i = 0; i < 4; i++)
			if (sw_get_u32(b, n, &off, &v) != 0)
				return;
		for (i = 0; i < 5; i++)
			if (sw_get_str(b, n, &off, &p, &len) != 0)
				return;
	}
	w->status = WALK_BAD;
	if (w->why != NULL)
		return;
	if (off != n) {
		w->why = "extra bytes after the key";
		return;
	}
	if (w->kt->cert && certtype != 1 && certtype != 2) {
		w->why = "an unknown certificate type";
		return;
	}
	w->status = WALK_OK;
}

static void
sw_put_u32(struct sw_buf *b, size_t v)
{
	unsigned char c[4];

	c[0] = (unsigned char)(v >> 24);
	c[1] = (unsigned char)(v >> 16);
	c[2] = (unsigned char)(v >> 8);
	c[3] = (unsigned char)v;
	sw_buf_add(b, c, 4);
}

static void
sw_put_str(struct sw_buf *b, const void *p, size_t len)
{
	sw_put_u32(b, len);
	sw_buf_add(b, p, len);
}

/* An unsigned big-endian number as an SSH mpint (sshbuf_put_bignum2). */
static void
sw_put_mpint(struct sw_buf *b, const unsigned char *p, size_t len)
{
	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len > 0 && (p[0] & 0x80) != 0) {
		sw_put_u32(b, len + 1);
		sw_buf_addc(b, '\0');
		sw_buf_add(b, p, len);
	} else {
		sw_put_str(b, p, len);
	}
}

/*
 * Fingerprints a walked key as sshkey_fingerprint_raw(): the digest of
 * the plain public key re-serialised (a certificate gives its key's).
 */
static void
sw_fingerprint(struct sw_keys *k, const struct sw_walk *w, struct sw_res *r)
{
	struct sw_buf *b = &k->ser;
	unsigned int dl;
	size_t i;

	sw_buf_reset(b);
	sw_put_str(b, w->kt->plain, strlen(w->kt->plain));
	for (i = 0; i < w->nf; i++) {
		if (w->f[i].kind == 'm')
			sw_put_mpint(b, w->f[i].p, w->f[i].len);
		else
			sw_put_str(b, w->f[i].p, w->f[i].len);
	}
	if (b->truncated)
		return;
	if (k->md_sha256 == NULL || EVP_Digest(b->p, b->len, r->sha, &dl,
	    k->md_sha256, NULL) != 1 || dl != 32)
		return;
	r->fp = 1;
	r->has_md5 = k->md_md5 != NULL && EVP_Digest(b->p, b->len, r->md5, &dl,
	    k->md_md5, NULL) == 1 && dl == 16;
	r->inner_type = w->kt->name;
	r->bits = w->bits;
}

/* Walks and fingerprints decoded bytes; 0 when the key is whole. */
static int
sw_blob_fp(struct sw_keys *k, const unsigned char *b, size_t n,
    struct sw_res *r)
{
	struct sw_walk w;

	sw_walk_key(b, n, &w);
	if (w.status != WALK_OK)
		return -1;
	sw_fingerprint(k, &w, r);
	return r->fp ? 0 : -1;
}

/*
 * Decodes and checks the key of a line. `kt` is the type the line names
 * (NULL: a word sshd does not know, in `word`). Sets the problem (or
 * leaves SW_KEY_OK), the fingerprint when the key decodes, and
 * `truncated` when the key ends before its structure does.
 */
static void
sw_eval_key(struct sw_keys *k, struct sw_span blob,
    const struct sw_keytype *kt, struct sw_span word, struct sw_res *r)
{
	struct sw_walk w;
	size_t n;
	int st;

	if (blob.len > SW_KEYS_MAX_LINE) {
		sw_res_set(r, SW_KEY_BAD_BLOB, "the key is too long");
		return;
	}
	st = sw_b64_decode(blob, k->dec, &n);
	if (st == B64_BAD) {
		if (kt == NULL)
			sw_res_set(r, SW_KEY_UNKNOWN_TYPE,
			    "unknown key type \"%.*s\"", (int)(word.len > 60 ?
			    60 : word.len), word.p);
		else
			sw_res_set(r, SW_KEY_BAD_BLOB,
			    "the key is not valid base64");
		return;
	}
	sw_walk_key(k->dec, n, &w);
	if (st == B64_PARTIAL || w.status == WALK_SHORT) {
		r->truncated = 1;
		if (kt == NULL && w.kt == NULL)
			sw_res_set(r, SW_KEY_UNKNOWN_TYPE,
			    "unknown key type \"%.*s\"", (int)(word.len > 60 ?
			    60 : word.len), word.p);
		else
			sw_res_set(r, SW_KEY_BAD_BLOB,
			    "the key is cut short (%zu base64 characters)",
			    blob.len);
		return;
	}
	if (w.status == WALK_BAD) {
		if (w.kt == NULL && kt == NULL)
			sw_res_set(r, SW_KEY_UNKNOWN_TYPE,
			    "unknown key type \"%.*s\"", (int)(word.len > 60 ?
			    60 : word.len), word.p);
		else
			sw_res_set(r, SW_KEY_BAD_BLOB, "%s", w.why);
		return;
	}
	sw_fingerprint(k, &w, r);
	if (kt == NULL) {
		sw_res_set(r, SW_KEY_TYPE_MISMATCH,
		    "the line says \"%.*s\" but the key is %s",
		    (int)(word.len > 60 ? 60 : word.len), word.p, w.kt->name);
	} else if (kt->id != w.kt->id) {
		sw_res_set(r, SW_KEY_TYPE_MISMATCH,
		    "the line says %s but the key is %s", kt->name, w.kt->name);
	} else if (w.rsa_size_bad) {
		sw_res_set(r, SW_KEY_RSA_SIZE, "a %u-bit RSA key", w.bits);
	} else if (kt->family == F_DSA) {
		sw_res_set(r, SW_KEY_DSA, "an ssh-dss (DSA) key");
	}
}

/* Options, as sshauthopt_parse() reads them. */

static int
sw_num(struct sw_span v, unsigned long long max, unsigned long long *out)
{
	unsigned long long n = 0;
	size_t i;

	if (v.len == 0 || v.len > 12)
		return -1;
	for (i = 0; i < v.len; i++) {
		if (!sw_isdigit((unsigned char)v.p[i]))
			return -1;
		n = n * 10 + (unsigned long long)(v.p[i] - '0');
	}
	if (n > max)
		return -1;
	*out = n;
	return 0;
}

/*
 * parse_absolute_time(): YYYYMMDD[HHMM[SS]], local time unless it ends in
 * Z or UTC. Seconds since the epoch into *out; -1 if malformed.
 */
static int
sw_parse_expiry(struct sw_span v, int64_t *out)
{
	static const int lim[] = { 9999, 12, 31, 23, 59, 60 };
	static const int low[] = { 0, 1, 1, 0, 0, 0 };
	unsigned long long x[6] = { 0, 1, 1, 0, 0, 0 };
	size_t l = v.len, i, j;
	struct tm tm;
	time_t t;
	int utc = 0;

	if (l > 1 && sw_lc((unsigned char)v.p[l - 1]) == 'z') {
		l--;
		utc = 1;
	} else if (l > 3 && sw_casepfx(v.p + l - 3, 3, "utc")) {
		l -= 3;
		utc = 1;
	}
	if (l != 8 && l != 12 && l != 14)
		return -1;
	for (i = 0, j = 0; i < l; j++) {
		size_t w = j == 0 ? 4 : 2;

		if (sw_num(sw_span_make(v.p + i, w), (unsigned long long)lim[j],
		    &x[j]) != 0 || x[j] < (unsigned long long)low[j])
			return -1;
		i += w;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)x[0] - 1900;
	tm.tm_mon = (int)x[1] - 1;
	tm.tm_mday = (int)x[2];
	tm.tm_hour = (int)x[3];
	tm.tm_min = (int)x[4];
	tm.tm_sec = (int)x[5];
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || t == 0)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* a2port(): a number 1..65535 or a service name; "*" where allowed. */
static int
sw_valid_port(struct sw_span p)
{
	unsigned long long n;
	size_t i;

	if (p.len == 1 && p.p[0] == '*')
		return 1;
	if (p.len > 0 && sw_isdigit((unsigned char)p.p[0]))
		return sw_num(p, 65535, &n) == 0 && n > 0;
	for (i = 0; i < p.len; i++)
		if (!sw_isalnum((unsigned char)p.p[i]) && p.p[i] != '-')
			return 0;
	return p.len > 0;
}

/* handle_permit(): host:port, [v6]:port, or a bare port (permitlisten). */
static int
sw_valid_permit(struct sw_span v, int bare_ok)
{
	size_t i;

	if (bare_ok && memchr(v.p, ':', v.len) == NULL)
		return sw_valid_port(v);
	if (v.len > 0 && v.p[0] == '[') {
		for (i = 1; i < v.len && v.p[i] != ']'; i++)
			;
		if (i + 1 >= v.len || v.p[i + 1] != ':')
			return 0;
		return sw_valid_port(sw_rest(v, i + 2));
	}
	for (i = 0; i < v.len && v.p[i] != ':' && v.p[i] != '/'; i++)
		;
	if (i >= v.len || i >= 1025)
		return 0;
	return sw_valid_port(sw_rest(v, i + 1));
}

static int
sw_valid_env(struct sw_span v)
{
	size_t i;

	for (i = 0; i < v.len && v.p[i] != '='; i++)
		if (!sw_isalnum((unsigned char)v.p[i]) && v.p[i] != '_')
			return 0;
	return i > 0 && i < v.len;
}

static void
sw_opt_bad(struct sw_optres *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sw_opt_bad(struct sw_optres *o, const char *fmt, ...)
{
	va_list ap;

	o->bad = 1;
	va_start(ap, fmt);
	vsnprintf(o->detail, sizeof(o->detail), fmt, ap);
	va_end(ap);
}

/* The option text from `st` to the next comma, for messages. */
static int
sw_opt_len(struct sw_span o, size_t st)
{
	size_t i;

	for (i = st; i < o.len && o.p[i] != ','; i++)
		;
	return (int)(i - st > 60 ? 60 : i - st);
}

static void
sw_opt_check(struct sw_span o, struct sw_optres *r)
{
	size_t i = 0, j, st, l, vs;
	int seen[OV_COUNT] = { 0 };
	struct sw_span v;
	unsigned long long n;
	int64_t exp;

	memset(r, 0, sizeof(*r));
	while (i < o.len) {
		int matched = 0, which = -1;

		st = i;
		for (j = 0; j < sizeof(sw_opt_flags) / sizeof(sw_opt_flags[0]);
		    j++) {
			size_t q = i;

			if (sw_opt_flags[j].negatable &&
			    sw_casepfx(o.p + q, o.len - q, "no-"))
				q += 3;
			if (sw_casepfx(o.p + q, o.len - q, sw_opt_flags[j].name)) {
				i = q + strlen(sw_opt_flags[j].name);
				matched = 1;
				if (j == 1)
					r->cert_authority = 1;
				break;
			}
		}
		for (j = 0; !matched && j < OV_COUNT; j++) {
			l = strlen(sw_opt_valued[j]);
			if (!sw_casepfx(o.p + i, o.len - i, sw_opt_valued[j]) ||
			    i + l >= o.len || o.p[i + l] != '=')
				continue;
			matched = 2;
			which = (int)j;
			i += l + 1;
			if (seen[j]++ && (j == OV_COMMAND ||
			    j == OV_PRINCIPALS || j == OV_FROM)) {
				sw_opt_bad(r, "more than one %s= option",
				    sw_opt_valued[j]);
				return;
			}
			if (i >= o.len || o.p[i] != '"') {
				sw_opt_bad(r, "the value of %s= is not in "
				    "double quotes", sw_opt_valued[j]);
				return;
			}
			vs = ++i;
			while (i < o.len && o.p[i] != '"') {
				if (o.p[i] == '\\' && i + 1 < o.len &&
				    o.p[i + 1] == '"')
					i++;
				i++;
			}
			if (i >= o.len) {
				sw_opt_bad(r, "the value of %s= has no closing "
				    "quote", sw_opt_valued[j]);
				return;
			}
			v = sw_span_make(o.p + vs, i - vs);
			i++;
			if ((j == OV_EXPIRY && sw_parse_expiry(v, &exp) != 0) ||
			    (j == OV_ENV && !sw_valid_env(v)) ||
			    (j == OV_PERMITOPEN && !sw_valid_permit(v, 0)) ||
			    (j == OV_PERMITLISTEN && !sw_valid_permit(v, 1)) ||
			    (j == OV_TUNNEL && !sw_casepfx(v.p, v.len, "any") &&
			    sw_num(v, 0x7fffffff - 2, &n) != 0) ||
			    (j == OV_TUNNEL && sw_casepfx(v.p, v.len, "any") &&
			    v.len != 3)) {
				sw_opt_bad(r, "invalid value in %s=\"%.*s\"",
				    sw_opt_valued[j], (int)(v.len > 60 ? 60 :
				    v.len), v.p);
				return;
			}
			if (j == OV_EXPIRY && (r->expires == 0 || exp < r->expires))
				r->expires = exp;
		}
		if (!matched) {
			for (l = i; l < o.len && o.p[l] != ',' && o.p[l] != '=';
			    l++)
				;
			sw_opt_bad(r, "unknown option \"%.*s\"",
			    (int)(l - i > 60 ? 60 : l - i), o.p + i);
			return;
		}
		if (i >= o.len)
			break;
		if (o.p[i] != ',') {
			if (matched == 2)
				sw_opt_bad(r, "unexpected text after the value "
				    "of %s=", sw_opt_valued[which]);
			else
				sw_opt_bad(r, "unknown option \"%.*s\"",
				    sw_opt_len(o, st), o.p + st);
			return;
		}
		/* sshd reads on past a comma before the blank (it parses
		 * the whole line): "no-pty, ssh-ed25519 ..." is accepted. */
		if (++i >= o.len)
			break;
	}
	/* auth_authorise_keyopts() refuses this on every login. */
	if (seen[OV_PRINCIPALS] && !r->cert_authority)
		sw_opt_bad(r, "principals= without cert-authority");
}

/* sshkey_advance_past_options(): -1 for an unclosed double quote. */
static int
sw_opts_end(struct sw_span s, size_t *end)
{
	size_t i;
	int q = 0;

	for (i = 0; i < s.len && (q || (s.p[i] != ' ' && s.p[i] != '\t'));
	    i++) {
		if (s.p[i] == '\\' && i + 1 < s.len && s.p[i + 1] == '"')
			i++;
		else if (s.p[i] == '"')
			q = !q;
	}
	*end = i;
	return (i == s.len && q) ? -1 : 0;
}

/* Lines. */

/*
 * The key after a type word at s[off]: `kt` the type (NULL: an unknown
 * word), `opts` the options field or none.
 */
static void
sw_key_at(struct sw_keys *k, struct sw_span s, struct sw_span opts,
    const struct sw_keytype *kt, struct sw_span word, size_t off,
    struct sw_res *r)
{
	struct sw_optres o;
	struct sw_span blob;

	memset(r, 0, sizeof(*r));
	memset(&o, 0, sizeof(o));
	blob = sw_next_tok(s, &off);
	r->options = opts;
	r->type = word;
	r->kt = kt;
	r->blob = blob;
	r->comment = sw_rest(s, off);
	if (opts.p != NULL) {
		sw_opt_check(opts, &o);
		r->cert_authority = o.cert_authority;
		r->expires = o.expires;
	}
	if (blob.len == 0) {
		r->pending = kt != NULL;
		r->truncated = 1;
		sw_res_set(r, SW_KEY_BAD_BLOB, "nothing after the key type");
		return;
	}
	sw_eval_key(k, blob, kt, word, r);
	if (r->truncated && r->comment.p == NULL && kt != NULL)
		r->pending = 1;
	if (r->problem == SW_KEY_OK && o.bad) {
		r->problem = SW_KEY_BAD_OPTIONS;
		memcpy(r->detail, o.detail, sizeof(r->detail));
	}
}

/* A base64 token with no type word before it; 0 if it is not a key. */
static int
sw_missing_type(struct sw_keys *k, struct sw_span s, struct sw_span opts,
    struct sw_span tok, size_t off, struct sw_res *r)
{
	struct sw_walk w;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->options = opts;
	r->comment = sw_rest(s, off);
	if (tok.len <= SW_KEYS_MAX_LINE &&
	    sw_b64_decode(tok, k->dec, &n) != B64_BAD) {
		sw_walk_key(k->dec, n, &w);
		if (w.kt != NULL) {
			if (w.status == WALK_OK)
				sw_fingerprint(k, &w, r);
			sw_res_set(r, SW_KEY_TYPE_MISMATCH, "no key type before "
			    "the key: the line should start with \"%s \"",
			    w.kt->name);
			return 1;
		}
	}
	if (tok.len < 16)
		return 0;
	sw_res_set(r, SW_KEY_BROKEN_LINE, "base64 with no key type before "
	    "it: the rest of a key split over lines?");
	return 1;
}

/*
 * A key type further on, after what looks like options with a blank in
 * them ("no-pty, no-X11-forwarding ssh-ed25519 ..."): sshd ends the
 * options at the blank and finds no key. `off` is past the second token.
 */
static int
sw_space_in_options(struct sw_keys *k, struct sw_span s, size_t off,
    struct sw_res *r)
{
	const struct sw_keytype *kt;
	struct sw_span t;
	size_t st, end;
	int i;

	for (i = 0; i < 16 && off < s.len; i++) {
		st = off;
		t = sw_next_tok(s, &off);
		if ((kt = sw_keytype_find(t)) == NULL)
			continue;
		for (end = st; end > 0 && (s.p[end - 1] == ' ' ||
		    s.p[end - 1] == '\t'); end--)
			;
		sw_key_at(k, s, sw_span_make(s.p, end), kt, t, off, r);
		if (!r->fp)
			return 0;
		sw_res_set(r, SW_KEY_BAD_OPTIONS, "a blank inside the options "
		    "(outside double quotes) ends them early");
		return 1;
	}
	return 0;
}

static int
sw_starts_aaaa(struct sw_span s)
{
	return sw_span_starts_with(s, "AAAA");
}

static int
sw_has_optchars(struct sw_span t)
{
	return memchr(t.p, '=', t.len) != NULL ||
	    memchr(t.p, ',', t.len) != NULL || memchr(t.p, '"', t.len) != NULL;
}

/*
 * One line, trimmed, not blank nor a comment, as sshd reads it: a key
 * type first, else an options field and then a key type. What sshd would
 * skip is explained as closely as the line allows.
 */
static void
sw_parse_line(struct sw_keys *k, struct sw_span s, struct sw_res *r)
{
	struct sw_span t1, t2, opts;
	const struct sw_keytype *kt1, *kt2;
	struct sw_res alt;
	size_t off = 0, off2, oe;

	t1 = sw_next_tok(s, &off);
	kt1 = sw_keytype_find(t1);
	if (kt1 != NULL) {
		sw_key_at(k, s, sw_none(), kt1, t1, off, r);
		if (r->problem == SW_KEY_OK || r->fp || r->pending)
			return;
	}
	/* sshd's second try: the first field as options. */
	if (sw_opts_end(s, &oe) != 0) {
		if (kt1 != NULL)
			return;
		memset(r, 0, sizeof(*r));
		r->options = s;
		sw_res_set(r, SW_KEY_BAD_OPTIONS,
		    "a double quote in the options is not closed");
		return;
	}
	opts = sw_span_make(s.p, oe);
	off2 = oe;
	while (off2 < s.len && (s.p[off2] == ' ' || s.p[off2] == '\t'))
		off2++;
	t2 = sw_next_tok(s, &off2);
	kt2 = sw_keytype_find(t2);
	if (kt2 != NULL) {
		sw_key_at(k, s, opts, kt2, t2, off2, kt1 != NULL ? &alt : r);
		if (kt1 != NULL && alt.fp)
			*r = alt;
		return;
	}
	if (kt1 != NULL)
		return;
	if (t2.len > 0 && sw_starts_aaaa(sw_rest(s, off2))) {
		sw_key_at(k, s, opts, NULL, t2, off2, r);
		return;
	}
	if (sw_starts_aaaa(sw_rest(s, off)) && !sw_has_optchars(t1)) {
		sw_key_at(k, s, sw_none(), NULL, t1, off, r);
		return;
	}
	if (sw_space_in_options(k, s, off2, r))
		return;
	if (sw_is_b64_tok(t1) && sw_missing_type(k, s, sw_none(), t1, off, r))
		return;
	if (sw_is_b64_tok(t2) && sw_starts_aaaa(t2) &&
	    sw_missing_type(k, s, opts, t2, off2, r))
		return;
	memset(r, 0, sizeof(*r));
	if (sw_span_has(s, "SHA256:") || sw_span_has(s, "MD5:"))
		sw_res_set(r, SW_KEY_NOT_A_KEY, "a key fingerprint, not the "
		    "key: paste the line of the .pub file");
	else
		sw_res_set(r, SW_KEY_NOT_A_KEY, "not a key");
}

/* Records. */

static void
sw_fmt_fp(struct sw_key_rec *rec)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char enc[48];
	char *o;
	int n, i;

	n = EVP_EncodeBlock(enc, rec->sha, 32);
	while (n > 0 && enc[n - 1] == '=')
		n--;
	snprintf(rec->pub.sha256, sizeof(rec->pub.sha256), "SHA256:%.*s", n,
	    (const char *)enc);
	if (!rec->has_md5)
		return;
	o = rec->pub.md5;
	memcpy(o, "MD5:", 4);
	o += 4;
	for (i = 0; i < 16; i++) {
		*o++ = hex[rec->md5[i] >> 4];
		*o++ = hex[rec->md5[i] & 15];
		if (i < 15)
			*o++ = ':';
	}
	*o = '\0';
}

/* A new line of the current file, or NULL past the key ceiling. */
static struct sw_key_rec *
sw_rec_new(struct sw_fctx *c)
{
	struct sw_keys *k = c->k;
	struct sw_key_rec *rec;

	if (k->n >= SW_KEYS_MAX_KEYS) {
		if (!c->L->full_told)
			sw_diag_printf(c->L->diag, SW_DIAG_SKIPPED, c->path,
			    c->lineno, "more than %d authorized_keys lines; "
			    "the rest is not read", SW_KEYS_MAX_KEYS);
		c->L->full_told = 1;
		c->L->st = c->L->st == SW_ERR_IO ? SW_ERR_IO : SW_ERR_LIMIT;
		c->stop = 1;
		return NULL;
	}
	if (k->n / SW_REC_CHUNK >= k->nchunks) {
		k->chunks = sw_xreallocarray(k->chunks, k->nchunks + 1,
		    sizeof(*k->chunks));
		k->chunks[k->nchunks++] = sw_xcalloc(SW_REC_CHUNK,
		    sizeof(struct sw_key_rec));
	}
	rec = sw_rec_at(k, k->n++);
	memset(rec, 0, sizeof(*rec));
	if (c->path_s == NULL) {
		c->path_s = sw_pool_str(k, c->path);
		c->user_s = sw_pool_str(k, c->user);
	}
	rec->pub.path = c->path_s;
	rec->pub.user = c->user_s;
	return rec;
}

static void
sw_commit(struct sw_fctx *c, uint64_t lineno, unsigned nlines,
    const char *opts, const char *type, const char *comment,
    const struct sw_res *r)
{
	struct sw_key_rec *rec = sw_rec_new(c);
	enum sw_key_problem p = r->problem;
	const char *detail = r->detail;

	if (rec == NULL)
		return;
	rec->pub.lineno = lineno;
	rec->pub.nlines = nlines;
	rec->pub.options = opts;
	rec->pub.type = type;
	rec->pub.comment = comment;
	rec->pub.bits = r->bits;
	rec->pub.cert_authority = r->cert_authority;
	rec->pub.expires = r->expires;
	if (r->fp) {
		memcpy(rec->sha, r->sha, sizeof(rec->sha));
		memcpy(rec->md5, r->md5, sizeof(rec->md5));
		rec->has_sha = 1;
		rec->has_md5 = r->has_md5;
		sw_fmt_fp(rec);
	}
	if (c->utf16) {
		p = SW_KEY_BAD_ENCODING;
		detail = c->utf16 == 1 ? "the file is UTF-16LE, with a "
		    "byte-order mark" : "the file is UTF-16BE, with a "
		    "byte-order mark";
	}
	rec->pub.problem = p;
	rec->pub.detail = p == SW_KEY_OK ? "" : sw_pool_str(c->k, detail);
}

static void
sw_commit_res(struct sw_fctx *c, const struct sw_res *r)
{
	struct sw_keys *k = c->k;

	sw_commit(c, c->lineno, 1, sw_pool_span(k, r->options),
	    r->type.len > 0 ? sw_pool_span(k, r->type) : NULL,
	    r->comment.len > 0 ? sw_pool_span(k, r->comment) : NULL, r);
}

/* Blocks: what spans lines. */

static int
sw_is_header(struct sw_span s, struct sw_span *name, struct sw_span *val)
{
	size_t i;

	for (i = 0; i < s.len && (sw_isalnum((unsigned char)s.p[i]) ||
	    s.p[i] == '-' || s.p[i] == '_'); i++)
		;
	if (i == 0 || i >= s.len || s.p[i] != ':' ||
	    (i + 1 < s.len && s.p[i + 1] != ' '))
		return 0;
	*name = sw_span_make(s.p, i);
	i++;
	while (i < s.len && s.p[i] == ' ')
		i++;
	*val = sw_rest(s, i);
	if (val->p == NULL)
		*val = sw_span_make(s.p + s.len, 0);
	return 1;
}

static void
sw_acc_add(struct sw_fctx *c, struct sw_span s)
{
	sw_buf_add(&c->k->acc, s.p, s.len);
}

static void
sw_pending_finish(struct sw_fctx *c)
{
	struct sw_blk *b = &c->blk;
	struct sw_keys *k = c->k;
	struct sw_res r;

	if (b->nlines == 1) {
		r = b->first;
	} else {
		memset(&r, 0, sizeof(r));
		r.cert_authority = b->first.cert_authority;
		r.expires = b->first.expires;
		if (!k->acc.truncated)
			sw_eval_key(k, sw_span_make(k->acc.p, k->acc.len),
			    b->first.kt, sw_none(), &r);
		if (r.fp)
			sw_res_set(&r, SW_KEY_BROKEN_LINE, "one key split over "
			    "lines %llu-%llu", (unsigned long long)b->start,
			    (unsigned long long)(b->start + b->nlines - 1));
		else
			sw_res_set(&r, SW_KEY_BROKEN_LINE, "a key split over "
			    "lines %llu-%llu, incomplete even when joined",
			    (unsigned long long)b->start,
			    (unsigned long long)(b->start + b->nlines - 1));
	}
	b->kind = BK_NONE;
	sw_commit(c, b->start, b->nlines, b->options_s, b->type_s,
	    b->comment_s, &r);
}

/* A PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA) as an SSH key. */
static int
sw_pem_pub_blob(struct sw_keys *k, const unsigned char *der, size_t n,
    int pkcs1)
{
	const unsigned char *p = der;
	struct sw_buf *b = &k->tmp;
	EVP_PKEY *pk;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	unsigned char raw[256], *nb = NULL, *eb = NULL;
	char group[64];
	size_t rl;
	int ret = -1, nl, el;

	if (n > (size_t)1 << 20)
		return -1;
	pk = pkcs1 ? d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n) :
	    d2i_PUBKEY(NULL, &p, (long)n);
	if (pk == NULL)
		return -1;
	sw_buf_reset(b);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &bn_n) != 1 ||
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &bn_e) != 1)
			goto out;
		nl = BN_num_bytes(bn_n);
		el = BN_num_bytes(bn_e);
		nb = sw_xmalloc((size_t)nl + 1);
		eb = sw_xmalloc((size_t)el + 1);
		BN_bn2bin(bn_n, nb);
		BN_bn2bin(bn_e, eb);
		sw_put_str(b, "ssh-rsa", 7);
		sw_put_mpint(b, eb, (size_t)el);
		sw_put_mpint(b, nb, (size_t)nl);
		break;
	case EVP_PKEY_ED25519:
		rl = 32;
		if (EVP_PKEY_get_raw_public_key(pk, raw, &rl) != 1 || rl != 32)
			goto out;
		sw_put_str(b, "ssh-ed25519", 11);
		sw_put_str(b, raw, 32);
		break;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
		    NULL) != 1 ||
		    EVP_PKEY_get_octet_string_param(pk,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, raw, sizeof(raw),
		    &rl) != 1)
			goto out;
		if (strcmp(group, "prime256v1") == 0)
			sw_put_str(b, "ecdsa-sha2-nistp256", 19);
		else if (strcmp(group, "secp384r1") == 0)
			sw_put_str(b, "ecdsa-sha2-nistp384", 19);
		else if (strcmp(group, "secp521r1") == 0)
			sw_put_str(b, "ecdsa-sha2-nistp521", 19);
		else
			goto out;
		sw_put_str(b, group[0] == 'p' ? "nistp256" : group[4] == '3' ?
		    "nistp384" : "nistp521", 8);
		sw_put_str(b, raw, rl);
		break;
	default:
		goto out;
	}
	ret = 0;
out:
	free(nb);
	free(eb);
	BN_free(bn_n);
	BN_free(bn_e);
	EVP_PKEY_free(pk);
	return ret;
}

/* The public key inside an "openssh-key-v1" private key file. */
static int
sw_openssh_priv_pub(const unsigned char *b, size_t n,
    const unsigned char **pub, size_t *publen)
{
	static const char magic[] = "openssh-key-v1";	/* and its NUL */
	const unsigned char *p;
	size_t off = sizeof(magic), l;
	uint32_t nkeys;
	int i;

	if (n < sizeof(magic) || memcmp(b, magic, sizeof(magic)) != 0)
		return -1;
	for (i = 0; i < 3; i++)		/* cipher, kdf, kdf options */
		if (sw_get_str(b, n, &off, &p, &l) != 0)
			return -1;
	if (sw_get_u32(b, n, &off, &nkeys) != 0 || nkeys < 1)
		return -1;
	return sw_get_str(b, n, &off, pub, publen);
}

static void
sw_block_finish(struct sw_fctx *c)
{
	struct sw_blk *b = &c->blk;
	struct sw_keys *k = c->k;
	const unsigned char *pub;
	struct sw_res r;
	size_t n = 0, pl;
	int dec;
	unsigned long long a = b->start, z = b->start + b->nlines - 1;
	const char *noend = b->ended ? "" : ", no END line";

	if (b->kind == BK_PENDING) {
		sw_pending_finish(c);
		return;
	}
	memset(&r, 0, sizeof(r));
	dec = !k->acc.truncated && sw_b64_decode(sw_span_make(k->acc.p,
	    k->acc.len), k->dec, &n) == B64_OK;
	switch (b->kind) {
	case BK_PEM_PRIV:
		if (dec && b->openssh &&
		    sw_openssh_priv_pub(k->dec, n, &pub, &pl) == 0)
			(void)sw_blob_fp(k, pub, pl, &r);
		sw_res_set(&r, SW_KEY_PRIVATE_KEY, "a private key (lines "
		    "%llu-%llu%s)", a, z, noend);
		break;
	case BK_PEM_PUB:
		if (dec && sw_pem_pub_blob(k, k->dec, n, b->pkcs1) == 0)
			(void)sw_blob_fp(k, (const unsigned char *)k->tmp.p,
			    k->tmp.len, &r);
		sw_res_set(&r, SW_KEY_PUTTY_FORMAT, "a PEM public key (lines "
		    "%llu-%llu%s)", a, z, noend);
		break;
	case BK_SSH2:
		if (dec)
			(void)sw_blob_fp(k, k->dec, n, &r);
		sw_res_set(&r, SW_KEY_PUTTY_FORMAT, "an SSH2 (RFC 4716) public "
		    "key block (lines %llu-%llu%s)", a, z, noend);
		break;
	case BK_PPK:
		if (dec)
			(void)sw_blob_fp(k, k->dec, n, &r);
		sw_res_set(&r, SW_KEY_PRIVATE_KEY, "a PuTTY private key file "
		    "(.ppk, lines %llu-%llu)", a, z);
		break;
	default:
		sw_res_set(&r, SW_KEY_NOT_A_KEY, "a PEM \"%s\" block, not an "
		    "OpenSSH key (lines %llu-%llu)", b->label, a, z);
		break;
	}
	if (b->type_s == NULL && r.inner_type != NULL)
		b->type_s = r.inner_type;
	b->kind = BK_NONE;
	sw_commit(c, b->start, b->nlines, NULL, b->type_s, b->comment_s, &r);
}

/* Whether the trimmed line starts a block; if so it is taken. */
static int
sw_block_start(struct sw_fctx *c, struct sw_span s)
{
	struct sw_blk *b = &c->blk;
	enum sw_blk_kind kind;
	struct sw_span name, val;
	size_t i;

	if (sw_span_starts_with(s, "---- BEGIN SSH2 PUBLIC KEY"))
		kind = BK_SSH2;
	else if (sw_span_starts_with(s, "-----BEGIN "))
		kind = sw_span_has(s, "PRIVATE KEY") ? BK_PEM_PRIV :
		    sw_span_has(s, "PUBLIC KEY") ? BK_PEM_PUB : BK_PEM_OTHER;
	else if (sw_span_starts_with(s, "PuTTY-User-Key-File-"))
		kind = BK_PPK;
	else
		return 0;
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->start = c->lineno;
	b->nlines = 1;
	sw_buf_reset(&c->k->acc);
	if (kind == BK_PEM_PRIV || kind == BK_PEM_PUB || kind == BK_PEM_OTHER) {
		b->openssh = sw_span_has(s, "OPENSSH PRIVATE KEY");
		b->pkcs1 = sw_span_has(s, "RSA PUBLIC KEY");
		for (i = 11; i < s.len && s.p[i] != '-' &&
		    i - 11 < sizeof(b->label) - 1; i++)
			b->label[i - 11] = (char)((unsigned char)s.p[i] < 0x20 ||
			    (unsigned char)s.p[i] >= 0x7f ? '?' : s.p[i]);
		/* BEGIN and END on one line: pasted with spaces for newlines */
		if (sw_span_has(sw_rest(s, 11), "-----END")) {
			b->ended = 1;
			sw_block_finish(c);
		}
	} else if (kind == BK_PPK && sw_is_header(s, &name, &val) &&
	    val.len > 0) {
		b->type_s = sw_pool_span(c->k, val);
	}
	return 1;
}

/* A trimmed line inside a block: 1 if the block takes it. */
static int
sw_block_continue(struct sw_fctx *c, struct sw_span s)
{
	struct sw_blk *b = &c->blk;
	struct sw_keys *k = c->k;
	struct sw_span name, val, t1, t2;
	struct sw_res r;
	size_t off = 0, off2;

	switch (b->kind) {
	case BK_PENDING:
		t1 = sw_next_tok(s, &off);
		off2 = off;
		t2 = sw_next_tok(s, &off2);
		if (!sw_is_b64_tok(t1) || sw_keytype_find(t1) != NULL ||
		    sw_keytype_find(t2) != NULL ||
		    k->acc.len + t1.len > SW_KEYS_MAX_LINE)
			break;
		sw_acc_add(c, t1);
		b->nlines++;
		memset(&r, 0, sizeof(r));
		sw_eval_key(k, sw_span_make(k->acc.p, k->acc.len), b->first.kt,
		    sw_none(), &r);
		if (!r.truncated || off < s.len) {
			b->comment_s = off < s.len ?
			    sw_pool_span(k, sw_rest(s, off)) : NULL;
			sw_pending_finish(c);
		}
		return 1;
	case BK_PEM_PRIV:
	case BK_PEM_PUB:
	case BK_PEM_OTHER:
		b->nlines++;
		if (sw_span_starts_with(s, "-----END")) {
			b->ended = 1;
			sw_block_finish(c);
			return 1;
		}
		if (s.len == 0 || sw_is_b64_tok(s)) {
			sw_acc_add(c, s);
			return 1;
		}
		if (sw_is_header(s, &name, &val))
			return 1;
		b->nlines--;
		break;
	case BK_SSH2:
		b->nlines++;
		if (b->hdr_cont) {
			b->hdr_cont = sw_span_ends_with(s, "\\");
			return 1;
		}
		if (sw_span_starts_with(s, "---- END SSH2 PUBLIC KEY")) {
			b->ended = 1;
			sw_block_finish(c);
			return 1;
		}
		if (sw_is_header(s, &name, &val)) {
			b->hdr_cont = sw_span_ends_with(s, "\\");
			if (sw_casepfx(name.p, name.len, "comment") &&
			    name.len == 7 && b->comment_s == NULL) {
				if (val.len >= 2 && val.p[0] == '"' &&
				    val.p[val.len - 1] == '"')
					val = sw_span_make(val.p + 1,
					    val.len - 2);
				b->comment_s = sw_pool_span(k, val);
			}
			return 1;
		}
		if (sw_is_b64_tok(s)) {
			sw_acc_add(c, s);
			return 1;
		}
		b->nlines--;
		break;
	case BK_PPK:
		b->nlines++;
		if (sw_is_header(s, &name, &val)) {
			if (sw_span_eq_str(name, "Public-Lines"))
				b->ppk_pub = 1;
			else if (sw_span_eq_str(name, "Private-Lines"))
				b->ppk_pub = 0;
			else if (sw_span_eq_str(name, "Comment") &&
			    b->comment_s == NULL)
				b->comment_s = sw_pool_span(k, val);
			else if (sw_span_eq_str(name, "Private-MAC")) {
				b->ended = 1;
				sw_block_finish(c);
			}
			return 1;
		}
		if (sw_is_b64_tok(s)) {
			if (b->ppk_pub)
				sw_acc_add(c, s);
			return 1;
		}
		b->nlines--;
		break;
	case BK_NONE:
		return 0;
	}
	sw_block_finish(c);
	return 0;
}

static void
sw_pending_start(struct sw_fctx *c, const struct sw_res *r)
{
	struct sw_blk *b = &c->blk;
	struct sw_keys *k = c->k;

	memset(b, 0, sizeof(*b));
	b->kind = BK_PENDING;
	b->start = c->lineno;
	b->nlines = 1;
	b->options_s = sw_pool_span(k, r->options);
	b->type_s = r->type.len > 0 ? sw_pool_span(k, r->type) : NULL;
	b->first = *r;
	/* The spans borrow this line; what outlives it is pooled above. */
	b->first.options = b->first.type = b->first.comment = sw_none();
	b->first.blob = sw_none();
	sw_buf_reset(&k->acc);
	sw_buf_add(&k->acc, r->blob.p, r->blob.len);
}

/* The first look-alike character in s, or NULL. */
static const struct sw_lookalike *
sw_lookalike_in(struct sw_span s, size_t *col)
{
	size_t i, j, l;

	for (i = 0; i < s.len; i++) {
		if ((unsigned char)s.p[i] < 0x80)
			continue;
		for (j = 0; j < sizeof(sw_lookalikes) / sizeof(sw_lookalikes[0]);
		    j++) {
			l = strlen(sw_lookalikes[j].seq);
			if (s.len - i >= l &&
			    memcmp(s.p + i, sw_lookalikes[j].seq, l) == 0) {
				*col = i + 1;
				return &sw_lookalikes[j];
			}
		}
	}
	return NULL;
}

/* s with every look-alike replaced by its ASCII stand-in, trimmed. */
static struct sw_span
sw_clean(struct sw_keys *k, struct sw_span s)
{
	struct sw_buf *b = &k->clean;
	size_t i, j, l, st = 0, end;
	int hit;

	sw_buf_reset(b);
	for (i = 0; i < s.len; i++) {
		hit = 0;
		if ((unsigned char)s.p[i] >= 0x80) {
			for (j = 0; j < sizeof(sw_lookalikes) /
			    sizeof(sw_lookalikes[0]); j++) {
				l = strlen(sw_lookalikes[j].seq);
				if (s.len - i >= l && memcmp(s.p + i,
				    sw_lookalikes[j].seq, l) == 0) {
					sw_buf_adds(b, sw_lookalikes[j].repl);
					i += l - 1;
					hit = 1;
					break;
				}
			}
		}
		if (!hit)
			sw_buf_addc(b, s.p[i]);
	}
	end = b->len;
	while (st < end && (b->p[st] == ' ' || b->p[st] == '\t'))
		st++;
	while (end > st && (b->p[end - 1] == ' ' || b->p[end - 1] == '\t'))
		end--;
	return sw_span_make(b->p + st, end - st);
}

static void
sw_process_line(struct sw_fctx *c, struct sw_span s)
{
	struct sw_keys *k = c->k;
	const struct sw_lookalike *la;
	struct sw_res r, r2;
	struct sw_span cs;
	const char *nul;
	size_t col;

	/* sshd reads C strings: a NUL ends the line. */
	if ((nul = memchr(s.p, '\0', s.len)) != NULL)
		s.len = (size_t)(nul - s.p);
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' ||
	    s.p[s.len - 1] == '\r'))
		s.len--;
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	if (c->blk.kind != BK_NONE && sw_block_continue(c, s))
		return;
	if (s.len == 0 || s.p[0] == '#')
		return;
	if (sw_block_start(c, s))
		return;
	memset(&r, 0, sizeof(r));
	sw_parse_line(k, s, &r);
	if (r.problem != SW_KEY_OK && (la = sw_lookalike_in(s, &col)) != NULL) {
		cs = sw_clean(k, s);
		if (cs.len == 0 || cs.p[0] == '#')
			return;		/* a comment either way */
		memset(&r2, 0, sizeof(r2));
		sw_parse_line(k, cs, &r2);
		if (!r2.pending && (r2.problem == SW_KEY_OK ||
		    (r2.fp && !r.fp))) {
			r = r2;
			sw_res_set(&r, SW_KEY_BAD_CHARS, "%s at byte %zu",
			    la->name, col);
		}
	}
	if (r.pending) {
		sw_pending_start(c, &r);
		return;
	}
	sw_commit_res(c, &r);
}

/* Reading. */

static void
sw_end_line(struct sw_fctx *c)
{
	struct sw_keys *k = c->k;

	if (c->lineno >= SW_KEYS_MAX_LINES) {
		sw_diag_printf(c->L->diag, SW_DIAG_SKIPPED, c->path, c->lineno,
		    "more than %d lines; the rest of the file is not read",
		    SW_KEYS_MAX_LINES);
		c->L->st = c->L->st == SW_ERR_IO ? SW_ERR_IO : SW_ERR_LIMIT;
		c->stop = 1;
		return;
	}
	c->lineno++;
	if (c->toolong) {
		if (c->blk.kind != BK_NONE)
			sw_block_finish(c);
		sw_diag_printf(c->L->diag, SW_DIAG_SKIPPED, c->path, c->lineno,
		    "line longer than %zu bytes; not read", SW_KEYS_MAX_LINE);
		c->L->st = c->L->st == SW_ERR_IO ? SW_ERR_IO : SW_ERR_LIMIT;
		c->toolong = 0;
	} else {
		sw_process_line(c, sw_span_make(k->line.p ? k->line.p : "",
		    k->line.len));
	}
	sw_buf_reset(&k->line);
}

static void
sw_feed(struct sw_fctx *c, const unsigned char *p, size_t n)
{
	struct sw_keys *k = c->k;
	const unsigned char *nl;
	size_t seg;

	while (n > 0 && !c->stop) {
		nl = memchr(p, '\n', n);
		seg = nl != NULL ? (size_t)(nl - p) : n;
		if (!c->toolong) {
			if (seg > SW_KEYS_MAX_LINE - k->line.len) {
				c->toolong = 1;
				sw_buf_reset(&k->line);
			} else {
				sw_buf_add(&k->line, p, seg);
			}
		}
		if (nl == NULL)
			return;
		sw_end_line(c);
		p = nl + 1;
		n -= seg + 1;
	}
}

/* One UTF-16 code unit as UTF-8 (a lone surrogate becomes '?'). */
static size_t
sw_put_cu(unsigned char *o, unsigned cu)
{
	if (cu < 0x80) {
		o[0] = (unsigned char)cu;
		return 1;
	}
	if (cu < 0x800) {
		o[0] = (unsigned char)(0xC0 | cu >> 6);
		o[1] = (unsigned char)(0x80 | (cu & 0x3F));
		return 2;
	}
	if (cu >= 0xD800 && cu <= 0xDFFF) {
		o[0] = '?';
		return 1;
	}
	o[0] = (unsigned char)(0xE0 | cu >> 12);
	o[1] = (unsigned char)(0x80 | ((cu >> 6) & 0x3F));
	o[2] = (unsigned char)(0x80 | (cu & 0x3F));
	return 3;
}

static size_t
sw_utf16_conv(struct sw_fctx *c, const unsigned char *p, size_t n,
    unsigned char *out)
{
	size_t i = 0, o = 0;
	unsigned lo, hi;

	for (;;) {
		if (c->has_carry) {
			if (i >= n)
				break;
			lo = (unsigned)c->carry;
			hi = p[i++];
			c->has_carry = 0;
		} else {
			if (i + 1 >= n) {
				if (i < n) {
					c->carry = p[i];
					c->has_carry = 1;
				}
				break;
			}
			lo = p[i];
			hi = p[i + 1];
			i += 2;
		}
		o += sw_put_cu(out + o, c->utf16 == 1 ? (lo | hi << 8) :
		    (lo << 8 | hi));
	}
	return o;
}

static void
sw_load_file(struct sw_load *L, const char *path, const char *user)
{
	struct sw_keys *k = L->k;
	struct sw_fctx c;
	const unsigned char *p;
	size_t len;
	ssize_t got;
	int fd, first = 1;

	memset(&c, 0, sizeof(c));
	c.k = k;
	c.L = L;
	c.path = path;
	c.user = user;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		sw_diag_printf(L->diag, SW_DIAG_ERROR, path, 0,
		    "cannot open authorized_keys file: %s", strerror(errno));
		L->st = SW_ERR_IO;
		return;
	}
	sw_buf_reset(&k->line);
	while (!c.stop) {
		got = read(fd, k->rd, SW_RD_BUF);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			sw_diag_printf(L->diag, SW_DIAG_ERROR, path, c.lineno,
			    "cannot read authorized_keys file: %s",
			    strerror(errno));
			L->st = SW_ERR_IO;
			break;
		}
		if (got == 0)
			break;
		p = k->rd;
		len = (size_t)got;
		if (first) {
			first = 0;
			if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
				c.utf16 = 1;
			else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF)
				c.utf16 = 2;
			if (c.utf16) {
				p += 2;
				len -= 2;
			}
		}
		if (c.utf16) {
			len = sw_utf16_conv(&c, p, len, k->conv);
			p = k->conv;
		}
		sw_feed(&c, p, len);
	}
	if (!c.stop && (k->line.len > 0 || c.toolong))
		sw_end_line(&c);
	if (c.blk.kind != BK_NONE)
		sw_block_finish(&c);
	sw_buf_reset(&k->line);
	close(fd);
}

/* Users from paths. */

/* A name sshd could have as a user: [A-Za-z0-9._-], optional final $. */
static int
sw_valid_user(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.') || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!sw_isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-' && !(s[i] == '$' && i == n - 1))
			return 0;
	return 1;
}

/* A file name USER, USER.pub or USER.keys: the user, into out. */
static const char *
sw_name_user(const char *name, char *out, size_t outsz)
{
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".pub") == 0)
		n -= 4;
	else if (n > 5 && strcmp(name + n - 5, ".keys") == 0)
		n -= 5;
	if (!sw_valid_user(name, n) || n >= outsz)
		return NULL;
	memcpy(out, name, n);
	out[n] = '\0';
	return out;
}

/*
 * The user a path names: .../home/USER/.ssh/..., .../Users/USER/.ssh/...,
 * .../root/.ssh/... (root), or .../authorized_keys/USER[.pub|.keys].
 */
static const char *
sw_path_user(const char *path, char *out, size_t outsz)
{
	enum { MAXC = 64 };
	const char *comp[MAXC], *p = path, *st;
	size_t clen[MAXC], nc = 0, i, dot = MAXC;
	char name[128];

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		st = p;
		while (*p != '\0' && *p != '/')
			p++;
		if (p - st == 1 && st[0] == '.')
			continue;
		if (nc == MAXC) {
			memmove(comp, comp + 1, (MAXC - 1) * sizeof(comp[0]));
			memmove(clen, clen + 1, (MAXC - 1) * sizeof(clen[0]));
			nc--;
		}
		comp[nc] = st;
		clen[nc++] = (size_t)(p - st);
	}
	for (i = nc; i-- > 0;)
		if (clen[i] == 4 && memcmp(comp[i], ".ssh", 4) == 0) {
			dot = i;
			break;
		}
	if (dot != MAXC && dot >= 1) {
		const char *x = comp[dot - 1];
		size_t xl = clen[dot - 1];

		if (xl == 4 && memcmp(x, "root", 4) == 0 && outsz > 4) {
			memcpy(out, "root", 5);
			return out;
		}
		if (dot >= 2 && ((clen[dot - 2] == 4 &&
		    memcmp(comp[dot - 2], "home", 4) == 0) ||
		    (clen[dot - 2] == 5 && memcmp(comp[dot - 2], "Users", 5) == 0)) &&
		    sw_valid_user(x, xl) && xl < outsz) {
			memcpy(out, x, xl);
			out[xl] = '\0';
			return out;
		}
		return NULL;
	}
	if (nc >= 2 && clen[nc - 2] == 15 &&
	    memcmp(comp[nc - 2], "authorized_keys", 15) == 0 &&
	    clen[nc - 1] < sizeof(name)) {
		memcpy(name, comp[nc - 1], clen[nc - 1]);
		name[clen[nc - 1]] = '\0';
		return sw_name_user(name, out, outsz);
	}
	return NULL;
}

/* Directories. */

/* The last component of path (trailing slashes aside) is ".ssh". */
static int
sw_is_dotssh(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n >= 4 && memcmp(path + n - 4, ".ssh", 4) == 0 &&
	    (n == 4 || path[n - 5] == '/');
}

enum { DIR_TOP, DIR_HOMES, DIR_DOTSSH };

static int
sw_dirent_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
sw_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
sw_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return sw_xasprintf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" :
	    "/", name);
}

/*
 * DIR_TOP: files named after users, .ssh/ (the directory is a home),
 * home/ and Users/ (a copied tree), USER/.ssh/. DIR_HOMES: USER/.ssh/.
 * DIR_DOTSSH: its authorized_keys* files, all of `user`.
 */
static void
sw_load_dir(struct sw_load *L, const char *dir, const char *user, int mode,
    int depth)
{
	struct dirent **ents = NULL;
	struct stat st;
	char ub[128], *full, *ssh;
	const char *name, *u;
	int n, i;

	if ((n = scandir(dir, &ents, NULL, sw_dirent_cmp)) < 0) {
		sw_diag_printf(L->diag, SW_DIAG_ERROR, dir, 0,
		    "cannot list directory: %s", strerror(errno));
		L->st = SW_ERR_IO;
		return;
	}
	if (mode == DIR_TOP) {
		/* A home directory: only its .ssh, not the user's files. */
		ssh = sw_join(dir, ".ssh");
		if (sw_is_dir(ssh)) {
			u = user != NULL ? user : sw_path_user(ssh, ub,
			    sizeof(ub));
			sw_load_dir(L, ssh, u, DIR_DOTSSH, depth + 1);
			mode = -1;
		}
		free(ssh);
	}
	for (i = 0; i < n && mode != -1; i++) {
		name = ents[i]->d_name;
		if (name[0] == '.')
			continue;
		full = sw_join(dir, name);
		if (stat(full, &st) != 0) {
			free(full);
			continue;
		}
		if (S_ISREG(st.st_mode) && mode != DIR_HOMES) {
			u = user;
			if (strncmp(name, "authorized_keys", 15) == 0) {
				if (u == NULL)
					u = sw_path_user(full, ub, sizeof(ub));
				sw_load_file(L, full, u);
			} else if (mode == DIR_TOP) {
				if (u == NULL)
					u = sw_name_user(name, ub, sizeof(ub));
				sw_load_file(L, full, u);
			}
		} else if (S_ISDIR(st.st_mode) && mode != DIR_DOTSSH &&
		    depth + 1 < SW_DIR_DEPTH) {
			if (mode == DIR_TOP && (strcmp(name, "home") == 0 ||
			    strcmp(name, "Users") == 0)) {
				sw_load_dir(L, full, user, DIR_HOMES, depth + 1);
			} else {
				ssh = sw_join(full, ".ssh");
				if (sw_is_dir(ssh))
					sw_load_dir(L, ssh, user != NULL ? user :
					    sw_valid_user(name, strlen(name)) ?
					    name : NULL, DIR_DOTSSH, depth + 1);
				free(ssh);
			}
		}
		free(full);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

/* Indexes. */

static int
sw_cmp_sha(const void *a, const void *b)
{
	const struct sw_fpidx *x = a, *y = b;
	int c = memcmp(x->d, y->d, 32);

	if (c != 0)
		return c;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static int
sw_cmp_md5(const void *a, const void *b)
{
	const struct sw_fpidx *x = a, *y = b;
	int c = memcmp(x->d, y->d, 16);

	if (c != 0)
		return c;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static void
sw_index_update(struct sw_keys *k)
{
	struct sw_key_rec *rec;
	size_t i;

	if (k->indexed == k->n)
		return;
	for (i = k->indexed; i < k->n; i++) {
		rec = sw_rec_at(k, i);
		if (rec->has_sha) {
			if (k->nsha == k->capsha) {
				k->capsha = k->capsha ? k->capsha * 2 : 256;
				k->sha = sw_xreallocarray(k->sha, k->capsha,
				    sizeof(*k->sha));
			}
			memcpy(k->sha[k->nsha].d, rec->sha, 32);
			k->sha[k->nsha++].rec = (uint32_t)i;
		}
		if (rec->has_md5) {
			if (k->nmd5 == k->capmd5) {
				k->capmd5 = k->capmd5 ? k->capmd5 * 2 : 256;
				k->md5 = sw_xreallocarray(k->md5, k->capmd5,
				    sizeof(*k->md5));
			}
			memset(k->md5[k->nmd5].d, 0, 32);
			memcpy(k->md5[k->nmd5].d, rec->md5, 16);
			k->md5[k->nmd5++].rec = (uint32_t)i;
		}
	}
	k->indexed = k->n;
	if (k->nsha > 1)
		qsort(k->sha, k->nsha, sizeof(*k->sha), sw_cmp_sha);
	if (k->nmd5 > 1)
		qsort(k->md5, k->nmd5, sizeof(*k->md5), sw_cmp_md5);
}

static int
sw_hexval(int c)
{
	if (sw_isdigit(c))
		return c - '0';
	c = sw_lc(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 32: a SHA-256 fingerprint, 16: MD5, 0: neither. Digest into d. */
static int
sw_fp_parse(const char *s, unsigned char *d)
{
	unsigned char in[44], out[36];
	size_t l, i;
	int hi, lo;

	if (strncmp(s, "SHA256:", 7) == 0) {
		s += 7;
		l = strlen(s);
		if (l == 44 && s[43] == '=')
			l = 43;
		if (l != 43)
			return 0;
		for (i = 0; i < 43; i++)
			if (!sw_isb64((unsigned char)s[i]))
				return 0;
		memcpy(in, s, 43);
		in[43] = '=';
		if (EVP_DecodeBlock(out, in, 44) != 33)
			return 0;
		memcpy(d, out, 32);
		return 32;
	}
	if (strncmp(s, "MD5:", 4) == 0)
		s += 4;
	for (i = 0; i < 16; i++) {
		if ((hi = sw_hexval((unsigned char)s[0])) < 0 ||
		    (lo = sw_hexval((unsigned char)s[1])) < 0)
			return 0;
		d[i] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (i < 15 && *s++ != ':')
			return 0;
	}
	return *s == '\0' ? 16 : 0;
}

static int
sw_user_match(const struct sw_key_line *l, const char *user)
{
	return user == NULL || l->user == NULL || strcmp(l->user, user) == 0;
}

/* Public interface. */

struct sw_keys *
sw_keys_new(void)
{
	struct sw_keys *k = sw_xcalloc(1, sizeof(*k));

	k->dec = sw_xmalloc(SW_DEC_MAX);
	k->rd = sw_xmalloc(SW_RD_BUF);
	k->conv = sw_xmalloc(SW_RD_BUF / 2 * 3 + 8);
	sw_buf_init(&k->line, SW_KEYS_MAX_LINE + 1);
	sw_buf_init(&k->acc, SW_KEYS_MAX_LINE);
	sw_buf_init(&k->ser, SW_DEC_MAX + 4096);
	sw_buf_init(&k->tmp, SW_DEC_MAX);
	sw_buf_init(&k->clean, SW_KEYS_MAX_LINE + 1);
	/* Fetched once, not per key (OpenSSL 3); MD5 may be refused (FIPS). */
	k->md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	k->md_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	return k;
}

void
sw_keys_free(struct sw_keys *k)
{
	struct sw_pool_blk *b, *next;
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nchunks; i++)
		free(k->chunks[i]);
	free(k->chunks);
	free(k->sha);
	free(k->md5);
	for (b = k->pool; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(k->dec);
	free(k->rd);
	free(k->conv);
	sw_buf_free(&k->line);
	sw_buf_free(&k->acc);
	sw_buf_free(&k->ser);
	sw_buf_free(&k->tmp);
	sw_buf_free(&k->clean);
	EVP_MD_free(k->md_sha256);
	EVP_MD_free(k->md_md5);
	free(k);
}

enum sw_status
sw_keys_load(struct sw_keys *k, const char *spec, struct sw_diag *diag)
{
	struct sw_load L;
	struct stat st, st2;
	const char *path = spec, *eq, *u;
	char *user = NULL, ub[128];

	assert(k != NULL && spec != NULL && diag != NULL);
	memset(&L, 0, sizeof(L));
	L.k = k;
	L.diag = diag;
	L.st = SW_OK;
	eq = strchr(spec, '=');
	if (eq != NULL && memchr(spec, '/', (size_t)(eq - spec)) == NULL &&
	    !(stat(spec, &st) == 0 && stat(eq + 1, &st2) != 0)) {
		user = sw_xstrndup(spec, (size_t)(eq - spec));
		path = eq + 1;
		if (user[0] == '\0') {
			sw_diag_printf(diag, SW_DIAG_ERROR, NULL, 0,
			    "--authorized-keys %s: empty user name before '='",
			    spec);
			free(user);
			return SW_ERR_USAGE;
		}
	}
	if (path[0] == '\0') {
		sw_diag_printf(diag, SW_DIAG_ERROR, NULL, 0,
		    "--authorized-keys: empty path");
		free(user);
		return SW_ERR_USAGE;
	}
	if (stat(path, &st) != 0) {
		sw_diag_printf(diag, SW_DIAG_ERROR, path, 0,
		    "cannot read authorized_keys: %s", strerror(errno));
		free(user);
		return SW_ERR_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		if (sw_is_dotssh(path)) {
			u = user != NULL ? user : sw_path_user(path, ub,
			    sizeof(ub));
			sw_load_dir(&L, path, u, DIR_DOTSSH, 0);
		} else {
			sw_load_dir(&L, path, user, DIR_TOP, 0);
		}
	} else {
		u = user != NULL ? user : sw_path_user(path, ub, sizeof(ub));
		sw_load_file(&L, path, u);
	}
	sw_index_update(k);
	free(user);
	return L.st;
}

const struct sw_key_line *
sw_keys_find(const struct sw_keys *k, const char *user,
    const char *fingerprint)
{
	const struct sw_fpidx *idx;
	const struct sw_key_line *any = NULL, *l;
	unsigned char d[32];
	size_t n, lo, hi, mid;
	int dl;

	if (k == NULL || fingerprint == NULL ||
	    (dl = sw_fp_parse(fingerprint, d)) == 0)
		return NULL;
	idx = dl == 32 ? k->sha : k->md5;
	n = dl == 32 ? k->nsha : k->nmd5;
	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(idx[mid].d, d, (size_t)dl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Equal digests sort by line: the first good line wins. */
	for (; lo < n && memcmp(idx[lo].d, d, (size_t)dl) == 0; lo++) {
		l = &sw_rec_at(k, idx[lo].rec)->pub;
		if (!sw_user_match(l, user))
			continue;
		if (l->problem == SW_KEY_OK)
			return l;
		if (any == NULL)
			any = l;
	}
	return any;
}

size_t
sw_keys_count(const struct sw_keys *k)
{
	return k == NULL ? 0 : k->n;
}

const struct sw_key_line *
sw_keys_get(const struct sw_keys *k, size_t i)
{
	if (k == NULL || i >= k->n)
		return NULL;
	return &sw_rec_at(k, i)->pub;
}

size_t
sw_keys_for_user(const struct sw_keys *k, const char *user,
    const struct sw_key_line **out, size_t max)
{
	const struct sw_key_line *l;
	size_t i, n = 0;

	for (i = 0; k != NULL && i < k->n; i++) {
		l = &sw_rec_at(k, i)->pub;
		if (!sw_user_match(l, user))
			continue;
		if (n < max && out != NULL)
			out[n] = l;
		n++;
	}
	return n;
}

const char *
sw_key_problem_text(enum sw_key_problem p)
{
	if ((unsigned)p >= SW_KEY_PROBLEM_COUNT)
		return "";
	return sw_problem_texts[p];
}

const char *
sw_key_problem_id(enum sw_key_problem p)
{
	if ((unsigned)p >= SW_KEY_PROBLEM_COUNT)
		return "unknown";
	return sw_problem_ids[p];
}
