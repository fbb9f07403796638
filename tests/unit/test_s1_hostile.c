/*
 * Unit tests for stage 1 against hostile and broken input (issue 13):
 * FIFOs, devices and links to them, random bytes, and faults injected
 * through the reader's I/O seam (short reads, EINTR, EIO in the middle of
 * a file, a file that shrinks or grows while it is read). Every fault must
 * keep what came before it and be reported with the file and offset.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zlib.h>

#include "s1_input.h"
#include "test_util.h"

static char tdir[PATH_MAX - 64];

static void
setup(void)
{
	snprintf(tdir, sizeof(tdir), "%s", "/tmp/sw_hostile_XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
teardown(void)
{
	if (tdir[0] != '\0')
		rm_tree(tdir);
}

TestSuite(hostile, .init = setup, .fini = teardown);

static const char *
tp(const char *name)
{
	static char buf[8][PATH_MAX];
	static unsigned i;
	char *p = buf[i++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", tdir, name);
	return p;
}

static const char *
write_file(const char *name, const void *p, size_t n)
{
	const char *path = tp(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	if (n > 0)
		cr_assert_eq(fwrite(p, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* Reads every source; returns the lines joined by '\n' (caller frees). */
static char *
read_joined(const char *const *paths, size_t np, struct sw_input_opts *o,
    struct sw_diag *d, size_t *nlines)
{
	struct sw_input *in = sw_input_new(paths, np, o, d);
	struct sw_line l;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	*nlines = 0;
	while (sw_input_next(in, &l) == SW_OK) {
		fwrite(l.text.p, 1, l.text.len, m);
		fputc('\n', m);
		(*nlines)++;
	}
	sw_input_free(in);
	fclose(m);
	return buf;
}

/* A log of n numbered lines. */
static char *
make_log(size_t n, size_t *len)
{
	char *buf = NULL;
	size_t i;
	FILE *m = open_memstream(&buf, len);

	for (i = 1; i <= n; i++)
		fprintf(m, "Nov 25 10:00:00 h sshd[%zu]: Failed password for "
		    "u%zu from 192.0.2.%zu port %zu ssh2\n", i, i, i % 250,
		    1000 + i);
	fclose(m);
	return buf;
}

static char *
gzip_bytes(const char *p, size_t n, size_t *outlen)
{
	z_stream z;
	char *out = malloc(n + 1024);

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)(n + 1024);
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* FIFOs, devices, links to devices, random bytes. */

Test(hostile, fifo_without_writer_does_not_block, .timeout = 30)
{
	const char *fifo = tp("auth.log");
	const char *after = write_file("after.log", "after\n", 6);
	const char *paths[2] = { fifo, after };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	size_t n;
	char *text;

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	/* Before the fix this open() never returned: the test would hang
	 * until CTest's timeout. */
	text = read_joined(paths, 2, NULL, d, &n);
	cr_expect_eq(n, 1);
	cr_expect_str_eq(text, "after\n");
	cr_expect_eq(sw_diag_count(d, SW_DIAG_WARNING), 1);
	cr_expect(strstr(sw_diag_last(d), "auth.log: warning: a FIFO with no "
	    "writer: nothing to read") != NULL, "%s", sw_diag_last(d));
	free(text);
	sw_diag_free(d);
}

Test(hostile, devices_are_refused_by_name)
{
	const char *paths[3] = { "/dev/urandom", "/dev/zero", "/dev/null" };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	size_t n;
	char *text = read_joined(paths, 3, NULL, d, &n);

	cr_expect_eq(n, 0);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_ERROR), 2);
	cr_expect(strstr(sw_diag_last(d), "/dev/zero: error: a character "
	    "device, not a log file") != NULL, "%s", sw_diag_last(d));
	free(text);
	sw_diag_free(d);
}

Test(hostile, links_to_devices_in_a_directory_are_named)
{
	const char *dir = tp("logs");
	char link[PATH_MAX], log[PATH_MAX];
	const char *paths[1] = { dir };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	FILE *f;
	size_t n;
	char *text;

	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(link, sizeof(link), "%s/auth.log", dir);
	snprintf(log, sizeof(log), "%s/secure", dir);
	cr_assert_eq(symlink("/dev/zero", link), 0);
	f = fopen(log, "w");
	fputs("line\n", f);
	fclose(f);
	text = read_joined(paths, 1, NULL, d, &n);
	cr_expect_eq(n, 1);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_WARNING), 1);
	cr_expect(strstr(sw_diag_last(d), "logs/auth.log: warning: a character "
	    "device, not a regular file; skipped") != NULL, "%s",
	    sw_diag_last(d));
	free(text);
	sw_diag_free(d);
}

