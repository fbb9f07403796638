/*
 * s6_ecs.h: stage 6, the Elastic Common Schema writer. One JSON object
 * per failed login, one per line, with ECS field names (@timestamp,
 * host.name, source.ip, user.name, event.outcome, event.reason, ...), so
 * that every host's run can be shipped by an existing pipeline (rsyslog,
 * Vector, Fluent Bit, Filebeat) into Elasticsearch, OpenSearch or Loki.
 * sshwhy's own fields (cause, fix, evidence) live under "sshwhy".
 * docs/fleet.md describes the mapping. Includes stages 0-5.
 */
#ifndef SW_S6_ECS_H
#define SW_S6_ECS_H

#include "s0_common.h"
#include "s5_diagnose.h"

/* The ECS version the field names follow (ecs.version). */
#define SW_ECS_VERSION "8.11.0"

/*
 * Appends the finding as one ECS JSON object (no newline) to b. Writes the
 * attack-noise flag as "false" at *noise_off so the report spool can patch
 * it to "true " once noise is known. Every string from a log line is
 * escaped; source.ip is written only when it is a valid IPv4/IPv6 address
 * (an Elasticsearch `ip` field refuses the whole event otherwise), else
 * the text goes to source.address.
 */
void sw_ecs_object(struct sw_buf *b, const struct sw_finding *f,
    size_t *noise_off);

#endif
