/*
 * test_s1_journal.c: stage 1, journal sources and tar bundles. Exports and
 * JSON are built here field by field (tables of cases, with the damage
 * issue 5 names); native journals, exports and the bundle come from
 * samples/journal, made by a real systemd-journald (see its README), and
 * must give the same lines whatever form they are read in.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <zstd.h>

#include "s1_input.h"
#include "s1_journal.h"
#include "test_util.h"

#define SAMPLES SW_TEST_SOURCE_DIR "/samples/journal"
#define B(s) s, sizeof(s) - 1

static char tdir[PATH_MAX];

static void
setup(void)
{
	snprintf(tdir, sizeof(tdir), "%s", "/tmp/sw_journal_XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	/* Temporary copies go here too, so a leak shows as a leftover. */
	setenv("TMPDIR", tdir, 1);
}

static void
teardown(void)
{
	rm_tree(tdir);
}

TestSuite(journal, .init = setup, .fini = teardown);

static const char *
tp(const char *name)
{
	static char buf[8][PATH_MAX];
	static unsigned i;
	char *p = buf[i++ % 8];
	int n = snprintf(p, PATH_MAX, "%s/%s", tdir, name);

	cr_assert(n > 0 && n < PATH_MAX, "temporary path too long");
	return p;
}

static const char *
write_file(const char *name, const void *p, size_t n)
{
	const char *path = tp(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	if (n > 0)
		cr_assert_eq(fwrite(p, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path;
}

struct blob {
	char *p;
	size_t len, cap;
};

static void
blob_add(struct blob *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
blob_adds(struct blob *b, const char *s)
{
	blob_add(b, s, strlen(s));
}

/* A binary export field: NAME \n le64 length, data \n. */
static void
blob_binfield(struct blob *b, const char *name, const void *p, size_t n)
{
	unsigned char le[8];
	uint64_t v = n;
	int i;

	blob_adds(b, name);
	blob_add(b, "\n", 1);
	for (i = 0; i < 8; i++, v >>= 8)
		le[i] = (unsigned char)(v & 0xff);
	blob_add(b, le, 8);
	blob_add(b, p, n);
	blob_add(b, "\n", 1);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct blob b = { NULL, 0, 0 };
	char buf[65536];
	size_t n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		blob_add(&b, buf, n);
	fclose(f);
	*len = b.len;
	return b.p;
}

/* Every line of a run, and the plan's names at the end. */
struct out {
	char **text;
	char **origin;
	uint64_t *lineno;
	char **cursor;
	int64_t *mtime, *set_mtime;
	size_t n;
	unsigned nsrc;
};

static void
run(const char *const *paths, size_t np, struct sw_diag *d, struct out *o)
{
	struct sw_input *in = sw_input_new(paths, np, NULL, d);
	struct sw_line l;
	size_t cap = 0;

	memset(o, 0, sizeof(*o));
	while (sw_input_next(in, &l) == SW_OK) {
		if (o->n == cap) {
			cap = cap ? cap * 2 : 64;
			o->text = realloc(o->text, cap * sizeof(char *));
			o->origin = realloc(o->origin, cap * sizeof(char *));
			o->cursor = realloc(o->cursor, cap * sizeof(char *));
			o->lineno = realloc(o->lineno, cap * sizeof(uint64_t));
			o->mtime = realloc(o->mtime, cap * sizeof(int64_t));
			o->set_mtime = realloc(o->set_mtime,
			    cap * sizeof(int64_t));
		}
		o->text[o->n] = strndup(l.text.p, l.text.len);
		o->origin[o->n] = strdup(l.origin);
		o->cursor[o->n] = strndup(l.cursor.p, l.cursor.len);
		o->lineno[o->n] = l.lineno;
		o->mtime[o->n] = l.mtime;
		o->set_mtime[o->n] = l.set_mtime;
		o->n++;
	}
	cr_assert_eq(sw_input_next(in, &l), SW_EOF);
	o->nsrc = sw_input_nsources(in);
	sw_input_free(in);
}

static void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->text[i]);
		free(o->origin[i]);
		free(o->cursor[i]);
	}
	free(o->text);
	free(o->origin);
	free(o->cursor);
	free(o->lineno);
	free(o->mtime);
	free(o->set_mtime);
}

static unsigned long
ndiag(const struct sw_diag *d)
{
	return sw_diag_count(d, SW_DIAG_WARNING) +
	    sw_diag_count(d, SW_DIAG_SKIPPED) + sw_diag_count(d, SW_DIAG_ERROR);
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* Nothing is left in TMPDIR once the input is freed. */
static void
assert_tmp_clean(void)
{
	DIR *dp = opendir(tdir);
	struct dirent *de;

	cr_assert_not_null(dp);
	while ((de = readdir(dp)) != NULL)
		cr_assert(strncmp(de->d_name, "sshwhy.", 7) != 0,
		    "left behind: %s", de->d_name);
	closedir(dp);
}

/* Journal export: a table of entries. */

#define E_HEAD "__CURSOR=s=1;i=%d\n__REALTIME_TIMESTAMP=1795572005197473\n"

struct export_case {
	const char *name;
	void (*build)(struct blob *b);
	const char *want[4];	/* lines, NULL-terminated */
	uint64_t want_entry[4];
	const char *want_diag;	/* NULL: no diagnostic */
	int partial;
};

static void
ex_head(struct blob *b, int i)
{
	char h[128];

	snprintf(h, sizeof(h), E_HEAD, i);
	blob_adds(b, h);
}

static void
ex_text(struct blob *b)
{
	ex_head(b, 1);
	blob_adds(b, "_HOSTNAME=lab\nSYSLOG_IDENTIFIER=sshd\n_PID=150\n"
	    "MESSAGE=Failed password for root from 10.0.0.1 port 22 ssh2\n"
	    "MESSAGE=second value\n\n");
	ex_head(b, 2);
	blob_adds(b, "_HOSTNAME=lab\nSYSLOG_IDENTIFIER=cron\n_PID=9\n"
	    "MESSAGE=not sshd\n\n");
	ex_head(b, 3);
	/* No SYSLOG_IDENTIFIER: _COMM; SYSLOG_PID when no _PID. */
	blob_adds(b, "_COMM=sshd-session\nSYSLOG_PID=77\n_HOSTNAME=h2\n"
	    "MESSAGE=Accepted key\n");
}

static void
ex_binary(struct blob *b)
{
	static const char msg[] = "line one\nline two\r\x01 end";

	ex_head(b, 1);
	blob_binfield(b, "_HOSTNAME", "ho st[1]:\n", 10);
	blob_binfield(b, "SYSLOG_IDENTIFIER", "sshd", 4);
	blob_adds(b, "_PID=5\n");
	blob_binfield(b, "MESSAGE", msg, sizeof(msg) - 1);
	blob_adds(b, "\n");
	ex_head(b, 2);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n");
	blob_binfield(b, "MESSAGE", "bin\0ary", 7);
	blob_adds(b, "\n");
}

static void
ex_cut_binary(struct blob *b)
{
	ex_text(b);
	blob_adds(b, "\n");
	ex_head(b, 4);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=1\nMESSAGE\n");
	blob_add(b, "\x40\0\0\0\0\0\0\0", 8);
	blob_adds(b, "only part of the 64 bytes");
}

static void
ex_cut_text(struct blob *b)
{
	ex_head(b, 1);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=1\nMESSAGE=whole\n\n");
	ex_head(b, 2);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=2\nMESSAGE=cut he");
}

static void
ex_malformed(struct blob *b)
{
	ex_head(b, 1);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\nthis is not a field\n"
	    "MESSAGE=lost\n\n");
	ex_head(b, 2);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=2\nMESSAGE=kept\n\n");
}

static void
ex_huge_field(struct blob *b)
{
	char *big = malloc(70000);

	memset(big, 'x', 70000);
	ex_head(b, 1);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=3\n");
	blob_binfield(b, "MESSAGE", big, 70000);
	blob_adds(b, "MESSAGE=the short one\n\n");
	free(big);
}

static void
ex_many_fields(struct blob *b)
{
	int i;

	ex_head(b, 1);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\nMESSAGE=too wide\n");
	for (i = 0; i < 300; i++) {
		char f[32];
		snprintf(f, sizeof(f), "F%d=v\n", i);
		blob_adds(b, f);
	}
	blob_adds(b, "\n");
	ex_head(b, 2);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=2\nMESSAGE=next\n\n");
}

static void
ex_no_time(struct blob *b)
{
	blob_adds(b, "__CURSOR=c\nSYSLOG_IDENTIFIER=sshd\nMESSAGE=when?\n\n");
	ex_head(b, 2);
	blob_adds(b, "SYSLOG_IDENTIFIER=sshd\n_PID=x1\nMESSAGE=no pid\n\n");
}

#define T0 "2026-11-25T02:00:05.197473+00:00 "

static const struct export_case export_cases[] = {
	{ "text fields, repeated MESSAGE, _COMM, SYSLOG_PID", ex_text,
	    { T0 "lab sshd[150]: Failed password for root from 10.0.0.1 port "
	    "22 ssh2", T0 "h2 sshd-session[77]: Accepted key", NULL },
	    { 1, 3 }, NULL, 0 },
	{ "binary fields, newline and ident sanitised", ex_binary,
	    { NULL }, { 1, 2 }, NULL, 0 },
	{ "cut inside a binary field", ex_cut_binary,
	    { T0 "lab sshd[150]: Failed password for root from 10.0.0.1 port "
	    "22 ssh2", T0 "h2 sshd-session[77]: Accepted key", NULL },
	    { 1, 3 }, "input ended inside binary field MESSAGE (64 bytes) of "
	    "entry 4 at byte ", 1 },
	{ "cut inside a text field", ex_cut_text,
	    { T0 "- sshd[1]: whole", NULL }, { 1 },
	    "input ended inside field MESSAGE of entry 2", 1 },
	{ "malformed field", ex_malformed, { T0 "- sshd[2]: kept", NULL },
	    { 2 }, "malformed journal export field in entry 1 at byte 78", 1 },
	{ "field over 64 KiB", ex_huge_field,
	    { T0 "- sshd[3]: the short one", NULL }, { 1 },
	    "MESSAGE of entry 1 is 70000 bytes, over 64 KiB", 0 },
	{ "entry over 256 fields", ex_many_fields, { T0 "- sshd[2]: next",
	    NULL }, { 2 }, "entry 1 has more than 256 fields", 1 },
	{ "no time, bad pid", ex_no_time, { T0 "- sshd: no pid", NULL },
	    { 2 }, NULL, 1 },
};

Test(journal, export_table)
{
	size_t c, i;

	for (c = 0; c < sizeof(export_cases) / sizeof(*export_cases); c++) {
		const struct export_case *k = &export_cases[c];
		struct blob b = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		const char *path;
		struct out o;

		k->build(&b);
		path = write_file("x.export", b.p, b.len);
		run(&path, 1, d, &o);
		for (i = 0; k->want_entry[i] != 0; i++) {
			cr_assert_gt(o.n, i, "%s: %zu lines", k->name, o.n);
			cr_assert_eq(o.lineno[i], k->want_entry[i], "%s: line %zu "
			    "is entry %llu", k->name, i,
			    (unsigned long long)o.lineno[i]);
			if (k->want[0] != NULL)
				cr_assert_str_eq(o.text[i], k->want[i], "%s",
				    k->name);
		}
		cr_assert_eq(o.n, i, "%s: %zu lines", k->name, o.n);
		if (k->want_diag != NULL) {
			cr_assert(has(sw_diag_last(d), k->want_diag),
			    "%s: %s", k->name, sw_diag_last(d));
			cr_assert(has(sw_diag_last(d), path), "%s", k->name);
		}
		cr_assert_eq(sw_diag_partial(d), k->partial, "%s: %s", k->name,
		    sw_diag_last(d));
		if (k->want_diag == NULL && !k->partial)
			cr_assert_eq(ndiag(d), 0, "%s: %s", k->name,
			    sw_diag_last(d));
		out_free(&o);
		free(b.p);
		sw_diag_free(d);
	}
}

Test(journal, export_binary_message_escaped)
{
	struct blob b = { NULL, 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *path;
	struct out o;

	ex_binary(&b);
	path = write_file("b.export", b.p, b.len);
	run(&path, 1, d, &o);
	cr_assert_eq(o.n, 2);
	cr_assert_str_eq(o.text[0], T0 "ho_st_1___ sshd[5]: line one\\nline "
	    "two\\r\x01 end");
	cr_assert_str_eq(o.cursor[0], "s=1;i=1");
	/* An embedded NUL stays: the line is a span. */
	cr_assert_eq(strlen(o.text[1]), strlen(T0 "- sshd: bin"));
	out_free(&o);
	free(b.p);
	sw_diag_free(d);
}

/* The export parser on its own, through struct sw_bytes, a byte at a time. */
struct one_byte {
	const char *p;
	size_t n, pos;
};

static size_t
ob_peek(void *ctx, const char **p)
{
	struct one_byte *o = ctx;

	*p = o->p + o->pos;
	return o->pos < o->n ? 1 : 0;
}

static void
ob_consume(void *ctx, size_t n)
{
	((struct one_byte *)ctx)->pos += n;
}

Test(journal, export_parser_byte_at_a_time)
{
	struct blob b = { NULL, 0, 0 };
	struct one_byte ob;
	struct sw_bytes in = { &ob, ob_peek, ob_consume };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_jexport *x = sw_jexport_new("mem", d);
	struct sw_jentry e;
	uint64_t no, seen[8];
	size_t n = 0;

	ex_binary(&b);
	ex_text(&b);
	ob.p = b.p;
	ob.n = b.len;
	ob.pos = 0;
	sw_jentry_init(&e);
	while (sw_jexport_next(x, &in, &e, &no) == SW_OK && n < 8)
		seen[n++] = no;
	/* Every entry comes back, sshd or not: filtering is the caller's. */
	cr_assert_eq(n, 5);
	cr_assert_eq(seen[0], 1);
	cr_assert_eq(seen[4], 5);
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));
	sw_jentry_free(&e);
	sw_jexport_free(x);
	sw_diag_free(d);
	free(b.p);
}

