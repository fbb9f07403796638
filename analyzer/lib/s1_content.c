/*
 * s1_content.c: stage 1, content readers, chosen from the first decoded
 * bytes: a native journal file or directory (sd-journal), a tar (members
 * copied out and put in the plan after it), a journal export, journal
 * JSON, text lines. Each journal entry becomes one line (s1_journal.h).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s0_common.h"
#include "s1_archive.h"
#include "s1_input_int.h"
#include "s1_journal.h"
#include "s1_rotate.h"

/* Text or binary: content sniffing. */

/*
 * A source is binary if more than 10% of its first bytes are NUL, or if
 * more than 30% are control bytes (but tab, CR, LF, FF, ESC) or bytes of
 * invalid UTF-8: random data (/dev/urandom, an encrypted file) has about
 * 60%, a log with Latin-1 names a few. One block of NULs beside real
 * lines is a text log damaged by a crash or a copytruncate, so that alone
 * does not count.
 */
static int
sw_looks_binary(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i, nul = 0, runs = 0, odd = 0;
	int nl = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\0') {
			nul++;
			if (i == 0 || p[i - 1] != '\0')
				runs++;
		} else if (p[i] == '\n')
			nl = 1;
	}
	for (i = 0; i < n; ) {
		size_t k = 0, j;

		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
			    u[i] != '\r' && u[i] != '\f' && u[i] != 0x1b &&
			    u[i] != 0) || u[i] == 0x7f)
				odd++;
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf)
			k = 2;
		else if (u[i] >= 0xe0 && u[i] <= 0xef)
			k = 3;
		else if (u[i] >= 0xf0 && u[i] <= 0xf4)
			k = 4;
		for (j = 1; k > 0 && j < k; j++)
			if (i + j < n && (u[i + j] & 0xc0) != 0x80)
				k = 0;
		if (k == 0) {
			odd++;
			i++;
		} else
			i += k;
	}
	if (odd * 10 > n * 3)
		return 1;
	if (nul * 10 <= n)
		return 0;
	return !(runs == 1 && nl);
}

/* Text lines. */

static int
sw_text_sniff(const char *p, size_t n)
{
	(void)p;
	(void)n;
	return 1;
}

/*
 * A log truncated while a writer kept its offset (copytruncate) or cut by a
 * crash starts with a run of NULs, often longer than the sniffing window
 * (issue 13, D6): the run is skipped and reported, and the bytes after it
 * are judged text or binary. The run is as long as the file was when it
 * was truncated; past SW_NUL_HEAD_MAX it is taken for a bomb.
 */
#define SW_NUL_HEAD_MAX	((uint64_t)256 << 20)
static enum sw_status
sw_text_init(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;
	uint64_t nul = 0;
	size_t n;

	for (;;) {
		while (rd->dpos < rd->dlen && rd->d[rd->dpos] == '\0') {
			rd->dpos++;
			nul++;
		}
		if (rd->dpos < rd->dlen || nul == 0)
			break;
		/* A decompression bomb of NULs is not read to its end. */
		if (nul > SW_NUL_HEAD_MAX) {
			rd->dlen = rd->dpos = 0;
			return sw_rd_fail(in, SW_ERR_UNSUPPORTED, "more than "
			    "%llu MiB of NUL bytes at the start, not a text "
			    "log", (unsigned long long)(SW_NUL_HEAD_MAX >> 20));
		}
		if (sw_rd_refill(in) != SW_OK)
			break;
	}
	if (nul > 0 && rd->dpos >= rd->dlen) {
		rd->dlen = rd->dpos = 0;
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED, "%llu NUL bytes and "
		    "nothing else, not a text log", (unsigned long long)nul);
	}
	if (nul > 0)
		sw_diag_printf(in->diag, SW_DIAG_WARNING, in->src[in->cur].name,
		    0, "%llu NUL bytes at the start skipped (a log truncated "
		    "while being written: copytruncate or a crash)",
		    (unsigned long long)nul);
	n = rd->dlen - rd->dpos;
	if (sw_looks_binary(rd->d + rd->dpos, n < SW_TEXT_WINDOW ? n :
	    SW_TEXT_WINDOW)) {
		rd->dlen = rd->dpos = 0;
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "binary data, not a text log");
	}
	return SW_OK;
}

