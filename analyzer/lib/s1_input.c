/*
 * s1_input.c: stage 1, bytes in, lines out: reading. sw_input_new() has the
 * paths turned into a plan (s1_rotate.c); sw_input_next() opens one source
 * at a time, picks a decoder from the first bytes (s1_decode.c), then a
 * content reader from the first decoded bytes (s1_content.c), and splits
 * decoded bytes into lines. Memory per source is constant: two fixed
 * buffers, a line buffer of at most max_line + 1 bytes (1 MiB for JSON),
 * one journal entry of at most 1 MiB.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s0_common.h"
#include "s1_input.h"
#include "s1_input_int.h"
#include "s1_journal.h"

void
sw_input_opts_default(struct sw_input_opts *o)
{
	o->max_line = SW_INPUT_MAX_LINE_DEFAULT;
	o->max_decompressed = SW_INPUT_MAX_DECOMP_DEFAULT;
	o->zstd_window_log_max = SW_INPUT_ZSTD_WLOG_DEFAULT;
	o->read_hook = NULL;
	o->read_hook_ctx = NULL;
}

void
sw_in_oom(const char *what)
{
	fprintf(stderr, "sshwhy: out of memory (%s)\n", what);
	abort();
}

struct sw_input *
sw_input_new(const char *const *paths, size_t npaths,
    const struct sw_input_opts *opts, struct sw_diag *diag)
{
	struct sw_input *in = sw_xcalloc(1, sizeof(*in));

	/* Zero fields mean "the default", so a zeroed struct works. */
	sw_input_opts_default(&in->opts);
	if (opts != NULL) {
		if (opts->max_line > 0)
			in->opts.max_line = opts->max_line;
		if (opts->max_decompressed > 0)
			in->opts.max_decompressed = opts->max_decompressed;
		if (opts->zstd_window_log_max > 0)
			in->opts.zstd_window_log_max =
			    opts->zstd_window_log_max;
		in->rd.read_hook = opts->read_hook;
		in->rd.read_ctx = opts->read_hook_ctx;
	}
	if (in->opts.max_line > SIZE_MAX / 4)
		in->opts.max_line = SIZE_MAX / 4;
	in->diag = diag;
	in->rd.fd = -1;

	sw_plan_build(in, paths, npaths);
	in->rd.inb = sw_xmalloc(SW_IN_BUFSZ);
	/* Zeroed, as every buffer a line is matched in: PCRE2's JIT reads
	 * ahead of the subject within the buffer (valgrind, issue 13). */
	in->rd.d = sw_xcalloc(1, SW_DEC_BUFSZ);
	sw_jentry_init(&in->rd.je);
	sw_buf_init(&in->rd.synth, 0);
	return in;
}


unsigned
sw_input_nsources(const struct sw_input *in)
{
	return in->nsrc;
}

const char *
sw_input_source_name(const struct sw_input *in, unsigned i)
{
	return i < in->nsrc ? in->src[i].name : NULL;
}

/* Reading: helpers shared by the decoders. */

enum sw_status
sw_rd_fail(struct sw_input *in, enum sw_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->rd.reason, sizeof(in->rd.reason), fmt, ap);
	va_end(ap);
	return st;
}

/* read(2), or the test seam; retried on EINTR. */
ssize_t
sw_rd_sysread(struct sw_reader *rd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = rd->read_hook != NULL ?
		    rd->read_hook(rd->read_ctx, rd->fd, buf, n) :
		    read(rd->fd, buf, n);
	while (r == -1 && errno == EINTR);
	if (r > (ssize_t)n) {		/* a broken hook, never read(2) */
		errno = EIO;
		return -1;
	}
	return r;
}

/*
 * At the end of a regular file: did it shrink or grow while it was read
 * (a live log rotated by copytruncate, or still written)? Said once the
 * source ends (sw_rd_report), with both sizes.
 */
void
sw_rd_check_size(struct sw_reader *rd)
{
	struct stat st;

	if (rd->regular && fstat(rd->fd, &st) == 0 &&
	    (uint64_t)st.st_size != rd->in_off) {
		rd->resized = 1;
		rd->size_at_eof = (int64_t)st.st_size;
	}
}

