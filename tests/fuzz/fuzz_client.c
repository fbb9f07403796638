/*
 * fuzz_client.c: ssh client output on arbitrary bytes, one line per input
 * line, through the real rules: recognition, runs, diagnosis (with its
 * fix templates) and the join against a connection named after a run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s2_format.h"
#include "s3_match.h"
#include "s4_client.h"
#include "s5_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_rules *rs;
	static struct sw_matcher *m;
	static struct sw_diag *diag;
	static struct sw_client_diag *cd;
	struct sw_format_opts fo = { 0, 1764064800 };
	struct sw_format *f;
	struct sw_client_table *t;
	struct sw_line line;
	struct sw_record rec;
	struct sw_event ev;
	size_t start = 0, i;

	if (diag == NULL) {
		const char *dir = getenv("SSHWHY_RULES");
		diag = sw_diag_new(NULL, 1);
		rs = sw_rules_load(dir ? dir : SW_SOURCE_RULES_DIR, diag);
		if (rs != NULL) {
			m = sw_matcher_new(rs, NULL);
			cd = sw_client_diag_new(rs, diag);
		}
	}
	if (cd == NULL)
		return 0;
	f = sw_format_new(&fo, diag);
	t = sw_client_table_new(50, 40, diag);
	memset(&line, 0, sizeof(line));
	line.origin = "fuzz";
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		line.text = sw_span_make((const char *)data + start, i - start);
		line.lineno++;
		if (sw_format_parse(f, &line, &rec) == SW_OK && rec.client &&
		    sw_match_record(m, &rec, &ev) == SW_OK)
			sw_client_event(t, &ev);
		start = i + 1;
	}
	for (i = 0; i < sw_client_count(t); i++) {
		struct sw_client_session *s = sw_client_get(t, i);
		struct sw_client_finding cf;
		struct sw_finding g;
		struct sw_conn conn;

		if (sw_client_diagnose(cd, s, &cf))
			sw_client_alone(&g, &conn, &cf);
		if (s->user != NULL) {
			memset(&conn, 0, sizeof(conn));
			conn.user = s->user;
			(void)sw_client_join(t, &conn);
		}
	}
	sw_client_table_free(t);
	sw_format_free(f);
	return 0;
}
