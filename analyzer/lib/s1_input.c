/*
 * s1_input.c: stage 1, bytes in, lines out. sw_input_new() turns the paths
 * into a plan (rotated sets oldest first, each file once; journal files and
 * directories as sources of their own); sw_input_next() opens one source at
 * a time, picks a decoder from the first bytes (a table), then a content
 * reader from the first decoded bytes (another table: native journal, tar,
 * journal export, journal JSON, text lines). A tar puts its members into
 * the plan right after itself. Memory per source is constant: two fixed
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "s0_common.h"
#include "s1_archive.h"
#include "s1_input.h"
#include "s1_journal.h"

#define SW_IN_BUFSZ	((size_t)128 << 10)	/* compressed bytes, per read */
#define SW_DEC_BUFSZ	((size_t)128 << 10)	/* decoded bytes */
#define SW_SNIFF_MIN	16			/* longest magic we look at */
#define SW_TEXT_WINDOW	4096			/* bytes judged text or binary */
#define SW_XZ_MEMLIMIT	((uint64_t)256 << 20)	/* xz dictionary ceiling */
#define SW_JSON_MAX	(SW_JOURNAL_MAX_ENTRY + 4096)	/* one JSON line */

enum sw_src_kind {
	SW_SRC_STREAM,		/* a file or stdin: decoders, then content */
	SW_SRC_JOURNAL_DIR,	/* a directory of journal files (sd-journal) */
	SW_SRC_JOURNAL_FILE,	/* one journal file, opened by path */
};

/* Some logs have no rotation suffix at all. */
static const char *const sw_log_names[] = {
	"auth.log", "secure", "messages", "syslog",
};

static const char *const sw_comp_suffixes[] = {
	".gz", ".zst", ".xz", ".bz2", ".lz4",
};

struct sw_source {
	char *name;		/* display name; also the path, unless stdin */
	char *path;		/* what to open when not name: a temporary copy */
	enum sw_src_kind kind;
	int is_stdin;
	int is_arg;		/* a file named on the command line */
	int depth;		/* 1: a member of an archive */
	int64_t mtime;
	int64_t set_mtime;	/* newest mtime of its rotated set */
	dev_t dev;
	ino_t ino;
	size_t slot;		/* plan position: argument index of its group */
	size_t seq;		/* tiebreak inside a slot */
};

struct sw_input;
struct sw_decoder {
	const char *name;
	int compressed;
	int (*sniff)(const unsigned char *p, size_t n);
	/* NULL init: recognised but not supported by this build. */
	enum sw_status (*init)(struct sw_input *in);
	/*
	 * Decodes into out[0..cap). Sets *got to the bytes produced even when
	 * it fails, so what came before the damage is kept. Returns SW_OK
	 * only with *got > 0; SW_EOF at a clean end; anything else sets the
	 * reason with sw_rd_fail().
	 */
	enum sw_status (*step)(struct sw_input *in, char *out, size_t cap,
	    size_t *got);
	void (*end)(struct sw_input *in);
};

/* The source being read. Reset by sw_rd_open(). */
struct sw_reader {
	int active;
	int fd;
	const struct sw_decoder *dec;
	int dec_live;		/* init succeeded; end() must run */

	unsigned char *inb;	/* compressed input, SW_IN_BUFSZ */
	size_t in_pos, in_len;
	int in_eof;
	uint64_t in_off;	/* bytes read from the fd so far */

	char *d;		/* decoded bytes, SW_DEC_BUFSZ */
	size_t dpos, dlen;
	uint64_t dtotal;	/* decoded bytes of this source */
	int primed;		/* text/binary check done */

	z_stream z;
	int gz_in_member;
	ZSTD_DCtx *zd;
	size_t zret;		/* last ZSTD_decompressStream() hint */
	int zwlog;		/* its window log ceiling */
	lzma_stream xz;
	bz_stream bz;
	int bz_in_stream;
	LZ4F_dctx *lz;
	size_t lzret;		/* last LZ4F_decompress() hint */

	const struct sw_content *ct;	/* content reader */
	struct sw_jexport *jx;
	struct sw_jnative *jn;
	uint64_t jn_expect;	/* entries the journal headers count */
	uint64_t jn_read;
	struct sw_jentry je;
	struct sw_buf synth;	/* the line made from a journal entry */

	/* A line that straddles decode buffers is assembled here. */
	char *lb;
	size_t lb_len, lb_cap;
	uint64_t lb_total;	/* its real length, past the ceiling too */
	char lb_last;		/* its last byte, for the \r check */
	int partial;

	uint64_t lineno;
	uint64_t ncut;		/* lines cut; only the first is reported */

	enum sw_status end;	/* SW_OK while the source is still going */
	int reported;
	char reason[256];
};

struct sw_input {
	struct sw_input_opts opts;
	struct sw_diag *diag;
	struct sw_source *src;
	unsigned nsrc;
	unsigned cur;
	struct sw_reader rd;
	char *tmpdir;		/* created on first use, removed by free */
	unsigned ntmp;
	uint64_t spilled;	/* bytes copied out of archives */
};

void
sw_input_opts_default(struct sw_input_opts *o)
{
	o->max_line = SW_INPUT_MAX_LINE_DEFAULT;
	o->max_decompressed = SW_INPUT_MAX_DECOMP_DEFAULT;
	o->zstd_window_log_max = SW_INPUT_ZSTD_WLOG_DEFAULT;
}

