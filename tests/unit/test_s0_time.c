/* Unit tests for --since/--until time parsing (stage 0), as a table. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>

#include "s0_time.h"

/* 2026-11-25 10:00:00 UTC */
#define NOW 1795600800LL

struct when_case {
	const char *tz;
	const char *text;
	int ok;
	int64_t want;		/* seconds since the epoch */
};

static const struct when_case cases[] = {
	{ "UTC", "now", 1, NOW },
	{ "UTC", "-2h", 1, NOW - 7200 },
	{ "UTC", "2h", 1, NOW - 7200 },
	{ "UTC", "24h", 1, NOW - 86400 },
	{ "UTC", "7d", 1, NOW - 7 * 86400 },
	{ "UTC", "+30m", 1, NOW + 1800 },
	{ "UTC", "90s", 1, NOW - 90 },
	{ "UTC", "1w", 1, NOW - 7 * 86400 },
	{ "UTC", "today", 1, NOW - 10 * 3600 },
	{ "UTC", "yesterday", 1, NOW - 10 * 3600 - 86400 },
	{ "UTC", "tomorrow", 1, NOW - 10 * 3600 + 86400 },
	/* Tokyo is 19:00 on the 25th: today starts at 15:00 UTC the 24th. */
	{ "Asia/Tokyo", "today", 1, NOW - 19 * 3600 },
	{ "Asia/Tokyo", "yesterday", 1, NOW - 19 * 3600 - 86400 },
	{ "UTC", "2026-11-25", 1, NOW - 10 * 3600 },
	{ "UTC", "2026-11-25 10:00", 1, NOW },
	{ "UTC", "2026-11-25T10:00", 1, NOW },
	{ "UTC", "2026-11-25 10:00:30", 1, NOW + 30 },
	{ "UTC", "2026-11-25T10:00:30.123456", 1, NOW + 30 },
	{ "Europe/Berlin", "2026-11-25 11:00", 1, NOW },
	{ "Europe/Berlin", "2026-11-25T10:00:00Z", 1, NOW },
	{ "UTC", "2026-11-25T19:00:00+09:00", 1, NOW },
	{ "UTC", "2026-11-25T19:00+0900", 1, NOW },
	{ "UTC", "2026-11-25T05:00:00-05:00", 1, NOW },
	{ "Asia/Tokyo", "2026-11-25T10:00:00+00:00", 1, NOW },
	{ "UTC", "2026-11-25T10:00:00z", 1, NOW },
	{ "UTC", "", 0, 0 },
	{ "UTC", "h", 0, 0 },
	{ "UTC", "-h", 0, 0 },
	{ "UTC", "2x", 0, 0 },
	{ "UTC", "2026-13-01", 0, 0 },
	{ "UTC", "2026-11-25 25:00", 0, 0 },
	{ "UTC", "2026-11-25 10", 0, 0 },
	{ "UTC", "2026-11-25 10:00 junk", 0, 0 },
	{ "UTC", "2026-11-25T10:00:00+9", 0, 0 },
	{ "UTC", "2026-11-25T10:00:00+24:00", 0, 0 },
	{ "UTC", "2026-11-25T10:00:00.", 0, 0 },
	{ "UTC", "1969-12-31", 0, 0 },
	{ "UTC", "99999999999999d", 0, 0 },
	{ "UTC", "Yesterday", 0, 0 },
};

Test(time, table)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct when_case *c = &cases[i];
		int64_t got = -1;
		int rc;

		setenv("TZ", c->tz, 1);
		tzset();
		rc = sw_time_parse(c->text, NOW, &got);
		cr_expect_eq(rc == 0, c->ok, "'%s' (TZ %s): rc %d", c->text,
		    c->tz, rc);
		if (rc == 0 && c->ok)
			cr_expect_eq(got, c->want * 1000000, "'%s' (TZ %s): "
			    "%lld, want %lld", c->text, c->tz, (long long)got,
			    (long long)c->want * 1000000);
	}
}
