/*
 * fuzz_keys.c: libFuzzer target for the authorized_keys reader (s5_keys).
 * The bytes become one file, read through the ordinary path. Checks what
 * callers rely on: every line kept has a path, a line number, a problem
 * in range with its text, fingerprints that are empty or well formed, and
 * lookups that find each fingerprinted line's key again.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s5_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sw_key_line *l, *f, *one[1];
	struct sw_diag *d;
	struct sw_keys *k;
	char path[64];
	size_t off = 0, i, n;
	int fd;

	if ((fd = memfd_create("fuzz_keys", MFD_CLOEXEC)) == -1)
		return 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	d = sw_diag_new(NULL, 0);
	k = sw_keys_new();
	(void)sw_keys_load(k, path, d);
	n = sw_keys_count(k);
	for (i = 0; i < n; i++) {
		l = sw_keys_get(k, i);
		if (l == NULL || strcmp(l->path, path) != 0 || l->lineno == 0 ||
		    l->nlines == 0 || l->user != NULL ||
		    l->problem >= SW_KEY_PROBLEM_COUNT || l->detail == NULL ||
		    (l->problem == SW_KEY_OK) != (l->detail[0] == '\0') ||
		    (l->problem != SW_KEY_OK &&
		    sw_key_problem_text(l->problem)[0] == '\0'))
			abort();
		if (l->sha256[0] == '\0')
			continue;
		if (strncmp(l->sha256, "SHA256:", 7) != 0 ||
		    strlen(l->sha256) != 50 ||
		    (l->md5[0] != '\0' && strlen(l->md5) != 51))
			abort();
		f = sw_keys_find(k, "someone", l->sha256);
		if (f == NULL || strcmp(f->sha256, l->sha256) != 0)
			abort();
		if (l->md5[0] != '\0' &&
		    ((f = sw_keys_find(k, NULL, l->md5)) == NULL ||
		    strcmp(f->md5, l->md5) != 0))
			abort();
	}
	if (sw_keys_for_user(k, "root", one, 1) != n)
		abort();
	/* The same bytes again: the lines are appended, the first stay. */
	l = sw_keys_get(k, 0);
	(void)sw_keys_load(k, path, d);
	if (sw_keys_count(k) < n || (n > 0 && sw_keys_get(k, 0) != l))
		abort();
	sw_keys_free(k);
	sw_diag_free(d);
out:
	close(fd);
	return 0;
}
