/*
 * test_s1_input.c: stage 1. Lines come out of plain, gzip and zstd sources
 * the same way; damaged or oversized sources give what came before the
 * damage and a diagnostic naming them; directories and rotated sets come
 * out oldest first, each file once. Big or damaged inputs are generated
 * here; small real-tool outputs are in tests/data/input (see its README).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bzlib.h>
#include <criterion/criterion.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "s1_input.h"
#include "test_util.h"

#define DATA SW_TEST_DATA_DIR "/input"
#define B(s) s, sizeof(s) - 1

static char tdir[PATH_MAX];

static void
tdir_setup(void)
{
	snprintf(tdir, sizeof(tdir), "%s", "/tmp/sw_input_XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
tdir_teardown(void)
{
	if (tdir[0] != '\0')
		rm_tree(tdir);
}

TestSuite(input, .init = tdir_setup, .fini = tdir_teardown);

/* A path in the test's temporary directory; 16 live at a time. */
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
	unsigned char *p;
	size_t len, cap;
};

static void
blob_add(struct blob *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
blob_free(struct blob *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void
gz_compress(const void *p, size_t n, struct blob *out)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper, as gzip(1) writes. */
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, (uLong)n);
	out->p = realloc(out->p, out->len + bound);
	cr_assert_not_null(out->p);
	out->cap = out->len + bound;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out->p + out->len;
	z.avail_out = (uInt)bound;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len += bound - z.avail_out;
	deflateEnd(&z);
}

static void
zstd_compress_wlog(const void *p, size_t n, int wlog, struct blob *out)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(n), r;

	cr_assert_not_null(c);
	if (wlog > 0)
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, wlog);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	out->p = realloc(out->p, out->len + bound);
	cr_assert_not_null(out->p);
	out->cap = out->len + bound;
	r = ZSTD_compress2(c, out->p + out->len, bound, p, n);
	cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
	out->len += r;
	ZSTD_freeCCtx(c);
}

static void
zstd_compress(const void *p, size_t n, struct blob *out)
{
	zstd_compress_wlog(p, n, 0, out);
}

static void
xz_compress(const void *p, size_t n, struct blob *out)
{
	size_t bound = lzma_stream_buffer_bound(n), pos = out->len;

	out->p = realloc(out->p, out->len + bound);
	cr_assert_not_null(out->p);
	out->cap = out->len + bound;
	cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, p, n,
	    out->p, &pos, out->cap), LZMA_OK);
	out->len = pos;
}

static void
bz_compress(const void *p, size_t n, struct blob *out)
{
	unsigned dn = (unsigned)(n + n / 100 + 600);

	out->p = realloc(out->p, out->len + dn);
	cr_assert_not_null(out->p);
	out->cap = out->len + dn;
	cr_assert_eq(BZ2_bzBuffToBuffCompress((char *)out->p + out->len, &dn,
	    (char *)(uintptr_t)p, (unsigned)n, 1, 0, 0), BZ_OK);
	out->len += dn;
}

static void
lz4_compress(const void *p, size_t n, struct blob *out)
{
	size_t bound = LZ4F_compressFrameBound(n, NULL), r;

	out->p = realloc(out->p, out->len + bound);
	cr_assert_not_null(out->p);
	out->cap = out->len + bound;
	r = LZ4F_compressFrame(out->p + out->len, bound, p, n, NULL);
	cr_assert(!LZ4F_isError(r));
	out->len += r;
}

/* What sw_input_next() returned, copied. */
struct rline {
	char *text;
	size_t len;
	uint64_t lineno;
	int truncated;
	unsigned source;
	char *origin;
	int64_t mtime;
};

struct rlines {
	struct rline *v;
	size_t n, cap;
	char **names;		/* the plan's source names */
	unsigned nsrc;
};

/*
 * Messages about cut lines (issue 13, D14): the first cut line is named,
 * and a source with more than one says how many when it ends; both are
 * "skipped" (the rest of a cut line is not analysed).
 */
static unsigned long
cut_messages(const struct rlines *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].truncated != 0;
	return n == 0 ? 0 : n == 1 ? 1 : 2;
}

static void
read_all(const char *const *paths, size_t np, const struct sw_input_opts *o,
    struct sw_diag *d, struct rlines *r)
{
	struct sw_input *in = sw_input_new(paths, np, o, d);
	struct sw_line l;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->nsrc = sw_input_nsources(in);
	r->names = calloc(r->nsrc + 1, sizeof(*r->names));
	for (i = 0; i < r->nsrc; i++)
		r->names[i] = strdup(sw_input_source_name(in, i));
	cr_assert_null(sw_input_source_name(in, r->nsrc));
	while (sw_input_next(in, &l) == SW_OK) {
		struct rline *x;

		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->v = realloc(r->v, r->cap * sizeof(*r->v));
			cr_assert_not_null(r->v);
		}
		x = &r->v[r->n++];
		x->text = malloc(l.text.len + 1);
		memcpy(x->text, l.text.p, l.text.len);
		x->text[l.text.len] = '\0';
		x->len = l.text.len;
		x->lineno = l.lineno;
		x->truncated = l.truncated;
		x->source = l.source;
		x->origin = strdup(l.origin);
		x->mtime = l.mtime;
	}
	/* The end is sticky. */
	cr_assert_eq(sw_input_next(in, &l), SW_EOF);
	sw_input_free(in);
}

static void
rlines_free(struct rlines *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].text);
		free(r->v[i].origin);
	}
	for (i = 0; i < r->nsrc; i++)
		free(r->names[i]);
	free(r->names);
	free(r->v);
}

static struct sw_input_opts
opts(size_t max_line, uint64_t max_decompressed)
{
	struct sw_input_opts o;

	sw_input_opts_default(&o);
	if (max_line)
		o.max_line = max_line;
	if (max_decompressed)
		o.max_decompressed = max_decompressed;
	return o;
}

static int
line_is(const struct rline *l, const char *s)
{
	return l->len == strlen(s) && memcmp(l->text, s, l->len) == 0;
}

/* Line splitting, on plain files. */

struct want {
	const char *p;
	size_t len;
	int truncated;
};