/*
 * A line that starts with NULs: the same damage in the middle of a file
 * (a crash loses the end of a block). The NULs are dropped so the line
 * after them still parses; the first lines are named, the rest counted by
 * the diagnostics sink.
 */
static enum sw_status
sw_text_next(struct sw_input *in, struct sw_line *out)
{
	const char *p;
	uint64_t len, nul = 0;

	if (sw_rd_rawline(in, in->opts.max_line, &p, &len) != SW_OK)
		return SW_EOF;
	/* Only a line kept whole: a longer one is cut from its start. */
	while (len <= in->opts.max_line && nul < len && p[nul] == '\0')
		nul++;
	if (nul > 0 && nul < len) {
		in->rd.nul_lines++;
		sw_diag_printf(in->diag, SW_DIAG_WARNING, in->src[in->cur].name,
		    in->rd.lineno, "%llu NUL bytes before the line skipped",
		    (unsigned long long)nul);
		p += nul;
		len -= nul;
	}
	sw_rd_emit(in, p, len, in->rd.lineno, out);
	return SW_OK;
}

/* Journal entries, from any reader, as one line each. */

static enum sw_status
sw_journal_emit(struct sw_input *in, uint64_t entryno, struct sw_line *out)
{
	struct sw_reader *rd = &in->rd;
	const char *why = NULL;

	if (sw_jentry_format(&rd->je, &rd->synth, &why) != SW_OK) {
		sw_diag_printf(in->diag, SW_DIAG_SKIPPED, in->src[in->cur].name,
		    entryno, "journal entry %llu: %s; skipped",
		    (unsigned long long)entryno, why);
		return SW_ERR_PARSE;
	}
	sw_rd_emit(in, rd->synth.p, rd->synth.len, entryno, out);
	out->cursor = sw_jentry_get(&rd->je, SW_JF_CURSOR);
	return SW_OK;
}

/* journalctl -o export. */

static enum sw_status
sw_export_init(struct sw_input *in)
{
	in->rd.jx = sw_jexport_new(in->src[in->cur].name, in->diag);
	return SW_OK;
}

static enum sw_status
sw_export_next(struct sw_input *in, struct sw_line *out)
{
	struct sw_bytes b = { in, sw_rd_peek, sw_rd_consume };
	uint64_t entryno;

	while (sw_jexport_next(in->rd.jx, &b, &in->rd.je, &entryno) ==
	    SW_OK) {
		if (!sw_jentry_is_sshd(&in->rd.je))
			continue;
		if (sw_journal_emit(in, entryno, out) == SW_OK)
			return SW_OK;
	}
	return SW_EOF;
}

static void
sw_export_end(struct sw_input *in)
{
	sw_jexport_free(in->rd.jx);
	in->rd.jx = NULL;
}

/* journalctl -o json and -o json-seq: one object per line. */

static enum sw_status
sw_json_next(struct sw_input *in, struct sw_line *out)
{
	struct sw_reader *rd = &in->rd;
	const char *name = in->src[in->cur].name;
	char why[256];
	const char *p;
	uint64_t len;

	while (sw_rd_rawline(in, SW_JSON_MAX, &p, &len) == SW_OK) {
		enum sw_status st;

		if (len > SW_JSON_MAX) {
			sw_diag_printf(in->diag, SW_DIAG_SKIPPED, name,
			    rd->lineno, "journal JSON entry %llu is over "
			    "%llu bytes; skipped", (unsigned long long)
			    rd->lineno, (unsigned long long)SW_JSON_MAX);
			continue;
		}
		st = sw_jjson_parse(p, (size_t)len, &rd->je, why, sizeof(why));
		if (st == SW_ERR_PARSE) {
			sw_diag_printf(in->diag, SW_DIAG_SKIPPED, name,
			    rd->lineno, "journal JSON entry %llu: %s; skipped",
			    (unsigned long long)rd->lineno, why);
			continue;
		}
		if (st != SW_OK)
			continue;
		if (sw_journal_emit(in, rd->lineno, out) == SW_OK)
			return SW_OK;
	}
	return SW_EOF;
}

