/*
 * s1_state.c: file identity and rotated siblings for --state (see
 * s1_state.h). The identity is read through the input stage itself, so
 * a compressed file is recognised by the same bytes as its plain form.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "s1_input.h"
#include "s1_rotate.h"
#include "s1_state.h"

#define SW_MAX_SIBLINGS 1000

uint64_t
sw_ident_hash(const struct sw_ident *id, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n && i < id->len; i++)
		h = (h ^ id->head[i]) * 1099511628211ULL;
	return h;
}

int
sw_ident_read(const char *path, struct sw_ident *out)
{
	struct stat st;
	struct sw_diag *diag;
	struct sw_input *in;
	struct sw_input_opts io;
	struct sw_line line;
	const char *one[1];

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	diag = sw_diag_new(NULL, 1);
	sw_input_opts_default(&io);
	one[0] = path;
	in = sw_input_new(one, 1, &io, diag);
	while (out->len < SW_IDENT_PREFIX && sw_input_next(in, &line) == SW_OK) {
		size_t n = line.text.len;
		if (n > SW_IDENT_PREFIX - out->len)
			n = SW_IDENT_PREFIX - out->len;
		memcpy(out->head + out->len, line.text.p, n);
		out->len += n;
		if (out->len < SW_IDENT_PREFIX)
			out->head[out->len++] = '\n';
	}
	sw_input_free(in);
	sw_diag_free(diag);
	return 0;
}

static int
sw_sibling_cmp(const void *a, const void *b)
{
	return sw_input_rotation_cmp(*(char *const *)a, *(char *const *)b);
}

char **
sw_rotated_siblings(const char *path, size_t *n)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	size_t base = sw_input_set_base(path);
	char *dir = slash ? sw_xstrndup(path, dlen == 0 ? 1 : dlen) :
	    sw_xstrdup(".");
	char **v = sw_xcalloc(SW_MAX_SIBLINGS + 2, sizeof(*v));
	size_t k = 0;
	struct dirent *de;
	DIR *dp;
	int self = 0;

	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL && k < SW_MAX_SIBLINGS) {
			char *full;
			struct stat st;

			if (de->d_name[0] == '.')
				continue;
			full = slash ? sw_xasprintf("%.*s/%s", (int)dlen, path,
			    de->d_name) : sw_xstrdup(de->d_name);
			if (sw_input_set_base(full) != base ||
			    memcmp(full, path, base) != 0 ||
			    stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
				free(full);
				continue;
			}
			if (strcmp(full, path) == 0)
				self = 1;
			v[k++] = full;
		}
		closedir(dp);
	}
	if (!self)
		v[k++] = sw_xstrdup(path);
	qsort(v, k, sizeof(*v), sw_sibling_cmp);
	free(dir);
	*n = k;
	return v;
}