Test(hostile, random_bytes_are_binary_at_once)
{
	unsigned char *r = malloc(1 << 20);
	const char *paths[1];
	struct sw_diag *d = sw_diag_new(NULL, 0);
	unsigned x = 12345;
	size_t i, n;
	char *text;

	for (i = 0; i < (1 << 20); i++) {
		x = x * 1103515245u + 12345u;
		r[i] = (unsigned char)(x >> 16);
	}
	paths[0] = write_file("random.log", r, 1 << 20);
	text = read_joined(paths, 1, NULL, d, &n);
	cr_expect_eq(n, 0);
	cr_expect(strstr(sw_diag_last(d), "random.log: skipped: binary data, "
	    "not a text log") != NULL, "%s", sw_diag_last(d));
	free(text);
	free(r);
	sw_diag_free(d);
}

/* Faults through the I/O seam. */

struct fault {
	int mode;
	size_t calls;
	size_t bytes;		/* delivered so far */
	size_t at;		/* where the fault strikes */
	const char *path;	/* the file to shrink or grow */
};

enum { F_SHORT, F_EINTR, F_EIO, F_SHRINK, F_GROW };

static ssize_t
fault_read(void *ctx, int fd, void *buf, size_t n)
{
	struct fault *f = ctx;
	ssize_t r;

	f->calls++;
	switch (f->mode) {
	case F_SHORT:
		if (n > 7)
			n = 7;
		break;
	case F_EINTR:
		if (f->calls % 2 == 1) {
			errno = EINTR;
			return -1;
		}
		if (n > 100)
			n = 100;
		break;
	case F_EIO:
		if (f->bytes >= f->at) {
			f->mode = -1;	/* once: the next file reads well */
			errno = EIO;
			return -1;
		}
		if (n > f->at - f->bytes)
			n = f->at - f->bytes;
		break;
	case F_SHRINK:
		if (f->bytes >= f->at) {
			cr_assert_eq(truncate(f->path, 0), 0);
			f->mode = -1;
		} else if (n > f->at - f->bytes)
			n = f->at - f->bytes;
		break;
	case F_GROW:
		if (f->bytes >= f->at) {
			FILE *a = fopen(f->path, "a");
			fputs("Nov 25 10:00:09 h sshd[9]: later\n", a);
			fclose(a);
			f->mode = -1;
			return 0;	/* the end, as read(2) said it */
		}
		break;
	default:
		break;
	}
	r = read(fd, buf, n);
	if (r > 0)
		f->bytes += (size_t)r;
	return r;
}

static void
expect_same(const char *name, int mode, int gz)
{
	size_t len, glen, n1, n2;
	char *log = make_log(500, &len), *g = gz ? gzip_bytes(log, len, &glen) : NULL;
	const char *path = write_file(name, gz ? g : log, gz ? glen : len);
	const char *paths[1] = { path };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct fault f = { mode, 0, 0, 0, NULL };
	struct sw_input_opts o;
	char *want, *got;

	want = read_joined(paths, 1, NULL, d, &n1);
	sw_input_opts_default(&o);
	o.read_hook = fault_read;
	o.read_hook_ctx = &f;
	got = read_joined(paths, 1, &o, d, &n2);
	cr_expect_eq(n1, 500, "%s", name);
	cr_expect_eq(n2, 500, "%s", name);
	cr_expect_str_eq(got, want, "%s", name);
	cr_expect_gt(f.calls, 10, "%s: the seam was used", name);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED) +
	    sw_diag_count(d, SW_DIAG_WARNING) + sw_diag_count(d, SW_DIAG_ERROR),
	    0, "%s: %s", name, sw_diag_last(d));
	free(want);
	free(got);
	free(log);
	free(g);
	sw_diag_free(d);
}

Test(hostile, short_reads_and_eintr_lose_nothing)
{
	expect_same("short.log", F_SHORT, 0);
	expect_same("short.log.gz", F_SHORT, 1);
	expect_same("eintr.log", F_EINTR, 0);
	expect_same("eintr.log.gz", F_EINTR, 1);
}