/* Refills the compressed buffer. 1: data, 0: end of file, -1: errno. */
int
sw_rd_read(struct sw_reader *rd)
{
	ssize_t n;

	if (rd->in_pos < rd->in_len)
		return 1;
	if (rd->in_eof)
		return 0;
	n = sw_rd_sysread(rd, rd->inb, SW_IN_BUFSZ);
	if (n == -1)
		return -1;
	rd->in_pos = 0;
	rd->in_len = (size_t)n;
	rd->in_off += (uint64_t)n;
	if (n == 0) {
		rd->in_eof = 1;
		sw_rd_check_size(rd);
		return 0;
	}
	return 1;
}

enum sw_status
sw_rd_read_error(struct sw_input *in)
{
	return sw_rd_fail(in, SW_ERR_IO, "read error at byte %llu: %s",
	    (unsigned long long)in->rd.in_off, strerror(errno));
}

/* Plain text. */


/* Temporary files: copies of archive members, decoded journal files. */

const char *
sw_tmpdir(struct sw_input *in)
{
	const char *base;
	char *t;

	if (in->tmpdir != NULL)
		return in->tmpdir;
	if ((base = getenv("TMPDIR")) == NULL || base[0] == '\0')
		base = "/tmp";
	t = sw_xasprintf("%s/sshwhy.XXXXXX", base);
	if (mkdtemp(t) == NULL) {
		sw_diag_printf(in->diag, SW_DIAG_ERROR, t, 0,
		    "cannot create a temporary directory: %s",
		    strerror(errno));
		free(t);
		return NULL;
	}
	in->tmpdir = t;
	return t;
}

char *
sw_tmpname(struct sw_input *in, const char *what)
{
	const char *d = sw_tmpdir(in);

	if (d == NULL)
		return NULL;
	return sw_xasprintf("%s/%s%u", d, what, in->ntmp++);
}

/* Source lifecycle. */

static void
sw_rd_close(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;
	struct sw_source *s = &in->src[in->cur];

	if (rd->ct != NULL && rd->ct->end != NULL)
		rd->ct->end(in);
	rd->ct = NULL;
	if (rd->dec_live && rd->dec->end != NULL)
		rd->dec->end(in);
	rd->dec_live = 0;
	if (rd->fd != -1 && rd->fd != STDIN_FILENO)
		close(rd->fd);
	rd->fd = -1;
	rd->active = 0;
	/* A copy is read once: its disk space goes back at once. */
	if (s->path != NULL) {
		unlink(s->path);
		free(s->path);
		s->path = NULL;
	}
}

static void
sw_rd_reset(struct sw_reader *rd)
{
	rd->fd = -1;
	rd->dec = NULL;
	rd->dec_live = 0;
	rd->in_pos = rd->in_len = 0;
	rd->in_eof = 0;
	rd->in_off = 0;
	rd->regular = 0;
	rd->resized = 0;
	rd->size_at_eof = 0;
	rd->dpos = rd->dlen = 0;
	rd->dtotal = 0;
	rd->primed = 0;
	rd->gz_in_member = 0;
	rd->lb_len = 0;
	rd->lb_total = 0;
	rd->lb_last = '\0';
	rd->partial = 0;
	rd->lineno = 0;
	rd->ncut = 0;
	rd->cut_first = 0;
	rd->cut_entries = 0;
	rd->nul_lines = 0;
	rd->end = SW_OK;
	rd->reported = 0;
	rd->reason[0] = '\0';
	rd->ct = NULL;
	rd->jx = NULL;
	rd->jn = NULL;
	rd->jn_expect = rd->jn_read = 0;
}

/*
 * Decodes the next chunk of the current source into rd->d. The first call
 * decodes at least SW_TEXT_WINDOW bytes (when there are that many), so the
 * content can be told. Returns SW_OK with new bytes, or SW_EOF once the
 * source is done (again on every later call); why it ended is in rd->end
 * and rd->reason.
 */
