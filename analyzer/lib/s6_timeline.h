/*
 * s6_timeline.h: stage 6, --timeline: every selected connection in the
 * order it started, each with its events (start, each attempt with its
 * method and key, success or failure with the cause, end) as plain text,
 * one JSON document, or one JSON object per connection (ndjson). Also
 * renders a successful login as a JSON finding ("outcome": "success") for
 * the report writers. Every value from a log line is escaped.
 * Includes stages 0-5.
 */
#ifndef SW_S6_TIMELINE_H
#define SW_S6_TIMELINE_H

#include <stdio.h>

#include "s0_common.h"
#include "s4_correlate.h"
#include "s5_diagnose.h"

struct sw_timeline;

/* NULL for an unknown format name; `out` is borrowed. */
struct sw_timeline *sw_timeline_new(const char *format, FILE *out);
/* One finished connection; `cause` is its failure cause or NULL. */
void sw_timeline_conn(struct sw_timeline *t, const struct sw_conn *c,
    const struct sw_cause *cause);
/* Ends the document; `filter` describes the selection ("" for none). */
void sw_timeline_end(struct sw_timeline *t, const char *filter);
void sw_timeline_free(struct sw_timeline *t);

/* A successful login as one JSON object (no newline). */
void sw_success_json(struct sw_buf *b, const struct sw_success *s);

#endif