Test(hostile, eio_mid_file_keeps_the_lines_before_and_names_the_offset)
{
	size_t len, n;
	char *log = make_log(500, &len), *got;
	const char *path = write_file("eio.log", log, len);
	const char *after = write_file("after.log", "after\n", 6);
	const char *paths[2] = { path, after };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct fault f = { F_EIO, 0, 0, 10000, NULL };
	struct sw_input_opts o;

	sw_input_opts_default(&o);
	o.read_hook = fault_read;
	o.read_hook_ctx = &f;
	got = read_joined(paths, 2, &o, d, &n);
	/* Every whole line in the first 10000 bytes, the cut one, "after". */
	cr_expect_gt(n, 10000 / 90);
	cr_expect_lt(n, 500);
	cr_expect(strncmp(got, log, 9000) == 0);
	cr_expect(strstr(got, "after\n") != NULL);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	cr_expect(sw_diag_partial(d));
	cr_expect(strstr(sw_diag_last(d), "eio.log: skipped: read error at "
	    "byte 10000: Input/output error") != NULL, "%s", sw_diag_last(d));
	free(got);
	free(log);
	sw_diag_free(d);
}

Test(hostile, a_file_that_shrinks_or_grows_is_reported)
{
	size_t len, n;
	char *log = make_log(2000, &len), *got;
	const char *path = write_file("live.log", log, len);
	const char *paths[1] = { path };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct fault f = { F_SHRINK, 0, 0, 128 << 10, path };
	struct sw_input_opts o;
	char want[200];

	cr_assert_gt(len, (size_t)(128 << 10));
	sw_input_opts_default(&o);
	o.read_hook = fault_read;
	o.read_hook_ctx = &f;
	got = read_joined(paths, 1, &o, d, &n);
	cr_expect_lt(n, 2000);
	snprintf(want, sizeof(want), "live.log: warning: the file shrank to 0 "
	    "bytes while being read, after byte %d", 128 << 10);
	cr_expect(strstr(sw_diag_last(d), want) != NULL, "%s", sw_diag_last(d));
	free(got);

	/* Grows after the reader saw its end. */
	f.mode = F_GROW;
	f.bytes = 0;
	f.at = len;
	got = read_joined(paths, 1, &o, d, &n);
	cr_expect_eq(n, 0);	/* the file was truncated to 0 above */
	free(got);
	cr_assert_eq(truncate(path, 0), 0);
	write_file("live.log", log, len);
	f.mode = F_GROW;
	f.bytes = 0;
	got = read_joined(paths, 1, &o, d, &n);
	cr_expect_eq(n, 2000);
	snprintf(want, sizeof(want), "live.log: warning: the file grew to %zu "
	    "bytes while being read; read up to byte %zu",
	    len + strlen("Nov 25 10:00:09 h sshd[9]: later\n"), len);
	cr_expect(strstr(sw_diag_last(d), want) != NULL, "%s", sw_diag_last(d));
	free(got);
	free(log);
	sw_diag_free(d);
}

/* D7: tar members and compressed journals are judged before being copied. */

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>

enum { M_ZEROS, M_RANDOM, M_TEXT };

struct member {
	const char *name;
	int kind;
	size_t size;
};

static void
write_tar_gz(const char *path, const struct member *m, size_t n)
{
	struct archive *a = archive_write_new();
	char *chunk = malloc(1 << 16);
	size_t i, done;
	unsigned x = 7;

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_filter_option(a, "gzip", "compression-level", "1");
	cr_assert_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_size(e, (la_int64_t)m[i].size);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		cr_assert_eq(archive_write_header(a, e), ARCHIVE_OK);
		for (done = 0; done < m[i].size; ) {
			size_t k = m[i].size - done, j;

			if (k > (1 << 16))
				k = 1 << 16;
			for (j = 0; j < k; j++) {
				if (m[i].kind == M_ZEROS)
					chunk[j] = 0;
				else if (m[i].kind == M_RANDOM) {
					x = x * 1103515245u + 12345u;
					chunk[j] = (char)(x >> 16);
				} else
					chunk[j] = (char)((done + j) % 64 == 63 ?
					    '\n' : 'a' + (done + j) % 26);
			}
			cr_assert_eq(archive_write_data(a, chunk, k), (la_ssize_t)k);
			done += k;
		}
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	free(chunk);
}