enum sw_status
sw_rd_refill(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;
	size_t want, got;
	enum sw_status st;

	rd->dpos = rd->dlen = 0;
	want = rd->primed ? 1 : SW_TEXT_WINDOW;
	rd->primed = 1;
	while (rd->end == SW_OK && rd->dlen < want) {
		st = rd->dec->step(in, rd->d + rd->dlen,
		    SW_DEC_BUFSZ - rd->dlen, &got);
		if (got > in->opts.max_decompressed - rd->dtotal) {
			got = (size_t)(in->opts.max_decompressed - rd->dtotal);
			st = sw_rd_fail(in, SW_ERR_LIMIT,
			    "%ssize exceeds %llu bytes; rest skipped",
			    rd->dec->compressed ? "decompressed " : "",
			    (unsigned long long)in->opts.max_decompressed);
		}
		rd->dtotal += got;
		rd->dlen += got;
		if (st != SW_OK)
			rd->end = st;
	}
	return rd->dlen > 0 ? SW_OK : SW_EOF;
}

/* The decoded stream as struct sw_bytes, for the export and tar readers. */
size_t
sw_rd_peek(void *ctx, const char **p)
{
	struct sw_input *in = ctx;
	struct sw_reader *rd = &in->rd;

	if (rd->dpos >= rd->dlen && sw_rd_refill(in) != SW_OK)
		return 0;
	*p = rd->d + rd->dpos;
	return rd->dlen - rd->dpos;
}

void
sw_rd_consume(void *ctx, size_t n)
{
	struct sw_input *in = ctx;

	in->rd.dpos += n;
}

/* Says why the source ended early, once, after its last line. */
void
sw_rd_report(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;

	if (!rd->reported && rd->ncut > 1)
		sw_diag_printf(in->diag, SW_DIAG_SKIPPED,
		    in->src[in->cur].name, 0, "%llu %s longer than %zu bytes "
		    "were cut (the first at %s %llu); --max-line raises the "
		    "ceiling", (unsigned long long)rd->ncut,
		    rd->cut_entries ? "entries" : "lines", in->opts.max_line,
		    rd->cut_entries ? "entry" : "line",
		    (unsigned long long)rd->cut_first);
	if (!rd->reported && rd->resized && rd->size_at_eof <
	    (int64_t)rd->in_off)
		sw_diag_printf(in->diag, SW_DIAG_WARNING,
		    in->src[in->cur].name, 0, "the file shrank to %lld bytes "
		    "while being read, after byte %llu (rotated by "
		    "copytruncate?); lines written since are not read",
		    (long long)rd->size_at_eof,
		    (unsigned long long)rd->in_off);
	else if (!rd->reported && rd->resized)
		sw_diag_printf(in->diag, SW_DIAG_WARNING,
		    in->src[in->cur].name, 0, "the file grew to %lld bytes "
		    "while being read; read up to byte %llu",
		    (long long)rd->size_at_eof,
		    (unsigned long long)rd->in_off);
	if (!rd->reported && rd->end != SW_EOF && rd->end != SW_OK)
		sw_diag_printf(in->diag, SW_DIAG_SKIPPED,
		    in->src[in->cur].name, 0, "%s", rd->reason);
	rd->reported = 1;
}

/* Appends to the straddling line, keeping at most max + 1 bytes. */
static void
sw_lb_add(struct sw_input *in, const char *p, size_t n, size_t max)
{
	struct sw_reader *rd = &in->rd;
	size_t want, cap;

	max++;
	rd->partial = 1;
	rd->lb_total += n;
	if (n == 0)
		return;
	rd->lb_last = p[n - 1];
	if (rd->lb_len >= max)
		return;
	if (n > max - rd->lb_len)
		n = max - rd->lb_len;
	want = rd->lb_len + n;
	if (want > rd->lb_cap) {
		cap = rd->lb_cap ? rd->lb_cap : 256;
		while (cap < want)
			cap = cap > max / 2 ? max : cap * 2;
		rd->lb = sw_xreallocarray(rd->lb, cap, 1);
		memset(rd->lb + rd->lb_cap, 0, cap - rd->lb_cap);
		rd->lb_cap = cap;
	}
	memcpy(rd->lb + rd->lb_len, p, n);
	rd->lb_len += n;
}