struct split_case {
	const char *name;
	const char *data;
	size_t len;
	size_t max_line;
	size_t n;
	struct want want[4];
	unsigned long warnings;	/* messages about cut lines */
};

static const struct split_case split_cases[] = {
	{ "lines", B("a\nbb\n\nccc\n"), 0, 4,
	    { { B("a"), 0 }, { B("bb"), 0 }, { B(""), 0 }, { B("ccc"), 0 } },
	    0 },
	{ "crlf", B("a\r\nb\r\n"), 0, 2,
	    { { B("a"), 0 }, { B("b"), 0 } }, 0 },
	{ "one cr stripped", B("a\r\r\n"), 0, 1, { { B("a\r"), 0 } }, 0 },
	{ "inner cr kept", B("a\rb\n"), 0, 1, { { B("a\rb"), 0 } }, 0 },
	{ "no final newline", B("a\nb"), 0, 2,
	    { { B("a"), 0 }, { B("b"), 0 } }, 0 },
	{ "no final newline, cr", B("a\r\nb\r"), 0, 2,
	    { { B("a"), 0 }, { B("b"), 0 } }, 0 },
	{ "empty", B(""), 0, 0, { { NULL, 0, 0 } }, 0 },
	{ "only a newline", B("\n"), 0, 1, { { B(""), 0 } }, 0 },
	{ "nul kept", B("a\0b\nc\n"), 0, 2,
	    { { B("a\0b"), 0 }, { B("c"), 0 } }, 0 },
	{ "long lines cut: the first named, then the count",
	    B("0123456789abc\nshort\n0123456789\n"),
	    8, 3, { { B("01234567"), 1 }, { B("short"), 0 },
	    { B("01234567"), 1 } }, 2 },
	/* D6 (issue 13): NULs before a line (a crash) are dropped. */
	{ "nul run before a line", B("a\n\0\0\0b\n"), 0, 2,
	    { { B("a"), 0 }, { B("b"), 0 } }, 0 },
	{ "max_line then crlf", B("01234567\r\n"), 8, 1,
	    { { B("01234567"), 0 } }, 0 },
	{ "max_line + 1", B("012345678\n"), 8, 1, { { B("01234567"), 1 } },
	    1 },
	{ "long last line", B("x\n0123456789"), 8, 2,
	    { { B("x"), 0 }, { B("01234567"), 1 } }, 1 },
};

Test(input, split_table)
{
	size_t c, i;

	for (c = 0; c < sizeof(split_cases) / sizeof(*split_cases); c++) {
		const struct split_case *k = &split_cases[c];
		struct sw_diag *d = sw_diag_new(NULL, 0);
		struct sw_input_opts o = opts(k->max_line, 0);
		const char *path = write_file("case.log", k->data, k->len);
		struct rlines r;

		read_all(&path, 1, &o, d, &r);
		cr_assert_eq(r.n, k->n, "%s: %zu lines, want %zu", k->name,
		    r.n, k->n);
		for (i = 0; i < r.n; i++) {
			cr_assert_eq(r.v[i].len, k->want[i].len,
			    "%s: line %zu length %zu", k->name, i, r.v[i].len);
			cr_assert(memcmp(r.v[i].text, k->want[i].p,
			    r.v[i].len) == 0, "%s: line %zu", k->name, i);
			cr_assert_eq(r.v[i].truncated, k->want[i].truncated,
			    "%s: line %zu truncated", k->name, i);
			cr_assert_eq(r.v[i].lineno, i + 1, "%s", k->name);
			cr_assert_str_eq(r.v[i].origin, path, "%s", k->name);
			cr_assert_eq(r.v[i].source, 0);
		}
		cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), k->warnings,
		    "%s: warnings", k->name);
		cr_assert_eq(sw_diag_partial(d), k->warnings > 0, "%s", k->name);
		if (k->warnings > 0)
			cr_assert(strstr(sw_diag_last(d),
			    "longer than 8 bytes") != NULL, "%s: %s",
			    k->name, sw_diag_last(d));
		rlines_free(&r);
		sw_diag_free(d);
	}
}

/*
 * Generated content: lines of varied length, every fifth with CRLF, and
 * pseudo-random letters so compressed streams span many blocks. Line
 * GEN_HUGE is longer than any internal buffer.
 */
#define GEN_HUGE 1000

static void
gen_line(unsigned i, struct blob *b)
{
	size_t len = (i * 7919u) % 700, j;
	uint32_t x = i * 2654435761u + 1;
	char head[16];
	int n;

	if (i == GEN_HUGE)
		len = 300000;
	n = snprintf(head, sizeof(head), "%06u ", i);
	blob_add(b, head, (size_t)n);
	for (j = 0; j < len; j++) {
		char c;

		x = x * 1103515245u + 12345u;
		c = (char)('a' + (x >> 16) % 26);
		blob_add(b, &c, 1);
	}
}

static void
gen_content(unsigned n, struct blob *b)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		gen_line(i, b);
		if (i % 5 == 0)
			blob_add(b, "\r\n", 2);
		else
			blob_add(b, "\n", 1);
	}
}

/* Lines [0, r->n) of source 0 are generated lines cut at max_line. */
static void
check_generated(const struct rlines *r, size_t max_line, int last_partial)
{
	struct blob want = { NULL, 0, 0 };
	size_t i, wlen;

	for (i = 0; i < r->n && r->v[i].source == 0; i++) {
		want.len = 0;
		gen_line((unsigned)i, &want);
		wlen = want.len > max_line ? max_line : want.len;
		cr_assert_eq(r->v[i].lineno, i + 1);
		if (last_partial && (i + 1 == r->n || r->v[i + 1].source != 0)) {
			/* The final line before damage may be cut short. */
			cr_assert_leq(r->v[i].len, wlen, "line %zu", i);
			cr_assert(memcmp(r->v[i].text, want.p, r->v[i].len) == 0,
			    "line %zu is not a prefix", i);
			break;
		}
		cr_assert_eq(r->v[i].len, wlen, "line %zu: %zu bytes, want %zu",
		    i, r->v[i].len, wlen);
		cr_assert(memcmp(r->v[i].text, want.p, wlen) == 0,
		    "line %zu differs", i);
		cr_assert_eq(r->v[i].truncated, want.len > max_line,
		    "line %zu", i);
	}
	blob_free(&want);
}

