/*
 * s6_html.h: stage 6, --format html: one self-contained page (inline CSS
 * and SVG, no script, a Content-Security-Policy that forbids every
 * network load) with the summary, a chart of failed logins over time
 * stacked by cause, the table of failed logins (fix commands in
 * <pre><code>, evidence collapsible) and each cause explained once.
 * The writer is sw_writer_html (s6_report_int.h), a row of s6_report.c's
 * table. Includes stages 0-6.
 */
#ifndef SW_S6_HTML_H
#define SW_S6_HTML_H

#include "s0_common.h"
#include "s6_report.h"

/*
 * HTML text: & < > " ' as entities; control bytes, invalid UTF-8 and
 * invisible or reordering code points (bidi controls, zero-width,
 * U+2028/2029, tags, variation selectors) as visible \xNN / \u{NNNN}.
 */
void sw_html_escape(struct sw_buf *out, struct sw_span s);

#endif