static void
sw_in_oom(const char *what)
{
	fprintf(stderr, "sshwhy: out of memory (%s)\n", what);
	abort();
}

/* Rotation names. */

struct sw_rot {
	size_t baselen;		/* name without rotation and compression */
	int cls;		/* 0: .N, 1: dated, 2: live file */
	uint64_t key;
};

/* Start of the last path component of name[0..len). */
static size_t
sw_last_component(const char *name, size_t len)
{
	size_t i = len;

	while (i > 0 && name[i - 1] != '/')
		i--;
	return i;
}

static void
sw_rot_parse(const char *name, struct sw_rot *r)
{
	size_t len = strlen(name), comp = sw_last_component(name, len);
	size_t i, end, ndig;
	uint64_t v;

	for (i = 0; i < sizeof(sw_comp_suffixes) / sizeof(*sw_comp_suffixes);
	    i++) {
		size_t n = strlen(sw_comp_suffixes[i]);
		if (len - comp > n &&
		    memcmp(name + len - n, sw_comp_suffixes[i], n) == 0) {
			len -= n;
			break;
		}
	}
	r->baselen = len;
	r->cls = 2;
	r->key = 0;

	end = len;
	while (end > comp && name[end - 1] >= '0' && name[end - 1] <= '9')
		end--;
	ndig = len - end;
	/* Need a separator and a non-empty name before it. */
	if (ndig == 0 || ndig > 10 || end < comp + 2)
		return;
	if (name[end - 1] != '.' && name[end - 1] != '-')
		return;
	if (sw_span_to_u64(sw_span_make(name + end, ndig), &v) != 0)
		return;
	if (ndig == 8 || ndig == 10) {
		/* logrotate dateext: -YYYYMMDD or -YYYYMMDDHH (or a dot). */
		r->cls = 1;
		r->key = ndig == 8 ? v * 100 : v;
	} else if (name[end - 1] == '.' && ndig <= 7) {
		r->cls = 0;
		r->key = v;
	} else
		return;
	r->baselen = end - 1;
}

size_t
sw_input_set_base(const char *path)
{
	struct sw_rot r;

	sw_rot_parse(path, &r);
	return r.baselen;
}

int
sw_input_rotation_cmp(const char *a, const char *b)
{
	struct sw_rot ra, rb;
	size_t n;
	int c;

	sw_rot_parse(a, &ra);
	sw_rot_parse(b, &rb);
	n = ra.baselen < rb.baselen ? ra.baselen : rb.baselen;
	if ((c = memcmp(a, b, n)) != 0)
		return c;
	if (ra.baselen != rb.baselen)
		return ra.baselen < rb.baselen ? -1 : 1;
	if (ra.cls != rb.cls)
		return ra.cls < rb.cls ? -1 : 1;
	if (ra.key != rb.key) {
		/* Oldest first: .N counts up with age, dates count down. */
		if (ra.cls == 0)
			return ra.key > rb.key ? -1 : 1;
		return ra.key < rb.key ? -1 : 1;
	}
	return strcmp(a, b);
}

/* Whether a directory entry is a log we read (see s1_input.h). */
static int
sw_name_selected(const char *name)
{
	struct sw_rot r;
	size_t i;

	sw_rot_parse(name, &r);
	for (i = 0; i < sizeof(sw_log_names) / sizeof(*sw_log_names); i++) {
		if (strlen(sw_log_names[i]) == r.baselen &&
		    memcmp(name, sw_log_names[i], r.baselen) == 0)
			return 1;
	}
	return r.baselen > 4 && memcmp(name + r.baselen - 4, ".log", 4) == 0;
}

/* Plan building. */

struct sw_plan {
	struct sw_source *v;
	size_t n, cap;
};

static struct sw_source *
sw_plan_add(struct sw_plan *pl, char *name, size_t slot, size_t seq)
{
	struct sw_source *s;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 16;
		pl->v = sw_xreallocarray(pl->v, pl->cap, sizeof(*pl->v));
	}
	s = &pl->v[pl->n++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->slot = slot;
	s->seq = seq;
	return s;
}

/*
 * Checks that a regular file can be opened now, so an unreadable one is
 * reported while planning and left out. The fd is closed at once: sources
 * are opened again, one at a time, when they are reached.
 */
static int
sw_plan_check_open(struct sw_input *in, const char *path,
    enum sw_src_kind *kind)
{
	char magic[8];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		sw_diag_printf(in->diag, SW_DIAG_ERROR, path, 0,
		    "cannot open: %s", strerror(errno));
		return -1;
	}
	/* A journal file is read by path through sd-journal. */
	do
		n = read(fd, magic, sizeof(magic));
	while (n == -1 && errno == EINTR);
	*kind = n == (ssize_t)sizeof(magic) &&
	    sw_jnative_sniff(magic, sizeof(magic)) ? SW_SRC_JOURNAL_FILE :
	    SW_SRC_STREAM;
	close(fd);
	return 0;
}

static int
sw_is_journal_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' &&
	    ((n > 8 && strcmp(name + n - 8, ".journal") == 0) ||
	    (n > 9 && strcmp(name + n - 9, ".journal~") == 0));
}

static int
sw_is_machine_id(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return i == 32;
}

/*
 * A journal directory holds *.journal files, or a machine-id
 * subdirectory that does (/var/log/journal).
 */
