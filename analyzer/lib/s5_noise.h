/*
 * s5_noise.h: stage 5, telling attack noise from real users. Every failed
 * login is observed in order; an address becomes noisy when it fails 5
 * logins within 10 minutes or tries 3 different invalid user names. At the
 * end, a finding is noise when its address is noisy and its cause is one a
 * scanner produces (wrong password, invalid or refused user, root refused,
 * MaxAuthTries, insufficient logging); a real configuration problem (bad
 * modes, unknown key, ...) stays in front whoever caused it.
 * Includes stages 0-5.
 */
#ifndef SW_S5_NOISE_H
#define SW_S5_NOISE_H

#include "s0_common.h"
#include "s5_diagnose.h"

struct sw_noise;

struct sw_noise_top {
	char *key;		/* address or user name; owned by the tracker */
	uint64_t count;
};

struct sw_noise *sw_noise_new(void);
void sw_noise_free(struct sw_noise *n);

/* Records one failed login (call for every finding, in order). */
void sw_noise_observe(struct sw_noise *n, const struct sw_finding *f);

/* sw_noise_observe, then: is f attack noise already (sw_noise_is on its
 * own address)? Noise now is noise at the end: a noisy address stays so. */
int sw_noise_observe_is(struct sw_noise *n, const struct sw_finding *f);

/* After the last observe: is a finding with these values attack noise? */
int sw_noise_is(const struct sw_noise *n, const char *ip, const char *cause,
    int invalid_user);

/* Counts a finding judged noise, for the summary's top lists. */
void sw_noise_count(struct sw_noise *n, const char *ip, const char *user);

/* Summary: noise findings, noisy addresses, and the top 10 of each. */
uint64_t sw_noise_total(const struct sw_noise *n);
size_t sw_noise_addresses(const struct sw_noise *n);
size_t sw_noise_top_ips(struct sw_noise *n, const struct sw_noise_top **out);
size_t sw_noise_top_users(struct sw_noise *n, const struct sw_noise_top **out);

#endif