enum codec { PLAIN, GZIP, ZSTD, XZ, BZIP2, LZ4 };

static void
encode(enum codec c, const struct blob *raw, struct blob *out)
{
	switch (c) {
	case PLAIN:
		blob_add(out, raw->p, raw->len);
		break;
	case GZIP:
		gz_compress(raw->p, raw->len, out);
		break;
	case ZSTD:
		zstd_compress(raw->p, raw->len, out);
		break;
	case XZ:
		xz_compress(raw->p, raw->len, out);
		break;
	case BZIP2:
		bz_compress(raw->p, raw->len, out);
		break;
	case LZ4:
		lz4_compress(raw->p, raw->len, out);
		break;
	}
}

/* Lines across buffer boundaries come out the same from every decoder. */
Test(input, generated_every_codec)
{
	static const char *names[] = { "gen.log", "gen.log.1.gz", "gen.zst",
	    "gen.xz", "gen.log.2.bz2", "gen.lz4" };
	struct blob raw = { NULL, 0, 0 };
	enum codec c;
	unsigned n = 3000;

	gen_content(n, &raw);
	for (c = PLAIN; c <= LZ4; c++) {
		struct blob enc = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		struct sw_input_opts o = opts(1000, 0);
		const char *path;
		struct rlines r;

		encode(c, &raw, &enc);
		path = write_file(names[c], enc.p, enc.len);
		read_all(&path, 1, &o, d, &r);
		cr_assert_eq(r.n, n, "%s: %zu lines", names[c], r.n);
		check_generated(&r, 1000, 0);
		cr_assert(r.v[GEN_HUGE].truncated);
		cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
		cr_assert_eq(sw_diag_count(d, SW_DIAG_WARNING), 0);
		cr_assert(sw_diag_partial(d), "%s", sw_diag_last(d));
		rlines_free(&r);
		blob_free(&enc);
		sw_diag_free(d);
	}
	blob_free(&raw);
}

/*
 * A CRLF or a newline split across decode buffers: sweep the split point
 * around every multiple of 64 KiB up to 256 KiB, so whatever the buffer
 * size, some case puts \r last in one buffer and \n first in the next.
 */
Test(input, line_ends_across_buffers)
{
	struct sw_input_opts o = opts(300000, 0);
	struct blob b = { NULL, 0, 0 };
	size_t k, delta, i;

	for (k = 1; k <= 4; k++) {
		for (delta = 0; delta < 4; delta++) {
			size_t cr = k * 65536 + delta - 2, ylen = cr - 101;
			struct sw_diag *d = sw_diag_new(NULL, 0);
			const char *path;
			struct rlines r;

			b.len = 0;
			for (i = 0; i < 100; i++)
				blob_add(&b, "x", 1);
			blob_add(&b, "\n", 1);
			for (i = 0; i < ylen; i++)
				blob_add(&b, "y", 1);
			blob_add(&b, "\r\nz\n", 4);
			path = write_file("split.log", b.p, b.len);
			read_all(&path, 1, &o, d, &r);
			cr_assert_eq(r.n, 3);
			cr_assert_eq(r.v[1].len, ylen, "cr at %zu: %zu bytes",
			    cr, r.v[1].len);
			cr_assert_eq(r.v[1].text[ylen - 1], 'y');
			cr_assert(!r.v[1].truncated);
			cr_assert(line_is(&r.v[2], "z"));
			rlines_free(&r);
			sw_diag_free(d);
		}
	}
	blob_free(&b);
}

