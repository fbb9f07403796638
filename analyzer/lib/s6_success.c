/*
 * s6_success.c: successful logins in the json and ndjson reports. They are
 * rendered at once (s6_timeline.c's sw_success_json) into a spool of
 * "TIME_US JSON" lines, and written out between the findings so the whole
 * list stays in time order; the findings spool's format is untouched.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "s6_report_int.h"
#include "s6_timeline.h"

void
sw_report_success(struct sw_report *r, const struct sw_success *s)
{
	struct sw_buf b, key;
	struct sw_success rs;

	sw_buf_init(&key, 4096);
	if (r->redact != NULL) {
		/* The connection, its Accepted line and the key, redacted. */
		rs = *s;
		rs.conn = sw_redact_conn(r->redact, s->conn);
		if (s->line != NULL && s->line >= s->conn->evidence &&
		    s->line < s->conn->evidence + s->conn->nevidence)
			rs.line = &rs.conn->evidence[s->line -
			    s->conn->evidence];
		else
			rs.line = NULL;
		if (s->key != NULL) {
			sw_redact_text(r->redact, &key,
			    sw_span_make(s->key, strlen(s->key)));
			rs.key = key.p != NULL ? key.p : "";
		}
		s = &rs;
	}
	/* Only json and ndjson list them: other time-ordered writers (html)
	 * would get JSON lines in their output. With --redact the values were
	 * learned above all the same, for the summary's callouts. */
	if (strcmp(r->w->name, "json") != 0 && strcmp(r->w->name, "ndjson") != 0) {
		sw_buf_free(&key);
		return;		/* text, markdown, html, ecs: counted only */
	}
	if (r->succ == NULL && (r->succ = tmpfile()) == NULL) {
		r->spool_failed = 1;
		sw_buf_free(&key);
		return;
	}
	sw_buf_init(&b, (size_t)4 << 20);
	sw_buf_addf(&b, "%" PRId64 " ", s->conn->start_us);
	sw_success_json(&b, s);
	sw_buf_addc(&b, '\n');
	if (b.truncated || fwrite(b.p, 1, b.len, r->succ) != b.len)
		r->spool_failed = 1;
	sw_buf_free(&b);
	sw_buf_free(&key);
}

/* Loads the next spooled line into r->succ_line; 0 at the end. */
static int
sw_success_next(struct sw_report *r)
{
	ssize_t n;

	n = getline(&r->succ_line, &r->succ_cap, r->succ);
	if (n <= 0) {
		free(r->succ_line);
		r->succ_line = NULL;
		r->succ_cap = 0;
		fclose(r->succ);
		r->succ = NULL;
		return 0;
	}
	if (r->succ_line[n - 1] == '\n')
		r->succ_line[n - 1] = '\0';
	return 1;
}

void
sw_success_emit(struct sw_report *r, int64_t before_us)
{
	for (;;) {
		char *sp;
		int64_t t;

		if (r->succ_line == NULL) {
			if (r->succ == NULL)
				return;
			if (r->succ_cap == 0 && (fflush(r->succ) != 0 ||
			    fseek(r->succ, 0, SEEK_SET) != 0)) {
				r->spool_failed = 1;
				fclose(r->succ);
				r->succ = NULL;
				return;
			}
			r->succ_cap = r->succ_cap ? r->succ_cap : 1;
			if (!sw_success_next(r))
				return;
		}
		t = strtoll(r->succ_line, &sp, 10);
		if (*sp != ' ' || t >= before_us)
			return;
		if (strcmp(r->w->name, "json") == 0)
			sw_buf_adds(&r->b, r->nth > 0 ? ",\n" : "\n");
		sw_buf_adds(&r->b, sp + 1);
		if (strcmp(r->w->name, "ndjson") == 0)
			sw_buf_addc(&r->b, '\n');
		r->nth++;
		sw_report_maybe_flush(r);
		free(r->succ_line);
		r->succ_line = NULL;
	}
}

void
sw_success_free(struct sw_report *r)
{
	if (r->succ != NULL)
		fclose(r->succ);
	free(r->succ_line);
}