/* JSON: one object per line, with the types journalctl writes and others. */

struct json_case {
	const char *name;
	const char *line;
	const char *want;	/* NULL: no line */
	const char *want_diag;	/* NULL: none */
};

#define J_HEAD "{\"__CURSOR\":\"c1\",\"__REALTIME_TIMESTAMP\":\"1795572005197473\"," \
	"\"_HOSTNAME\":\"lab\","

static const struct json_case json_cases[] = {
	{ "strings", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"150\","
	    "\"MESSAGE\":\"Invalid user x from 10.1.1.1 port 4\"}",
	    T0 "lab sshd[150]: Invalid user x from 10.1.1.1 port 4", NULL },
	{ "byte array MESSAGE", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\","
	    "\"_PID\":\"1\",\"MESSAGE\":[104,105,10,0,255]}",
	    T0 "lab sshd[1]: hi\\n", NULL },
	{ "several values: the first", J_HEAD "\"SYSLOG_IDENTIFIER\":"
	    "[\"sshd\",\"other\"],\"_PID\":\"2\",\"MESSAGE\":[\"one\",[116,119,"
	    "111]]}", T0 "lab sshd[2]: one", NULL },
	{ "json-seq record separator", "\x1e" J_HEAD "\"_COMM\":\"sshd-auth\","
	    "\"SYSLOG_PID\":\"3\",\"MESSAGE\":\"rs\"}",
	    T0 "lab sshd-auth[3]: rs", NULL },
	{ "other program", J_HEAD "\"SYSLOG_IDENTIFIER\":\"cron\",\"MESSAGE\":"
	    "\"x\"}", NULL, NULL },
	{ "number MESSAGE", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":"
	    "42}", NULL, "entry 2: MESSAGE is a number, not a string or byte "
	    "array" },
	{ "object _PID", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":{"
	    "\"a\":1},\"MESSAGE\":\"m\"}", NULL, "_PID is an object" },
	{ "bad byte value", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":"
	    "[1,300]}", NULL, "array of other than byte values" },
	{ "missing MESSAGE", J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\"}", NULL,
	    "journal entry 2: no MESSAGE; skipped" },
	{ "missing time", "{\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":\"m\"}",
	    NULL, "no __REALTIME_TIMESTAMP" },
	{ "not an object", "[\"sshd\"]", NULL, "not a JSON object" },
	{ "not JSON", "{\"sshd\": nope", NULL, "not JSON" },
};

