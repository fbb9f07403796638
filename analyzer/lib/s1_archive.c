/*
 * s1_archive.c: copies the members of a tar worth reading out of the
 * decoded stream, so the input stage can read them like files, oldest
 * rotation first. libarchive parses the tar; the bytes come from the input
 * stage's decoders through struct sw_bytes. Constant memory: one copy
 * buffer; every count and size has a ceiling (s1_archive.h).
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "s0_common.h"
#include "s1_archive.h"
#include "s1_rotate.h"

#define SW_AR_BUFSZ	((size_t)64 << 10)

struct sw_ar_ctx {
	struct sw_bytes *in;
	uint64_t off;		/* tar bytes handed to libarchive */
};

static la_ssize_t
sw_ar_read(struct archive *a, void *vctx, const void **buf)
{
	struct sw_ar_ctx *c = vctx;
	const char *p = NULL;
	size_t n;

	(void)a;
	/* The bytes stay valid until the next peek: libarchive's contract. */
	n = c->in->peek(c->in->ctx, &p);
	c->in->consume(c->in->ctx, n);
	c->off += n;
	*buf = p;
	return (la_ssize_t)n;
}

int
sw_archive_sniff(const char *p, size_t n)
{
	return n >= 262 && memcmp(p + 257, "ustar", 5) == 0;
}

int
sw_archive_member_selected(const char *path,
    int (*log_selected)(const char *base))
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base != NULL ? base + 1 : path;
	if (base[0] == '\0' || base[0] == '.')
		return 0;
	n = strlen(base);
	if ((n > 8 && strcmp(base + n - 8, ".journal") == 0) ||
	    (n > 9 && strcmp(base + n - 9, ".journal~") == 0) ||
	    strstr(base, "journal") != NULL)
		return 1;
	return log_selected(base);
}

static int
sw_member_cmp(const void *va, const void *vb)
{
	const struct sw_archive_member *a = va, *b = vb;
	int c;

	if ((c = sw_input_rotation_cmp(a->member, b->member)) != 0)
		return c;
	return a->index < b->index ? -1 : (a->index > b->index);
}

