/*
 * test_s6_redact.c: pseudonyms by shape in free text (addresses,
 * fingerprints, home directories, name@host), what stays (times, ports,
 * versions, /root), one value one pseudonym, and keyed stability; and the
 * HTML escaper of the html writer.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <string.h>

#include "s6_html.h"
#include "s6_redact.h"

static char *
redact(struct sw_redact *rd, const char *in)
{
	struct sw_buf b;

	sw_buf_init(&b, 0);
	sw_redact_text(rd, &b, sw_span_make(in, strlen(in)));
	return b.p ? sw_buf_steal(&b) : strdup("");
}

static const struct {
	const char *in, *out;
} text_cases[] = {
	{ "from 203.0.113.45 port 22", "from 198.51.100.1 port 22" },
	{ "from fe80::1%eth0 port 22", "from 2001:db8::1 port 22" },
	{ "addr 2a01:4f8::dead:beef.", "addr 2001:db8::1." },
	{ "ED25519 SHA256:95D1VxOjpR6fOUXEFbm3SZ6TwCBlpY0k8Ip2Yb+Ue2E ok",
	  "ED25519 SHA256:redacted-1 ok" },
	{ "/home/alice/.ssh/authorized_keys:3", "/home/user-1/.ssh/authorized_keys:3" },
	{ "/root/.ssh/authorized_keys", "/root/.ssh/authorized_keys" },
	{ "key (alice@laptop.example, x)", "key (user-1@host-1, x)" },
	{ "RSA 8c:e3:aa:0f:64:51:02:f7:14:79:89:3f:65:84:7c:30, client user "
	  "\"dan\", client host \"box.lan\"",
	  "RSA MD5:redacted-1, client user \"user-1\", client host "
	  "\"host-1\"" },
	/* Not addresses: times, versions, a dotted quad inside a word. */
	{ "Nov 25 01:53:20 at 12:34:56", "Nov 25 01:53:20 at 12:34:56" },
	{ "OpenSSH_9.2p1 Debian-2+deb12u3", "OpenSSH_9.2p1 Debian-2+deb12u3" },
	{ "v1.2.3.4.5 and 300.1.1.1", "v1.2.3.4.5 and 300.1.1.1" },
	{ "", "" },
};

Test(redact, text_by_shape)
{
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		struct sw_redact *rd = sw_redact_new(NULL, 0);
		char *got = redact(rd, text_cases[i].in);
		cr_expect_str_eq(got, text_cases[i].out, "case %zu: %s", i,
		    text_cases[i].in);
		free(got);
		sw_redact_free(rd);
	}
}

Test(redact, same_value_same_pseudonym)
{
	struct sw_redact *rd = sw_redact_new(NULL, 0);
	char *a = redact(rd, "192.0.2.7 then 192.0.2.8 then 192.0.2.7");
	char *b = redact(rd, "/home/bob and /home/carol and /home/bob/x");

	/* A real documentation address is redacted like any other. */
	cr_expect_str_eq(a, "198.51.100.1 then 198.51.100.2 then 198.51.100.1");
	cr_expect_str_eq(b, "/home/user-1 and /home/user-2 and /home/user-1/x");
	free(a);
	free(b);
	sw_redact_free(rd);
}

Test(redact, keyed_stable_across_reports)
{
	struct sw_redact *r1 = sw_redact_new("k", 1), *r2 = sw_redact_new("k", 1);
	struct sw_redact *r3 = sw_redact_new("other", 5);
	char *a, *b, *c, *d;

	/* Different first values, so numbering by appearance would differ. */
	a = redact(r1, "/home/zed 203.0.113.9");
	free(redact(r2, "/home/amy 198.51.100.77"));
	b = redact(r2, "/home/zed 203.0.113.9");
	c = redact(r3, "/home/zed 203.0.113.9");
	cr_expect_str_eq(a, b);
	cr_expect_str_neq(a, c);
	d = redact(r1, "/home/amy");
	cr_expect_str_neq(d, "/home/user-1");	/* not numbered by order */
	free(a);
	free(b);
	free(c);
	free(d);
	sw_redact_free(r1);
	sw_redact_free(r2);
	sw_redact_free(r3);
}

static const struct {
	const char *in;
	size_t len;
	const char *out;
} html_cases[] = {
	{ "a<b>&\"c'", 0, "a&lt;b&gt;&amp;&quot;c&#39;" },
	{ "\x1b[31mroot", 0, "<span class=\"esc\">\\x1b</span>[31mroot" },
	{ "x\xe2\x80\xaey", 0, "x<span class=\"esc\">\\u{202e}</span>y" },
	{ "x\xe2\x80\xa8y", 0, "x<span class=\"esc\">\\u{2028}</span>y" },
	{ "x\xf3\xa0\x80\x81y", 0, "x<span class=\"esc\">\\u{e0001}</span>y" },
	{ "\xff", 0, "<span class=\"esc\">\\xff</span>" },
	{ "a\0b", 3, "a<span class=\"esc\">\\x00</span>b" },
	{ "J\xc3\xbcrgen", 0, "J\xc3\xbcrgen" },
};

Test(html, escape)
{
	size_t i;

	for (i = 0; i < sizeof(html_cases) / sizeof(html_cases[0]); i++) {
		struct sw_buf b;
		size_t n = html_cases[i].len ? html_cases[i].len :
		    strlen(html_cases[i].in);
		sw_buf_init(&b, 0);
		sw_html_escape(&b, sw_span_make(html_cases[i].in, n));
		cr_expect_str_eq(b.p ? b.p : "", html_cases[i].out, "case %zu", i);
		sw_buf_free(&b);
	}
}