Test(journal, json_table)
{
	size_t c;

	for (c = 0; c < sizeof(json_cases) / sizeof(*json_cases); c++) {
		const struct json_case *k = &json_cases[c];
		struct blob b = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		const char *path;
		struct out o;

		/* Line 1 another program's, line 2 the case, line 3 sshd. */
		blob_adds(&b, J_HEAD "\"SYSLOG_IDENTIFIER\":\"cron\"}\n");
		blob_adds(&b, k->line);
		blob_adds(&b, "\n" J_HEAD "\"SYSLOG_IDENTIFIER\":\"sshd\","
		    "\"MESSAGE\":\"after\"}\n");
		path = write_file("x.json", b.p, b.len);
		run(&path, 1, d, &o);
		cr_assert_eq(o.n, k->want != NULL ? 2u : 1u, "%s: %zu lines",
		    k->name, o.n);
		if (k->want != NULL) {
			cr_assert_str_eq(o.text[0], k->want, "%s", k->name);
			cr_assert_eq(o.lineno[0], 2);
		}
		cr_assert_str_eq(o.text[o.n - 1], T0 "lab sshd: after", "%s",
		    k->name);
		cr_assert_eq(o.lineno[o.n - 1], 3, "%s", k->name);
		if (k->want_diag != NULL) {
			cr_assert(has(sw_diag_last(d), k->want_diag), "%s: %s",
			    k->name, sw_diag_last(d));
			cr_assert(has(sw_diag_last(d), "x.json:2:"), "%s: %s",
			    k->name, sw_diag_last(d));
			cr_assert(sw_diag_partial(d), "%s", k->name);
		} else
			cr_assert_eq(ndiag(d), 0, "%s: %s", k->name,
			    sw_diag_last(d));
		out_free(&o);
		free(b.p);
		sw_diag_free(d);
	}
}

