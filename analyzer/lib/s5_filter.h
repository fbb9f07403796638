/*
 * s5_filter.h: stage 5, which connections and findings a run reports.
 * --user NAME, --from ADDR|CIDR and --cause ID are repeatable: values of
 * one kind are alternatives (OR), kinds combine (AND). Addresses compare
 * as numbers, IPv4 and IPv6, so "::ffff:192.0.2.1" (an IPv4-mapped IPv6
 * address, as sshd logs IPv4 clients on a dual-stack socket) matches
 * "192.0.2.0/24" and the other way round. One decision per connection and
 * per finding, used by every output format alike. Includes stages 0-5.
 */
#ifndef SW_S5_FILTER_H
#define SW_S5_FILTER_H

#include "s0_common.h"
#include "s4_correlate.h"

#define SW_FILTER_MAX 256	/* values per kind */

struct sw_filter;

struct sw_filter *sw_filter_new(void);
void sw_filter_free(struct sw_filter *f);

/* Each returns 0, or -1 (nothing added) for a bad value or a full table. */
int sw_filter_add_user(struct sw_filter *f, const char *name);
int sw_filter_add_from(struct sw_filter *f, const char *addr_or_cidr);
int sw_filter_add_cause(struct sw_filter *f, const char *cause_id);

/* Any filter at all; and whether one of the kinds is set. */
int sw_filter_active(const struct sw_filter *f);
int sw_filter_has_cause(const struct sw_filter *f);

/* The --cause values, to check them against the rules. */
size_t sw_filter_ncauses(const struct sw_filter *f);
const char *sw_filter_cause_at(const struct sw_filter *f, size_t i);

/*
 * Does the connection pass --user and --from? (Causes are not decided
 * here: a connection's cause is known only after diagnosis.)
 */
int sw_filter_conn(const struct sw_filter *f, const struct sw_conn *c);
/* Does a finding with this cause (NULL: a successful login) pass --cause? */
int sw_filter_cause(const struct sw_filter *f, const char *cause_id);

/* "user alice or bob; from 203.0.113.0/24; cause unknown-key", or "". */
const char *sw_filter_describe(struct sw_filter *f);

/* Exposed for tests: does address text `ip` fall in `cidr`? 1, 0, -1 bad. */
int sw_filter_addr_match(const char *cidr, const char *ip);

#endif
