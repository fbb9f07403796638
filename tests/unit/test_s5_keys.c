/*
 * test_s5_keys.c: authorized_keys analysis. Fingerprints are compared with
 * what ssh-keygen printed for real keys (tests/data/keys/, see make.sh
 * there); each problem kind, the options grammar, user inference from
 * paths, lookups and the ceilings are table-driven. Files are built in a
 * temporary directory from the fixtures.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "s5_keys.h"
#include "test_util.h"

#define KEYS SW_TEST_DATA_DIR "/keys"

static char tdir[256];	/* short: paths built from it fit PATH_MAX */

static void
tdir_setup(void)
{
	snprintf(tdir, sizeof(tdir), "%s", "/tmp/sw_keys_XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
tdir_teardown(void)
{
	if (tdir[0] != '\0')
		rm_tree(tdir);
}

TestSuite(keys, .init = tdir_setup, .fini = tdir_teardown);

/* A path in the temporary directory; 16 live at a time. */
static const char *
tp(const char *name)
{
	static char buf[16][PATH_MAX];
	static unsigned i;
	char *p = buf[i++ % 16];

	if (snprintf(p, PATH_MAX, "%s/%s", tdir, name) >= PATH_MAX)
		cr_assert_fail("path too long");
	return p;
}

/* Writes a file under the temporary directory, making its directories. */
static const char *
put(const char *name, const void *p, size_t n)
{
	const char *path = tp(name);
	char dir[PATH_MAX], *s;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (s = dir + strlen(tdir) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(dir, 0755);
		*s = '/';
	}
	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	if (n > 0)
		cr_assert_eq(fwrite(p, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static const char *
puts_file(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

/* A fixture file's text (caller frees). */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	cr_assert_not_null(p);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	return p;
}

static char *
fixture(const char *file)
{
	char path[PATH_MAX];
	char *s;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", KEYS, file);
	s = slurp(path);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

/* Field `field` (0-based) of line `line` of NAME.fp, as ssh-keygen wrote it. */
static void
fp_field(const char *name, int line, int field, char *out, size_t outsz)
{
	char file[64], *text, *p, *tok, *save = NULL;
	int i;

	snprintf(file, sizeof(file), "%s.fp", name);
	text = fixture(file);
	p = text;
	for (i = 0; i < line; i++) {
		p = strchr(p, '\n');
		cr_assert_not_null(p, "%s: no line %d", file, line);
		p++;
	}
	if (strchr(p, '\n') != NULL)
		*strchr(p, '\n') = '\0';
	tok = strtok_r(p, " ", &save);
	for (i = 0; i < field && tok != NULL; i++)
		tok = strtok_r(NULL, " ", &save);
	cr_assert_not_null(tok);
	snprintf(out, outsz, "%s", tok);
	free(text);
}

static void
sha_of(const char *name, char *out)
{
	fp_field(name, 0, 1, out, SW_KEY_FP_SIZE);
}

static void
md5_of(const char *name, char *out)
{
	fp_field(name, 1, 1, out, SW_KEY_FP_SIZE);
}

/* The base64 key of NAME.pub. */
static char *
blob_of(const char *name)
{
	char file[64], *line, *b, *e, *r;

	snprintf(file, sizeof(file), "%s.pub", name);
	line = fixture(file);
	b = strchr(line, ' ') + 1;
	e = strchr(b, ' ');
	r = strndup(b, e ? (size_t)(e - b) : strlen(b));
	free(line);
	return r;
}

static struct sw_keys *
load(const char *spec, enum sw_status want, struct sw_diag **dp)
{
	struct sw_keys *k = sw_keys_new();
	struct sw_diag *d = sw_diag_new(NULL, 0);
	enum sw_status st = sw_keys_load(k, spec, d);

	cr_assert_eq(st, want, "%s: status %s, want %s (%s)", spec,
	    sw_strerror(st), sw_strerror(want), sw_diag_last(d));
	if (dp != NULL)
		*dp = d;
	else
		sw_diag_free(d);
	return k;
}

/*
 * Expands {NAME} (the whole NAME.pub line), {NAME.b} (its key),
 * {NAME.b1}/{NAME.b2} (the key's first and second half), {NAME.w64} (the
 * key wrapped at 64 columns), {FILE:f} (a fixture file's text) and {NUL}.
 * The length goes to *lenp.
 */
static char *
expand_n(const char *t, size_t *lenp)
{
	size_t cap = 65536, n = 0;
	char *out = malloc(cap), name[64], *v, *dot, *b;
	const char *e;

	cr_assert_not_null(out);
	while (*t != '\0') {
		if (*t != '{' || (e = strchr(t, '}')) == NULL) {
			out[n++] = *t++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(e - t - 1), t + 1);
		t = e + 1;
		if (strcmp(name, "NUL") == 0) {
			out[n++] = '\0';
			continue;
		} else if (strncmp(name, "FILE:", 5) == 0) {
			v = fixture(name + 5);
		} else if ((dot = strchr(name, '.')) == NULL) {
			char file[80];
			snprintf(file, sizeof(file), "%s.pub", name);
			v = fixture(file);
		} else {
			*dot++ = '\0';
			b = blob_of(name);
			if (strcmp(dot, "b") == 0) {
				v = strdup(b);
			} else if (strcmp(dot, "b1") == 0) {
				v = strndup(b, strlen(b) / 2);
			} else if (strcmp(dot, "b2") == 0) {
				v = strdup(b + strlen(b) / 2);
			} else {
				size_t i, l = strlen(b), o = 0;
				v = malloc(l + l / 64 + 2);
				for (i = 0; i < l; i++) {
					if (i > 0 && i % 64 == 0)
						v[o++] = '\n';
					v[o++] = b[i];
				}
				v[o] = '\0';
			}
			free(b);
		}
		cr_assert_lt(n + strlen(v), cap - 1);
		memcpy(out + n, v, strlen(v));
		n += strlen(v);
		free(v);
	}
	out[n] = '\0';
	*lenp = n;
	return out;
}

static char *
expand(const char *t)
{
	size_t n;

	return expand_n(t, &n);
}

/* Fingerprints against ssh-keygen, one fixture at a time. */

struct fp_case {
	const char *name;
	const char *type;
	unsigned bits;
	enum sw_key_problem problem;
};

static const struct fp_case fp_cases[] = {
	{ "ed25519", "ssh-ed25519", 0, SW_KEY_OK },
	{ "ecdsa256", "ecdsa-sha2-nistp256", 0, SW_KEY_OK },
	{ "ecdsa384", "ecdsa-sha2-nistp384", 0, SW_KEY_OK },
	{ "ecdsa521", "ecdsa-sha2-nistp521", 0, SW_KEY_OK },
	{ "rsa3072", "ssh-rsa", 3072, SW_KEY_OK },
	{ "rsa1024", "ssh-rsa", 1024, SW_KEY_OK },
	{ "dsa", "ssh-dss", 0, SW_KEY_DSA },
	{ "ed25519-cert", "ssh-ed25519-cert-v01@openssh.com", 0, SW_KEY_OK },
	{ "sk-ed25519", "sk-ssh-ed25519@openssh.com", 0, SW_KEY_OK },
	{ "ca", "ssh-ed25519", 0, SW_KEY_OK },
	{ "pasted", "ssh-ed25519", 0, SW_KEY_OK },
};

Test(keys, fingerprints_match_ssh_keygen)
{
	char path[PATH_MAX], sha[SW_KEY_FP_SIZE], md5[SW_KEY_FP_SIZE];
	char comment[64];
	const struct sw_key_line *l;
	struct sw_keys *k;
	size_t i;

	for (i = 0; i < sizeof(fp_cases) / sizeof(fp_cases[0]); i++) {
		const struct fp_case *c = &fp_cases[i];

		snprintf(path, sizeof(path), "%s/%s.pub", KEYS, c->name);
		k = load(path, SW_OK, NULL);
		cr_assert_eq(sw_keys_count(k), 1, "%s", c->name);
		l = sw_keys_get(k, 0);
		sha_of(c->name, sha);
		md5_of(c->name, md5);
		fp_field(c->name, 0, 2, comment, sizeof(comment));
		cr_expect_str_eq(l->sha256, sha, "%s", c->name);
		cr_expect_str_eq(l->md5, md5, "%s", c->name);
		cr_expect_str_eq(l->type, c->type, "%s", c->name);
		cr_expect_str_eq(l->comment, comment, "%s", c->name);
		cr_expect_eq(l->bits, c->bits, "%s: %u bits", c->name, l->bits);
		cr_expect_eq(l->problem, c->problem, "%s: %s", c->name,
		    sw_key_problem_id(l->problem));
		cr_expect_eq(l->lineno, 1);
		cr_expect_eq(l->nlines, 1);
		cr_expect_null(l->options);
		cr_expect_null(l->user);
		cr_expect_eq(sw_keys_find(k, NULL, sha), l, "%s", c->name);
		cr_expect_eq(sw_keys_find(k, NULL, md5), l, "%s", c->name);
		sw_keys_free(k);
	}
}

Test(keys, worked_example)
{
	static const char line[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDRT/"
	    "qs0rqyPButcgBLi6sU/F9SgBWJf5RdFbKOM7cd7 bob@laptop\n";
	static const char sha[] =
	    "SHA256:95D1iI6r+Sm4LK4o/vI7Ee+qKpZJL+ORaS5GhDutjBo";
	static const char md5[] =
	    "MD5:30:56:8c:dd:54:96:6b:3b:d4:ac:24:6d:4a:86:69:58";
	const struct sw_key_line *l;
	struct sw_keys *k;

	k = load(puts_file("ak", line), SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), 1);
	l = sw_keys_get(k, 0);
	cr_assert_str_eq(l->sha256, sha);
	cr_assert_str_eq(l->md5, md5);
	cr_assert_str_eq(l->type, "ssh-ed25519");
	cr_assert_str_eq(l->comment, "bob@laptop");
	cr_assert_eq(l->problem, SW_KEY_OK);
	cr_assert_str_eq(l->detail, "");
	cr_assert_eq(sw_keys_find(k, NULL, sha), l);
	cr_assert_eq(sw_keys_find(k, "bob", sha), l);
	cr_assert_eq(sw_keys_find(k, NULL, md5), l);
	cr_assert_eq(sw_keys_find(k, NULL, md5 + 4), l);	/* bare, < 6.8 */
	sw_keys_free(k);

	k = load(puts_file("ak2", "from=\"10.0.0.1,host a\",command=\"echo "
	    "\\\"hi\\\"\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDRT/qs0rqyPBut"
	    "cgBLi6sU/F9SgBWJf5RdFbKOM7cd7 bob@laptop\n"), SW_OK, NULL);
	l = sw_keys_get(k, 0);
	cr_assert_not_null(l);
	cr_assert_eq(l->problem, SW_KEY_OK, "%s", l->detail);
	cr_assert_str_eq(l->options,
	    "from=\"10.0.0.1,host a\",command=\"echo \\\"hi\\\"\"");
	cr_assert_str_eq(l->sha256, sha);
	cr_assert_str_eq(l->comment, "bob@laptop");
	sw_keys_free(k);
}

/* The options grammar of sshauthopt_parse(). */

struct opt_case {
	const char *options;
	enum sw_key_problem problem;
	const char *detail;	/* a substring, or NULL */
	int cert_authority;
};

static const struct opt_case opt_cases[] = {
	{ "from=\"10.0.0.1,host a\",command=\"echo \\\"hi\\\"\"", SW_KEY_OK,
	  NULL, 0 },
	{ "no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,"
	  "no-user-rc", SW_KEY_OK, NULL, 0 },
	{ "NO-PTY,No-X11-Forwarding", SW_KEY_OK, NULL, 0 },
	{ "restrict,pty,port-forwarding,agent-forwarding,X11-forwarding,"
	  "user-rc", SW_KEY_OK, NULL, 0 },
	{ "cert-authority,principals=\"alice,bob\"", SW_KEY_OK, NULL, 1 },
	{ "environment=\"FOO=bar baz\",tunnel=\"any\",tunnel=\"3\"", SW_KEY_OK,
	  NULL, 0 },
	{ "expiry-time=\"20301231\",expiry-time=\"203012312359Z\"", SW_KEY_OK,
	  NULL, 0 },
	{ "expiry-time=\"20301231235959UTC\"", SW_KEY_OK, NULL, 0 },
	{ "permitopen=\"localhost:8080\",permitopen=\"[::1]:22\","
	  "permitlisten=\"8080\",permitopen=\"*:*\"", SW_KEY_OK, NULL, 0 },
	{ "no-touch-required,verify-required", SW_KEY_OK, NULL, 0 },
	{ "command=\"a, b\",no-pty", SW_KEY_OK, NULL, 0 },
	{ "no-ptyy", SW_KEY_BAD_OPTIONS, "unknown option \"no-ptyy\"", 0 },
	{ "agent-forwarding,foo", SW_KEY_BAD_OPTIONS, "unknown option \"foo\"",
	  0 },
	/* sshd parses the whole line: the comma before the blank is fine. */
	{ "no-pty,", SW_KEY_OK, NULL, 0 },
	{ "no-pty, no-X11-forwarding", SW_KEY_BAD_OPTIONS, "blank inside", 0 },
	{ "principals=\"alice\"", SW_KEY_BAD_OPTIONS,
	  "without cert-authority", 0 },
	{ "from=10.0.0.1", SW_KEY_BAD_OPTIONS, "not in double quotes", 0 },
	{ "command=\"x\",command=\"y\"", SW_KEY_BAD_OPTIONS, "more than one",
	  0 },
	{ "from=\"x\"y", SW_KEY_BAD_OPTIONS, "unexpected text", 0 },
	{ "expiry-time=\"2030-12-31\"", SW_KEY_BAD_OPTIONS, "invalid value",
	  0 },
	{ "environment=\"1FOO\"", SW_KEY_BAD_OPTIONS, "invalid value", 0 },
	{ "permitopen=\"localhost\"", SW_KEY_BAD_OPTIONS, "invalid value", 0 },
	{ "permitopen=\"host:0\"", SW_KEY_BAD_OPTIONS, "invalid value", 0 },
	{ "tunnel=\"x\"", SW_KEY_BAD_OPTIONS, "invalid value", 0 },
	{ "command=\"never closed", SW_KEY_BAD_OPTIONS, "not closed", 0 },
	{ "ssh-ed25519", SW_KEY_BAD_OPTIONS, "unknown option \"ssh-ed25519\"",
	  0 },
};

Test(keys, expiry_time)
{
	char *text = expand("expiry-time=\"203012312359Z\",no-pty,"
	    "expiry-time=\"20301231Z\" {ed25519}\n{ed25519}\n");
	struct sw_keys *k = load(puts_file("ak", text), SW_OK, NULL);

	/* The earliest wins, as in sshd; the caller compares login times. */
	cr_assert_eq(sw_keys_get(k, 0)->expires, 1924905600);
	cr_assert_eq(sw_keys_get(k, 0)->problem, SW_KEY_OK);
	cr_assert_eq(sw_keys_get(k, 1)->expires, 0);
	sw_keys_free(k);
	free(text);
}

Test(keys, options_table)
{
	char *blob = blob_of("ed25519"), sha[SW_KEY_FP_SIZE], text[1024];
	const struct sw_key_line *l;
	struct sw_keys *k;
	size_t i;

	sha_of("ed25519", sha);
	for (i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		const struct opt_case *c = &opt_cases[i];

		snprintf(text, sizeof(text), "%s ssh-ed25519 %s c\n",
		    c->options, blob);
		k = load(puts_file("ak", text), SW_OK, NULL);
		cr_assert_eq(sw_keys_count(k), 1, "%s", c->options);
		l = sw_keys_get(k, 0);
		cr_expect_eq(l->problem, c->problem, "%s: %s (%s)", c->options,
		    sw_key_problem_id(l->problem), l->detail);
		if (c->detail != NULL)
			cr_expect_not_null(strstr(l->detail, c->detail),
			    "%s: detail \"%s\"", c->options, l->detail);
		cr_expect_eq(l->cert_authority, c->cert_authority, "%s",
		    c->options);
		/* Bad options or not, the key is read (but for an unclosed
		 * quote, which swallows the whole line). */
		cr_expect_str_eq(l->sha256, strstr(c->options, "never") ? "" :
		    sha, "%s", c->options);
		sw_keys_free(k);
	}
	free(blob);
}

/* Each problem kind, from real keys. */

struct prob_case {
	const char *what;
	const char *text;	/* expand()ed */
	size_t count;		/* lines kept */
	size_t at;		/* the line checked */
	enum sw_key_problem problem;
	uint64_t lineno;
	unsigned nlines;
	const char *fp;		/* fixture whose fingerprint it has, or NULL */
	const char *detail;	/* substring, or NULL */
	const char *comment;	/* or NULL: not checked */
};

static const struct prob_case prob_cases[] = {
	{ "plain", "{ed25519}\n", 1, 0, SW_KEY_OK, 1, 1, "ed25519", NULL,
	  "ed25519@fixture" },
	{ "comments and blanks skipped", "# a comment\n\n   \n\t# x\n{ed25519}\n",
	  1, 0, SW_KEY_OK, 5, 1, "ed25519", NULL, NULL },
	{ "leading blanks", "  \t{ecdsa256}\n", 1, 0, SW_KEY_OK, 1, 1,
	  "ecdsa256", NULL, NULL },
	{ "CRLF accepted", "{ed25519}\r\n{rsa3072}\r\n", 2, 1, SW_KEY_OK, 2, 1,
	  "rsa3072", NULL, "rsa3072@fixture" },
	{ "CRLF, no comment", "ssh-ed25519 {ed25519.b}\r\n", 1, 0, SW_KEY_OK,
	  1, 1, "ed25519", NULL, NULL },
	{ "no newline at the end", "{ed25519}", 1, 0, SW_KEY_OK, 1, 1,
	  "ed25519", NULL, NULL },
	{ "a NUL ends the line, as in sshd", "{ed25519}{NUL}garbage\n", 1, 0,
	  SW_KEY_OK, 1, 1, "ed25519", NULL, "ed25519@fixture" },
	{ "rsa-sha2-512 names an ssh-rsa key", "rsa-sha2-512 {rsa3072.b} x\n",
	  1, 0, SW_KEY_OK, 1, 1, "rsa3072", NULL, "x" },
	{ "certificate", "{ed25519-cert}\n", 1, 0, SW_KEY_OK, 1, 1,
	  "ed25519-cert", NULL, NULL },
	{ "CA key", "cert-authority,principals=\"alice\" {ca}\n", 1, 0,
	  SW_KEY_OK, 1, 1, "ca", NULL, NULL },

	{ "broken in two", "ssh-ed25519 {ed25519.b1}\n{ed25519.b2} me@host\n"
	  "{ecdsa256}\n", 2, 0, SW_KEY_BROKEN_LINE, 1, 2, "ed25519",
	  "lines 1-2", "me@host" },
	{ "broken at 64 columns", "ssh-rsa {rsa3072.w64} r@h\n{ed25519}\n", 2,
	  0, SW_KEY_BROKEN_LINE, 1, 9, "rsa3072", "lines 1-9", "r@h" },
	{ "broken after the type", "ssh-ed25519\n{ed25519.b} me\n", 1, 0,
	  SW_KEY_BROKEN_LINE, 1, 2, "ed25519", NULL, "me" },
	{ "broken, then a key", "ssh-rsa {rsa3072.b1}\n{ed25519}\n", 2, 0,
	  SW_KEY_BAD_BLOB, 1, 1, NULL, "cut short", NULL },
	{ "broken, joined still short",
	  "ssh-rsa {rsa3072.b1}\nAAAAAAAAAAAAAAAA\n", 1, 0,
	  SW_KEY_BROKEN_LINE, 1, 2, NULL, "incomplete", NULL },
	{ "continuation alone", "{ed25519}\n{rsa3072.b2} r@h\n", 2, 1,
	  SW_KEY_BROKEN_LINE, 2, 1, NULL, "no key type", NULL },
	{ "cut short, with a comment", "ssh-ed25519 {ed25519.b1} me\n", 1, 0,
	  SW_KEY_BAD_BLOB, 1, 1, NULL, "cut short", "me" },
	{ "cut short at the end", "ssh-rsa {rsa3072.b1}", 1, 0,
	  SW_KEY_BAD_BLOB, 1, 1, NULL, "cut short", NULL },
	{ "not base64", "ssh-ed25519 AAAA$$$$ me\n", 1, 0, SW_KEY_BAD_BLOB, 1,
	  1, NULL, "base64", NULL },
	{ "extra bytes", "ssh-ed25519 {ed25519.b}AAAA me\n", 1, 0,
	  SW_KEY_BAD_BLOB, 1, 1, NULL, "extra bytes", NULL },

	{ "OpenSSH private key", "{FILE:pasted-private.txt}\n{ed25519}\n", 2,
	  0, SW_KEY_PRIVATE_KEY, 1, 7, "pasted", "lines 1-7", NULL },
	{ "key after a private key", "{FILE:pasted-private.txt}\n{ed25519}\n",
	  2, 1, SW_KEY_OK, 8, 1, "ed25519", NULL, NULL },
	{ "PEM private key", "-----BEGIN RSA PRIVATE KEY-----\n"
	  "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
	  "-----END RSA PRIVATE KEY-----\n", 1, 0, SW_KEY_PRIVATE_KEY, 1, 3,
	  NULL, "private key", NULL },
	{ "private key on one line", "-----BEGIN OPENSSH PRIVATE KEY----- "
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ== "
	  "-----END OPENSSH PRIVATE KEY-----\n{ed25519}\n", 2, 0,
	  SW_KEY_PRIVATE_KEY, 1, 1, NULL, NULL, NULL },
	{ "SSH2 block", "{FILE:ed25519.ssh2}\n", 1, 0, SW_KEY_PUTTY_FORMAT, 1,
	  4, "ed25519", "RFC 4716", NULL },
	{ "PEM public key", "{FILE:rsa3072.pem}\n", 1, 0, SW_KEY_PUTTY_FORMAT,
	  1, 11, "rsa3072", "PEM public", NULL },
	{ "X.509 certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n"
	  "-----END CERTIFICATE-----\n", 1, 0, SW_KEY_NOT_A_KEY, 1, 3, NULL,
	  "CERTIFICATE", NULL },

	{ "DSA", "{dsa}\n", 1, 0, SW_KEY_DSA, 1, 1, "dsa", "ssh-dss", NULL },
	{ "RSA 768", "{rsa768}\n", 1, 0, SW_KEY_RSA_SIZE, 1, 1, "*",
	  "768-bit", NULL },
	{ "RSA 1024 is fine", "{rsa1024}\n", 1, 0, SW_KEY_OK, 1, 1, "rsa1024",
	  NULL, NULL },
	{ "type mismatch", "ssh-rsa {ed25519.b} me\n", 1, 0,
	  SW_KEY_TYPE_MISMATCH, 1, 1, "ed25519", "ssh-rsa", "me" },
	{ "ECDSA curve mismatch", "ecdsa-sha2-nistp384 {ecdsa256.b}\n", 1, 0,
	  SW_KEY_TYPE_MISMATCH, 1, 1, "ecdsa256", NULL, NULL },
	{ "misspelt type", "ssh-ed2559 {ed25519.b} me\n", 1, 0,
	  SW_KEY_TYPE_MISMATCH, 1, 1, "ed25519", "ssh-ed2559", "me" },
	{ "misspelt type after options", "no-pty ssh-ed2559 {ed25519.b}\n", 1,
	  0, SW_KEY_TYPE_MISMATCH, 1, 1, "ed25519", NULL, NULL },
	{ "no type", "{ed25519.b} me\n", 1, 0, SW_KEY_TYPE_MISMATCH, 1, 1,
	  "ed25519", "should start with \"ssh-ed25519 \"", NULL },
	{ "unknown type", "ssh-foo AAAAB3NzaC1mb28= x\n", 1, 0,
	  SW_KEY_UNKNOWN_TYPE, 1, 1, NULL, "ssh-foo", NULL },
	{ "unknown type, as options", "ssh-ed448 AAAACXNzaC1lZDQ0OA== x\n", 1,
	  0, SW_KEY_UNKNOWN_TYPE, 1, 1, NULL, NULL, NULL },

	{ "non-breaking space", "ssh-ed25519\xC2\xA0{ed25519.b} me\n", 1, 0,
	  SW_KEY_BAD_CHARS, 1, 1, "ed25519", "U+00A0", NULL },
	{ "smart quotes in options",
	  "from=\xE2\x80\x9C" "10.0.0.1\xE2\x80\x9D {ed25519}\n", 1, 0,
	  SW_KEY_BAD_CHARS, 1, 1, "ed25519", "U+201C", NULL },
	{ "en dash in an option", "no\xE2\x80\x93pty {ed25519}\n", 1, 0,
	  SW_KEY_BAD_CHARS, 1, 1, "ed25519", "U+2013", NULL },
	{ "smart quotes in the comment are fine",
	  "{ed25519} \xE2\x80\x9C" "bob\xE2\x80\x9D\n", 1, 0, SW_KEY_OK, 1, 1,
	  "ed25519", NULL, "ed25519@fixture \xE2\x80\x9C" "bob\xE2\x80\x9D" },
	{ "UTF-8 byte-order mark", "\xEF\xBB\xBF{ed25519}\n{rsa3072}\n", 2, 0,
	  SW_KEY_BAD_CHARS, 1, 1, "ed25519", "byte-order mark", NULL },
	{ "UTF-8 byte-order mark before a comment",
	  "\xEF\xBB\xBF# keys\n{rsa3072}\n", 1, 0, SW_KEY_OK, 2, 1, "rsa3072",
	  NULL, NULL },

	{ "garbage", "hello world\n", 1, 0, SW_KEY_NOT_A_KEY, 1, 1, NULL,
	  "not a key", NULL },
	{ "a fingerprint pasted",
	  "256 SHA256:95D1iI6r+Sm4LK4o/vI7Ee+qKpZJL+ORaS5GhDutjBo bob (ED25519)\n",
	  1, 0, SW_KEY_NOT_A_KEY, 1, 1, NULL, "fingerprint", NULL },
	{ "duplicated type word, read as options (as sshd)",
	  "ssh-ed25519 {ed25519}\n", 1, 0, SW_KEY_BAD_OPTIONS, 1, 1, "ed25519",
	  "unknown option", NULL },
};

Test(keys, problems_table)
{
	char sha[SW_KEY_FP_SIZE];
	const struct sw_key_line *l;
	struct sw_keys *k;
	size_t i, n;
	char *text;

	for (i = 0; i < sizeof(prob_cases) / sizeof(prob_cases[0]); i++) {
		const struct prob_case *c = &prob_cases[i];

		text = expand_n(c->text, &n);
		k = load(put("ak", text, n), SW_OK, NULL);
		cr_expect_eq(sw_keys_count(k), c->count, "%s: %zu lines",
		    c->what, sw_keys_count(k));
		l = sw_keys_get(k, c->at);
		cr_assert_not_null(l, "%s", c->what);
		cr_expect_eq(l->problem, c->problem, "%s: %s (%s)", c->what,
		    sw_key_problem_id(l->problem), l->detail);
		cr_expect_eq(l->lineno, c->lineno, "%s: line %llu", c->what,
		    (unsigned long long)l->lineno);
		cr_expect_eq(l->nlines, c->nlines, "%s: %u lines", c->what,
		    l->nlines);
		if (c->fp != NULL && strcmp(c->fp, "*") == 0) {
			/* ssh-keygen refuses it too: any fingerprint */
			cr_expect_neq(l->sha256[0], '\0', "%s", c->what);
		} else if (c->fp != NULL) {
			sha_of(c->fp, sha);
			cr_expect_str_eq(l->sha256, sha, "%s", c->what);
		} else {
			cr_expect_str_eq(l->sha256, "", "%s", c->what);
		}
		if (c->detail != NULL)
			cr_expect_not_null(strstr(l->detail, c->detail),
			    "%s: detail \"%s\"", c->what, l->detail);
		if (c->problem == SW_KEY_OK)
			cr_expect_str_eq(l->detail, "", "%s", c->what);
		if (c->comment != NULL)
			cr_expect_str_eq(l->comment ? l->comment : "(null)",
			    c->comment, "%s", c->what);
		cr_expect_str_neq(sw_key_problem_text(l->problem),
		    c->problem == SW_KEY_OK ? "x" : "", "%s", c->what);
		/* Lines with a problem are found too: the key is there. */
		if (l->sha256[0] != '\0')
			cr_expect_not_null(sw_keys_find(k, NULL, l->sha256),
			    "%s", c->what);
		sw_keys_free(k);
		free(text);
	}
}

Test(keys, rsa_bits_of_refused_key)
{
	struct sw_keys *k;
	char *text = expand("{rsa768}\n");

	k = load(puts_file("ak", text), SW_OK, NULL);
	cr_assert_eq(sw_keys_get(k, 0)->bits, 768);
	cr_assert_neq(sw_keys_get(k, 0)->sha256[0], '\0');
	sw_keys_free(k);
	free(text);
}

Test(keys, putty_private_key_file)
{
	char *b = blob_of("ed25519"), text[2048], sha[SW_KEY_FP_SIZE];
	const struct sw_key_line *l;
	struct sw_keys *k;

	/* A .ppk as PuTTYgen writes it: the public lines are real. */
	snprintf(text, sizeof(text),
	    "PuTTY-User-Key-File-3: ssh-ed25519\n"
	    "Encryption: none\n"
	    "Comment: eddie\n"
	    "Public-Lines: 2\n"
	    "%.64s\n%s\n"
	    "Private-Lines: 1\n"
	    "AAAAIGZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2VmYWtl\n"
	    "Private-MAC: 00112233445566778899aabbccddeeff\n"
	    "{x}\n", b, b + 64);
	k = load(puts_file("ak", text), SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), 2);
	l = sw_keys_get(k, 0);
	sha_of("ed25519", sha);
	cr_assert_eq(l->problem, SW_KEY_PRIVATE_KEY, "%s", l->detail);
	cr_assert_str_eq(l->sha256, sha);
	cr_assert_str_eq(l->type, "ssh-ed25519");
	cr_assert_str_eq(l->comment, "eddie");
	cr_assert_eq(l->nlines, 9);
	cr_assert_eq(sw_keys_get(k, 1)->problem, SW_KEY_NOT_A_KEY);
	sw_keys_free(k);
	free(b);
}

Test(keys, utf16_file)
{
	char *text = expand("{ed25519}\r\n{rsa3072}\r\n"), sha[SW_KEY_FP_SIZE];
	size_t n = strlen(text), i;
	unsigned char *u = malloc(2 * n + 2);
	const struct sw_key_line *l;
	struct sw_keys *k;

	u[0] = 0xFF;
	u[1] = 0xFE;
	for (i = 0; i < n; i++) {
		u[2 + 2 * i] = (unsigned char)text[i];
		u[3 + 2 * i] = 0;
	}
	k = load(put("ak", u, 2 * n + 2), SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), 2);
	l = sw_keys_get(k, 1);
	sha_of("rsa3072", sha);
	cr_assert_eq(l->problem, SW_KEY_BAD_ENCODING);
	cr_assert_str_eq(l->sha256, sha);
	cr_assert_str_eq(l->comment, "rsa3072@fixture");
	cr_assert_not_null(strstr(l->detail, "UTF-16LE"));
	sw_keys_free(k);
	free(u);
	free(text);
}

/* Users from paths and directories. */

struct user_case {
	const char *spec;	/* relative to the temporary directory */
	const char *users;	/* the user of each line kept, "-" unknown */
};

static const struct user_case user_cases[] = {
	{ "home/alice/.ssh/authorized_keys", "alice" },
	{ "root/.ssh/authorized_keys2", "root" },
	{ "srv/home/alice/.ssh/authorized_keys", "alice" },
	{ "etc/ssh/authorized_keys/gina", "gina" },
	{ "misc/keys.txt", "-" },
	{ "zed=home/alice/.ssh/authorized_keys", "zed" },
	{ "etc/keys", "-,bob,carol,dave" },
	{ "backup", "frank,erin,root" },
	{ "home", "alice" },
	{ "home/alice", "alice" },
	{ "home/alice/.ssh", "alice" },
	{ "someone=backup", "someone,someone,someone" },
};

static void
make_tree(void)
{
	char *ed = fixture("ed25519.pub"), *pasted = fixture("pasted-private.txt");

	puts_file("home/alice/.ssh/authorized_keys", ed);
	puts_file("home/alice/.ssh/id_ed25519", pasted);
	puts_file("home/alice/.ssh/known_hosts", "host ssh-ed25519 AAAA\n");
	puts_file("home/alice/notes", ed);
	puts_file("root/.ssh/authorized_keys2", ed);
	puts_file("srv/home/alice/.ssh/authorized_keys", ed);
	puts_file("etc/ssh/authorized_keys/gina", ed);
	puts_file("misc/keys.txt", ed);
	puts_file("etc/keys/bob", ed);
	puts_file("etc/keys/carol.pub", ed);
	puts_file("etc/keys/dave.keys", ed);
	puts_file("etc/keys/authorized_keys", ed);
	puts_file("etc/keys/.hidden", ed);
	puts_file("backup/home/erin/.ssh/authorized_keys", ed);
	puts_file("backup/home/erin/.ssh/id_ed25519", pasted);
	puts_file("backup/root/.ssh/authorized_keys", ed);
	puts_file("backup/frank/.ssh/authorized_keys", ed);
	puts_file("backup/frank/.ssh/config", "Host x\n");
	free(ed);
	free(pasted);
}

Test(keys, user_inference)
{
	char spec[PATH_MAX], got[256];
	const struct sw_key_line *l;
	struct sw_keys *k;
	size_t i, j;

	make_tree();
	for (i = 0; i < sizeof(user_cases) / sizeof(user_cases[0]); i++) {
		const struct user_case *c = &user_cases[i];
		const char *eq = strchr(c->spec, '=');

		if (eq != NULL)
			snprintf(spec, sizeof(spec), "%.*s=%s/%s",
			    (int)(eq - c->spec), c->spec, tdir, eq + 1);
		else
			snprintf(spec, sizeof(spec), "%s/%s", tdir, c->spec);
		k = load(spec, SW_OK, NULL);
		got[0] = '\0';
		for (j = 0; j < sw_keys_count(k); j++) {
			l = sw_keys_get(k, j);
			cr_expect_eq(l->problem, SW_KEY_OK, "%s: %s", l->path,
			    l->detail);
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s", j > 0 ? "," : "", l->user ? l->user : "-");
		}
		cr_expect_str_eq(got, c->users, "%s", c->spec);
		sw_keys_free(k);
	}
}

Test(keys, lookup_by_user)
{
	char *ed = fixture("ed25519.pub"), *ec = fixture("ecdsa256.pub");
	char *rsa = fixture("rsa3072.pub"), spec[PATH_MAX];
	char sha_ed[SW_KEY_FP_SIZE], sha_ec[SW_KEY_FP_SIZE];
	char sha_rsa[SW_KEY_FP_SIZE];
	const struct sw_key_line *out[4], *l;
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_keys *k = sw_keys_new();

	sha_of("ed25519", sha_ed);
	sha_of("ecdsa256", sha_ec);
	sha_of("rsa3072", sha_rsa);
	puts_file("home/alice/.ssh/authorized_keys", ed);
	puts_file("home/bob/.ssh/authorized_keys", ec);
	puts_file("shared", rsa);
	snprintf(spec, sizeof(spec), "%s/home", tdir);
	cr_assert_eq(sw_keys_load(k, spec, d), SW_OK);
	cr_assert_eq(sw_keys_count(k), 2);
	l = sw_keys_get(k, 0);
	/* Loading more keeps what was handed out. */
	snprintf(spec, sizeof(spec), "%s/shared", tdir);
	cr_assert_eq(sw_keys_load(k, spec, d), SW_OK);
	cr_assert_eq(sw_keys_get(k, 0), l);
	cr_assert_eq(sw_keys_count(k), 3);

	cr_assert_not_null(sw_keys_find(k, "alice", sha_ed));
	cr_assert_null(sw_keys_find(k, "bob", sha_ed));
	cr_assert_not_null(sw_keys_find(k, NULL, sha_ed));
	cr_assert_str_eq(sw_keys_find(k, "bob", sha_ec)->user, "bob");
	/* A file whose user is unknown matches any user. */
	cr_assert_null(sw_keys_find(k, "carol", sha_ec));
	cr_assert_not_null(sw_keys_find(k, "carol", sha_rsa));
	cr_assert_null(sw_keys_find(k, "alice", "SHA256:nope"));

	cr_assert_eq(sw_keys_for_user(k, "alice", out, 4), 2);
	cr_assert_str_eq(out[0]->user, "alice");
	cr_assert_null(out[1]->user);
	cr_assert_eq(sw_keys_for_user(k, NULL, out, 1), 3);
	cr_assert_eq(sw_keys_for_user(k, "nobody", NULL, 0), 1);
	sw_keys_free(k);
	sw_diag_free(d);
	free(ed);
	free(ec);
	free(rsa);
}

/* Fingerprint forms, and which line wins. */

Test(keys, lookup_forms)
{
	char *text = expand("no-ptyy {ed25519}\n{rsa3072}\n{ed25519}\n");
	char sha[SW_KEY_FP_SIZE], md5[SW_KEY_FP_SIZE], s[80];
	const struct sw_key_line *l;
	struct sw_keys *k;
	size_t i;

	sha_of("ed25519", sha);
	md5_of("ed25519", md5);
	k = load(puts_file("ak", text), SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), 3);
	/* The good line wins over an earlier one with a problem. */
	l = sw_keys_find(k, NULL, sha);
	cr_assert_not_null(l);
	cr_assert_eq(l->lineno, 3);
	cr_assert_eq(sw_keys_find(k, NULL, md5), l);
	cr_assert_eq(sw_keys_find(k, NULL, md5 + 4), l);
	snprintf(s, sizeof(s), "%s=", sha);
	cr_assert_eq(sw_keys_find(k, NULL, s), l);
	snprintf(s, sizeof(s), "%s", md5 + 4);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= 'a' && s[i] <= 'f')
			s[i] = (char)(s[i] - 'a' + 'A');
	cr_assert_eq(sw_keys_find(k, NULL, s), l);
	cr_assert_null(sw_keys_find(k, NULL, ""));
	cr_assert_null(sw_keys_find(k, NULL, "SHA256:"));
	cr_assert_null(sw_keys_find(k, NULL, "SHA1:abc"));
	cr_assert_null(sw_keys_find(k, NULL, "MD5:zz"));
	snprintf(s, sizeof(s), "%s ", sha);
	cr_assert_null(sw_keys_find(k, NULL, s));
	snprintf(s, sizeof(s), "%.40s", sha);
	cr_assert_null(sw_keys_find(k, NULL, s));
	sw_keys_free(k);
	free(text);

	/* Only a line with a problem has it: that line is the answer. */
	text = expand("no-ptyy {ed25519}\n");
	k = load(puts_file("ak", text), SW_OK, NULL);
	l = sw_keys_find(k, "anyone", sha);
	cr_assert_not_null(l);
	cr_assert_eq(l->problem, SW_KEY_BAD_OPTIONS);
	sw_keys_free(k);
	free(text);
}

/* Bad arguments and unreadable input. */

Test(keys, errors)
{
	struct sw_diag *d;
	struct sw_keys *k;
	char spec[PATH_MAX];
	const char *path;

	snprintf(spec, sizeof(spec), "%s/missing", tdir);
	k = load(spec, SW_ERR_IO, &d);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_ERROR), 1);
	cr_assert_not_null(strstr(sw_diag_last(d), "missing"));
	cr_assert_eq(sw_keys_count(k), 0);
	sw_keys_free(k);
	sw_diag_free(d);

	path = puts_file("ak", "x\n");
	snprintf(spec, sizeof(spec), "=%s", path);
	sw_keys_free(load(spec, SW_ERR_USAGE, NULL));
	sw_keys_free(load("alice=", SW_ERR_USAGE, NULL));
	sw_keys_free(load("", SW_ERR_USAGE, NULL));

	/* A file named "a=b" is a path when "b" does not exist. */
	puts_file("a=b", "x\n");
	cr_assert_eq(chdir(tdir), 0);
	k = load("a=b", SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), 1);
	cr_assert_null(sw_keys_get(k, 0)->user);
	sw_keys_free(k);
	puts_file("b", "y\n");
	k = load("a=b", SW_OK, NULL);
	cr_assert_str_eq(sw_keys_get(k, 0)->user, "a");
	cr_assert_str_eq(sw_keys_get(k, 0)->path, "b");
	sw_keys_free(k);

	/* Unreadable (not as root): reported, the rest still read. */
	if (geteuid() != 0) {
		puts_file("dir/good", "x\n");
		path = puts_file("dir/bad", "x\n");
		chmod(path, 0);
		snprintf(spec, sizeof(spec), "%s/dir", tdir);
		k = load(spec, SW_ERR_IO, &d);
		cr_assert_eq(sw_keys_count(k), 1);
		cr_assert_not_null(strstr(sw_diag_last(d), "bad"));
		sw_keys_free(k);
		sw_diag_free(d);
	}
	sw_keys_free(NULL);
}