static int
count_fds(void)
{
	DIR *dp = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(dp);
	while ((de = readdir(dp)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n - 1;	/* the directory's own fd */
}

Test(input, sources_opened_one_at_a_time)
{
	const char *paths[3];
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_input *in;
	struct sw_line l;
	int base;

	paths[0] = write_file("a.log", B("a1\na2\n"));
	paths[1] = write_file("b.log", B("b1\n"));
	paths[2] = write_file("c.log", B("c1\n"));
	base = count_fds();
	in = sw_input_new(paths, 3, NULL, d);
	cr_assert_eq(count_fds(), base);
	cr_assert_eq(sw_input_next(in, &l), SW_OK);
	cr_assert_eq(count_fds(), base + 1);
	cr_assert_eq(sw_input_next(in, &l), SW_OK);
	cr_assert_eq(sw_input_next(in, &l), SW_OK);
	cr_assert(sw_span_eq_str(l.text, "b1"));
	cr_assert_eq(count_fds(), base + 1);
	cr_assert_eq(sw_input_next(in, &l), SW_OK);
	cr_assert_eq(sw_input_next(in, &l), SW_EOF);
	cr_assert_eq(count_fds(), base);
	sw_input_free(in);
	sw_diag_free(d);
}

/* Compression: members, frames, detection by bytes. */

Test(input, gzip_multi_member_from_gzip_tool)
{
	const char *path = DATA "/multi.gz";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	read_all(&path, 1, NULL, d, &r);
	cr_assert_eq(r.n, 3);
	cr_assert(line_is(&r.v[0], "first member line 1"));
	cr_assert(line_is(&r.v[1], "first member line 2"));
	cr_assert(line_is(&r.v[2], "second member line 1"));
	cr_assert_eq(r.v[2].lineno, 3);
	cr_assert_eq(sw_diag_partial(d), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, zstd_multi_frame_from_zstd_tool)
{
	const char *path = DATA "/multi.zst";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	read_all(&path, 1, NULL, d, &r);
	cr_assert_eq(r.n, 3);
	cr_assert(line_is(&r.v[0], "first member line 1"));
	cr_assert(line_is(&r.v[2], "second member line 1"));
	cr_assert_eq(sw_diag_partial(d), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, detected_by_bytes_not_name)
{
	const char *paths[] = { DATA "/gzip-named.log", DATA "/plain-named.gz" };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	read_all(paths, 2, NULL, d, &r);
	cr_assert_eq(r.n, 2);
	cr_assert(line_is(&r.v[0], "gzip bytes under a .log name"));
	cr_assert(line_is(&r.v[1], "plain text under a .gz name"));
	cr_assert_eq(sw_diag_partial(d), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

/* Each case builds a file from members; want_lines of "line N". */
struct member_case {
	const char *name;
	void (*build)(struct blob *out);
	size_t want_lines;
	const char *want_diag;	/* NULL: none */
};

static const char member_text[] = "line 1\nline 2\n";

static void
build_gz_padded(struct blob *out)
{
	static const unsigned char zeros[5000];

	gz_compress(B(member_text), out);
	blob_add(out, zeros, sizeof(zeros));
}

static void
build_gz_garbage(struct blob *out)
{
	gz_compress(B(member_text), out);
	blob_add(out, B("garbage\n"));
}

static void
build_gz_empty_member(struct blob *out)
{
	gz_compress("", 0, out);
	gz_compress(B(member_text), out);
}

static void
build_gz_bad_crc(struct blob *out)
{
	gz_compress(B(member_text), out);
	out->p[out->len - 8] ^= 0xff;	/* CRC32 of the trailer */
}

static void
build_zstd_skippable(struct blob *out)
{
	/* Magic 0x184D2A53, 6 bytes of payload, then a real frame. */
	blob_add(out, "\x53\x2a\x4d\x18\x06\0\0\0" "abc\ndf", 14);
	zstd_compress(B(member_text), out);
	blob_add(out, "\x5f\x2a\x4d\x18\x00\0\0\0", 8);
}

static void
build_zstd_garbage(struct blob *out)
{
	zstd_compress(B(member_text), out);
	blob_add(out, B("garbage\n"));
}

static void
build_xz_two_streams(struct blob *out)
{
	static const unsigned char pad[8];

	xz_compress("line 1\n", 7, out);
	blob_add(out, pad, sizeof(pad));	/* stream padding */
	xz_compress("line 2\n", 7, out);
}

static void
build_xz_garbage(struct blob *out)
{
	xz_compress(B(member_text), out);
	blob_add(out, B("garbage after the last stream\n"));
}

static void
build_xz_header_only(struct blob *out)
{
	blob_add(out, "\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46", 12);
}

static void
build_bzip2_two_streams(struct blob *out)
{
	bz_compress("line 1\n", 7, out);
	bz_compress("line 2\n", 7, out);
}

static void
build_bzip2_garbage(struct blob *out)
{
	bz_compress(B(member_text), out);
	blob_add(out, B("garbage\n"));
}

static void
build_lz4_two_frames(struct blob *out)
{
	lz4_compress("line 1\n", 7, out);
	/* A skippable frame between them: magic 0x184D2A5x, size 3. */
	blob_add(out, "\x51\x2a\x4d\x18\x03\0\0\0abc", 11);
	lz4_compress("line 2\n", 7, out);
}

static void
build_lz4_legacy(struct blob *out)
{
	blob_add(out, "\x02\x21\x4c\x18\x05\0\0\0\x50hello", 13);
}

static const struct member_case member_cases[] = {
	{ "gzip, zero padding", build_gz_padded, 2, NULL },
	{ "gzip, trailing garbage", build_gz_garbage, 2,
	    "data after gzip member at byte" },
	{ "gzip, empty member first", build_gz_empty_member, 2, NULL },
	{ "gzip, bad crc", build_gz_bad_crc, 2, "corrupt gzip data" },
	{ "zstd, skippable frames", build_zstd_skippable, 2, NULL },
	{ "zstd, trailing garbage", build_zstd_garbage, 2,
	    "corrupt zstd data" },
	{ "xz, two streams and padding", build_xz_two_streams, 2, NULL },
	{ "xz, trailing garbage", build_xz_garbage, 2, "corrupt xz data" },
	{ "xz, header only", build_xz_header_only, 0,
	    "truncated xz stream at byte 12" },
	{ "bzip2, two streams", build_bzip2_two_streams, 2, NULL },
	{ "bzip2, trailing garbage", build_bzip2_garbage, 2,
	    "data after bzip2 stream at byte" },
	{ "lz4, two frames and a skippable one", build_lz4_two_frames, 2,
	    NULL },
	{ "lz4, legacy format", build_lz4_legacy, 0,
	    "legacy lz4 format, not supported" },
};

Test(input, member_table)
{
	size_t c, i;

	for (c = 0; c < sizeof(member_cases) / sizeof(*member_cases); c++) {
		const struct member_case *k = &member_cases[c];
		struct blob b = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		const char *paths[2];
		struct rlines r;

		k->build(&b);
		paths[0] = write_file("case.log", b.p, b.len);
		paths[1] = write_file("next.log", B("next\n"));
		read_all(paths, 2, NULL, d, &r);
		cr_assert_eq(r.n, k->want_lines + 1, "%s: %zu lines", k->name,
		    r.n);
		for (i = 0; i < k->want_lines; i++) {
			char want[32];

			snprintf(want, sizeof(want), "line %zu", i + 1);
			cr_assert(line_is(&r.v[i], want), "%s: line %zu",
			    k->name, i);
		}
		cr_assert(line_is(&r.v[r.n - 1], "next"), "%s", k->name);
		cr_assert_eq(r.v[r.n - 1].source, 1, "%s", k->name);
		if (k->want_diag == NULL) {
			cr_assert_eq(sw_diag_partial(d), 0, "%s: %s", k->name,
			    sw_diag_last(d));
		} else {
			cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1,
			    "%s", k->name);
			cr_assert(strstr(sw_diag_last(d), k->want_diag) != NULL,
			    "%s: %s", k->name, sw_diag_last(d));
			cr_assert(strstr(sw_diag_last(d), paths[0]) != NULL,
			    "%s: %s", k->name, sw_diag_last(d));
		}
		rlines_free(&r);
		blob_free(&b);
		sw_diag_free(d);
	}
}

/* Damage: every line before it is delivered, the rest is reported. */

struct cut_case {
	const char *name;
	enum codec codec;
	double keep;		/* fraction of the compressed bytes kept */
	const char *want_diag;
};

static const struct cut_case cut_cases[] = {
	{ "gzip cut at 60%", GZIP, 0.6, "truncated gzip stream at byte" },
	{ "gzip cut after 11 bytes", GZIP, 0.0, "truncated gzip stream" },
	{ "zstd cut at 60%", ZSTD, 0.6, "truncated zstd stream at byte" },
	{ "zstd cut at 99%", ZSTD, 0.99, "truncated zstd stream" },
	{ "xz cut at 60%", XZ, 0.6, "truncated xz stream at byte" },
	{ "xz cut at 99%", XZ, 0.99, "truncated xz stream" },
	{ "bzip2 cut at 60%", BZIP2, 0.6, "truncated bzip2 stream at byte" },
	{ "lz4 cut at 60%", LZ4, 0.6, "truncated lz4 stream at byte" },
};

Test(input, truncated_streams)
{
	struct blob raw = { NULL, 0, 0 };
	size_t c;
	unsigned n = 2000;

	gen_content(n, &raw);
	for (c = 0; c < sizeof(cut_cases) / sizeof(*cut_cases); c++) {
		const struct cut_case *k = &cut_cases[c];
		struct blob enc = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		const char *paths[2];
		size_t keep;
		struct rlines r;

		encode(k->codec, &raw, &enc);
		keep = k->keep > 0 ? (size_t)((double)enc.len * k->keep) : 11;
		paths[0] = write_file("cut.log.gz", enc.p, keep);
		paths[1] = write_file("after.log", B("after\n"));
		read_all(paths, 2, NULL, d, &r);
		cr_assert_geq(r.n, 1, "%s", k->name);
		cr_assert_lt(r.n, n, "%s: %zu lines", k->name, r.n);
		if (k->keep >= 0.5)
			cr_assert_gt(r.n, n / 3, "%s: only %zu lines",
			    k->name, r.n);
		check_generated(&r, SW_INPUT_MAX_LINE_DEFAULT, 1);
		cr_assert(line_is(&r.v[r.n - 1], "after"), "%s", k->name);
		cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED),
		    1 + cut_messages(&r), "%s", k->name);
		cr_assert(sw_diag_partial(d));
		cr_assert(strstr(sw_diag_last(d), k->want_diag) != NULL,
		    "%s: %s", k->name, sw_diag_last(d));
		cr_assert(strstr(sw_diag_last(d), "cut.log.gz") != NULL,
		    "%s: %s", k->name, sw_diag_last(d));
		rlines_free(&r);
		blob_free(&enc);
		sw_diag_free(d);
	}
	blob_free(&raw);
}

Test(input, corrupt_gzip_reported)
{
	struct blob raw = { NULL, 0, 0 }, enc = { NULL, 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *paths[2];
	struct rlines r;
	size_t i;

	gen_content(2000, &raw);
	gz_compress(raw.p, raw.len, &enc);
	for (i = enc.len / 2; i < enc.len / 2 + 64; i++)
		enc.p[i] ^= 0x5a;
	paths[0] = write_file("bad.gz", enc.p, enc.len);
	paths[1] = write_file("after.log", B("after\n"));
	read_all(paths, 2, NULL, d, &r);
	cr_assert(line_is(&r.v[r.n - 1], "after"));
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1 + cut_messages(&r));
	cr_assert(strstr(sw_diag_last(d), "bad.gz: skipped: corrupt gzip "
	    "data at byte ") != NULL, "%s", sw_diag_last(d));
	rlines_free(&r);
	blob_free(&raw);
	blob_free(&enc);
	sw_diag_free(d);
}

/* Ceilings. */

struct ceiling_case {
	const char *name;
	enum codec codec;
	unsigned nlines;	/* of 25 bytes each */
	uint64_t max;
	size_t want_lines;
	const char *want_diag;	/* NULL: no diagnostic */
};

static const struct ceiling_case ceiling_cases[] = {
	{ "gzip over", GZIP, 400, 1000, 40,
	    "decompressed size exceeds 1000 bytes; rest skipped" },
	{ "zstd over", ZSTD, 400, 1000, 40,
	    "decompressed size exceeds 1000 bytes; rest skipped" },
	{ "plain over", PLAIN, 400, 1000, 40,
	    "size exceeds 1000 bytes; rest skipped" },
	{ "gzip over, partial line", GZIP, 400, 1010, 41,
	    "decompressed size exceeds 1010 bytes" },
	{ "gzip exactly at", GZIP, 40, 1000, 40, NULL },
	{ "plain exactly at", PLAIN, 40, 1000, 40, NULL },
};

Test(input, decompressed_ceiling)
{
	size_t c;

	for (c = 0; c < sizeof(ceiling_cases) / sizeof(*ceiling_cases); c++) {
		const struct ceiling_case *k = &ceiling_cases[c];
		struct blob raw = { NULL, 0, 0 }, enc = { NULL, 0, 0 };
		struct sw_diag *d = sw_diag_new(NULL, 0);
		struct sw_input_opts o = opts(0, k->max);
		const char *path;
		struct rlines r;
		unsigned i;

		for (i = 0; i < k->nlines; i++) {
			char l[32];

			snprintf(l, sizeof(l), "line %05u 0123456789abc\n", i);
			blob_add(&raw, l, 25);
		}
		encode(k->codec, &raw, &enc);
		path = write_file("big.log", enc.p, enc.len);
		read_all(&path, 1, &o, d, &r);
		cr_assert_eq(r.n, k->want_lines, "%s: %zu lines", k->name, r.n);
		cr_assert(line_is(&r.v[39], "line 00039 0123456789abc"), "%s",
		    k->name);
		if (k->want_diag == NULL) {
			cr_assert_eq(sw_diag_partial(d), 0, "%s: %s", k->name,
			    sw_diag_last(d));
		} else {
			cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
			cr_assert(strstr(sw_diag_last(d), k->want_diag) != NULL,
			    "%s: %s", k->name, sw_diag_last(d));
		}
		rlines_free(&r);
		blob_free(&raw);
		blob_free(&enc);
		sw_diag_free(d);
	}
}

Test(input, zstd_window_ceiling)
{
	struct blob raw = { NULL, 0, 0 }, enc = { NULL, 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_input_opts o = opts(0, 0);
	const char *path;
	struct rlines r;

	gen_content(8000, &raw);	/* about 3 MiB */
	zstd_compress_wlog(raw.p, raw.len, 22, &enc);
	path = write_file("wide.zst", enc.p, enc.len);

	o.zstd_window_log_max = 20;
	read_all(&path, 1, &o, d, &r);
	cr_assert_eq(r.n, 0);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	cr_assert(strstr(sw_diag_last(d), "wide.zst: skipped: zstd frame "
	    "window larger than 2^20 bytes at byte ") != NULL, "%s",
	    sw_diag_last(d));
	rlines_free(&r);

	o.zstd_window_log_max = 23;
	read_all(&path, 1, &o, d, &r);
	cr_assert_eq(r.n, 8000);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1 + cut_messages(&r));
	rlines_free(&r);
	blob_free(&raw);
	blob_free(&enc);
	sw_diag_free(d);
}

/* Binary data. */

static void
build_utmp_like(struct blob *out)
{
	unsigned i;

	/* struct utmp is 384 bytes, mostly NUL padding around short text. */
	for (i = 0; i < 12; i++) {
		unsigned char rec[384];

		memset(rec, 0, sizeof(rec));
		rec[0] = 7;
		rec[4] = (unsigned char)(i + 1);
		rec[5] = 0x12;
		memcpy(rec + 8, "pts/0", 5);
		memcpy(rec + 40, "ts/0", 4);
		memcpy(rec + 44, "root", 4);
		memcpy(rec + 76, "192.0.2.1", 9);
		rec[340] = 0x65;
		rec[341] = 0xa1;
		rec[348] = 192;
		rec[351] = 1;
		blob_add(out, rec, sizeof(rec));
	}
}

Test(input, binary_files_skipped_text_with_nul_block_kept)
{
	static const unsigned char zeros[4096];
	struct blob utmp = { NULL, 0, 0 }, tail = { NULL, 0, 0 };
	struct blob head = { NULL, 0, 0 }, gz = { NULL, 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	const char *paths[6];
	struct rlines r;

	build_utmp_like(&utmp);
	paths[0] = write_file("btmp", utmp.p, utmp.len);
	paths[1] = write_file("zeros.log", zeros, sizeof(zeros));
	gz_compress(utmp.p, utmp.len, &gz);
	paths[2] = write_file("wtmp.1.gz", gz.p, gz.len);
	/* A crash left NUL blocks: after the lines, or before them. */
	blob_add(&tail, B("tail 1\ntail 2\n"));
	blob_add(&tail, zeros, 2000);
	paths[3] = write_file("tail.log", tail.p, tail.len);
	blob_add(&head, zeros, 1500);
	blob_add(&head, B("\nhead 1\n"));
	paths[4] = write_file("head.log", head.p, head.len);
	paths[5] = write_file("next.log", B("next\n"));

	read_all(paths, 6, NULL, d, &r);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 3, "%s",
	    sw_diag_last(d));
	/* D6 (issue 13): a NUL run at the start is skipped and named. */
	cr_assert_eq(sw_diag_count(d, SW_DIAG_WARNING), 1);
	cr_assert(strstr(sw_diag_last(d), "head.log: warning: 1500 NUL bytes "
	    "at the start skipped") != NULL, "%s", sw_diag_last(d));
	cr_assert_eq(r.n, 6);
	cr_assert(line_is(&r.v[0], "tail 1"));
	cr_assert(line_is(&r.v[1], "tail 2"));
	cr_assert_eq(r.v[2].len, 2000);	/* the NULs, as the last line */
	cr_assert_eq(r.v[3].len, 0);	/* the NUL run before "\n" */
	cr_assert(line_is(&r.v[4], "head 1"));
	cr_assert(line_is(&r.v[5], "next"));
	rlines_free(&r);
	blob_free(&utmp);
	blob_free(&tail);
	blob_free(&head);
	blob_free(&gz);
	sw_diag_free(d);
}

/* Errors opening and reading. */

Test(input, missing_file_reported_rest_read)
{
	const char *paths[3];
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	paths[0] = tp("missing.log");
	paths[1] = write_file("good.log", B("good\n"));
	paths[2] = tp("missing-dir/");
	read_all(paths, 3, NULL, d, &r);
	cr_assert_eq(r.nsrc, 1);
	cr_assert_eq(r.n, 1);
	cr_assert(line_is(&r.v[0], "good"));
	cr_assert_eq(r.v[0].source, 0);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_ERROR), 2);
	cr_assert(strstr(sw_diag_last(d), "missing-dir/: error: cannot open: "
	    "No such file or directory") != NULL, "%s", sw_diag_last(d));
	cr_assert(sw_diag_partial(d));
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, unreadable_file_reported)
{
	const char *paths[2];
	struct sw_diag *d;
	struct rlines r;
	int ok, status;
	pid_t pid;

	paths[0] = write_file("secret.log", B("secret\n"));
	paths[1] = write_file("good.log", B("good\n"));
	cr_assert_eq(chmod(paths[0], 0), 0);
	if (geteuid() != 0) {
		pid = -1;
	} else {
		/* Root reads anything: drop to nobody in a child. */
		cr_assert_eq(chmod(tdir, 0755), 0);
		cr_assert_eq(chmod(paths[1], 0644), 0);
		if ((pid = fork()) == -1)
			cr_assert_fail("fork: %s", strerror(errno));
		if (pid > 0) {
			cr_assert_eq(waitpid(pid, &status, 0), pid);
			cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "child failed: status %d", status);
			return;
		}
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(0);	/* cannot drop: nothing to test */
	}
	d = sw_diag_new(NULL, 0);
	read_all(paths, 2, NULL, d, &r);
	ok = r.nsrc == 1 && r.n == 1 && line_is(&r.v[0], "good") &&
	    sw_diag_count(d, SW_DIAG_ERROR) == 1 &&
	    strstr(sw_diag_last(d), "secret.log: error: cannot open: "
	    "Permission denied") != NULL;
	rlines_free(&r);
	sw_diag_free(d);
	if (pid == 0)
		_exit(ok ? 0 : 1);
	cr_assert(ok);
}

