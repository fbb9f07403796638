/*
 * s6_ecs.c: the Elastic Common Schema writer (--format ecs). One JSON
 * object per failed login, one per line, with ECS field names
 * (@timestamp, host.name, source.ip, user.name, event.outcome,
 * event.reason, ...) so that every host's run can be shipped by an
 * existing pipeline (rsyslog, Vector, Fluent Bit, Filebeat) into
 * Elasticsearch, OpenSearch or Loki; sshwhy's own fields (cause, fix,
 * evidence) live under "sshwhy". docs/fleet.md lists the mapping. Field
 * order is fixed; every value from a log line goes through sw_escape_json.
 */
#include <arpa/inet.h>
#include <string.h>

#include "s6_report_int.h"

/* The ECS version the field names follow (ecs.version). */
#define SW_ECS_VERSION "8.11.0"

static void
sw_ecs_span(struct sw_buf *b, const char *key, struct sw_span v)
{
	sw_buf_addf(b, "\"%s\":", key);
	if (v.p == NULL) {
		sw_buf_adds(b, "null");
		return;
	}
	sw_buf_addc(b, '"');
	sw_escape_json(b, v);
	sw_buf_addc(b, '"');
}

/*
 * An address Elasticsearch's `ip` type takes: a value that is not one
 * (a zone id "%eth0", "UNKNOWN") would make it refuse the whole event.
 */
static int
sw_ecs_valid_ip(struct sw_span ip)
{
	unsigned char tmp[16];
	char s[64];

	if (ip.p == NULL || ip.len == 0 || ip.len >= sizeof(s) ||
	    memchr(ip.p, '\0', ip.len) != NULL)
		return 0;
	memcpy(s, ip.p, ip.len);
	s[ip.len] = '\0';
	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

static void
sw_ecs_rec(struct sw_report *r, const struct sw_rec *rec)
{
	struct sw_buf *b = &r->b;
	int ipok = sw_ecs_valid_ip(rec->ip);
	const char *title = sw_cause_title(rec->cause);
	size_t i;

	sw_buf_adds(b, "{\"@timestamp\":\"");
	sw_buf_add_rfc3339(b, rec->start_us, rec->utc_off_min);
	sw_buf_adds(b, "\",\"ecs\":{\"version\":\"" SW_ECS_VERSION "\"},");
	sw_ecs_span(b, "message", sw_cstr(title));
	sw_buf_adds(b, ",\"event\":{\"kind\":\"event\",\"category\":"
	    "[\"authentication\"],\"type\":[\"start\"],\"action\":"
	    "\"ssh_login\",\"outcome\":\"failure\",");
	sw_ecs_span(b, "reason", sw_cstr(title));
	sw_buf_adds(b, ",\"module\":\"sshwhy\",\"dataset\":"
	    "\"sshwhy.failed_login\"},\"host\":{");
	sw_ecs_span(b, "name", rec->host);
	sw_buf_addf(b, "},\"process\":{\"name\":\"sshd\",\"pid\":%llu},"
	    "\"source\":{", (unsigned long long)rec->pid);
	sw_ecs_span(b, ipok ? "ip" : "address", rec->ip);
	if (rec->port != 0)
		sw_buf_addf(b, ",\"port\":%u", rec->port);
	sw_buf_adds(b, "},\"user\":{");
	sw_ecs_span(b, "name", rec->user);
	sw_buf_adds(b, "},\"related\":{\"ip\":[");
	if (ipok) {
		sw_buf_addc(b, '"');
		sw_escape_json(b, rec->ip);
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "],\"user\":[");
	if (rec->user.p != NULL) {
		sw_buf_addc(b, '"');
		sw_escape_json(b, rec->user);
		sw_buf_addc(b, '"');
	}
	sw_buf_adds(b, "]},");
	if (rec->primary < rec->nev) {
		sw_buf_adds(b, "\"log\":{\"file\":{");
		sw_ecs_span(b, "path", rec->ev[rec->primary].origin);
		sw_buf_adds(b, "}},");
	}
	sw_buf_adds(b, "\"sshwhy\":{");
	sw_ecs_span(b, "cause", sw_cstr(rec->cause->id));
	sw_buf_adds(b, ",");
	sw_ecs_span(b, "confidence", sw_cstr(sw_confidence_name(rec->confidence)));
	sw_buf_adds(b, ",");
	sw_ecs_span(b, "method", rec->method);
	sw_buf_addf(b, ",\"invalid_user\":%s,", rec->user_invalid ? "true" : "false");
	sw_ecs_span(b, "title", sw_cstr(title));
	sw_buf_adds(b, ",");
	sw_ecs_span(b, "explanation", sw_cstr(sw_cause_explanation(rec->cause)));
	sw_buf_addc(b, ',');
	sw_rec_json_fix(rec, &r->fix_flat, b);
	sw_buf_addc(b, ',');
	sw_ecs_span(b, "note", rec->note);
	sw_buf_addf(b, ",\"log_level_seen\":\"%s\",\"noise\":%s,\"evidence\":[",
	    sw_loglevel_name(rec->level_seen), rec->noise ? "true" : "false");
	for (i = 0; i < rec->nev; i++) {
		const struct sw_rec_ev *e = &rec->ev[i];
		sw_buf_adds(b, i > 0 ? ",{" : "{");
		sw_ecs_span(b, "file", e->origin);
		sw_buf_addf(b, ",\"line\":%llu,", (unsigned long long)e->lineno);
		sw_ecs_span(b, "text", e->text);
		sw_buf_adds(b, ",");
		sw_ecs_span(b, "rule", e->rule);
		sw_buf_addf(b, ",\"primary\":%s}",
		    i == rec->primary ? "true" : "false");
	}
	sw_buf_adds(b, "]}}\n");
}

const struct sw_writer sw_writer_ecs = {
	"ecs", 0, NULL, NULL, sw_ecs_rec, NULL,
};