/* Bytes in the sshwhy.* directories under dir. */
static unsigned long long
spilled_bytes(const char *dir)
{
	DIR *dp = opendir(dir), *sub;
	struct dirent *de, *se;
	unsigned long long total = 0;
	char p[PATH_MAX], q[PATH_MAX + 256];
	struct stat st;

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, "sshwhy.", 7) != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if ((sub = opendir(p)) == NULL)
			continue;
		while ((se = readdir(sub)) != NULL) {
			snprintf(q, sizeof(q), "%s/%s", p, se->d_name);
			if (se->d_name[0] != '.' && stat(q, &st) == 0)
				total += (unsigned long long)st.st_size;
		}
		closedir(sub);
	}
	if (dp != NULL)
		closedir(dp);
	return total;
}

Test(hostile, tar_bomb_members_are_not_copied)
{
	const struct member m[] = {
		{ "var/log/auth.log", M_ZEROS, (size_t)24 << 20 },
		{ "var/log/secure", M_RANDOM, (size_t)1 << 20 },
		{ "var/log/auth.log.1", M_TEXT, 6400 },
	};
	const char *tar = tp("bundle.tar.gz");
	const char *paths[1] = { tar };
	char tmp[PATH_MAX], *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_input *in;
	struct sw_line l;
	size_t n = 0;
	unsigned long long peak;

	write_tar_gz(tar, m, 3);
	snprintf(tmp, sizeof(tmp), "%s/tmp", tdir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	in = sw_input_new(paths, 1, NULL, d);
	/* The tar is spilled when it is reached: before its first line. */
	cr_assert_eq(sw_input_next(in, &l), SW_OK);
	peak = spilled_bytes(tmp);
	n = 1;
	while (sw_input_next(in, &l) == SW_OK)
		n++;
	sw_input_free(in);
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	/* Only the text member was copied; 24 MiB of NULs (over the 16 MiB
	 * a NUL head may have) and 1 MiB of random bytes were judged from
	 * their first bytes. */
	cr_expect_leq(peak, 16ULL << 20, "%llu bytes copied", peak);
	cr_expect_eq(n, 100);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 2, "%s", sw_diag_last(d));
	cr_expect_eq(spilled_bytes(tmp), 0);
	sw_diag_free(d);
}

Test(hostile, compressed_journal_bomb_is_refused_before_the_copy)
{
	unsigned char *j = calloc(1, (size_t)8 << 20);
	size_t glen, n;
	char *g;
	const char *paths[1];
	struct sw_diag *d = sw_diag_new(NULL, 0);
	char *text;

	memcpy(j, "LPKSHHRH", 8);
	g = gzip_bytes((const char *)j, (size_t)8 << 20, &glen);
	paths[0] = write_file("system.journal.gz", g, glen);
	text = read_joined(paths, 1, NULL, d, &n);
	cr_expect_eq(n, 0);
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED) +
	    sw_diag_count(d, SW_DIAG_ERROR), 1, "%s", sw_diag_last(d));
#ifdef SW_HAVE_SYSTEMD
	cr_expect(strstr(sw_diag_last(d), "not a journal file: its header is "
	    "invalid") != NULL, "%s", sw_diag_last(d));
#endif
	free(text);
	free(g);
	free(j);
	sw_diag_free(d);
}

Test(hostile, member_over_the_copy_ceiling_is_named)
{
	const struct member m[] = {
		{ "var/log/auth.log.1", M_TEXT, 6400 },
		{ "var/log/auth.log", M_TEXT, (size_t)2 << 20 },
	};
	const char *tar = tp("big.tar.gz");
	const char *paths[1] = { tar };
	char *msgs = NULL;
	size_t mlen = 0, n;
	FILE *mem = open_memstream(&msgs, &mlen);
	struct sw_diag *d = sw_diag_new(mem, 100);
	struct sw_input_opts o;
	char *text;

	write_tar_gz(tar, m, 2);
	sw_input_opts_default(&o);
	o.max_decompressed = (uint64_t)1 << 20;	/* the copy ceiling too */
	text = read_joined(paths, 1, &o, d, &n);
	fclose(mem);
	cr_expect_eq(n, 100);
	cr_expect(strstr(msgs, "tar member var/log/auth.log is 2097152 bytes, "
	    "over the per-member ceiling of 1048576 bytes; skipped") != NULL,
	    "%s", msgs);
	free(text);
	free(msgs);
	sw_diag_free(d);
}