/* Ceilings: lines per file, line length, lines kept. */

Test(keys, ceiling_lines_per_file)
{
	char *ed = fixture("ed25519.pub");
	size_t n = strlen(ed) + 1, i;
	char *text = malloc(n * (SW_KEYS_MAX_LINES + 5) + 1);
	struct sw_diag *d;
	struct sw_keys *k;

	for (i = 0; i < SW_KEYS_MAX_LINES + 5; i++) {
		memcpy(text + i * n, ed, n - 1);
		text[i * n + n - 1] = '\n';
	}
	k = load(put("ak", text, n * (SW_KEYS_MAX_LINES + 5)), SW_ERR_LIMIT,
	    &d);
	cr_assert_eq(sw_keys_count(k), SW_KEYS_MAX_LINES);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	cr_assert_not_null(strstr(sw_diag_last(d), "10000 lines"));
	sw_keys_free(k);
	sw_diag_free(d);

	/* Exactly at the ceiling: all read, no complaint. */
	k = load(put("ak", text, n * SW_KEYS_MAX_LINES), SW_OK, NULL);
	cr_assert_eq(sw_keys_count(k), SW_KEYS_MAX_LINES);
	sw_keys_free(k);
	free(text);
	free(ed);
}

Test(keys, ceiling_line_length)
{
	char *ed = fixture("ed25519.pub"), *rsa = fixture("rsa3072.pub");
	size_t big = SW_KEYS_MAX_LINE + 10, n = 0;
	char *text = malloc(big + 2 * SW_KEYS_MAX_LINE);
	const struct sw_key_line *l;
	struct sw_diag *d;
	struct sw_keys *k;

	n += (size_t)snprintf(text + n, 4096, "%s\n", ed);
	memset(text + n, 'A', big);
	n += big;
	text[n++] = '\n';
	/* Just under the ceiling: a key with a long comment is read. */
	n += (size_t)snprintf(text + n, 4096, "%s ", rsa);
	memset(text + n, 'c', SW_KEYS_MAX_LINE - strlen(rsa) - 1);
	n += SW_KEYS_MAX_LINE - strlen(rsa) - 1;
	text[n++] = '\n';
	k = load(put("ak", text, n), SW_ERR_LIMIT, &d);
	cr_assert_eq(sw_keys_count(k), 2);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	cr_assert_not_null(strstr(sw_diag_last(d), ":2:"));
	l = sw_keys_get(k, 1);
	cr_assert_eq(l->lineno, 3);
	cr_assert_eq(l->problem, SW_KEY_OK);
	cr_assert_eq(l->bits, 3072);
	sw_keys_free(k);
	sw_diag_free(d);
	free(text);
	free(ed);
	free(rsa);
}