static int
sw_is_journal_dir(const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;
	int found = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(dp)) != NULL) {
		if (sw_is_journal_name(de->d_name))
			found = 1;
		else if (depth == 0 && sw_is_machine_id(de->d_name)) {
			char *sub = sw_xasprintf("%s/%s", dir, de->d_name);
			found = sw_is_journal_dir(sub, 1);
			free(sub);
		}
	}
	closedir(dp);
	return found;
}

static void
sw_plan_stat(struct sw_source *s, const struct stat *st)
{
	s->mtime = (int64_t)st->st_mtime;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
}

static void
sw_plan_dir(struct sw_input *in, struct sw_plan *pl, const char *dir,
    size_t slot)
{
	DIR *dp;
	struct dirent *de;
	struct stat st;
	size_t dlen = strlen(dir), seq = 0;
	const char *sep = (dlen > 0 && dir[dlen - 1] == '/') ? "" : "/";

	if ((dp = opendir(dir)) == NULL) {
		sw_diag_printf(in->diag, SW_DIAG_ERROR, dir, 0,
		    "cannot open: %s", strerror(errno));
		return;
	}
	if (sw_is_journal_dir(dir, 0)) {
		struct sw_source *s = sw_plan_add(pl, sw_xstrdup(dir), slot,
		    seq++);

		s->kind = SW_SRC_JOURNAL_DIR;
		if (stat(dir, &st) == 0)
			sw_plan_stat(s, &st);
	}
	for (;;) {
		enum sw_src_kind kind;
		char *path;

		errno = 0;
		if ((de = readdir(dp)) == NULL) {
			if (errno != 0)
				sw_diag_printf(in->diag, SW_DIAG_ERROR, dir, 0,
				    "cannot list: %s", strerror(errno));
			break;
		}
		if (de->d_name[0] == '.' || !sw_name_selected(de->d_name))
			continue;
		path = sw_xasprintf("%s%s%s", dir, sep, de->d_name);
		if (stat(path, &st) == -1) {
			sw_diag_printf(in->diag, SW_DIAG_ERROR, path, 0,
			    "cannot open: %s", strerror(errno));
			free(path);
			continue;
		}
		if (!S_ISREG(st.st_mode) ||
		    sw_plan_check_open(in, path, &kind) != 0) {
			free(path);
			continue;
		}
		sw_plan_stat(sw_plan_add(pl, path, slot, seq++), &st);
		pl->v[pl->n - 1].kind = kind;
	}
	closedir(dp);
}

