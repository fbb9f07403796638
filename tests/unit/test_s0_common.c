/* Unit tests for stage 0: escaping of untrusted bytes, bounded buffers. */
#include <criterion/criterion.h>
#include <string.h>

#include "s0_common.h"
#include "s2_format.h"

struct esc_case {
	const char *in;
	size_t len;
	const char *text;
	const char *json;
};

static const struct esc_case esc_cases[] = {
	{ "bob", 3, "bob", "bob" },
	{ "a\x1b[2Jb", 6, "a\\x1b[2Jb", "a\\u001b[2Jb" },
	{ "q\"\\", 3, "q\"\\\\", "q\\\"\\\\" },
	{ "t\tn\n", 4, "t\\tn\\x0a", "t\\tn\\n" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "bad\xff", 4, "bad\\xff", "bad\\\\xff" },
	{ "nul\0x", 5, "nul\\x00x", "nul\\u0000x" },
	{ "rlo\xe2\x80\xae", 6, "rlo\\u{202e}", "rlo\xe2\x80\xae" },
	{ "c1\xc2\x9b", 4, "c1\\u{009b}", "c1\\u009b" },
	{ "over\xc0\xaf", 6, "over\\xc0\\xaf", "over\\\\xc0\\\\xaf" },
	/* D12 (issue 13): line/paragraph separators, ALM, word joiner, ZWSP. */
	{ "a\xe2\x80\xa8" "b", 5, "a\\u{2028}b", "a\\u2028b" },
	{ "a\xe2\x80\xa9" "b", 5, "a\\u{2029}b", "a\\u2029b" },
	{ "a\xd8\x9c" "b", 4, "a\\u{061c}b", "a\xd8\x9c" "b" },
	{ "a\xe2\x81\xa0" "b", 5, "a\\u{2060}b", "a\xe2\x81\xa0" "b" },
	{ "a\xe2\x80\x8b" "b", 5, "a\\u{200b}b", "a\xe2\x80\x8b" "b" },
	{ "a\xe2\x81\xa6" "b", 5, "a\\u{2066}b", "a\xe2\x81\xa6" "b" },
	{ "a\xef\xbb\xbf" "b", 5, "a\\u{feff}b", "a\xef\xbb\xbf" "b" },
	{ "a\xc2\xad" "b", 4, "a\\u{00ad}b", "a\xc2\xad" "b" },
	{ "a\xf3\xa0\x80\x81" "b", 6, "a\\u{e0001}b", "a\xf3\xa0\x80\x81" "b" },
	{ "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", 10,
	  "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",
	  "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7" },
};

Test(escape, table)
{
	size_t i;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		struct sw_buf t, j;
		sw_buf_init(&t, 0);
		sw_buf_init(&j, 0);
		sw_escape_text(&t, sw_span_make(esc_cases[i].in, esc_cases[i].len));
		sw_escape_json(&j, sw_span_make(esc_cases[i].in, esc_cases[i].len));
		cr_expect_str_eq(t.p, esc_cases[i].text, "text case %zu", i);
		cr_expect_str_eq(j.p, esc_cases[i].json, "json case %zu", i);
		sw_buf_free(&t);
		sw_buf_free(&j);
	}
}

/*
 * The escapers skip plain ASCII 16 and 8 bytes at a time: a special byte
 * at any offset of a long run, and the bytes around it, come out as the
 * table above says (each neighbour of the plain/special boundary too).
 */
Test(escape, special_byte_at_every_offset)
{
	static const struct { char c; const char *text, *json; } sp[] = {
		{ '"', "\"", "\\\"" }, { '\\', "\\\\", "\\\\" },
		{ '\x1f', "\\x1f", "\\u001f" }, { '\x7f', "\\x7f", "\\u007f" },
		{ '\n', "\\x0a", "\\n" }, { '\0', "\\x00", "\\u0000" },
		{ ' ', " ", " " }, { '~', "~", "~" },
		{ (char)0xff, "\\xff", "\\\\xff" },
	};
	size_t k, off, len;

	for (k = 0; k < sizeof(sp) / sizeof(sp[0]); k++)
		for (len = 1; len <= 40; len++)
			for (off = 0; off < len; off++) {
				static const char plain[] =
				    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
				char in[40], wt[128], wj[128];
				struct sw_buf t, j;

				memcpy(in, plain, sizeof(in));
				in[off] = sp[k].c;
				snprintf(wt, sizeof(wt), "%.*s%s%.*s", (int)off,
				    plain, sp[k].text, (int)(len - off - 1), plain);
				snprintf(wj, sizeof(wj), "%.*s%s%.*s", (int)off,
				    plain, sp[k].json, (int)(len - off - 1), plain);
				sw_buf_init(&t, 0);
				sw_buf_init(&j, 0);
				sw_escape_text(&t, sw_span_make(in, len));
				sw_escape_json(&j, sw_span_make(in, len));
				cr_expect_str_eq(t.p, wt, "text %zu at %zu of %zu",
				    k, off, len);
				cr_expect_str_eq(j.p, wj, "json %zu at %zu of %zu",
				    k, off, len);
				sw_buf_free(&t);
				sw_buf_free(&j);
			}
}