/* The real samples: every form gives the same lines. */

static size_t
count_sshd_short_iso(void)
{
	size_t len, n = 0;
	char *s = read_file(SAMPLES "/short-iso.log", &len), *p = s;

	while ((p = strstr(p, " lab sshd[")) != NULL) {
		n++;
		p++;
	}
	free(s);
	return n;
}

static void
check_same_lines(const struct out *a, const struct out *b, const char *what)
{
	size_t i;

	cr_assert_eq(a->n, b->n, "%s: %zu vs %zu lines", what, a->n, b->n);
	for (i = 0; i < a->n; i++) {
		cr_assert_str_eq(a->text[i], b->text[i], "%s: line %zu", what,
		    i);
		cr_assert_eq(a->lineno[i], b->lineno[i], "%s: entry of line "
		    "%zu", what, i);
	}
}

static char *
sample_journal_dir(void)
{
	DIR *dp = opendir(SAMPLES "/dir");
	struct dirent *de;
	char *p = NULL;

	cr_assert_not_null(dp);
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			p = strdup(de->d_name);
	closedir(dp);
	cr_assert_not_null(p);
	return p;
}

Test(journal, samples_every_form_same_lines)
{
	const char *exp = SAMPLES "/export.zst", *json = SAMPLES "/json.log",
	    *seq = SAMPLES "/json-seq.log";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct out ox, oj, os;
	size_t i, want = count_sshd_short_iso();

	run(&exp, 1, d, &ox);
	run(&json, 1, d, &oj);
	run(&seq, 1, d, &os);
	cr_assert_eq(ox.n, want, "export: %zu sshd lines, short-iso %zu",
	    ox.n, want);
	check_same_lines(&ox, &oj, "json");
	check_same_lines(&ox, &os, "json-seq");
	for (i = 0; i < ox.n; i++) {
		cr_assert(strncmp(ox.text[i], "2026-", 5) == 0);
		cr_assert(has(ox.text[i], " lab sshd["), "%s", ox.text[i]);
		cr_assert(strncmp(ox.cursor[i], "s=", 2) == 0);
		cr_assert_str_eq(ox.cursor[i], oj.cursor[i]);
	}
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));
	out_free(&ox);
	out_free(&oj);
	out_free(&os);
	sw_diag_free(d);
}

