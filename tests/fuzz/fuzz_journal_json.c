/*
 * fuzz_journal_json.c: libFuzzer target for the journal JSON reader
 * (s1_journal.h): each line of the input is one `journalctl -o json` or
 * `-o json-seq` record. Checks that every status is one of those the
 * reader documents, kept fields stay within their ceiling, and a formatted
 * line is one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s1_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct sw_jentry e;
	struct sw_buf line;
	char why[256];
	const char *w;
	int f;

	sw_jentry_init(&e);
	sw_buf_init(&line, 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		enum sw_status st;

		why[0] = '\0';
		st = sw_jjson_parse(p, n, &e, why, sizeof(why));
		if (st != SW_OK && st != SW_EOF && st != SW_ERR_NOMATCH &&
		    st != SW_ERR_PARSE)
			abort();
		if (st == SW_ERR_PARSE && why[0] == '\0')
			abort();
		for (f = 0; f < SW_JF_N; f++)
			if (sw_jentry_get(&e, (enum sw_jfield)f).len >
			    SW_JOURNAL_MAX_FIELD)
				abort();
		if (st == SW_OK && (!sw_jentry_is_sshd(&e) ||
		    (sw_jentry_format(&e, &line, &w) == SW_OK &&
		    memchr(line.p, '\n', line.len) != NULL)))
			abort();
		p += n + (nl != NULL);
	}
	sw_buf_free(&line);
	sw_jentry_free(&e);
	return 0;
}