Test(input, read_error_reported_rest_read)
{
	/* Reading /proc/self/mem at offset 0 fails with EIO. */
	const char *paths[2] = { "/proc/self/mem", NULL };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;
	int fd;

	if ((fd = open(paths[0], O_RDONLY)) == -1) {
		tdir_teardown();	/* a skipped test does not run .fini */
		tdir[0] = '\0';
		cr_skip_test("cannot open /proc/self/mem");
	}
	close(fd);
	paths[1] = write_file("good.log", B("good\n"));
	read_all(paths, 2, NULL, d, &r);
	cr_assert_eq(r.n, 1);
	cr_assert(line_is(&r.v[0], "good"));
	cr_assert_eq(r.v[0].source, 1);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	cr_assert(strstr(sw_diag_last(d), "/proc/self/mem: skipped: read "
	    "error at byte 0: Input/output error") != NULL, "%s",
	    sw_diag_last(d));
	rlines_free(&r);
	sw_diag_free(d);
}

/* Plans: directories, rotated sets, argument order, duplicates. */

Test(input, directory_selection_and_rotation_order)
{
	static const char *want_src[] = {
		"auth.log.3.zst", "auth.log.2.gz", "auth.log.1", "auth.log",
		"messages-20240107", "messages-20240114.gz", "messages",
		"syslog.1", "syslog",
	};
	static const char *want_lines[] = {
		"auth.log.3 line 1",
		"auth.log.2 line 1", "auth.log.2 line 2",
		"auth.log.1 line 1",
		"auth.log line 1", "auth.log line 2",
		"messages-20240107 line 1", "messages-20240114 line 1",
		"messages line 1",
		"syslog.1 line 1", "syslog line 1",
	};
	const char *path = DATA "/rotated/";
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;
	size_t i;

	read_all(&path, 1, NULL, d, &r);
	cr_assert_eq(r.nsrc, sizeof(want_src) / sizeof(*want_src));
	for (i = 0; i < r.nsrc; i++) {
		char want[PATH_MAX];

		snprintf(want, sizeof(want), "%s%s", path, want_src[i]);
		cr_assert_str_eq(r.names[i], want);
	}
	cr_assert_eq(r.n, sizeof(want_lines) / sizeof(*want_lines));
	for (i = 0; i < r.n; i++) {
		cr_assert(line_is(&r.v[i], want_lines[i]), "line %zu: %s", i,
		    r.v[i].text);
		cr_assert_str_eq(r.v[i].origin, r.names[r.v[i].source]);
	}
	cr_assert_eq(r.v[2].lineno, 2);
	cr_assert_eq(r.v[3].lineno, 1);
	cr_assert_eq(sw_diag_count(d, SW_DIAG_ERROR) +
	    sw_diag_count(d, SW_DIAG_SKIPPED) +
	    sw_diag_count(d, SW_DIAG_WARNING), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

static void
make_rotated_set(void)
{
	struct blob gz = { NULL, 0, 0 }, zs = { NULL, 0, 0 };

	write_file("auth.log", B("live\n"));
	write_file("auth.log.1", B("one\n"));
	gz_compress(B("two\n"), &gz);
	write_file("auth.log.2.gz", gz.p, gz.len);
	zstd_compress(B("three\n"), &zs);
	write_file("auth.log.3.zst", zs.p, zs.len);
	write_file("b.log", B("b\n"));
	write_file("other.log", B("other\n"));
	blob_free(&gz);
	blob_free(&zs);
}

static void
check_order(const char *const *args, size_t nargs, const char *const *want,
    size_t nwant)
{
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;
	size_t i;

	read_all(args, nargs, NULL, d, &r);
	cr_assert_eq(r.n, nwant, "%zu lines", r.n);
	for (i = 0; i < nwant; i++)
		cr_assert(line_is(&r.v[i], want[i]), "line %zu: %s, want %s",
		    i, r.v[i].text, want[i]);
	cr_assert_eq(sw_diag_partial(d), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, glob_arguments_read_oldest_first)
{
	const char *args[4];
	static const char *want[] = { "three", "two", "one", "live" };

	make_rotated_set();
	/* As a shell expands auth.log*. */
	args[0] = tp("auth.log");
	args[1] = tp("auth.log.1");
	args[2] = tp("auth.log.2.gz");
	args[3] = tp("auth.log.3.zst");
	check_order(args, 4, want, 4);
}

Test(input, unrelated_arguments_keep_their_order)
{
	const char *args[6];
	static const char *want[] = {
		"other", "three", "two", "one", "live", "b",
	};

	make_rotated_set();
	args[0] = tp("other.log");
	args[1] = tp("auth.log.1");
	args[2] = tp("auth.log");
	args[3] = tp("b.log");
	args[4] = tp("auth.log.3.zst");
	args[5] = tp("auth.log.2.gz");
	check_order(args, 6, want, 6);
}

Test(input, same_file_read_once)
{
	const char *args[5];
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;
	char dotted[PATH_MAX];

	args[0] = write_file("x.log", B("x\n"));
	cr_assert_eq(symlink(args[0], tp("link.log")), 0);
	if (snprintf(dotted, sizeof(dotted), "%s/./x.log", tdir) >=
	    (int)sizeof(dotted))
		cr_assert_fail("path too long");
	args[1] = dotted;
	args[2] = tp("link.log");
	args[3] = tdir;
	args[4] = args[0];
	read_all(args, 5, NULL, d, &r);
	cr_assert_eq(r.nsrc, 1);
	cr_assert_str_eq(r.names[0], args[0]);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(sw_diag_partial(d), 0);
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, named_files_read_whatever_their_name)
{
	const char *args[2];
	struct rlines r;
	struct sw_diag *d = sw_diag_new(NULL, 0);

	args[0] = write_file("btmp.txt", B("named\n"));
	args[1] = tdir;		/* the directory does not select it */
	read_all(args, 2, NULL, d, &r);
	cr_assert_eq(r.nsrc, 1);
	cr_assert_eq(r.n, 1);
	rlines_free(&r);
	sw_diag_free(d);
}

struct rot_case {
	const char *a, *b;
	int sign;
};

static const struct rot_case rot_cases[] = {
	{ "auth.log.1", "auth.log", -1 },
	{ "auth.log.2.gz", "auth.log.1", -1 },
	{ "auth.log.3.zst", "auth.log.2.gz", -1 },
	{ "auth.log.10", "auth.log.9", -1 },	/* numeric, not lexical */
	{ "auth.log.1.gz", "auth.log", -1 },
	{ "auth.log.gz", "auth.log.1", 1 },	/* compressed live file */
	{ "auth.log-20240101", "auth.log-20240108", -1 },
	{ "auth.log-20240108.gz", "auth.log", -1 },
	{ "auth.log-2024010812", "auth.log-20240108", 1 },
	{ "auth.log-2024010812", "auth.log-20240109", -1 },
	{ "auth.log.20240101", "auth.log.20240108", -1 },
	{ "auth.log.1", "auth.log-20240101", -1 },
	{ "auth.log", "secure", -1 },		/* bases, then rotation */
	{ "secure.4", "auth.log", 1 },
	{ "messages.1.xz", "messages.2.bz2", 1 },
	{ "kern.log.3.lz4", "kern.log.2", -1 },
	{ "Xorg.0.log", "Xorg.1.log", -1 },	/* not a rotation */
	{ "syslog-2", "syslog-1", 1 },		/* not a date either */
	{ "/var/log/auth.log.1", "/var/log/auth.log", -1 },
	{ "/a/auth.log", "/b/auth.log.1", -1 },	/* other directory */
	{ "auth.log", "auth.log", 0 },
	{ "auth.log.1", "auth.log.1.gz", -1 },	/* same age: by name */
	{ ".1", "a", -1 },
	{ "dir.1/auth.log", "dir.1/auth.log.1", 1 },
};

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

Test(input, rotation_cmp_table)
{
	size_t i;

	for (i = 0; i < sizeof(rot_cases) / sizeof(*rot_cases); i++) {
		const struct rot_case *k = &rot_cases[i];

		cr_assert_eq(sign(sw_input_rotation_cmp(k->a, k->b)), k->sign,
		    "%s vs %s", k->a, k->b);
		cr_assert_eq(sign(sw_input_rotation_cmp(k->b, k->a)), -k->sign,
		    "%s vs %s", k->b, k->a);
	}
}

/* Standard input, source metadata. */

static void
stdin_from(const void *p, size_t n)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], p, n), (ssize_t)n);
	close(fds[1]);
	cr_assert_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
}