Test(journal, native_directory_and_files)
{
	const char *exp = SAMPLES "/export.zst", *dir = SAMPLES "/dir";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	char *mid = sample_journal_dir(), sub[PATH_MAX];
	struct out ox, od, om;
	const char *paths[1];

	if (!sw_jnative_available()) {
		struct out o;

		run(&dir, 1, d, &o);
		cr_assert_eq(o.n, 0);
		cr_assert(has(sw_diag_last(d), "native journal file: this build "
		    "has no libsystemd support; use journalctl -o export"));
		cr_assert(sw_diag_partial(d));
		out_free(&o);
		free(mid);
		sw_diag_free(d);
		return;
	}
	run(&exp, 1, d, &ox);
	run(&dir, 1, d, &od);
	/* The copied /var/log/journal and its machine-id directory alike. */
	snprintf(sub, sizeof(sub), "%s/%s", dir, mid);
	paths[0] = sub;
	run(paths, 1, d, &om);
	check_same_lines(&ox, &od, "journal directory");
	check_same_lines(&ox, &om, "machine-id directory");
	cr_assert_str_eq(od.cursor[0], ox.cursor[0]);
	cr_assert_str_eq(od.origin[0], dir);
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));
	out_free(&ox);
	out_free(&od);
	out_free(&om);
	free(mid);
	sw_diag_free(d);
}

