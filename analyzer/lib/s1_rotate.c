/*
 * s1_rotate.c: stage 1, rotation names and the reading plan: the paths the
 * user gave (files, directories, "-") become a list of sources, rotated
 * sets oldest first, each file once, journal files and directories as
 * sources of their own; a tar's members join the plan right after it.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s0_common.h"
#include "s1_input_int.h"
#include "s1_journal.h"
#include "s1_rotate.h"

/* Some logs have no rotation suffix at all. */
static const char *const sw_log_names[] = {
	"auth.log", "secure", "messages", "syslog",
};

static const char *const sw_comp_suffixes[] = {
	".gz", ".zst", ".xz", ".bz2", ".lz4",
};

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
int
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

int
sw_is_journal_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' &&
	    ((n > 8 && strcmp(name + n - 8, ".journal") == 0) ||
	    (n > 9 && strcmp(name + n - 9, ".journal~") == 0));
}

int
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

static const char *
sw_file_kind(mode_t m)
{
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
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
		if (!S_ISREG(st.st_mode)) {
			/* A log name that is a device, FIFO or socket (or a
			 * link to one) is named, not passed over silently. */
			if (!S_ISDIR(st.st_mode))
				sw_diag_printf(in->diag, SW_DIAG_WARNING, path,
				    0, "%s, not a regular file; skipped",
				    sw_file_kind(st.st_mode));
			free(path);
			continue;
		}
		if (sw_plan_check_open(in, path, &kind) != 0) {
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
void
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


/* Expands the paths into in->src, in reading order (s1_input.h). */
void
sw_plan_build(struct sw_input *in, const char *const *paths, size_t npaths)
{
	struct sw_diag *diag = in->diag;
	struct sw_plan pl = { NULL, 0, 0 };
	struct stat st;
	enum sw_src_kind kind;
	size_t i;

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
		 * Named files are read whatever they are called. Devices are
		 * refused (issue 13: /dev/urandom was read up to the 64 GiB
		 * ceiling), but for /dev/null; pipes and FIFOs are read (a
		 * FIFO is opened without blocking, s1_input.c).
		 */
		if ((S_ISCHR(st.st_mode) && st.st_rdev != makedev(1, 3)) ||
		    S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
			sw_diag_printf(diag, SW_DIAG_ERROR, p, 0, "%s, not a "
			    "log file (use - to read standard input)",
			    sw_file_kind(st.st_mode));
			continue;
		}
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
}

/* A tar's members go right after it. */
void
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
