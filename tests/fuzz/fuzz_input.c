/*
 * fuzz_input.c: libFuzzer target for stage 1. The bytes become one file
 * (plain, gzip, zstd or noise), read through the ordinary path with small
 * ceilings so decompression bombs and huge zstd windows stay cheap. Checks
 * what every caller relies on: spans within max_line; sources read in plan
 * order (a tar's members are sources added after it, so `source` grows and
 * the origin is the member's "path:member" name); within a source, line or
 * entry numbers strictly increase (journal sources skip entry numbers of
 * entries that are not sshd's, so they need not be consecutive); the
 * origin is the source's display name.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s1_input.h"

#define FUZZ_MAX_LINE	256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_input_opts o;
	struct sw_diag *d;
	struct sw_input *in;
	struct sw_line l;
	char path[64];
	const char *paths[1] = { path };
	uint64_t lineno = 0;
	unsigned source = 0;
	volatile unsigned char sink = 0;
	size_t off = 0, i;
	int fd;

	if ((fd = memfd_create("fuzz_input", MFD_CLOEXEC)) == -1)
		return 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	sw_input_opts_default(&o);
	o.max_line = FUZZ_MAX_LINE;
	o.max_decompressed = (uint64_t)1 << 20;
	o.zstd_window_log_max = 20;
	d = sw_diag_new(NULL, 0);
	in = sw_input_new(paths, 1, &o, d);
	if (sw_input_nsources(in) < 1)
		abort();
	while (sw_input_next(in, &l) == SW_OK) {
		const char *name;

		if (l.source != source) {
			if (l.source < source)
				abort();
			source = l.source;
			lineno = 0;
		}
		name = sw_input_source_name(in, l.source);
		if (l.text.len > FUZZ_MAX_LINE ||
		    (l.truncated && l.text.len != FUZZ_MAX_LINE) ||
		    l.lineno <= lineno || l.source >= sw_input_nsources(in) ||
		    name == NULL || strcmp(l.origin, name) != 0 ||
		    strncmp(l.origin, path, strlen(path)) != 0)
			abort();
		lineno = l.lineno;
		/* Touch every byte, so a span past its buffer is caught. */
		for (i = 0; i < l.text.len; i++)
			sink ^= (unsigned char)l.text.p[i];
	}
	if (sw_input_next(in, &l) != SW_EOF)
		abort();
	sw_input_free(in);
	sw_diag_free(d);
out:
	close(fd);
	(void)sink;
	return 0;
}