/* The first journal file of the sample (the archived file of round 1). */
static char *
sample_journal_file(void)
{
	char *mid = sample_journal_dir(), d[PATH_MAX], *best = NULL;
	struct dirent *de;
	DIR *dp;

	snprintf(d, sizeof(d), SAMPLES "/dir/%s", mid);
	cr_assert_not_null(dp = opendir(d));
	while ((de = readdir(dp)) != NULL) {
		if (strstr(de->d_name, ".journal") == NULL)
			continue;
		if (best == NULL || strcmp(de->d_name, best) < 0) {
			free(best);
			best = strdup(de->d_name);
		}
	}
	closedir(dp);
	snprintf(d, sizeof(d), SAMPLES "/dir/%s/%s", mid, best);
	free(mid);
	free(best);
	return strdup(d);
}

Test(journal, native_file_compressed_and_cut)
{
	char *jf = sample_journal_file();
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct out o1, oz, oc, og;
	size_t len, zlen;
	char *raw = read_file(jf, &len), *z;
	const char *p;

	if (!sw_jnative_available()) {
		free(raw);
		free(jf);
		sw_diag_free(d);
		cr_skip_test("built without libsystemd");
	}
	p = jf;
	run(&p, 1, d, &o1);
	cr_assert_gt(o1.n, 10);
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));

	/* zstd-compressed: decoded into a temporary file first. */
	z = malloc(ZSTD_compressBound(len));
	zlen = ZSTD_compress(z, ZSTD_compressBound(len), raw, len, 3);
	p = write_file("system.journal.zst", z, zlen);
	run(&p, 1, d, &oz);
	check_same_lines(&o1, &oz, "zstd journal file");
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));

	/* Cut at 90%: sd-journal refuses it; the entries before are read. */
	p = write_file("cut.journal", raw, len * 9 / 10);
	run(&p, 1, d, &oc);
	cr_assert_gt(oc.n, 0);
	cr_assert_lt(oc.n, o1.n);
	cr_assert_str_eq(oc.text[0], o1.text[0]);
	cr_assert(sw_diag_partial(d));
	cr_assert(has(sw_diag_last(d), "cut.journal"), "%s", sw_diag_last(d));
	cr_assert(has(sw_diag_last(d), "journal file cut at byte") ||
	    has(sw_diag_last(d), "corrupt journal"), "%s", sw_diag_last(d));

	/* Garbage over the tail: what sd-journal can reach is read. */
	sw_diag_free(d);
	d = sw_diag_new(NULL, 0);
	memset(raw + len * 7 / 10, 0x5a, len - len * 7 / 10);
	p = write_file("garbage.journal", raw, len);
	run(&p, 1, d, &og);
	cr_assert_lt(og.n, o1.n);
	cr_assert(sw_diag_partial(d));
	cr_assert(has(sw_diag_last(d), "garbage.journal"), "%s",
	    sw_diag_last(d));
	cr_assert(has(sw_diag_last(d), "entries"), "%s", sw_diag_last(d));
	out_free(&o1);
	out_free(&oz);
	out_free(&oc);
	out_free(&og);
	free(z);
	free(raw);
	free(jf);
	sw_diag_free(d);
	assert_tmp_clean();
}