static int
sw_plan_cmp(const void *va, const void *vb)
{
	const struct sw_source *a = va, *b = vb;
	int c;

	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (!a->is_stdin && !b->is_stdin &&
	    (c = sw_input_rotation_cmp(a->name, b->name)) != 0)
		return c;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

struct sw_group_key {
	const char *name;
	size_t baselen;
	size_t idx;		/* into the plan */
};

static int
sw_group_key_cmp(const void *va, const void *vb)
{
	const struct sw_group_key *a = va, *b = vb;
	size_t n = a->baselen < b->baselen ? a->baselen : b->baselen;
	int c;

	if ((c = memcmp(a->name, b->name, n)) != 0)
		return c;
	if (a->baselen != b->baselen)
		return a->baselen < b->baselen ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/*
 * Files named on the command line keep the argument order, but members
 * of one rotated set (a shell glob gives auth.log auth.log.1 ...) move
 * together to the place of the first one, where sw_plan_cmp orders them.
 */
static void
sw_plan_group_args(struct sw_plan *pl)
{
	struct sw_group_key *k;
	size_t i, nk = 0, first = 0;
	struct sw_rot r;

	k = sw_xreallocarray(NULL, pl->n, sizeof(*k));
	for (i = 0; i < pl->n; i++) {
		if (!pl->v[i].is_arg)
			continue;
		sw_rot_parse(pl->v[i].name, &r);
		k[nk].name = pl->v[i].name;
		k[nk].baselen = r.baselen;
		k[nk].idx = i;
		nk++;
	}
	qsort(k, nk, sizeof(*k), sw_group_key_cmp);
	for (i = 0; i < nk; i++) {
		if (i == 0 || k[i].baselen != k[first].baselen ||
		    memcmp(k[i].name, k[first].name, k[i].baselen) != 0)
			first = i;
		/* Entries were added in argument order: idx order is it. */
		pl->v[k[i].idx].slot = pl->v[k[first].idx].slot;
	}
	free(k);
}

struct sw_id_key {
	dev_t dev;
	ino_t ino;
	size_t idx;
};

static int
sw_id_key_cmp(const void *va, const void *vb)
{
	const struct sw_id_key *a = va, *b = vb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* Drops every later plan entry that is the same file as an earlier one. */
static void
sw_plan_dedup(struct sw_plan *pl)
{
	struct sw_id_key *k;
	unsigned char *dup;
	size_t i, j;

	if (pl->n < 2)
		return;
	k = sw_xreallocarray(NULL, pl->n, sizeof(*k));
	dup = sw_xcalloc(pl->n, 1);
	for (i = 0; i < pl->n; i++) {
		k[i].dev = pl->v[i].dev;
		k[i].ino = pl->v[i].ino;
		k[i].idx = i;
	}
	qsort(k, pl->n, sizeof(*k), sw_id_key_cmp);
	for (i = 1; i < pl->n; i++)
		if (k[i].dev == k[i - 1].dev && k[i].ino == k[i - 1].ino)
			dup[k[i].idx] = 1;
	for (i = j = 0; i < pl->n; i++) {
		if (dup[i])
			free(pl->v[i].name);
		else
			pl->v[j++] = pl->v[i];
	}
	pl->n = j;
	free(dup);
	free(k);
}

/*
 * Year-less syslog: the newest file of a rotated set anchors the year
 * (s2_format goes back through rollovers from it), so every member gets
 * the set's newest mtime. Members are the files of one directory with the
 * same name once rotation and compression suffixes are taken off.
 */
static void
sw_plan_set_mtimes(struct sw_source *v, size_t n)
{
	struct sw_group_key *k;
	size_t i, j, first;
	struct sw_rot r;
	int64_t newest;

	if (n == 0)
		return;
	k = sw_xreallocarray(NULL, n, sizeof(*k));
	for (i = 0; i < n; i++) {
		sw_rot_parse(v[i].name, &r);
		k[i].name = v[i].name;
		k[i].baselen = r.baselen;
		k[i].idx = i;
		v[i].set_mtime = v[i].mtime;
	}
	qsort(k, n, sizeof(*k), sw_group_key_cmp);
	for (first = 0; first < n; first = i) {
		newest = 0;
		for (i = first; i < n && k[i].baselen == k[first].baselen &&
		    memcmp(k[i].name, k[first].name, k[i].baselen) == 0; i++) {
			const struct sw_source *s = &v[k[i].idx];
			if (!s->is_stdin && s->kind == SW_SRC_STREAM &&
			    s->mtime > newest)
				newest = s->mtime;
		}
		for (j = first; j < i; j++) {
			struct sw_source *s = &v[k[j].idx];
			if (!s->is_stdin && s->kind == SW_SRC_STREAM &&
			    s->mtime != 0)
				s->set_mtime = newest;
		}
	}
	free(k);
}

struct sw_input *
sw_input_new(const char *const *paths, size_t npaths,
    const struct sw_input_opts *opts, struct sw_diag *diag)
{
	struct sw_input *in = sw_xcalloc(1, sizeof(*in));
	struct sw_plan pl = { NULL, 0, 0 };
	struct stat st;
	enum sw_src_kind kind;
	size_t i;

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
	}
	if (in->opts.max_line > SIZE_MAX / 4)
		in->opts.max_line = SIZE_MAX / 4;
	in->diag = diag;
	in->rd.fd = -1;

	for (i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct sw_source *s;

		if (strcmp(p, "-") == 0) {
			if (fstat(STDIN_FILENO, &st) == -1) {
				sw_diag_printf(diag, SW_DIAG_ERROR, "<stdin>",
				    0, "cannot open: %s", strerror(errno));
				continue;
			}
			s = sw_plan_add(&pl, sw_xstrdup("<stdin>"), i, i);
			sw_plan_stat(s, &st);
			s->is_stdin = 1;
			s->mtime = 0;
			continue;
		}
		if (stat(p, &st) == -1) {
			sw_diag_printf(diag, SW_DIAG_ERROR, p, 0,
			    "cannot open: %s", strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			sw_plan_dir(in, &pl, p, i);
			continue;
		}
		/*
		 * Named files are read whatever they are called. Pipes and
		 * devices are not test-opened: opening a FIFO blocks.
		 */
		kind = SW_SRC_STREAM;
		if (S_ISREG(st.st_mode) &&
		    sw_plan_check_open(in, p, &kind) != 0)
			continue;
		s = sw_plan_add(&pl, sw_xstrdup(p), i, i);
		sw_plan_stat(s, &st);
		s->is_arg = 1;
		s->kind = kind;
	}

	sw_plan_group_args(&pl);
	if (pl.n > 1)
		qsort(pl.v, pl.n, sizeof(*pl.v), sw_plan_cmp);
	sw_plan_dedup(&pl);
	sw_plan_set_mtimes(pl.v, pl.n);

	while (pl.n > UINT_MAX - 1)	/* sources are numbered unsigned */
		free(pl.v[--pl.n].name);
	in->src = pl.v;
	in->nsrc = (unsigned)pl.n;
	in->rd.inb = sw_xmalloc(SW_IN_BUFSZ);
	in->rd.d = sw_xmalloc(SW_DEC_BUFSZ);
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

static enum sw_status
sw_rd_fail(struct sw_input *in, enum sw_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum sw_status
sw_rd_fail(struct sw_input *in, enum sw_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->rd.reason, sizeof(in->rd.reason), fmt, ap);
	va_end(ap);
	return st;
}

/* Refills the compressed buffer. 1: data, 0: end of file, -1: errno. */
static int
sw_rd_read(struct sw_reader *rd)
{
	ssize_t n;

	if (rd->in_pos < rd->in_len)
		return 1;
	if (rd->in_eof)
		return 0;
	do
		n = read(rd->fd, rd->inb, SW_IN_BUFSZ);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	rd->in_pos = 0;
	rd->in_len = (size_t)n;
	rd->in_off += (uint64_t)n;
	if (n == 0) {
		rd->in_eof = 1;
		return 0;
	}
	return 1;
}

static enum sw_status
sw_rd_read_error(struct sw_input *in)
{
	return sw_rd_fail(in, SW_ERR_IO, "read error at byte %llu: %s",
	    (unsigned long long)in->rd.in_off, strerror(errno));
}

/* Plain text. */

static int
sw_plain_sniff(const unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return 1;
}

static enum sw_status
sw_plain_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	ssize_t n;

	*got = 0;
	if (rd->in_pos < rd->in_len) {
		/* Only the sniffed first bytes go through inb. */
		size_t k = rd->in_len - rd->in_pos;
		if (k > cap)
			k = cap;
		memcpy(out, rd->inb + rd->in_pos, k);
		rd->in_pos += k;
		*got = k;
		return SW_OK;
	}
	if (rd->in_eof)
		return SW_EOF;
	do
		n = read(rd->fd, out, cap);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return sw_rd_read_error(in);
	if (n == 0) {
		rd->in_eof = 1;
		return SW_EOF;
	}
	rd->in_off += (uint64_t)n;
	*got = (size_t)n;
	return SW_OK;
}

/* gzip, every member; zero padding after a member is tolerated. */

static int
sw_gz_sniff(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static enum sw_status
sw_gz_init(struct sw_input *in)
{
	z_stream *z = &in->rd.z;
	int ret;

	memset(z, 0, sizeof(*z));
	/* 15 + 32: largest window, gzip or zlib header detected. */
	if ((ret = inflateInit2(z, 15 + 32)) != Z_OK) {
		if (ret == Z_MEM_ERROR)
			sw_in_oom("zlib");
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start gzip decoder: %s", zError(ret));
	}
	in->rd.gz_in_member = 0;
	return SW_OK;
}

static enum sw_status
sw_gz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	z_stream *z = &rd->z;
	enum sw_status st = SW_OK;
	int ret;

	z->next_out = (Bytef *)out;
	z->avail_out = (uInt)cap;
	while (z->avail_out > 0) {
		if ((ret = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (ret == 0) {
			if (rd->gz_in_member)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated gzip stream at byte %llu "
				    "(input ended inside a member)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		if (!rd->gz_in_member) {
			while (rd->in_pos < rd->in_len &&
			    rd->inb[rd->in_pos] == 0)
				rd->in_pos++;
			if (rd->in_pos == rd->in_len)
				continue;
			if (rd->inb[rd->in_pos] != 0x1f) {
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "data after gzip member at byte %llu is "
				    "not gzip",
				    (unsigned long long)(rd->in_off -
				    (rd->in_len - rd->in_pos)));
				break;
			}
			inflateReset(z);
			rd->gz_in_member = 1;
		}
		z->next_in = rd->inb + rd->in_pos;
		z->avail_in = (uInt)(rd->in_len - rd->in_pos);
		ret = inflate(z, Z_NO_FLUSH);
		rd->in_pos = rd->in_len - z->avail_in;
		if (ret == Z_STREAM_END)
			rd->gz_in_member = 0;
		else if (ret == Z_MEM_ERROR)
			sw_in_oom("zlib");
		else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			/* Z_BUF_ERROR: no progress; more input is read. */
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt gzip data at byte %llu: %s",
			    (unsigned long long)(rd->in_off - z->avail_in),
			    z->msg != NULL ? z->msg : zError(ret));
			break;
		}
	}
	*got = cap - z->avail_out;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;	/* the next call reports the end */
	return st;
}

static void
sw_gz_end(struct sw_input *in)
{
	inflateEnd(&in->rd.z);
}

/* zstd, every frame, skippable frames too; window capped. */

static int
sw_zstd_sniff(const unsigned char *p, size_t n)
{
	if (n < 4)
		return 0;
	if (p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return 1;
	/* Skippable frames: 0x184D2A50..5F, little-endian. */
	return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
	    p[3] == 0x18;
}

static enum sw_status
sw_zstd_init(struct sw_input *in)
{
	ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
	int wlog = in->opts.zstd_window_log_max;
	size_t r;

	if (!ZSTD_isError(b.error)) {
		if (wlog < b.lowerBound)
			wlog = b.lowerBound;
		if (wlog > b.upperBound)
			wlog = b.upperBound;
	}
	if ((in->rd.zd = ZSTD_createDCtx()) == NULL)
		sw_in_oom("zstd");
	in->rd.zret = 1;	/* a frame is expected */
	in->rd.zwlog = wlog;
	r = ZSTD_DCtx_setParameter(in->rd.zd, ZSTD_d_windowLogMax, wlog);
	if (ZSTD_isError(r)) {
		ZSTD_freeDCtx(in->rd.zd);
		in->rd.zd = NULL;
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start zstd decoder: %s", ZSTD_getErrorName(r));
	}
	return SW_OK;
}

static enum sw_status
sw_zstd_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	ZSTD_outBuffer ob = { out, cap, 0 };
	ZSTD_inBuffer ib;
	enum sw_status st = SW_OK;
	size_t ret, before;
	int r;

	while (ob.pos < ob.size) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		/*
		 * A 0 hint means every frame so far ended and was flushed:
		 * at end of input that is a clean end. Otherwise the decoder
		 * may still have output to flush; once it makes no progress,
		 * the last frame was cut short.
		 */
		if (r == 0 && rd->zret == 0) {
			st = SW_EOF;
			break;
		}
		ib.src = rd->inb;
		ib.size = rd->in_len;
		ib.pos = rd->in_pos;
		before = ob.pos;
		ret = ZSTD_decompressStream(rd->zd, &ob, &ib);
		rd->in_pos = ib.pos;
		if (ZSTD_getErrorCode(ret) ==
		    ZSTD_error_frameParameter_windowTooLarge) {
			st = sw_rd_fail(in, SW_ERR_LIMIT,
			    "zstd frame window larger than 2^%d bytes at "
			    "byte %llu; rest skipped", rd->zwlog,
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)));
			break;
		}
		if (ZSTD_isError(ret)) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt zstd data at byte %llu: %s",
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)), ZSTD_getErrorName(ret));
			break;
		}
		rd->zret = ret;
		if (r == 0 && ret != 0 && ob.pos == before) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "truncated zstd stream at byte %llu "
			    "(input ended inside a frame)",
			    (unsigned long long)rd->in_off);
			break;
		}
	}
	*got = ob.pos;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_zstd_end(struct sw_input *in)
{
	ZSTD_freeDCtx(in->rd.zd);
	in->rd.zd = NULL;
}

