/*
 * fuzz_journal_export.c: libFuzzer target for the journal export reader
 * (s1_journal.h). The bytes are fed through struct sw_bytes in chunks of
 * varying size, so a field that straddles refills is exercised too. Checks
 * what callers rely on: entry numbers rise, kept fields stay within their
 * ceiling, a formatted line is one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s1_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_bytes {
	const char *p;
	size_t n, pos, step;
};

static size_t
fz_peek(void *ctx, const char **p)
{
	struct fz_bytes *b = ctx;
	size_t k = b->n - b->pos;

	*p = b->p + b->pos;
	/* Chunk sizes 1..97 bytes, varying with the position. */
	b->step = 1 + (b->pos * 31 + 7) % 97;
	return k < b->step ? k : b->step;
}

static void
fz_consume(void *ctx, size_t n)
{
	struct fz_bytes *b = ctx;

	if (n > b->n - b->pos)
		abort();
	b->pos += n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_bytes fb = { (const char *)data, size, 0, 1 };
	struct sw_bytes in = { &fb, fz_peek, fz_consume };
	struct sw_diag *d = sw_diag_new(NULL, 0);
	struct sw_jexport *x = sw_jexport_new("fuzz", d);
	struct sw_jentry e;
	struct sw_buf line;
	uint64_t no, last = 0;
	const char *why;
	int f;

	sw_jentry_init(&e);
	sw_buf_init(&line, 0);
	while (sw_jexport_next(x, &in, &e, &no) == SW_OK) {
		if (no <= last)
			abort();
		last = no;
		for (f = 0; f < SW_JF_N; f++)
			if (sw_jentry_get(&e, (enum sw_jfield)f).len >
			    SW_JOURNAL_MAX_FIELD)
				abort();
		if (sw_jentry_format(&e, &line, &why) == SW_OK &&
		    memchr(line.p, '\n', line.len) != NULL)
			abort();
	}
	if (sw_jexport_next(x, &in, &e, &no) != SW_EOF)
		abort();
	sw_buf_free(&line);
	sw_jentry_free(&e);
	sw_jexport_free(x);
	sw_diag_free(d);
	return 0;
}