/* Tar bundles. */

struct tmember {
	const char *name;
	const void *p;
	size_t n;
	int64_t mtime;
};

static void
write_tar(const char *path, int filter, const struct tmember *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	archive_write_set_format_pax_restricted(a);
	if (filter == 'x')
		archive_write_add_filter_xz(a);
	else if (filter == 'z')
		archive_write_add_filter_gzip(a);
	cr_assert_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_size(e, (la_int64_t)m[i].n);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, m[i].mtime, 0);
		cr_assert_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (m[i].n > 0)
			cr_assert_eq(archive_write_data(a, m[i].p, m[i].n),
			    (la_ssize_t)m[i].n);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

Test(journal, bundle_sample_rotation_order_and_mtimes)
{
	const char *p = SAMPLES "/bundle.tar.gz", *a = SAMPLES "/auth.log";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct out ob, oa;
	size_t i;

	run(&p, 1, d, &ob);
	run(&a, 1, d, &oa);
	/* The rotated parts, oldest first, are the auth log again. */
	cr_assert_eq(ob.n, oa.n);
	for (i = 0; i < ob.n; i++)
		cr_assert_str_eq(ob.text[i], oa.text[i], "line %zu", i);
	cr_assert_str_eq(ob.origin[0], SAMPLES
	    "/bundle.tar.gz:var/log/auth.log.3.zst");
	cr_assert_str_eq(ob.origin[ob.n - 1], SAMPLES
	    "/bundle.tar.gz:var/log/auth.log");
	cr_assert_eq(ob.lineno[0], 1);
	/* mtime from the tar header; the set's newest anchors the year. */
	cr_assert_neq(ob.mtime[0], 0);
	cr_assert_leq(ob.mtime[0], ob.mtime[ob.n - 1]);
	cr_assert_eq(ob.set_mtime[0], ob.mtime[ob.n - 1]);
	cr_assert_eq(ob.set_mtime[ob.n - 1], ob.mtime[ob.n - 1]);
	cr_assert_eq(ob.nsrc, 5, "%u sources", ob.nsrc);
	cr_assert_eq(sw_diag_partial(d), 0, "%s", sw_diag_last(d));
	out_free(&ob);
	out_free(&oa);
	sw_diag_free(d);
	assert_tmp_clean();
}

Test(journal, tar_garbage_member_and_journal_member)
{
	static const char garbage[] = "\x1f\x8b\x08\x00garbage, not gzip at all";
	char *jf = sample_journal_file();
	size_t jlen;
	char *j = read_file(jf, &jlen);
	struct tmember m[] = {
		{ "./logs/auth.log", B("Nov 25 10:00:00 h sshd[1]: last\n"),
		    1700000300 },
		{ "./logs/auth.log.1.gz", garbage, sizeof(garbage) - 1,
		    1700000200 },
		{ "./logs/auth.log.2", B("Nov 25 09:00:00 h sshd[1]: first\n"),
		    1700000100 },
		{ "./logs/notes.txt", B("not read\n"), 1 },
		{ "./journal/system.journal", j, jlen, 1700000000 },
	};
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *p = tp("bundle.tar.xz");
	struct out o;
	size_t i, nj = 0;

	write_tar(p, 'x', m, sizeof(m) / sizeof(*m));
	run(&p, 1, d, &o);
	for (i = 0; i < o.n; i++)
		if (has(o.origin[i], ":journal/system.journal"))
			nj++;
	if (sw_jnative_available())
		cr_assert_gt(nj, 10);
	cr_assert_str_eq(o.text[nj], "Nov 25 09:00:00 h sshd[1]: first");
	cr_assert(has(o.origin[nj], "bundle.tar.xz:logs/auth.log.2"));
	cr_assert_str_eq(o.text[nj + 1], "Nov 25 10:00:00 h sshd[1]: last");
	cr_assert_eq(o.n, nj + 2);
	cr_assert_eq(o.set_mtime[nj], 1700000300);
	cr_assert(sw_diag_partial(d));
	/* The garbage member; without libsystemd, the journal member too. */
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED) +
	    sw_diag_count(d, SW_DIAG_ERROR), sw_jnative_available() ? 1 : 2);
	out_free(&o);
	free(j);
	free(jf);
	sw_diag_free(d);
	assert_tmp_clean();
}

