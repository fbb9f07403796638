/*
 * s0_time.h: stage 0, the times people type for --since and --until, the
 * way journalctl reads them: "now", "today", "yesterday", "tomorrow",
 * relative times ("-2h", "2h", "+30m", "7d": a bare or minus amount is
 * in the past, plus in the future), and absolute dates and times
 * ("2026-11-25", "2026-11-25 10:00", "2026-11-25T10:00:30", RFC 3339
 * with "Z" or an offset such as "+09:00", fractions of a second ignored).
 * Times without an offset are local time in the process time zone (TZ),
 * so the caller sets --tz before parsing, whatever the option order.
 */
#ifndef SW_S0_TIME_H
#define SW_S0_TIME_H

#include <stdint.h>

/*
 * Parses `s` relative to `now` (seconds since the epoch). Returns 0 with
 * microseconds since the epoch in *out, or -1 if `s` is none of the forms.
 */
int sw_time_parse(const char *s, int64_t now, int64_t *out);

#endif
