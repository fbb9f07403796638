/*
 * s7_state.c: reading and writing the --state file (see s7_state.h).
 *
 *   sshwhy-state 1
 *   runs N
 *   file PATH DEV INO HASHLEN HASH LINES DONE
 *   journal SOURCE TIME_US CURSOR
 *   year SET YEAR MONTH
 *   pending TIME_US LINENO ORIGIN TEXT
 *   cause ID
 *   user NAME
 *   end HASH
 *
 * Strings are percent-encoded (every byte outside '!'..'~', and '%'), so
 * a user name from a log line can neither add a record nor split one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s7_state.h"

#define SW_STATE_MAGIC "sshwhy-state"
#define SW_STATE_MAX_LINE ((size_t)1 << 20)

static uint64_t
sw_fnv(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static void
sw_pct(struct sw_buf *b, const char *s, size_t n)
{
	size_t i;

	if (n == 0) {
		sw_buf_adds(b, "%");	/* the empty string */
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '%')
			sw_buf_addf(b, "%%%02X", c);
		else
			sw_buf_addc(b, (char)c);
	}
}

static int
sw_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes a field in place; -1 on a bad escape. */
static int
sw_unpct(char *s, size_t *len)
{
	char *r = s, *w = s;

	if (strcmp(s, "%") == 0) {
		*s = '\0';
		*len = 0;
		return 0;
	}
	while (*r) {
		if (*r == '%') {
			int h = sw_hexval(r[1]), l = h < 0 ? -1 : sw_hexval(r[2]);
			if (h < 0 || l < 0)
				return -1;
			*w++ = (char)(h * 16 + l);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	*len = (size_t)(w - s);
	return 0;
}

static int
sw_u64(const char *s, uint64_t *out)
{
	return sw_span_to_u64(sw_span_make(s, strlen(s)), out);
}

static int
sw_i64(const char *s, int64_t *out)
{
	uint64_t v;
	int neg = *s == '-';

	if (sw_u64(s + neg, &v) != 0 || v > INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

void
sw_state_free(struct sw_state *st)
{
	size_t i;

	for (i = 0; i < st->nfiles; i++)
		free(st->files[i].path);
	for (i = 0; i < st->njournals; i++) {
		free(st->journals[i].source);
		free(st->journals[i].cursor);
	}
	for (i = 0; i < st->npending; i++) {
		free(st->pending[i].origin);
		free(st->pending[i].text);
	}
	for (i = 0; i < st->nyears; i++)
		free(st->years[i].set);
	for (i = 0; i < st->ncauses; i++)
		free(st->causes[i]);
	for (i = 0; i < st->nusers; i++)
		free(st->users[i]);
	free(st->files);
	free(st->journals);
	free(st->pending);
	free(st->years);
	free(st->causes);
	free(st->users);
	memset(st, 0, sizeof(*st));
}

struct sw_state_file *
sw_state_add_file(struct sw_state *st, const char *path)
{
	struct sw_state_file *f;

	if (st->nfiles >= SW_STATE_MAX_FILES) {
		st->dropped = 1;
		return NULL;
	}
	st->files = sw_xreallocarray(st->files, st->nfiles + 1,
	    sizeof(*st->files));
	f = &st->files[st->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = sw_xstrdup(path);
	return f;
}

struct sw_state_journal *
sw_state_find_journal(struct sw_state *st, const char *source)
{
	size_t i;

	for (i = 0; i < st->njournals; i++)
		if (strcmp(st->journals[i].source, source) == 0)
			return &st->journals[i];
	return NULL;
}

void
sw_state_add_journal(struct sw_state *st, const char *source, int64_t time_us,
    const char *cursor, size_t cursor_len)
{
	struct sw_state_journal *j = sw_state_find_journal(st, source);

	if (j == NULL) {
		if (st->njournals >= SW_STATE_MAX_FILES) {
			st->dropped = 1;
			return;
		}
		st->journals = sw_xreallocarray(st->journals, st->njournals + 1,
		    sizeof(*st->journals));
		j = &st->journals[st->njournals++];
		j->source = sw_xstrdup(source);
		j->cursor = NULL;
	}
	free(j->cursor);
	j->cursor = sw_xstrndup(cursor, cursor_len);
	j->time_us = time_us;
}

void
sw_state_add_pending(struct sw_state *st, int64_t time_us, uint64_t lineno,
    const char *origin, const char *text, size_t len)
{
	struct sw_state_line *l;

	if (st->npending >= SW_STATE_MAX_PENDING) {
		st->dropped = 1;
		return;
	}
	st->pending = sw_xreallocarray(st->pending, st->npending + 1,
	    sizeof(*st->pending));
	l = &st->pending[st->npending++];
	l->time_us = time_us;
	l->lineno = lineno;
	l->seq = st->npending - 1;
	l->origin = sw_xstrdup(origin ? origin : "");
	l->text = sw_xstrndup(text, len);
}

static int
sw_pending_cmp(const void *a, const void *b)
{
	const struct sw_state_line *x = a, *y = b;

	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
sw_state_sort_pending(struct sw_state *st)
{
	if (st->npending > 1)
		qsort(st->pending, st->npending, sizeof(*st->pending),
		    sw_pending_cmp);
}

const struct sw_state_year *
sw_state_find_year(const struct sw_state *st, const char *set)
{
	size_t i;

	for (i = 0; i < st->nyears; i++)
		if (strcmp(st->years[i].set, set) == 0)
			return &st->years[i];
	return NULL;
}

void
sw_state_set_year(struct sw_state *st, const char *set, int year, int mon)
{
	struct sw_state_year *y = NULL;
	size_t i;

	for (i = 0; i < st->nyears && y == NULL; i++)
		if (strcmp(st->years[i].set, set) == 0)
			y = &st->years[i];
	if (y == NULL) {
		if (st->nyears >= SW_STATE_MAX_FILES) {
			st->dropped = 1;
			return;
		}
		st->years = sw_xreallocarray(st->years, st->nyears + 1,
		    sizeof(*st->years));
		y = &st->years[st->nyears++];
		y->set = sw_xstrdup(set);
	}
	y->year = year;
	y->mon = mon;
}

/* Index where `name` is or would go in the sorted v. */
static size_t
sw_name_pos(char *const *v, size_t n, const char *name, int *found)
{
	size_t lo = 0, hi = n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
sw_state_has_name(char *const *v, size_t n, const char *name)
{
	int found;

	(void)sw_name_pos(v, n, name, &found);
	return found;
}

static int
sw_name_add(struct sw_state *st, char ***v, size_t *n, const char *name)
{
	int found;
	size_t pos = sw_name_pos(*v, *n, name, &found);

	if (found)
		return 0;
	if (*n >= SW_STATE_MAX_NAMES) {
		st->dropped = 1;
		return 0;
	}
	*v = sw_xreallocarray(*v, *n + 1, sizeof(**v));
	memmove(*v + pos + 1, *v + pos, (*n - pos) * sizeof(**v));
	(*v)[pos] = sw_xstrdup(name);
	(*n)++;
	return 1;
}

int
sw_state_add_cause(struct sw_state *st, const char *id)
{
	return sw_name_add(st, &st->causes, &st->ncauses, id);
}

int
sw_state_add_user(struct sw_state *st, const char *name)
{
	return sw_name_add(st, &st->users, &st->nusers, name);
}

/* Splits a record line into at most max fields at spaces. */
static size_t
sw_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		f[n++] = p;
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return (p != NULL && *p) ? max + 1 : n;
}

/* One record; -1 if it is malformed. */
static int
sw_state_record(struct sw_state *st, char *line)
{
	char *f[10];
	size_t n = sw_fields(line, f, 9), i, len;
	uint64_t a, b, c, d, e;
	int64_t t;

	if (n == 0 || n > 9)
		return -1;
	for (i = 1; i < n; i++)
		if (sw_unpct(f[i], &len) != 0 || strlen(f[i]) != len)
			return -1;
	if (strcmp(f[0], "runs") == 0 && n == 2)
		return sw_u64(f[1], &st->runs);
	if (strcmp(f[0], "file") == 0 && n == 8) {
		struct sw_state_file *sf;
		uint64_t h;
		if (sw_u64(f[2], &a) || sw_u64(f[3], &b) || sw_u64(f[4], &c) ||
		    c > 4096 || sw_u64(f[6], &d) || sw_u64(f[7], &e) || e > 1)
			return -1;
		{
			char *end;
			errno = 0;
			h = strtoull(f[5], &end, 16);
			if (errno || *end || *f[5] == '\0')
				return -1;
		}
		if ((sf = sw_state_add_file(st, f[1])) == NULL)
			return 0;
		sf->dev = a;
		sf->ino = b;
		sf->hashlen = (size_t)c;
		sf->hash = h;
		sf->lines = d;
		sf->done = (int)e;
		return 0;
	}
	if (strcmp(f[0], "journal") == 0 && n == 4) {
		if (sw_i64(f[2], &t))
			return -1;
		sw_state_add_journal(st, f[1], t, f[3], strlen(f[3]));
		return 0;
	}
	if (strcmp(f[0], "year") == 0 && n == 4) {
		if (sw_u64(f[2], &a) || a > 9999 || sw_u64(f[3], &b) || b > 12)
			return -1;
		sw_state_set_year(st, f[1], (int)a, (int)b);
		return 0;
	}
	if (strcmp(f[0], "pending") == 0 && n == 5) {
		if (sw_i64(f[1], &t) || sw_u64(f[2], &a))
			return -1;
		sw_state_add_pending(st, t, a, f[3], f[4], strlen(f[4]));
		return 0;
	}
	if (strcmp(f[0], "cause") == 0 && n == 2) {
		sw_state_add_cause(st, f[1]);
		return 0;
	}
	if (strcmp(f[0], "user") == 0 && n == 2) {
		sw_state_add_user(st, f[1]);
		return 0;
	}
	return -1;
}

int
sw_state_load(struct sw_state *st, const char *path, struct sw_buf *why)
{
	FILE *fp;
	char *buf = NULL, *line, *next;
	size_t len = 0, cap = 0;
	uint64_t h = 1469598103934665603ULL, lineno = 0;
	int ended = 0;

	memset(st, 0, sizeof(*st));
	if ((fp = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 1;
		sw_buf_addf(why, "cannot be read: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;
		if (cap - len < 65536) {
			if (cap >= ((size_t)256 << 20)) {
				sw_buf_adds(why, "is larger than 256 MiB");
				goto bad;
			}
			cap = cap ? cap * 2 : 131072;
			buf = sw_xreallocarray(buf, cap + 1, 1);
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		sw_buf_addf(why, "cannot be read: %s", strerror(errno));
		goto bad;
	}
	fclose(fp);
	fp = NULL;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		sw_buf_adds(why, "is not a sshwhy state file (binary data)");
		goto bad;
	}
	if (strncmp(buf, SW_STATE_MAGIC " ", sizeof(SW_STATE_MAGIC)) != 0) {
		sw_buf_adds(why, "is not a sshwhy state file");
		goto bad;
	}
	for (line = buf; *line; line = next) {
		char *nl = strchr(line, '\n');
		if (nl == NULL) {
			sw_buf_addf(why, "is cut short at line %" PRIu64
			    " (no end record)", lineno + 1);
			goto bad;
		}
		*nl = '\0';
		next = nl + 1;
		lineno++;
		if (ended) {
			sw_buf_addf(why, "has data after its end record (line %"
			    PRIu64 ")", lineno);
			goto bad;
		}
		if (lineno == 1) {
			uint64_t v;
			if (sw_u64(line + sizeof(SW_STATE_MAGIC), &v) != 0) {
				sw_buf_adds(why, "has a bad first line");
				goto bad;
			}
			if (v != SW_STATE_VERSION) {
				sw_buf_addf(why, "is version %" PRIu64 "; this "
				    "sshwhy reads version %d", v,
				    SW_STATE_VERSION);
				goto bad;
			}
		} else if (strncmp(line, "end ", 4) == 0) {
			char want[24];
			snprintf(want, sizeof(want), "%016" PRIx64, h);
			if (strcmp(line + 4, want) != 0) {
				sw_buf_addf(why, "is corrupt (its checksum does "
				    "not match)");
				goto bad;
			}
			ended = 1;
			continue;
		}
		/* Hashed before parsing, which splits the line in place. */
		h = sw_fnv(h, line, strlen(line));
		h = sw_fnv(h, "\n", 1);
		if (lineno > 1 && (strlen(line) > SW_STATE_MAX_LINE ||
		    sw_state_record(st, line) != 0)) {
			sw_buf_addf(why, "is corrupt at line %" PRIu64, lineno);
			goto bad;
		}
	}
	if (!ended) {
		sw_buf_adds(why, "is cut short (no end record)");
		goto bad;
	}
	free(buf);
	return 0;
bad:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	sw_state_free(st);
	return -1;
}

static void
sw_rec(struct sw_buf *b, uint64_t *h, size_t start)
{
	sw_buf_addc(b, '\n');
	*h = sw_fnv(*h, b->p + start, b->len - start);
}

int
sw_state_save(const struct sw_state *st, const char *path, struct sw_buf *why)
{
	struct sw_buf b;
	uint64_t h = 1469598103934665603ULL;
	char *tmp = NULL, *dir;
	const char *slash;
	size_t i, s, off;
	int fd = -1, rc = -1;
	ssize_t w;

	sw_buf_init(&b, (size_t)512 << 20);
	s = b.len;
	sw_buf_addf(&b, "%s %d", SW_STATE_MAGIC, SW_STATE_VERSION);
	sw_rec(&b, &h, s);
	s = b.len;
	sw_buf_addf(&b, "runs %" PRIu64, st->runs);
	sw_rec(&b, &h, s);
	for (i = 0; i < st->nfiles; i++) {
		const struct sw_state_file *f = &st->files[i];
		s = b.len;
		sw_buf_adds(&b, "file ");
		sw_pct(&b, f->path, strlen(f->path));
		sw_buf_addf(&b, " %" PRIu64 " %" PRIu64 " %zu %016" PRIx64
		    " %" PRIu64 " %d", f->dev, f->ino, f->hashlen, f->hash,
		    f->lines, f->done);
		sw_rec(&b, &h, s);
	}
	for (i = 0; i < st->njournals; i++) {
		const struct sw_state_journal *j = &st->journals[i];
		s = b.len;
		sw_buf_adds(&b, "journal ");
		sw_pct(&b, j->source, strlen(j->source));
		sw_buf_addf(&b, " %" PRId64 " ", j->time_us);
		sw_pct(&b, j->cursor, strlen(j->cursor));
		sw_rec(&b, &h, s);
	}
	for (i = 0; i < st->nyears; i++) {
		s = b.len;
		sw_buf_adds(&b, "year ");
		sw_pct(&b, st->years[i].set, strlen(st->years[i].set));
		sw_buf_addf(&b, " %d %d", st->years[i].year, st->years[i].mon);
		sw_rec(&b, &h, s);
	}
	for (i = 0; i < st->npending; i++) {
		const struct sw_state_line *l = &st->pending[i];
		s = b.len;
		sw_buf_addf(&b, "pending %" PRId64 " %" PRIu64 " ", l->time_us,
		    l->lineno);
		sw_pct(&b, l->origin, strlen(l->origin));
		sw_buf_addc(&b, ' ');
		sw_pct(&b, l->text, strlen(l->text));
		sw_rec(&b, &h, s);
	}
	for (i = 0; i < st->ncauses; i++) {
		s = b.len;
		sw_buf_adds(&b, "cause ");
		sw_pct(&b, st->causes[i], strlen(st->causes[i]));
		sw_rec(&b, &h, s);
	}
	for (i = 0; i < st->nusers; i++) {
		s = b.len;
		sw_buf_adds(&b, "user ");
		sw_pct(&b, st->users[i], strlen(st->users[i]));
		sw_rec(&b, &h, s);
	}
	sw_buf_addf(&b, "end %016" PRIx64 "\n", h);
	if (b.truncated) {
		sw_buf_adds(why, "the state is larger than 512 MiB");
		goto out;
	}

	tmp = sw_xasprintf("%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		sw_buf_addf(why, "cannot create a temporary file beside it: "
		    "%s", strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	for (off = 0; off < b.len; off += (size_t)w) {
		w = write(fd, b.p + off, b.len - off);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0) {
			sw_buf_addf(why, "cannot write %s: %s", tmp,
			    w < 0 ? strerror(errno) : "short write");
			goto out;
		}
	}
	if (fsync(fd) != 0) {
		sw_buf_addf(why, "cannot sync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		sw_buf_addf(why, "cannot close %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		sw_buf_addf(why, "cannot rename %s over it: %s", tmp,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* The rename itself reaches the disk with the directory. */
	slash = strrchr(path, '/');
	dir = slash ? sw_xstrndup(path, slash == path ? 1 :
	    (size_t)(slash - path)) : sw_xstrdup(".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	fd = -1;
	free(dir);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	sw_buf_free(&b);
	return rc;
}