Test(journal, tar_damaged_garbage_member_named)
{
	static const char garbage[] = "\x1f\x8b\x08\x00garbage, not gzip at all";
	struct tmember m[] = {
		{ "var/log/auth.log.1.gz", garbage, sizeof(garbage) - 1, 5 },
	};
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *p = tp("g.tar");
	struct out o;

	write_tar(p, 0, m, 1);
	run(&p, 1, d, &o);
	cr_assert_eq(o.n, 0);
	cr_assert(has(sw_diag_last(d), "g.tar:var/log/auth.log.1.gz: skipped: "
	    "corrupt gzip data at byte"), "%s", sw_diag_last(d));
	out_free(&o);
	sw_diag_free(d);
}

Test(journal, tar_cut_and_corrupt)
{
	struct tmember m[] = {
		{ "var/log/auth.log.1", B("Nov 25 09:00:00 h sshd[1]: one\n"),
		    5 },
		{ "var/log/auth.log", B("Nov 25 10:00:00 h sshd[1]: two\n"),
		    6 },
	};
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *p = tp("t.tar");
	size_t len;
	char *raw;
	struct out o;

	write_tar(p, 0, m, 2);
	raw = read_file(p, &len);
	/* Cut inside the second member's data (header 1024, data 1536). */
	p = write_file("cut.tar", raw, 1536 + 10);
	run(&p, 1, d, &o);
	cr_assert(sw_diag_partial(d));
	cr_assert(has(sw_diag_last(d), "cut.tar"), "%s", sw_diag_last(d));
	cr_assert(has(sw_diag_last(d), "var/log/auth.log"), "%s",
	    sw_diag_last(d));
	cr_assert_geq(o.n, 1);
	cr_assert_str_eq(o.text[0], "Nov 25 09:00:00 h sshd[1]: one");
	out_free(&o);
	sw_diag_free(d);

	/* A header made garbage: the members before it are still read. */
	d = sw_diag_new(NULL, 0);
	memset(raw + 1024, 'Z', 512);
	p = write_file("bad.tar", raw, len);
	run(&p, 1, d, &o);
	cr_assert_eq(o.n, 1);
	cr_assert(sw_diag_partial(d));
	cr_assert(has(sw_diag_last(d), "bad.tar: skipped: damaged tar header at "
	    "byte"),
	    "%s", sw_diag_last(d));
	out_free(&o);
	sw_diag_free(d);
	free(raw);
	assert_tmp_clean();
}

Test(journal, format_line_fields)
{
	struct sw_jentry e;
	struct sw_buf out;
	const char *why = NULL;

	sw_jentry_init(&e);
	sw_buf_init(&out, 0);
	sw_jentry_set(&e, SW_JF_REALTIME, B("0"));
	sw_jentry_set(&e, SW_JF_IDENT, B("sshd"));
	sw_jentry_set(&e, SW_JF_HOSTNAME, B("a b"));
	sw_jentry_set(&e, SW_JF_MESSAGE, B("m"));
	sw_jentry_set(&e, SW_JF_MESSAGE, B("ignored: first wins"));
	cr_assert_eq(sw_jentry_format(&e, &out, &why), SW_OK);
	cr_assert_str_eq(out.p, "1970-01-01T00:00:00.000000+00:00 a_b sshd: m");
	sw_jentry_reset(&e);
	sw_jentry_set(&e, SW_JF_REALTIME, B("253402300800000000"));
	sw_jentry_set(&e, SW_JF_MESSAGE, B("m"));
	cr_assert_eq(sw_jentry_format(&e, &out, &why), SW_ERR_PARSE);
	cr_assert_str_eq(why, "__REALTIME_TIMESTAMP is not a time");
	sw_jentry_free(&e);
	sw_buf_free(&out);
}
