/*
 * s6_ecs.c: one finding as an Elastic Common Schema event. Field order is
 * fixed (deterministic output); values from log lines go through
 * sw_escape_json; nothing here depends on the language except the words
 * of event.reason and the sshwhy.* texts.
 */
#include <arpa/inet.h>
#include <string.h>

#include "s2_format.h"
#include "s6_ecs.h"

static void
sw_ecs_str(struct sw_buf *b, const char *key, const char *val)
{
	sw_buf_addf(b, "\"%s\":", key);
	if (val == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, sw_span_make(val, strlen(val)));
	sw_buf_addc(b, '"');
}

/* An address Elasticsearch's `ip` type takes (a zone id "%eth0" is not). */
static int
sw_ecs_valid_ip(const char *s)
{
	unsigned char tmp[16];

	if (s == NULL || strlen(s) >= 64)
		return 0;
	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

void
sw_ecs_object(struct sw_buf *b, const struct sw_finding *f, size_t *noise_off)
{
	const struct sw_conn *c = f->conn;
	const struct sw_evidence *prim = f->primary < c->nevidence ?
	    &c->evidence[f->primary] : NULL;
	int ipok = sw_ecs_valid_ip(c->ip);
	size_t i;

	sw_buf_adds(b, "{\"@timestamp\":\"");
	sw_format_time_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "\",\"ecs\":{\"version\":\"" SW_ECS_VERSION "\"},");
	sw_ecs_str(b, "message", sw_cause_title(f->cause));
	sw_buf_adds(b, ",\"event\":{\"kind\":\"event\",\"category\":"
	    "[\"authentication\"],\"type\":[\"start\"],\"action\":"
	    "\"ssh_login\",\"outcome\":\"failure\",");
	sw_ecs_str(b, "reason", sw_cause_title(f->cause));
	sw_buf_adds(b, ",\"start\":\"");
	sw_format_time_rfc3339(b, c->start_us, c->utc_off_min);
	sw_buf_adds(b, "\",\"end\":\"");
	sw_format_time_rfc3339(b, c->last_us, c->utc_off_min);
	sw_buf_adds(b, "\",\"module\":\"sshwhy\",\"dataset\":\"sshwhy.failed_login\"},");
	sw_buf_adds(b, "\"host\":{");
	sw_ecs_str(b, "name", c->host);
	sw_buf_adds(b, "},\"process\":{\"name\":\"sshd\",");
	sw_buf_addf(b, "\"pid\":%llu},", (unsigned long long)c->pid);
	sw_buf_adds(b, "\"source\":{");
	if (ipok)
		sw_ecs_str(b, "ip", c->ip);
	else
		sw_ecs_str(b, "address", c->ip);
	if (c->port != 0)
		sw_buf_addf(b, ",\"port\":%u", c->port);
	sw_buf_adds(b, "},\"user\":{");
	sw_ecs_str(b, "name", c->user);
	sw_buf_adds(b, "},\"related\":{\"ip\":[");
	if (ipok) {
		sw_buf_addc(b, '"');
		sw_escape_json(b, sw_span_make(c->ip, strlen(c->ip)));
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "],\"user\":[");
	if (c->user != NULL) {
		sw_buf_addc(b, '"');
		sw_escape_json(b, sw_span_make(c->user, strlen(c->user)));
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "]},");
	if (prim != NULL) {
		sw_buf_adds(b, "\"log\":{\"file\":{");
		sw_ecs_str(b, "path", prim->origin);
		sw_buf_adds(b, "}},");
	}
	sw_buf_adds(b, "\"sshwhy\":{");
	sw_ecs_str(b, "cause", f->cause->id);
	sw_buf_adds(b, ",");
	sw_ecs_str(b, "confidence", sw_confidence_name(f->confidence));
	sw_buf_adds(b, ",");
	sw_ecs_str(b, "method", f->method);
	sw_buf_addf(b, ",\"invalid_user\":%s,", c->user_invalid ? "true" : "false");
	sw_ecs_str(b, "title", sw_cause_title(f->cause));
	sw_buf_adds(b, ",");
	sw_ecs_str(b, "explanation", sw_cause_explanation(f->cause));
	sw_buf_adds(b, ",");
	sw_ecs_str(b, "fix", f->fix);
	sw_buf_adds(b, ",");
	sw_ecs_str(b, "note", f->note);
	sw_buf_addf(b, ",\"log_level_seen\":\"%s\",\"noise\":",
	    sw_loglevel_name(c->level_seen));
	*noise_off = b->len;
	sw_buf_addf(b, "%s,\"evidence\":[", f->noise ? "true " : "false");
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		if (i > 0)
			sw_buf_addc(b, ',');
		sw_buf_adds(b, "{");
		sw_ecs_str(b, "file", e->origin);
		sw_buf_addf(b, ",\"line\":%llu,\"text\":\"",
		    (unsigned long long)e->lineno);
		sw_escape_json(b, sw_span_make(e->text, e->text_len));
		sw_buf_addf(b, "\",\"rule\":\"%s\",\"primary\":%s}",
		    sw_rule_id(e->rule), i == f->primary ? "true" : "false");
	}
	sw_buf_adds(b, "]}}");
}
