/*
 * s0_time.c: reading --since/--until values (see s0_time.h). Local times
 * go through mktime, which follows the process time zone; times with an
 * offset use calendar arithmetic and need no zone at all.
 */
#include <string.h>
#include <time.h>

#include "s0_common.h"
#include "s0_time.h"

static int
sw_time_digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "2h", "-2h", "+30m", "90s", "7d", "1w": seconds from now in *delta. */
static int
sw_time_relative(const char *s, int64_t *delta)
{
	int sign = -1;
	int64_t v = 0, unit;
	size_t n, i;

	if (*s == '-' || *s == '+') {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	n = strlen(s);
	if (n < 2 || n > 12)
		return -1;
	switch (s[n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	for (i = 0; i + 1 < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > (int64_t)36500 * 86400)
		return -1;
	*delta = sign * v * unit;
	return 0;
}

/* Local midnight `days` days from the day of `now`. */
static int
sw_time_midnight(int64_t now, int days, int64_t *out)
{
	time_t t = (time_t)now, m;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	if ((m = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)m * 1000000;
	return 0;
}

int
sw_time_parse(const char *s, int64_t now, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om, off_min = 0, has_off = 0;
	size_t n = strlen(s), p;
	int64_t delta;
	struct tm tm;
	time_t t;

	if (strcmp(s, "now") == 0) {
		*out = now * 1000000;
		return 0;
	}
	if (strcmp(s, "today") == 0)
		return sw_time_midnight(now, 0, out);
	if (strcmp(s, "yesterday") == 0)
		return sw_time_midnight(now, -1, out);
	if (strcmp(s, "tomorrow") == 0)
		return sw_time_midnight(now, 1, out);
	if (sw_time_relative(s, &delta) == 0) {
		*out = (now + delta) * 1000000;
		return 0;
	}

	/* YYYY-MM-DD */
	if (n < 10 || s[4] != '-' || s[7] != '-' || sw_time_digits(s, 4, &y) ||
	    sw_time_digits(s + 5, 2, &mo) || sw_time_digits(s + 8, 2, &d))
		return -1;
	p = 10;
	/* [T| ]HH:MM[:SS[.frac]] */
	if (p < n && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
		if (n < p + 6 || s[p + 3] != ':' ||
		    sw_time_digits(s + p + 1, 2, &h) ||
		    sw_time_digits(s + p + 4, 2, &mi))
			return -1;
		p += 6;
		if (p < n && s[p] == ':') {
			if (n < p + 3 || sw_time_digits(s + p + 1, 2, &se))
				return -1;
			p += 3;
			if (p < n && (s[p] == '.' || s[p] == ',')) {
				p++;
				if (p >= n || s[p] < '0' || s[p] > '9')
					return -1;
				while (p < n && s[p] >= '0' && s[p] <= '9')
					p++;
			}
		}
		/* Z, +HH:MM, -HH:MM, +HHMM, +HH */
		if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
			has_off = 1;
			p++;
		} else if (p < n && (s[p] == '+' || s[p] == '-')) {
			int sign = s[p] == '-' ? -1 : 1;
			const char *o = s + p + 1;
			size_t on = n - p - 1;

			om = 0;
			if (on == 5 && o[2] == ':' && !sw_time_digits(o, 2, &oh) &&
			    !sw_time_digits(o + 3, 2, &om))
				;
			else if (on == 4 && !sw_time_digits(o, 2, &oh) &&
			    !sw_time_digits(o + 2, 2, &om))
				;
			else if (on == 2 && !sw_time_digits(o, 2, &oh))
				;
			else
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off_min = sign * (oh * 60 + om);
			has_off = 1;
			p = n;
		}
	}
	if (p != n)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || y < 1970)
		return -1;
	if (has_off) {
		*out = (sw_days_from_civil(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + se - (int64_t)off_min * 60) * 1000000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t * 1000000;
	return 0;
}
