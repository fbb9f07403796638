/* Unit tests for attack-noise classification (stage 5). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "s5_noise.h"

static void
observe(struct sw_noise *n, const char *ip, const char *user, int invalid,
    int64_t t_sec, const char *cause)
{
	struct sw_conn c;
	struct sw_cause k;
	struct sw_finding f;

	memset(&c, 0, sizeof(c));
	memset(&k, 0, sizeof(k));
	memset(&f, 0, sizeof(f));
	c.ip = ip ? strdup(ip) : NULL;
	c.user = user ? strdup(user) : NULL;
	c.user_invalid = invalid;
	c.start_us = t_sec * 1000000;
	k.id = cause;
	f.conn = &c;
	f.cause = &k;
	sw_noise_observe(n, &f);
	free(c.ip);
	free(c.user);
}

Test(noise, burst_of_failures_makes_an_address_noisy)
{
	struct sw_noise *n = sw_noise_new();
	int i;

	for (i = 0; i < 5; i++)
		observe(n, "203.0.113.7", "root", 0, 1000 + i * 60, "wrong-password");
	/* Four failures spread over hours: a person, not a brute force. */
	for (i = 0; i < 4; i++)
		observe(n, "198.51.100.2", "alice", 0, i * 3600, "wrong-password");
	cr_expect(sw_noise_is(n, "203.0.113.7", "wrong-password", 0));
	cr_expect(!sw_noise_is(n, "198.51.100.2", "wrong-password", 0));
	/* A real configuration problem stays in front, whoever hit it. */
	cr_expect(!sw_noise_is(n, "203.0.113.7", "bad-ownership-or-modes", 0));
	cr_expect(!sw_noise_is(n, "192.0.2.1", "wrong-password", 0));
	cr_expect(!sw_noise_is(n, NULL, "wrong-password", 0));
	sw_noise_free(n);
}

Test(noise, five_failures_over_more_than_ten_minutes_are_not_a_burst)
{
	struct sw_noise *n = sw_noise_new();
	int i;

	for (i = 0; i < 5; i++)
		observe(n, "203.0.113.8", "bob", 0, i * 200, "wrong-password");
	cr_expect(!sw_noise_is(n, "203.0.113.8", "wrong-password", 0));
	sw_noise_free(n);
}

Test(noise, three_invalid_names_and_top_lists)
{
	const struct sw_noise_top *top;
	struct sw_noise *n = sw_noise_new();
	size_t k;

	observe(n, "192.0.2.9", "admin", 1, 0, "invalid-user");
	observe(n, "192.0.2.9", "admin", 1, 9000, "invalid-user");
	cr_expect(!sw_noise_is(n, "192.0.2.9", "invalid-user", 1));
	observe(n, "192.0.2.9", "oracle", 1, 18000, "invalid-user");
	observe(n, "192.0.2.9", "test", 1, 27000, "invalid-user");
	cr_expect(sw_noise_is(n, "192.0.2.9", "invalid-user", 1));
	sw_noise_count(n, "192.0.2.9", "admin");
	sw_noise_count(n, "192.0.2.9", "admin");
	sw_noise_count(n, "192.0.2.9", "oracle");
	k = sw_noise_top_users(n, &top);
	cr_assert_eq(k, 2);
	cr_expect_str_eq(top[0].key, "admin");
	cr_expect_eq(top[0].count, 2);
	cr_expect_eq(sw_noise_total(n), 3);
	cr_expect_eq(sw_noise_addresses(n), 1);
	sw_noise_free(n);
}