void
sw_rd_emit(struct sw_input *in, const char *p, uint64_t len, uint64_t lineno,
    struct sw_line *out)
{
	struct sw_reader *rd = &in->rd;
	const struct sw_source *s = &in->src[in->cur];

	out->truncated = 0;
	if (len > in->opts.max_line) {
		len = in->opts.max_line;
		out->truncated = 1;
		/*
		 * The rest of the line is not analysed, and a failed login
		 * can hide behind a long name (issue 13, D14): skipped input,
		 * so the exit status says the input was cut.
		 */
		if (rd->ncut++ == 0) {
			rd->cut_first = lineno;
			rd->cut_entries = !rd->ct->lines;
			sw_diag_printf(in->diag, SW_DIAG_SKIPPED, s->name,
			    lineno, "%s %llu longer than %zu bytes, cut",
			    rd->ct->lines ? "line" : "entry",
			    (unsigned long long)lineno, in->opts.max_line);
		}
	}
	out->text = sw_span_make(p != NULL ? p : "", (size_t)len);
	out->origin = s->name;
	out->lineno = lineno;
	out->mtime = s->mtime;
	out->set_mtime = s->set_mtime;
	out->source = in->cur;
	out->cursor = sw_span_make("", 0);
}

/*
 * Next raw line of the decoded stream, without its \n or \r\n: a span into
 * rd->d, or into rd->lb for a line that straddles buffers (at most max + 1
 * bytes kept; *total is the real length). SW_EOF at the end.
 */
enum sw_status
sw_rd_rawline(struct sw_input *in, size_t max, const char **lp,
    uint64_t *total)
{
	struct sw_reader *rd = &in->rd;

	for (;;) {
		if (rd->dpos < rd->dlen) {
			const char *p = rd->d + rd->dpos;
			size_t n = rd->dlen - rd->dpos, len;
			const char *nl = memchr(p, '\n', n);

			if (nl != NULL) {
				len = (size_t)(nl - p);
				rd->dpos += len + 1;
				rd->lineno++;
				if (!rd->partial) {
					/* The common case: a span into rd->d. */
					if (len > 0 && p[len - 1] == '\r')
						len--;
					*lp = p;
					*total = len;
					return SW_OK;
				}
				sw_lb_add(in, p, len, max);
				break;
			}
			sw_lb_add(in, p, n, max);
			rd->dpos = rd->dlen;
		}
		if (sw_rd_refill(in) != SW_OK) {
			if (!rd->partial)
				return SW_EOF;
			rd->lineno++;
			break;
		}
	}
	/* The straddling line, without its \r. */
	*total = rd->lb_total;
	if (*total > 0 && rd->lb_last == '\r')
		(*total)--;
	*lp = rd->lb;
	rd->partial = 0;
	rd->lb_len = 0;
	rd->lb_total = 0;
	rd->lb_last = '\0';
	return SW_OK;
}

/*
 * Opens a source's file. A FIFO with no writer would block open() forever
 * (issue 13), so every file is opened with O_NONBLOCK, which is then
 * cleared: a FIFO is read from the writers that have it open at that
 * moment, and with none it reads as empty (reported by the caller).
 */