/* D11 (issue 13): entities, mentions, links, autolinks, emphasis, code
 * and table pipes in Markdown inline text; invisible code points too. */
static const struct { const char *in, *md; } md_cases[] = {
	{ "bob", "bob" },
	{ "admin&rlm;&ZeroWidthSpace;&lrm;x", "admin\\&rlm;\\&ZeroWidthSpace;\\&lrm;x" },
	{ "&#x202E;gnp.exe&#x202C;", "\\&\\#x202E;gnp.exe\\&\\#x202C;" },
	{ "@octocat", "`@`octocat" },
	{ "http://evil.example/x", "http`://`evil.example/x" },
	{ "see WWW.evil.example", "see WWW`.`evil.example" },
	{ "<https://x>", "\\<https`://`x\\>" },
	{ "a@b.example", "a`@`b.example" },
	{ "a`b```c", "a\\`b\\`\\`\\`c" },
	{ "x|y *z* _w_ [l](u) ~s~ $m$ #h !i", "x\\|y \\*z\\* \\_w\\_ \\[l\\](u) \\~s\\~ \\$m\\$ \\#h \\!i" },
	{ "rlm\xe2\x80\x8f" "x\xe2\x80\xa8" "y", "rlm\\\\u{200f}x\\\\u{2028}y" },
	{ "esc\x1b[31m", "esc\\\\x1b\\[31m" },
};

Test(escape, markdown)
{
	size_t i;

	for (i = 0; i < sizeof(md_cases) / sizeof(md_cases[0]); i++) {
		struct sw_buf b;
		sw_buf_init(&b, 0);
		sw_escape_markdown(&b, sw_span_make(md_cases[i].in,
		    strlen(md_cases[i].in)));
		cr_expect_str_eq(b.p ? b.p : "", md_cases[i].md, "md case %zu", i);
		sw_buf_free(&b);
	}
}

/* Every invisible or bidi code point of the list is escaped in text. */
Test(escape, invisible_set_is_escaped)
{
	static const uint32_t cps[] = { 0x061c, 0x200b, 0x200c, 0x200d, 0x200e,
	    0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
	    0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068,
	    0x2069, 0xfeff, 0x180e, 0x3164, 0xfe0f };
	size_t i;

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		unsigned char u[3] = { (unsigned char)(0xe0 | (cps[i] >> 12)),
		    (unsigned char)(0x80 | ((cps[i] >> 6) & 0x3f)),
		    (unsigned char)(0x80 | (cps[i] & 0x3f)) };
		struct sw_buf b;
		char want[16];
		size_t n = 3;

		if (cps[i] < 0x800) {
			u[0] = (unsigned char)(0xc0 | (cps[i] >> 6));
			u[1] = (unsigned char)(0x80 | (cps[i] & 0x3f));
			n = 2;
		}
		sw_buf_init(&b, 0);
		sw_escape_text(&b, sw_span_make((const char *)u, n));
		snprintf(want, sizeof(want), "\\u{%04x}", (unsigned)cps[i]);
		cr_expect_str_eq(b.p ? b.p : "", want, "U+%04X", (unsigned)cps[i]);
		sw_buf_free(&b);
	}
}

Test(buf, ceiling_truncates)
{
	struct sw_buf b;

	sw_buf_init(&b, 8);
	sw_buf_adds(&b, "0123456789");
	cr_expect_eq(b.len, 8);
	cr_expect(b.truncated);
	cr_expect_str_eq(b.p, "01234567");
	sw_buf_free(&b);
}

Test(span, to_u64)
{
	uint64_t v = 0;

	cr_expect_eq(sw_span_to_u64(SW_SPAN_LIT("51872"), &v), 0);
	cr_expect_eq(v, 51872);
	cr_expect_neq(sw_span_to_u64(SW_SPAN_LIT(""), &v), 0);
	cr_expect_neq(sw_span_to_u64(SW_SPAN_LIT("12a"), &v), 0);
	cr_expect_neq(sw_span_to_u64(SW_SPAN_LIT("99999999999999999999"), &v), 0);
}