Test(keys, ceiling_lines_kept)
{
	char *ed = fixture("ed25519.pub"), sha[SW_KEY_FP_SIZE];
	size_t n = strlen(ed) + 1, i, per = SW_KEYS_MAX_LINES;
	size_t files = SW_KEYS_MAX_KEYS / per;
	char *text = malloc(n * per);
	const char *path;
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_keys *k = sw_keys_new();

	for (i = 0; i < per; i++) {
		memcpy(text + i * n, ed, n - 1);
		text[i * n + n - 1] = '\n';
	}
	path = put("ak", text, n * per);
	for (i = 0; i < files; i++)
		cr_assert_eq(sw_keys_load(k, path, d), SW_OK);
	cr_assert_eq(sw_keys_count(k), SW_KEYS_MAX_KEYS);
	cr_assert_eq(sw_keys_load(k, path, d), SW_ERR_LIMIT);
	cr_assert_eq(sw_keys_count(k), SW_KEYS_MAX_KEYS);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	/* Lookups stay quick and find the first line. */
	sha_of("ed25519", sha);
	for (i = 0; i < 100000; i++)
		cr_assert_eq(sw_keys_find(k, NULL, sha), sw_keys_get(k, 0));
	cr_assert_null(sw_keys_find(k, NULL,
	    "SHA256:95D1iI6r+Sm4LK4o/vI7Ee+qKpZJL+ORaS5GhDutjBo"));
	sw_keys_free(k);
	sw_diag_free(d);
	free(text);
	free(ed);
}