static int
sw_rd_open_fd(struct sw_input *in, const char *path, int *fifo)
{
	struct stat st;
	int fd, fl;

	memset(&st, 0, sizeof(st));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		sw_diag_printf(in->diag, SW_DIAG_ERROR, in->src[in->cur].name,
		    0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*fifo = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
	in->rd.regular = S_ISREG(st.st_mode);
	return fd;
}

/*
 * Opens source i, picks its decoder from the first bytes and its content
 * reader from the first decoded bytes. Only a failed open() is an error
 * here; anything later ends the source through rd->end, reported when the
 * lines before it have been delivered.
 */
static enum sw_status
sw_rd_open(struct sw_input *in, unsigned i)
{
	struct sw_reader *rd = &in->rd;
	const struct sw_source *s = &in->src[i];
	const char *path = s->path != NULL ? s->path : s->name;
	enum sw_status st;
	size_t k;
	int fifo = 0;

	sw_rd_reset(rd);
	if (s->kind != SW_SRC_STREAM) {
		rd->active = 1;
		rd->ct = &sw_contents[0];	/* native journal */
		if ((st = rd->ct->init(in)) != SW_OK)
			rd->end = st;
		return SW_OK;
	}
	if (s->is_stdin)
		rd->fd = STDIN_FILENO;
	else if ((rd->fd = sw_rd_open_fd(in, path, &fifo)) == -1)
		return SW_ERR_IO;
	rd->active = 1;
	rd->ct = &sw_contents[sw_ncontents - 1];
#ifdef POSIX_FADV_SEQUENTIAL
	if (!s->is_stdin)
		(void)posix_fadvise(rd->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

	/* Pipes may hand over a few bytes at a time: gather the magic. */
	while (rd->in_len < SW_SNIFF_MIN && !rd->in_eof) {
		ssize_t n;

		n = sw_rd_sysread(rd, rd->inb + rd->in_len,
		    SW_IN_BUFSZ - rd->in_len);
		if (n == -1) {
			rd->end = sw_rd_read_error(in);
			rd->dec = &sw_decoders[sw_ndecoders - 1];
			return SW_OK;
		}
		if (n == 0) {
			rd->in_eof = 1;
			sw_rd_check_size(rd);
		}
		rd->in_len += (size_t)n;
		rd->in_off += (uint64_t)n;
	}
	if (fifo && rd->in_len == 0)
		sw_diag_printf(in->diag, SW_DIAG_WARNING, s->name, 0,
		    "a FIFO with no writer: nothing to read");
	for (k = 0; k < sw_ndecoders - 1; k++) {
		if (sw_decoders[k].sniff(rd->inb, rd->in_len))
			break;
	}
	rd->dec = &sw_decoders[k];
	if (rd->dec->init != NULL) {
		if ((st = rd->dec->init(in)) != SW_OK) {
			rd->end = st;
			return SW_OK;
		}
		rd->dec_live = 1;
	}
	/* The first decoded bytes tell what the content is. */
	(void)sw_rd_refill(in);
	for (k = 0; k < sw_ncontents - 1; k++)
		if (sw_contents[k].sniff(rd->d, rd->dlen))
			break;
	rd->ct = &sw_contents[k];
	if (rd->ct->init != NULL && (st = rd->ct->init(in)) != SW_OK)
		rd->end = st;
	return SW_OK;
}


enum sw_status
sw_input_next(struct sw_input *in, struct sw_line *out)
{
	while (in->cur < in->nsrc) {
		if (!in->rd.active && sw_rd_open(in, in->cur) != SW_OK) {
			in->cur++;
			continue;
		}
		if (in->rd.ct->next(in, out) == SW_OK)
			return SW_OK;
		sw_rd_close(in);
		sw_rd_report(in);
		in->cur++;
	}
	return SW_EOF;
}

void
sw_input_free(struct sw_input *in)
{
	unsigned i;

	if (in == NULL)
		return;
	if (in->rd.active)
		sw_rd_close(in);
	for (i = 0; i < in->nsrc; i++) {
		if (in->src[i].path != NULL)
			unlink(in->src[i].path);
		free(in->src[i].path);
		free(in->src[i].name);
	}
	if (in->tmpdir != NULL) {
		DIR *dp = opendir(in->tmpdir);
		struct dirent *de;

		/* Only our own files are in it; leftovers of a failed step. */
		while (dp != NULL && (de = readdir(dp)) != NULL) {
			char *f;

			if (de->d_name[0] == '.')
				continue;
			f = sw_xasprintf("%s/%s", in->tmpdir, de->d_name);
			unlink(f);
			free(f);
		}
		if (dp != NULL)
			closedir(dp);
		rmdir(in->tmpdir);
		free(in->tmpdir);
	}
	sw_jentry_free(&in->rd.je);
	sw_buf_free(&in->rd.synth);
	free(in->src);
	free(in->rd.inb);
	free(in->rd.d);
	free(in->rd.lb);
	free(in);
}
