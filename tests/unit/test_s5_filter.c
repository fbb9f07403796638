/* Unit tests for --user/--from/--cause (stage 5). */
#include <criterion/criterion.h>
#include <string.h>

#include "s5_filter.h"

Test(filter, addresses_and_prefixes)
{
	cr_expect_eq(sw_filter_addr_match("203.0.113.0/24", "203.0.113.9"), 1);
	cr_expect_eq(sw_filter_addr_match("203.0.113.0/24", "203.0.114.9"), 0);
	cr_expect_eq(sw_filter_addr_match("203.0.113.9", "203.0.113.9"), 1);
	cr_expect_eq(sw_filter_addr_match("203.0.113.9", "203.0.113.8"), 0);
	cr_expect_eq(sw_filter_addr_match("10.0.0.0/7", "11.255.0.1"), 1);
	cr_expect_eq(sw_filter_addr_match("10.0.0.0/7", "12.0.0.1"), 0);
	cr_expect_eq(sw_filter_addr_match("0.0.0.0/0", "192.0.2.1"), 1);
	/* IPv4-mapped IPv6 matches the IPv4 form, both ways. */
	cr_expect_eq(sw_filter_addr_match("192.0.2.0/24", "::ffff:192.0.2.77"), 1);
	cr_expect_eq(sw_filter_addr_match("::ffff:192.0.2.77", "192.0.2.77"), 1);
	cr_expect_eq(sw_filter_addr_match("::ffff:192.0.2.0/120", "192.0.2.5"), 1);
	cr_expect_eq(sw_filter_addr_match("2001:db8::/32", "2001:db8:1::5"), 1);
	cr_expect_eq(sw_filter_addr_match("2001:db8::/32", "2001:db9::5"), 0);
	cr_expect_eq(sw_filter_addr_match("2001:db8::1", "2001:0db8:0:0::1"), 1);
	/* Not addresses: a host name from UseDNS, or junk. */
	cr_expect_eq(sw_filter_addr_match("192.0.2.0/24", "host.example"), 0);
	cr_expect_eq(sw_filter_addr_match("192.0.2.0/33", "192.0.2.1"), -1);
	cr_expect_eq(sw_filter_addr_match("2001:db8::/129", "2001:db8::1"), -1);
	cr_expect_eq(sw_filter_addr_match("bad", "192.0.2.1"), -1);
	cr_expect_eq(sw_filter_addr_match("192.0.2.0/", "192.0.2.1"), -1);
}

Test(filter, or_within_a_kind_and_across_kinds)
{
	struct sw_filter *f = sw_filter_new();
	struct sw_conn c;
	char alice[] = "alice", bob[] = "bob", carol[] = "carol";
	char ip1[] = "203.0.113.5", ip2[] = "198.51.100.1";

	memset(&c, 0, sizeof(c));
	cr_expect_eq(sw_filter_active(f), 0);
	c.user = carol;
	cr_expect_eq(sw_filter_conn(f, &c), 1);
	cr_assert_eq(sw_filter_add_user(f, "alice"), 0);
	cr_assert_eq(sw_filter_add_user(f, "bob"), 0);
	cr_assert_eq(sw_filter_add_from(f, "203.0.113.0/24"), 0);
	cr_expect_eq(sw_filter_add_from(f, "203.0.113.0/99"), -1);
	cr_assert_eq(sw_filter_add_cause(f, "unknown-key"), 0);
	cr_expect_eq(sw_filter_active(f), 1);
	c.user = alice;
	c.ip = ip1;
	cr_expect_eq(sw_filter_conn(f, &c), 1);
	c.user = bob;
	cr_expect_eq(sw_filter_conn(f, &c), 1);
	c.user = carol;
	cr_expect_eq(sw_filter_conn(f, &c), 0);
	c.user = alice;
	c.ip = ip2;
	cr_expect_eq(sw_filter_conn(f, &c), 0);
	c.ip = NULL;
	cr_expect_eq(sw_filter_conn(f, &c), 0);
	c.user = NULL;
	c.ip = ip1;
	cr_expect_eq(sw_filter_conn(f, &c), 0);
	cr_expect_eq(sw_filter_cause(f, "unknown-key"), 1);
	cr_expect_eq(sw_filter_cause(f, "wrong-password"), 0);
	cr_expect_eq(sw_filter_cause(f, NULL), 0);
	cr_expect_str_eq(sw_filter_describe(f), "user alice or bob; from "
	    "203.0.113.0/24; cause unknown-key");
	sw_filter_free(f);
}
