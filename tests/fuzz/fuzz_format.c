/*
 * fuzz_format.c: the line-format parser and the matcher on arbitrary
 * bytes, one line per input, through the real rules directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_format.h"
#include "s3_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_rules *rs;
	static struct sw_matcher *m;
	static struct sw_diag *diag;
	struct sw_format_opts fo = { 0, 1764064800 };
	struct sw_format *f;
	struct sw_line line;
	struct sw_record rec;
	struct sw_event ev;
	size_t start = 0, i;

	if (diag == NULL) {
		const char *dir = getenv("SSHWHY_RULES");
		diag = sw_diag_new(NULL, 1);
		rs = sw_rules_load(dir ? dir : SW_SOURCE_RULES_DIR, diag);
		/* Without rules the matcher would go untested, silently. */
		if (rs == NULL) {
			fprintf(stderr, "fuzz_format: the rules in %s do not "
			    "load: the matcher cannot be fuzzed\n",
			    dir ? dir : SW_SOURCE_RULES_DIR);
			abort();
		}
		m = sw_matcher_new(rs, NULL);
	}
	f = sw_format_new(&fo, diag);
	memset(&line, 0, sizeof(line));
	line.origin = "fuzz";
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		line.text = sw_span_make((const char *)data + start, i - start);
		line.lineno++;
		if (sw_format_parse(f, &line, &rec) == SW_OK)
			(void)sw_match_record(m, &rec, &ev);
		start = i + 1;
	}
	sw_format_free(f);
	return 0;
}