/* xz (liblzma), every stream, padding between streams tolerated. */

static int
sw_xz_sniff(const unsigned char *p, size_t n)
{
	return n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0;
}

static enum sw_status
sw_xz_init(struct sw_input *in)
{
	lzma_stream init = LZMA_STREAM_INIT;
	lzma_ret ret;

	in->rd.xz = init;
	ret = lzma_stream_decoder(&in->rd.xz, SW_XZ_MEMLIMIT,
	    LZMA_CONCATENATED);
	if (ret == LZMA_MEM_ERROR)
		sw_in_oom("xz");
	if (ret != LZMA_OK)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start xz decoder (error %d)", (int)ret);
	return SW_OK;
}

static enum sw_status
sw_xz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	lzma_stream *x = &rd->xz;
	enum sw_status st = SW_OK;
	lzma_ret ret;
	int r;

	x->next_out = (uint8_t *)out;
	x->avail_out = cap;
	while (x->avail_out > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		x->next_in = rd->inb + rd->in_pos;
		x->avail_in = rd->in_len - rd->in_pos;
		ret = lzma_code(x, r == 0 ? LZMA_FINISH : LZMA_RUN);
		rd->in_pos = rd->in_len - x->avail_in;
		if (ret == LZMA_OK)
			continue;
		if (ret == LZMA_STREAM_END) {
			st = SW_EOF;
			break;
		}
		if (ret == LZMA_MEM_ERROR)
			sw_in_oom("xz");
		if (ret == LZMA_MEMLIMIT_ERROR)
			st = sw_rd_fail(in, SW_ERR_LIMIT, "xz stream at byte "
			    "%llu needs more than %llu MiB to decode; rest "
			    "skipped", (unsigned long long)(rd->in_off -
			    x->avail_in), (unsigned long long)(SW_XZ_MEMLIMIT >>
			    20));
		else if (ret == LZMA_BUF_ERROR && r == 0)
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "truncated xz stream at byte %llu (input ended "
			    "inside a stream)", (unsigned long long)rd->in_off);
		else
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt xz data at byte %llu (%s)",
			    (unsigned long long)(rd->in_off - x->avail_in),
			    ret == LZMA_FORMAT_ERROR ? "not xz" :
			    ret == LZMA_OPTIONS_ERROR ? "unsupported options" :
			    "data error");
		break;
	}
	*got = cap - x->avail_out;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_xz_end(struct sw_input *in)
{
	lzma_end(&in->rd.xz);
}