Test(diag, counts_and_partial)
{
	struct sw_diag *d = sw_diag_new(NULL, 2);

	cr_expect(!sw_diag_partial(d));
	sw_diag_printf(d, SW_DIAG_WARNING, "a.log", 3, "w");
	cr_expect(!sw_diag_partial(d));
	sw_diag_printf(d, SW_DIAG_SKIPPED, "a.log", 4, "bad %s", "line");
	cr_expect(sw_diag_partial(d));
	cr_expect_str_eq(sw_diag_last(d), "a.log:4: skipped: bad line");
	cr_expect_eq(sw_diag_count(d, SW_DIAG_SKIPPED), 1);
	sw_diag_free(d);
}

Test(calendar, round_trips_and_known_dates)
{
	static const struct { int64_t y; int m, d; int64_t days; } cases[] = {
		{ 1970, 1, 1, 0 }, { 2000, 2, 29, 11016 }, { 2026, 11, 25, 20782 },
		{ 1969, 12, 31, -1 }, { 2100, 3, 1, 47541 },
	};
	size_t i;
	int64_t day;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t y;
		int m, d;
		cr_expect_eq(sw_days_from_civil(cases[i].y, cases[i].m, cases[i].d),
		    cases[i].days, "case %zu", i);
		sw_civil_from_days(cases[i].days, &y, &m, &d);
		cr_expect(y == cases[i].y && m == cases[i].m && d == cases[i].d,
		    "case %zu: %lld-%d-%d", i, (long long)y, m, d);
	}
	for (day = -800000; day < 800000; day += 997) {
		int64_t y;
		int m, d;
		sw_civil_from_days(day, &y, &m, &d);
		cr_assert_eq(sw_days_from_civil(y, m, d), day);
	}
}

/* The shared hash table against a plain array, through puts, deletes
 * (backward shifts over colliding runs) and growth. */
static int
htab_eq(const void *item, const void *key)
{
	return *(const unsigned *)item == *(const unsigned *)key;
}

Test(htab, matches_a_reference_through_deletes)
{
	static unsigned vals[3000];
	static int in[3000];
	struct sw_htab t;
	unsigned i, k, round;

	sw_htab_init(&t);
	for (i = 0; i < 3000; i++)
		vals[i] = i;
	for (round = 0; round < 6; round++) {
		for (i = 0; i < 3000; i++) {
			/* Few distinct hashes: long runs, many collisions. */
			uint64_t h = (uint64_t)(i % 97) * 0x9e3779b97f4a7c15ULL;
			k = (i * 7 + round * 13) % 5;
			if (k < 2 && !in[i]) {
				sw_htab_put(&t, h, &vals[i]);
				in[i] = 1;
			} else if (k == 4 && in[i]) {
				cr_assert_eq(sw_htab_del(&t, h, &vals[i]), 1);
				in[i] = 0;
			}
		}
		for (i = 0; i < 3000; i++) {
			uint64_t h = (uint64_t)(i % 97) * 0x9e3779b97f4a7c15ULL;
			void *got = sw_htab_find(&t, h, htab_eq, &vals[i]);
			cr_assert_eq(got, in[i] ? (void *)&vals[i] : NULL,
			    "round %u item %u", round, i);
		}
	}
	k = 0;
	for (i = 0; i < 3000; i++)
		k += (unsigned)in[i];
	cr_assert_eq(t.n, k);
	cr_assert_eq(sw_htab_del(&t, 1, &k), 0);
	sw_htab_free(&t);
}

/* The writers' time formatter gives the bytes of s2's, printf-made, over
 * years 0-9999 and beyond, both signs of offsets, fractions and
 * negative times. */
Test(buf, rfc3339_matches_the_printf_formatter)
{
	static const int offs[] = { 0, 60, -60, 330, -570, 845, 6039, -6000,
	    7000, -1 };
	static const int64_t us[] = { 0, 1, 999999, 1000000, -1, -1000001,
	    1767225601000000LL, 1767225601250000LL, 253402300799999999LL,
	    253402300800000000LL, -62135596800000000LL,
	    -62167219200000001LL, 951782400123456LL };
	size_t i, j;

	for (i = 0; i < sizeof(us) / sizeof(us[0]); i++)
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			struct sw_buf a, b;
			sw_buf_init(&a, 0);
			sw_buf_init(&b, 0);
			sw_buf_add_rfc3339(&a, us[i], offs[j]);
			sw_format_time_rfc3339(&b, us[i], offs[j]);
			cr_expect_str_eq(a.p, b.p, "%lld us, offset %d",
			    (long long)us[i], offs[j]);
			sw_buf_free(&a);
			sw_buf_free(&b);
		}
}
