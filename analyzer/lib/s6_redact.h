/*
 * s6_redact.h: stage 6, --redact. Replaces user names, addresses, host
 * names, home directory names, key fingerprints and certificate IDs with
 * stable pseudonyms (user-1, 198.51.100.1, 2001:db8::1, host-1,
 * /home/user-1/..., SHA256:redacted-1, cert-id-1) before a finding is
 * rendered, so every writer prints only pseudonyms. The same value gets the
 * same pseudonym throughout a report; with a key the pseudonym is taken
 * from HMAC-SHA256(key, value), so it is the same across reports too.
 * Includes stages 0-6.
 */
#ifndef SW_S6_REDACT_H
#define SW_S6_REDACT_H

#include "s0_common.h"
#include "s5_diagnose.h"
#include "s6_report.h"

struct sw_redact;

/*
 * `key` NULL: pseudonyms numbered by first appearance. Otherwise the key
 * (borrowed for this call only; keylen bytes) makes them stable across
 * reports (collisions inside one report are resolved by probing, so two
 * values never share a pseudonym).
 */
struct sw_redact *sw_redact_new(const void *key, size_t keylen);
void sw_redact_free(struct sw_redact *rd);

/*
 * A copy of `c` with user, address, host and evidence lines (captures
 * re-pointed) redacted; its values are learned for sw_redact_text, so a
 * text about this connection (a note, a key) can be redacted next. Owned
 * by `rd`, valid until the next sw_redact_conn/finding/summary call.
 */
const struct sw_conn *sw_redact_conn(struct sw_redact *rd,
    const struct sw_conn *c);

/*
 * A copy of `f` with its connection, evidence lines (captures re-pointed),
 * note and fix redacted; the fix is expanded again from the redacted
 * values, so its shell quoting is that of the pseudonyms. Owned by `rd`,
 * valid until the next call or sw_redact_free.
 */
const struct sw_finding *sw_redact_finding(struct sw_redact *rd,
    const struct sw_finding *f);

/*
 * Appends a redacted copy of any text: the values learned from the last
 * finding, values seen before as whole words, addresses, fingerprints and
 * home directory names.
 */
void sw_redact_text(struct sw_redact *rd, struct sw_buf *out, struct sw_span s);

/*
 * Redacts the summary's strings (sources, unrecognised shapes and their
 * origins) in place: the pointers are replaced by copies owned by `rd`.
 */
void sw_redact_summary(struct sw_redact *rd, struct sw_summary *s);

#endif