/* bzip2, every stream. */

static int
sw_bzip2_sniff(const unsigned char *p, size_t n)
{
	/* "BZh1".."BZh9", then a block or end-of-stream magic. */
	return n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' &&
	    p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
	    memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);
}

static enum sw_status
sw_bz_start(struct sw_input *in)
{
	int ret;

	memset(&in->rd.bz, 0, sizeof(in->rd.bz));
	if ((ret = BZ2_bzDecompressInit(&in->rd.bz, 0, 0)) != BZ_OK) {
		if (ret == BZ_MEM_ERROR)
			sw_in_oom("bzip2");
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start bzip2 decoder (error %d)", ret);
	}
	in->rd.bz_in_stream = 0;
	return SW_OK;
}

static enum sw_status
sw_bz_init(struct sw_input *in)
{
	return sw_bz_start(in);
}

static enum sw_status
sw_bz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	bz_stream *b = &rd->bz;
	enum sw_status st = SW_OK;
	size_t room = cap, chunk;
	int ret, r;

	while (room > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (r == 0) {
			if (rd->bz_in_stream)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated bzip2 stream at byte %llu "
				    "(input ended inside a stream)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		if (!rd->bz_in_stream) {
			if (rd->inb[rd->in_pos] != 'B') {
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "data after bzip2 stream at byte %llu is "
				    "not bzip2",
				    (unsigned long long)(rd->in_off -
				    (rd->in_len - rd->in_pos)));
				break;
			}
			BZ2_bzDecompressEnd(b);
			if ((st = sw_bz_start(in)) != SW_OK)
				break;
			rd->bz_in_stream = 1;
		}
		chunk = room < UINT_MAX ? room : UINT_MAX;
		b->next_in = (char *)(rd->inb + rd->in_pos);
		b->avail_in = (unsigned)(rd->in_len - rd->in_pos);
		b->next_out = out + (cap - room);
		b->avail_out = (unsigned)chunk;
		ret = BZ2_bzDecompress(b);
		rd->in_pos = rd->in_len - b->avail_in;
		room -= chunk - b->avail_out;
		if (ret == BZ_STREAM_END)
			rd->bz_in_stream = 0;
		else if (ret == BZ_MEM_ERROR)
			sw_in_oom("bzip2");
		else if (ret != BZ_OK) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt bzip2 data at byte %llu (error %d)",
			    (unsigned long long)(rd->in_off - b->avail_in),
			    ret);
			break;
		}
	}
	*got = cap - room;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_bz_end(struct sw_input *in)
{
	BZ2_bzDecompressEnd(&in->rd.bz);
}