/* Native journal files and directories, through sd-journal. */

/* Entries the headers of the files of a journal directory count. */
static uint64_t
sw_dir_header_entries(const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;
	uint64_t n = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		char *sub;

		if (!sw_is_journal_name(de->d_name) &&
		    !(depth == 0 && sw_is_machine_id(de->d_name)))
			continue;
		sub = sw_xasprintf("%s/%s", dir, de->d_name);
		n += sw_is_journal_name(de->d_name) ?
		    sw_jnative_header_entries(sub) :
		    sw_dir_header_entries(sub, 1);
		free(sub);
	}
	closedir(dp);
	return n;
}

uint64_t
sw_spill_cap(struct sw_input *in)
{
	struct stat st;
	uint64_t cap = 0;

	if (!in->src[in->cur].is_stdin && in->rd.fd != -1 &&
	    fstat(in->rd.fd, &st) == 0 && S_ISREG(st.st_mode))
		cap = (uint64_t)st.st_size > UINT64_MAX / SW_SPILL_RATIO ?
		    UINT64_MAX : (uint64_t)st.st_size * SW_SPILL_RATIO;
	if (cap < SW_SPILL_MIN)
		cap = SW_SPILL_MIN;
	if (cap > in->opts.max_decompressed)
		cap = in->opts.max_decompressed;
	return cap;
}

/*
 * Copies the rest of the decoded stream, a native journal file, into a
 * temporary file for sd-journal. Its header is checked first and the copy
 * stops at the size the header gives (issue 13, D7: a "journal" of 2 GiB
 * of NULs behind the magic was copied whole), under sw_spill_cap().
 */