static int
sw_write_all(int fd, const void *p, size_t n)
{
	const char *q = p;
	ssize_t w;

	while (n > 0) {
		do
			w = write(fd, q, n);
		while (w == -1 && errno == EINTR);
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

void
sw_archive_spill(struct sw_bytes *in, const char *origin, const char *tmpdir,
    uint64_t max_member, uint64_t max_total,
    int (*log_selected)(const char *base),
    int (*content_ok)(const char *p, size_t n), struct sw_diag *diag,
    struct sw_archive_member **out, size_t *nout)
{
	struct sw_archive_member *v = NULL;
	size_t n = 0, cap = 0, index = 0, retries = 0;
	char *last = NULL;	/* the last member's path, for messages */
	struct sw_ar_ctx c = { in, 0 };
	struct archive *a;
	struct archive_entry *ae;
	uint64_t total = 0;
	char *buf = sw_xmalloc(SW_AR_BUFSZ);
	int r;

	if ((a = archive_read_new()) == NULL) {
		fprintf(stderr, "sshwhy: out of memory (libarchive)\n");
		abort();
	}
	archive_read_support_format_tar(a);
	if (archive_read_open(a, &c, NULL, sw_ar_read, NULL) != ARCHIVE_OK) {
		sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
		    "cannot read tar: %s", archive_error_string(a));
		goto done;
	}
	for (;;) {
		const char *path;
		struct sw_archive_member *m;
		uint64_t size, got = 0, nul = 0;
		int fd, cut = 0, judged = 0, refused = 0;

		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY) {
			/* libarchive skips ahead to the next good header. */
			sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
			    "damaged tar header at byte %llu%s%s: %s; looking "
			    "for the next member", (unsigned long long)c.off,
			    last != NULL ? ", after " : "",
			    last != NULL ? last : "",
			    archive_error_string(a) != NULL ?
			    archive_error_string(a) : "unknown error");
			if (++retries > SW_ARCHIVE_MAX_MEMBERS)
				break;
			continue;
		}
		if (r < ARCHIVE_WARN) {
			sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
			    "corrupt tar at byte %llu after %zu members%s%s: "
			    "%s; rest skipped", (unsigned long long)c.off,
			    index, last != NULL ? ", the last " : "",
			    last != NULL ? last : "",
			    archive_error_string(a) != NULL ?
			    archive_error_string(a) : "unknown error");
			break;
		}
		if (++index > SW_ARCHIVE_MAX_MEMBERS) {
			sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
			    "tar has more than %d members; rest skipped",
			    SW_ARCHIVE_MAX_MEMBERS);
			break;
		}
		path = archive_entry_pathname(ae);
		free(last);
		last = path != NULL ? sw_xstrdup(path) : NULL;
		if (path == NULL || archive_entry_filetype(ae) != AE_IFREG ||
		    !sw_archive_member_selected(path, log_selected))
			continue;
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		size = archive_entry_size_is_set(ae) ?
		    (uint64_t)archive_entry_size(ae) : 0;
		if (size > max_member || size > max_total - total) {
			sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
			    "tar member %s is %llu bytes, over the %s "
			    "ceiling of %llu bytes; skipped", path,
			    (unsigned long long)size, size > max_member ?
			    "per-member" : "total",
			    (unsigned long long)(size > max_member ?
			    max_member : max_total));
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = sw_xreallocarray(v, cap, sizeof(*v));
		}
		m = &v[n];
		memset(m, 0, sizeof(*m));
		m->member = sw_xstrdup(path);
		m->tmp = sw_xasprintf("%s/m%06zu", tmpdir, index);
		m->mtime = archive_entry_mtime_is_set(ae) ?
		    (int64_t)archive_entry_mtime(ae) : 0;
		m->index = index;
		if ((fd = open(m->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1) {
			sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
			    "tar member %s: cannot write a temporary copy: %s",
			    path, strerror(errno));
			free(m->member);
			free(m->tmp);
			continue;
		}
		n++;
		for (;;) {
			la_ssize_t k = archive_read_data(a, buf, SW_AR_BUFSZ);

			if (k == 0)
				break;
			if (k < 0) {
				cut = 1;
				sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
				    "tar member %s cut at byte %llu of %llu "
				    "(tar byte %llu): %s", path,
				    (unsigned long long)got,
				    (unsigned long long)size,
				    (unsigned long long)c.off,
				    archive_error_string(a) != NULL ?
				    archive_error_string(a) : "read error");
				break;
			}
			if (!judged) {
				la_ssize_t j = 0;

				while (j < k && buf[j] == '\0')
					j++;
				nul += (uint64_t)j;
				if (j < k) {
					judged = 1;
					refused = content_ok != NULL &&
					    !content_ok(buf + j, (size_t)(k - j));
				} else if (nul > SW_ARCHIVE_NUL_MAX)
					refused = 2;
				if (refused) {
					sw_diag_printf(diag, SW_DIAG_SKIPPED,
					    origin, 0, "tar member %s: %s; not "
					    "copied", path, refused == 2 ?
					    "starts with more than 16 MiB of "
					    "NUL bytes" : "binary data, not a "
					    "log");
					break;
				}
			}
			if (sw_write_all(fd, buf, (size_t)k) != 0) {
				cut = 1;
				sw_diag_printf(diag, SW_DIAG_SKIPPED, origin, 0,
				    "tar member %s: cannot write a temporary "
				    "copy: %s", path, strerror(errno));
				break;
			}
			got += (uint64_t)k;
		}
		close(fd);
		if (refused) {
			unlink(m->tmp);
			free(m->member);
			free(m->tmp);
			n--;
			continue;	/* libarchive skips the rest of it */
		}
		m->size = got;
		total += got;
		if (cut)
			break;	/* the stream is lost past a cut member */
	}
done:
	archive_read_free(a);
	free(buf);
	free(last);
	if (n > 1)
		qsort(v, n, sizeof(*v), sw_member_cmp);
	*out = v;
	*nout = n;
}

void
sw_archive_members_free(struct sw_archive_member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].member);
		free(m[i].tmp);
	}
	free(m);
}