/* lz4 frames, every frame; skippable frames too. */

static int
sw_lz4_sniff(const unsigned char *p, size_t n)
{
	return n >= 4 && (memcmp(p, "\x04\x22\x4d\x18", 4) == 0 ||
	    memcmp(p, "\x02\x21\x4c\x18", 4) == 0);
}

static enum sw_status
sw_lz4_init(struct sw_input *in)
{
	LZ4F_errorCode_t e;

	if (memcmp(in->rd.inb, "\x02\x21\x4c\x18", 4) == 0)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "legacy lz4 format, not supported (lz4 -l)");
	e = LZ4F_createDecompressionContext(&in->rd.lz, LZ4F_VERSION);
	if (LZ4F_isError(e))
		sw_in_oom("lz4");
	in->rd.lzret = 1;
	return SW_OK;
}

static enum sw_status
sw_lz4_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	enum sw_status st = SW_OK;
	size_t room = cap, dn, sn, ret;
	int r;

	while (room > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (r == 0) {
			if (rd->lzret != 0)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated lz4 stream at byte %llu "
				    "(input ended inside a frame)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		dn = room;
		sn = rd->in_len - rd->in_pos;
		ret = LZ4F_decompress(rd->lz, out + (cap - room), &dn,
		    rd->inb + rd->in_pos, &sn, NULL);
		rd->in_pos += sn;
		room -= dn;
		if (LZ4F_isError(ret)) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt lz4 data at byte %llu: %s",
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)), LZ4F_getErrorName(ret));
			break;
		}
		rd->lzret = ret;
		if (dn == 0 && sn == 0)
			break;	/* needs output room: come back */
	}
	*got = cap - room;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_lz4_end(struct sw_input *in)
{
	LZ4F_freeDecompressionContext(in->rd.lz);
	in->rd.lz = NULL;
}

/* First match wins; plain text matches everything, so it is last. */
static const struct sw_decoder sw_decoders[] = {
	{ "gzip", 1, sw_gz_sniff, sw_gz_init, sw_gz_step, sw_gz_end },
	{ "zstd", 1, sw_zstd_sniff, sw_zstd_init, sw_zstd_step, sw_zstd_end },
	{ "xz", 1, sw_xz_sniff, sw_xz_init, sw_xz_step, sw_xz_end },
	{ "bzip2", 1, sw_bzip2_sniff, sw_bz_init, sw_bz_step, sw_bz_end },
	{ "lz4", 1, sw_lz4_sniff, sw_lz4_init, sw_lz4_step, sw_lz4_end },
	{ "plain", 0, sw_plain_sniff, NULL, sw_plain_step, NULL },
};
#define SW_NDECODERS (sizeof(sw_decoders) / sizeof(*sw_decoders))

/*
 * Content readers, chosen from the first decoded bytes: first match wins,
 * text lines last. init() may end the source through rd->end; next()
 * returns SW_OK with a line or SW_EOF when the source is done.
 */
struct sw_content {
	const char *name;
	int (*sniff)(const char *p, size_t n);
	enum sw_status (*init)(struct sw_input *in);
	enum sw_status (*next)(struct sw_input *in, struct sw_line *out);
	void (*end)(struct sw_input *in);
	int lines;		/* 1: text lines; 0: journal entries */
};


/* Temporary files: copies of archive members, decoded journal files. */

static const char *
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

static char *
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
	rd->end = SW_OK;
	rd->reported = 0;
	rd->reason[0] = '\0';
	rd->ct = NULL;
	rd->jx = NULL;
	rd->jn = NULL;
	rd->jn_expect = rd->jn_read = 0;
}

static enum sw_status sw_rd_refill(struct sw_input *in);

/*
 * A source is binary if more than 10% of its first bytes are NUL. One
 * block of NULs beside real lines is a text log damaged by a crash or a
 * copytruncate, so that alone does not count.
 */
static int
sw_looks_binary(const char *p, size_t n)
{
	size_t i, nul = 0, runs = 0;
	int nl = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\0') {
			nul++;
			if (i == 0 || p[i - 1] != '\0')
				runs++;
		} else if (p[i] == '\n')
			nl = 1;
	}
	if (nul * 10 <= n)
		return 0;
	return !(runs == 1 && nl);
}

/*
 * Decodes the next chunk of the current source into rd->d. The first call
 * decodes at least SW_TEXT_WINDOW bytes (when there are that many), so the
 * content can be told. Returns SW_OK with new bytes, or SW_EOF once the
 * source is done (again on every later call); why it ended is in rd->end
 * and rd->reason.
 */
static enum sw_status
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
static size_t
sw_rd_peek(void *ctx, const char **p)
{
	struct sw_input *in = ctx;
	struct sw_reader *rd = &in->rd;

	if (rd->dpos >= rd->dlen && sw_rd_refill(in) != SW_OK)
		return 0;
	*p = rd->d + rd->dpos;
	return rd->dlen - rd->dpos;
}

static void
sw_rd_consume(void *ctx, size_t n)
{
	struct sw_input *in = ctx;

	in->rd.dpos += n;
}