/*
 * Ground truth: what OpenSSH 9.2 sshd did with each file (sshd-verdicts.tsv,
 * made by sshd-check.py against a real sshd). A key works exactly when its
 * line is found with no problem and no cert-authority, and every refusal
 * has a line whose problem (or CA flag) explains it.
 */
Test(keys, agrees_with_real_sshd)
{
	char *tsv = fixture("sshd-verdicts.tsv"), *line, *save = NULL;
	char *name, *acc, *fp, *hex;
	const struct sw_key_line *l;
	struct sw_keys *k;
	unsigned char *bytes;
	size_t n, i, ncases = 0;
	int usable, explained;
	unsigned x;

	for (line = strtok_r(tsv, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		name = line;
		acc = strchr(name, '\t');
		cr_assert_not_null(acc);
		*acc++ = '\0';
		fp = strchr(acc, '\t');
		cr_assert_not_null(fp);
		*fp++ = '\0';
		hex = strchr(fp, '\t');
		cr_assert_not_null(hex);
		*hex++ = '\0';
		n = strlen(hex) / 2;
		bytes = malloc(n + 1);
		for (i = 0; i < n; i++) {
			char two[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

			x = (unsigned)strtoul(two, NULL, 16);
			bytes[i] = (unsigned char)x;
		}
		k = load(put("ak", bytes, n), SW_OK, NULL);
		l = sw_keys_find(k, "root", fp);
		usable = l != NULL && l->problem == SW_KEY_OK &&
		    !l->cert_authority;
		cr_expect_eq(usable, acc[0] == '1', "%s: sshd %s, s5_keys %s "
		    "(%s: %s)", name, acc[0] == '1' ? "accepted" : "refused",
		    usable ? "usable" : "not usable", l ? sw_key_problem_id(
		    l->problem) : "not found", l ? l->detail : "");
		explained = acc[0] == '1';
		for (i = 0; i < sw_keys_count(k); i++)
			if (sw_keys_get(k, i)->problem != SW_KEY_OK ||
			    sw_keys_get(k, i)->cert_authority)
				explained = 1;
		cr_expect(explained, "%s: refused, and no line says why", name);
		sw_keys_free(k);
		free(bytes);
		ncases++;
	}
	cr_assert_geq(ncases, 40);
	free(tsv);
}

Test(keys, problem_texts)
{
	int p, q;

	cr_assert_str_eq(sw_key_problem_text(SW_KEY_OK), "");
	for (p = 1; p < SW_KEY_PROBLEM_COUNT; p++) {
		cr_assert_gt(strlen(sw_key_problem_text(p)), 40, "%d", p);
		for (q = 0; q < p; q++)
			cr_assert_str_neq(sw_key_problem_id(p),
			    sw_key_problem_id(q));
	}
	cr_assert_str_eq(sw_key_problem_id(SW_KEY_PROBLEM_COUNT), "unknown");
}