static char *
sw_rd_spill(struct sw_input *in)
{
	char *t;
	const char *p;
	size_t n;
	uint64_t want, left, cap = sw_spill_cap(in);
	int fd;

	n = sw_rd_peek(in, &p);
	want = sw_jnative_header_bytes((const unsigned char *)p, n);
	if (want == 0) {
		sw_rd_fail(in, SW_ERR_CORRUPT, "not a journal file: its header "
		    "is invalid; not read");
		return NULL;
	}
	if (want > cap) {
		sw_rd_fail(in, SW_ERR_LIMIT, "journal header says %llu bytes, "
		    "over the copy ceiling of %llu bytes (%d times the input, "
		    "at least 1 GiB); not read", (unsigned long long)want,
		    (unsigned long long)cap, SW_SPILL_RATIO);
		return NULL;
	}
	left = want;
	if ((t = sw_tmpname(in, "journal")) == NULL)
		return NULL;
	if ((fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		sw_rd_fail(in, SW_ERR_IO, "cannot write a temporary copy: %s",
		    strerror(errno));
		free(t);
		return NULL;
	}
	while (left > 0 && (n = sw_rd_peek(in, &p)) > 0) {
		if (n > left)
			n = (size_t)left;
		left -= n;
		if (write(fd, p, n) != (ssize_t)n) {
			sw_rd_fail(in, SW_ERR_IO, "cannot write a temporary "
			    "copy: %s", strerror(errno));
			close(fd);
			unlink(t);
			free(t);
			return NULL;
		}
		sw_rd_consume(in, n);
	}
	close(fd);
	return t;
}

static enum sw_status
sw_native_init(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;
	struct sw_source *s = &in->src[in->cur];
	const char *path = s->path != NULL ? s->path : s->name;
	char why[256], *copy = NULL;
	enum sw_status st;

	if (!sw_jnative_available()) {
		(void)sw_jnative_open(&path, 1, 0, &rd->jn, why, sizeof(why));
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED, "%s", why);
	}
	if (s->kind == SW_SRC_STREAM) {
		/*
		 * A compressed journal file or one on stdin: sd-journal needs
		 * a file, so the decoded bytes are copied first.
		 */
		if (rd->dec->compressed || s->is_stdin) {
			if ((copy = sw_rd_spill(in)) == NULL)
				return rd->reason[0] != '\0' ? SW_ERR_CORRUPT :
				    sw_rd_fail(in, SW_ERR_IO, "no temporary "
				    "directory");
			/* Keep what decoded; say now why it stopped. */
			if (rd->end != SW_OK && rd->end != SW_EOF)
				sw_rd_report(in);
			rd->end = SW_OK;
			rd->reported = 0;
			free(s->path);
			s->path = copy;
			path = copy;
		}
		s->kind = SW_SRC_JOURNAL_FILE;
	}
	if (s->kind == SW_SRC_JOURNAL_FILE &&
	    sw_jnative_check_size(path, why, sizeof(why)) != SW_OK) {
		char *fixed = sw_tmpname(in, "repaired");
		uint64_t kept = 0;
		char why2[256];

		sw_diag_printf(in->diag, SW_DIAG_SKIPPED, s->name, 0, "%s", why);
		if (fixed == NULL)
			return sw_rd_fail(in, SW_ERR_IO, "no temporary directory");
		if (sw_jnative_repair(path, fixed, in->opts.max_decompressed,
		    &kept, why2, sizeof(why2)) != SW_OK) {
			unlink(fixed);
			free(fixed);
			return sw_rd_fail(in, SW_ERR_CORRUPT, "%s", why2);
		}
		if (s->path != NULL)
			unlink(s->path);
		free(s->path);
		s->path = fixed;
		path = fixed;
	}
	if (s->kind == SW_SRC_JOURNAL_DIR)
		rd->jn_expect = sw_dir_header_entries(path, 0);
	else
		rd->jn_expect = sw_jnative_header_entries(path);
	st = sw_jnative_open(&path, 1, s->kind == SW_SRC_JOURNAL_DIR, &rd->jn,
	    why, sizeof(why));
	if (st != SW_OK)
		return sw_rd_fail(in, st, "%s", why);
	return SW_OK;
}

static enum sw_status
sw_native_next(struct sw_input *in, struct sw_line *out)
{
	struct sw_reader *rd = &in->rd;
	const char *name = in->src[in->cur].name;
	uint64_t entryno = 0;
	enum sw_status st;
	char why[256];

	if (rd->jn == NULL || rd->end != SW_OK)
		return SW_EOF;
	for (;;) {
		st = sw_jnative_next(rd->jn, &rd->je, &entryno, why,
		    sizeof(why));
		if (st == SW_EOF) {
			rd->jn_read = entryno > rd->jn_read ? entryno :
			    rd->jn_read;
			break;
		}
		rd->jn_read = entryno;
		if (st == SW_ERR_PARSE) {
			sw_diag_printf(in->diag, SW_DIAG_SKIPPED, name, entryno,
			    "%s; skipped", why);
			continue;
		}
		if (st != SW_OK) {
			rd->end = sw_rd_fail(in, st, "%s", why);
			return SW_EOF;
		}
		if (sw_journal_emit(in, entryno, out) == SW_OK)
			return SW_OK;
	}
	return SW_EOF;
}