/* Says why the source ended early, once, after its last line. */
static void
sw_rd_report(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;

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
		rd->lb_cap = cap;
	}
	memcpy(rd->lb + rd->lb_len, p, n);
	rd->lb_len += n;
}

static void
sw_rd_emit(struct sw_input *in, const char *p, uint64_t len, uint64_t lineno,
    struct sw_line *out)
{
	struct sw_reader *rd = &in->rd;
	const struct sw_source *s = &in->src[in->cur];

	out->truncated = 0;
	if (len > in->opts.max_line) {
		len = in->opts.max_line;
		out->truncated = 1;
		if (rd->ncut++ == 0)
			sw_diag_printf(in->diag, SW_DIAG_WARNING, s->name,
			    lineno, "%s %llu longer than %zu bytes, cut",
			    rd->ct->lines ? "line" : "entry", (unsigned long long)lineno,
			    in->opts.max_line);
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
static enum sw_status
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

/* Text lines. */

static int
sw_text_sniff(const char *p, size_t n)
{
	(void)p;
	(void)n;
	return 1;
}

static enum sw_status
sw_text_init(struct sw_input *in)
{
	struct sw_reader *rd = &in->rd;

	if (sw_looks_binary(rd->d, rd->dlen < SW_TEXT_WINDOW ? rd->dlen :
	    SW_TEXT_WINDOW)) {
		rd->dlen = 0;
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "binary data, not a text log");
	}
	return SW_OK;
}

static enum sw_status
sw_text_next(struct sw_input *in, struct sw_line *out)
{
	const char *p;
	uint64_t len;

	if (sw_rd_rawline(in, in->opts.max_line, &p, &len) != SW_OK)
		return SW_EOF;
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

/* Copies the rest of the decoded stream into a temporary file. */
static char *
sw_rd_spill(struct sw_input *in)
{
	char *t = sw_tmpname(in, "journal");
	const char *p;
	size_t n;
	int fd;

	if (t == NULL)
		return NULL;
	if ((fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		sw_rd_fail(in, SW_ERR_IO, "cannot write a temporary copy: %s",
		    strerror(errno));
		free(t);
		return NULL;
	}
	while ((n = sw_rd_peek(in, &p)) > 0) {
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
				return rd->reason[0] != '\0' ? SW_ERR_IO :
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

static void
sw_plan_insert(struct sw_input *in, struct sw_source *add, size_t n)
{
	struct sw_source *v;
	unsigned at = in->cur + 1;

	if (n == 0)
		return;
	if (n > UINT_MAX - 1 - in->nsrc)
		n = UINT_MAX - 1 - in->nsrc;
	v = sw_xreallocarray(NULL, in->nsrc + n, sizeof(*v));
	memcpy(v, in->src, at * sizeof(*v));
	memcpy(v + at, add, n * sizeof(*v));
	memcpy(v + at + n, in->src + at, (in->nsrc - at) * sizeof(*v));
	free(in->src);
	in->src = v;
	in->nsrc += (unsigned)n;
}

static enum sw_status
sw_tar_init(struct sw_input *in)
{
	struct sw_bytes b = { in, sw_rd_peek, sw_rd_consume };
	struct sw_source *self = &in->src[in->cur], *add;
	struct sw_archive_member *m = NULL;
	const char *dir;
	size_t n = 0, i;

	if (self->depth > 0)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "a tar inside an archive; not read (extract it first)");
	if ((dir = sw_tmpdir(in)) == NULL)
		return sw_rd_fail(in, SW_ERR_IO, "no temporary directory");
	sw_archive_spill(&b, self->name, dir, in->opts.max_decompressed,
	    in->opts.max_decompressed - in->spilled, sw_name_selected,
	    in->diag, &m, &n);
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
static const struct sw_content sw_contents[] = {
	{ "journal", sw_native_sniff, sw_native_init, sw_native_next,
	    sw_native_end, 0 },
	{ "tar", sw_tar_sniff, sw_tar_init, sw_none_next, NULL, 0 },
	{ "journal-export", sw_jexport_sniff, sw_export_init, sw_export_next,
	    sw_export_end, 0 },
	{ "journal-json", sw_jjson_sniff, NULL, sw_json_next, NULL, 0 },
	{ "text", sw_text_sniff, sw_text_init, sw_text_next, NULL, 1 },
};
static const size_t sw_ncontents = sizeof(sw_contents) /
    sizeof(*sw_contents);

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
	else if ((rd->fd = open(path, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		sw_diag_printf(in->diag, SW_DIAG_ERROR, s->name, 0,
		    "cannot open: %s", strerror(errno));
		return SW_ERR_IO;
	}
	rd->active = 1;
	rd->ct = &sw_contents[sw_ncontents - 1];
#ifdef POSIX_FADV_SEQUENTIAL
	if (!s->is_stdin)
		(void)posix_fadvise(rd->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

	/* Pipes may hand over a few bytes at a time: gather the magic. */
	while (rd->in_len < SW_SNIFF_MIN && !rd->in_eof) {
		ssize_t n;

		do
			n = read(rd->fd, rd->inb + rd->in_len,
			    SW_IN_BUFSZ - rd->in_len);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			rd->end = sw_rd_read_error(in);
			rd->dec = &sw_decoders[SW_NDECODERS - 1];
			return SW_OK;
		}
		if (n == 0)
			rd->in_eof = 1;
		rd->in_len += (size_t)n;
		rd->in_off += (uint64_t)n;
	}
	for (k = 0; k < SW_NDECODERS - 1; k++) {
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
