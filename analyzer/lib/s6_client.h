/*
 * s6_client.h: stage 6, the client's view in the reports. s6_report calls
 * these from one hook per finding: a server finding gets its "side" (and,
 * when joined, the client's view) appended, and a client-only finding is
 * rendered whole. Every value from the input (user, host, key paths and
 * comments, lines) goes through the same escaping as the server's values.
 * Includes stages 0-5.
 */
#ifndef SW_S6_CLIENT_H
#define SW_S6_CLIENT_H

#include "s0_common.h"
#include "s5_client.h"
#include "s5_diagnose.h"

/*
 * Completes the rendering of server finding `f` in `b` for writer `w`
 * ("text", "json", "ndjson", "markdown"): JSON gets "side" (and
 * "fix_side" and "client" when f->client is set); text and Markdown get a
 * client section when f->client is set.
 */
void sw_client_amend(const char *w, struct sw_buf *b, const struct sw_finding *f,
    int no_evidence);

/*
 * Renders client-only finding `cf` for writer `w`. *noise_off gets the
 * offset of the (always false) noise flag in JSON, else SIZE_MAX.
 */
void sw_client_render(const char *w, struct sw_buf *b,
    const struct sw_client_finding *cf, int no_evidence, size_t *noise_off);

#endif