Test(input, stdin_plain_and_repeated_dash)
{
	const char *args[3] = { "-", NULL, "-" };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	stdin_from(B("from stdin\r\nsecond"));
	args[1] = write_file("f.log", B("file\n"));
	read_all(args, 3, NULL, d, &r);
	cr_assert_eq(r.nsrc, 2);
	cr_assert_eq(r.n, 3);
	cr_assert(line_is(&r.v[0], "from stdin"));
	cr_assert(line_is(&r.v[1], "second"));
	cr_assert_str_eq(r.v[0].origin, "<stdin>");
	cr_assert_eq(r.v[0].mtime, 0);
	cr_assert(line_is(&r.v[2], "file"));
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, stdin_gzip)
{
	const char *arg = "-";
	struct blob gz = { NULL, 0, 0 };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	gz_compress(B("zipped\n"), &gz);
	gz_compress(B("again\n"), &gz);
	stdin_from(gz.p, gz.len);
	read_all(&arg, 1, NULL, d, &r);
	cr_assert_eq(r.n, 2);
	cr_assert(line_is(&r.v[0], "zipped"));
	cr_assert(line_is(&r.v[1], "again"));
	rlines_free(&r);
	blob_free(&gz);
	sw_diag_free(d);
}

Test(input, mtime_and_source_index)
{
	const char *args[2];
	struct timespec ts[2] = { { 1700000000, 0 }, { 1700000000, 0 } };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct rlines r;

	args[0] = write_file("a.log", B("a\n"));
	args[1] = write_file("b.log", B("b1\nb2\n"));
	cr_assert_eq(utimensat(AT_FDCWD, args[1], ts, 0), 0);
	read_all(args, 2, NULL, d, &r);
	cr_assert_eq(r.n, 3);
	cr_assert_eq(r.v[0].source, 0);
	cr_assert_eq(r.v[2].source, 1);
	cr_assert_eq(r.v[2].lineno, 2);
	cr_assert_eq(r.v[2].mtime, 1700000000);
	cr_assert_neq(r.v[0].mtime, 1700000000);
	rlines_free(&r);
	sw_diag_free(d);
}

Test(input, empty_plan_and_free_null)
{
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_input *in = sw_input_new(NULL, 0, NULL, d);
	struct sw_line l;

	cr_assert_eq(sw_input_nsources(in), 0);
	cr_assert_eq(sw_input_next(in, &l), SW_EOF);
	sw_input_free(in);
	sw_input_free(NULL);
	sw_diag_free(d);
}

Test(input, set_base_groups_rotations)
{
	static const struct { const char *a, *b; int same; } cases[] = {
		{ "/var/log/auth.log", "/var/log/auth.log.1", 1 },
		{ "/var/log/auth.log.2.gz", "/var/log/auth.log", 1 },
		{ "/var/log/secure-20261120", "/var/log/secure", 1 },
		{ "/var/log/auth.log", "/var/log/secure", 0 },
		{ "/a/auth.log", "/b/auth.log", 0 },
		{ "x.log.zst", "x.log", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t la = sw_input_set_base(cases[i].a);
		size_t lb = sw_input_set_base(cases[i].b);
		int same = la == lb && strncmp(cases[i].a, cases[i].b, la) == 0;
		cr_expect_eq(same, cases[i].same, "case %zu", i);
	}
}