static void
sw_native_end(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;

	if (rd->jn != NULL) {
		uint64_t got = 0;
		char why[8];

		/* Count what sd-journal could not reach. */
		while (sw_jnative_next(rd->jn, &rd->je, &got, why,
		    sizeof(why)) == SW_OK)
			;
		if (got > rd->jn_read)
			rd->jn_read = got;
		if (rd->jn_read < rd->jn_expect)
			sw_diag_printf(in->diag, SW_DIAG_SKIPPED,
			    in->src[in->cur].name, rd->jn_read,
			    "corrupt journal: %llu of the %llu entries its "
			    "header%s count%s could be read",
			    (unsigned long long)rd->jn_read,
			    (unsigned long long)rd->jn_expect,
			    in->src[in->cur].kind == SW_SRC_JOURNAL_DIR ? "s" :
			    "", in->src[in->cur].kind == SW_SRC_JOURNAL_DIR ?
			    "" : "s");
	}
	sw_jnative_close(rd->jn);
	rd->jn = NULL;
}

static int
sw_native_sniff(const char *p, size_t n)
{
	return sw_jnative_sniff(p, n);
}

/* Tar: members are copied out and put in the plan after the archive. */

/*
 * A member worth copying: compressed, a journal with a plausible header,
 * or text (sw_looks_binary). Sees the first bytes after any NUL run.
 */
static int
sw_member_ok(const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < sw_ndecoders - 1; k++)
		if (sw_decoders[k].sniff((const unsigned char *)p, n))
			return 1;
	if (sw_jnative_sniff(p, n))
		return sw_jnative_header_bytes((const unsigned char *)p, n) != 0;
	return !sw_looks_binary(p, n < SW_TEXT_WINDOW ? n : SW_TEXT_WINDOW);
}

static enum sw_status
sw_tar_init(struct sw_input *in)
{
	struct sw_bytes b = { in, sw_rd_peek, sw_rd_consume };
	struct sw_source *self = &in->src[in->cur], *add;
	struct sw_archive_member *m = NULL;
	const char *dir;
	size_t n = 0, i;
	uint64_t cap;

	if (self->depth > 0)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "a tar inside an archive; not read (extract it first)");
	if ((dir = sw_tmpdir(in)) == NULL)
		return sw_rd_fail(in, SW_ERR_IO, "no temporary directory");
	cap = sw_spill_cap(in);
	sw_archive_spill(&b, self->name, dir, cap, cap > in->spilled ?
	    cap - in->spilled : 0, sw_name_selected, sw_member_ok, in->diag,
	    &m, &n);
	add = sw_xcalloc(n > 0 ? n : 1, sizeof(*add));
	for (i = 0; i < n; i++) {
		add[i].name = sw_xasprintf("%s:%s", self->name, m[i].member);
		add[i].path = m[i].tmp;
		m[i].tmp = NULL;
		add[i].kind = SW_SRC_STREAM;
		add[i].depth = 1;
		add[i].mtime = m[i].mtime;
		add[i].slot = self->slot;
		add[i].seq = i;
		in->spilled += m[i].size;
	}
	sw_plan_set_mtimes(add, n);
	sw_archive_members_free(m, n);
	/* self moves when the plan grows: nothing may hold it past here. */
	sw_plan_insert(in, add, n);
	free(add);
	return SW_OK;
}

static enum sw_status
sw_none_next(struct sw_input *in, struct sw_line *out)
{
	(void)in;
	(void)out;
	return SW_EOF;
}

static int
sw_tar_sniff(const char *p, size_t n)
{
	return sw_archive_sniff(p, n);
}

/* First match wins; text lines match everything, so they are last. */
const struct sw_content sw_contents[] = {
	{ "journal", sw_native_sniff, sw_native_init, sw_native_next,
	    sw_native_end, 0 },
	{ "tar", sw_tar_sniff, sw_tar_init, sw_none_next, NULL, 0 },
	{ "journal-export", sw_jexport_sniff, sw_export_init, sw_export_next,
	    sw_export_end, 0 },
	{ "journal-json", sw_jjson_sniff, NULL, sw_json_next, NULL, 0 },
	{ "text", sw_text_sniff, sw_text_init, sw_text_next, NULL, 1 },
};
const size_t sw_ncontents = sizeof(sw_contents) /
    sizeof(*sw_contents);
