/*
 * s6_report_int.h: what the report writers share (not for other stages).
 *
 * Findings arrive as sw_finding (valid during a callback) and are encoded
 * at once into a compact record in the spool (s6_spool.c): no rendering
 * happens until the end, when attack noise is known. Writers then render
 * decoded records (struct sw_rec, pointing into one reused buffer), either
 * in time order (json, ndjson) or grouped by cause, each cause's
 * explanation printed once (text, markdown). Includes stages 0-6.
 */
#ifndef SW_S6_REPORT_INT_H
#define SW_S6_REPORT_INT_H

#include <stdio.h>
#include <string.h>

#include "s6_redact.h"
#include "s6_report.h"

struct sw_rec_ev {
	struct sw_span origin, rule, text;
	uint64_t lineno;
};

struct sw_rec_fix {
	enum sw_fix_kind kind;
	struct sw_span s;
};

/* A decoded finding. Spans point into the report's decode buffer and are
 * valid until the next record is read; p == NULL means "absent". */
struct sw_rec {
	int64_t start_us;
	int utc_off_min;
	uint64_t pid;
	unsigned port;
	enum sw_confidence confidence;
	enum sw_loglevel level_seen;
	int user_invalid;
	int noise;
	int stub;			/* noise known when spooled: only ip and
					   user were kept (sw_spool_stub) */
	uint32_t cause_idx;
	const struct sw_cause *cause;
	uint32_t primary;		/* evidence index, UINT32_MAX: none */
	uint32_t evidence_dropped;
	struct sw_span host, user, ip, method, note;
	struct sw_span source_host;	/* UseDNS host name, or absent */
	size_t nfix;
	struct sw_rec_fix fix[SW_FIX_MAX_PARTS];
	size_t nev;
	const struct sw_rec_ev *ev;
	int side;			/* SW_REC_SERVER, _BOTH, _CLIENT */
	struct sw_span client;		/* the client's view, rendered for this
					   writer at encode time (s6_client) */
};

/* Which logs a finding comes from: sshd's, sshd's joined with the ssh
 * client's output of the same attempt, or the client's alone. */
enum { SW_REC_SERVER, SW_REC_BOTH, SW_REC_CLIENT };

struct sw_writer {
	const char *name;
	int grouped;		/* by cause, explanation once (else time order) */
	void (*begin)(struct sw_report *, const struct sw_summary *);
	void (*group)(struct sw_report *, const struct sw_cause *, uint64_t n);
	void (*rec)(struct sw_report *, const struct sw_rec *);
	void (*end)(struct sw_report *, const struct sw_summary *);
};

struct sw_report {
	const struct sw_writer *w;
	FILE *out;
	struct sw_report_opts opts;
	struct sw_noise *noise;
	struct sw_buf b;		/* output, flushed past 64 KiB */
	struct sw_buf enc;		/* one record being encoded */
	struct sw_buf dec;		/* one record being decoded */
	struct sw_rec rec;
	struct sw_rec_ev *ev;
	size_t evcap;
	FILE *spool;			/* every finding, in time order */
	uint64_t n;			/* findings spooled */
	int spool_failed;
	/* causes seen, in first-seen order; per-cause spools when grouped */
	const struct sw_cause **causes;
	FILE **cause_spool;
	uint64_t *cause_listed;
	size_t ncauses;
	uint64_t nth;			/* records rendered so far */
	uint64_t nth_in_group;
	struct sw_buf prev_fix;		/* text/markdown: "same as above" */
	struct sw_buf fix_flat;		/* the current record's, then swapped */
	struct sw_buf esc, run;		/* writers' scratch, reused */
	struct sw_redact *redact;	/* --redact, or NULL */
	void *wstate;			/* a writer's own state (html) */
	void (*wstate_free)(void *);
	/* Issue 10: successful logins for json/ndjson (s6_success.c). */
	FILE *succ;			/* "TIME_US JSON\n" lines, time order */
	char *succ_line;		/* the next one read back, or NULL */
	size_t succ_cap;
};

/* Output buffer. */
void sw_report_flush(struct sw_report *r);
static inline void
sw_report_maybe_flush(struct sw_report *r)
{
	if (r->b.len >= 65536)
		sw_report_flush(r);
}

/* Spool: encode a finding, read a record back. */
void sw_spool_encode(struct sw_report *r, const struct sw_finding *f,
    uint32_t cause_idx);
/* A finding already known to be attack noise, for a writer that will not
 * list it: only what the noise summary counts (address and user). */
void sw_spool_stub(struct sw_report *r, const char *ip, const char *user);
/* Reads the next record of `fp` into r->rec: 1, 0 at the end, -1 on a
 * damaged spool. raw/rawlen: the record's bytes (to copy it elsewhere). */
int sw_spool_read(struct sw_report *r, FILE *fp, const char **raw,
    size_t *rawlen);
/* The same; with head_only, r->rec has only the fixed fields, host, user
 * and address (all the noise pass reads). */
int sw_spool_read_part(struct sw_report *r, FILE *fp, const char **raw,
    size_t *rawlen, int head_only);
/* Sets the noise byte of the record in r->dec (before copying it). */
void sw_spool_mark_noise(struct sw_report *r, int noise);

/* Successful logins (s6_success.c): written out among the findings, in
 * time order, by the time-ordered writers; freed with the report. */
void sw_success_emit(struct sw_report *r, int64_t before_us);
void sw_success_free(struct sw_report *r);

/* Helpers shared by writers. */
static inline struct sw_span
sw_cstr(const char *s)
{
	return sw_span_make(s, s ? strlen(s) : 0);
}
/*
 * Prose around a command printed on its own line: drops the punctuation
 * that only framed the command in the sentence (a trailing " (" before
 * it; a leading ")", ".", ",", ";" after it) and surrounding blanks.
 */
struct sw_span sw_fix_prose_trim(struct sw_span s, int before_cmd,
    int after_cmd);
/* The fix as one string with commands between backticks. */
void sw_rec_fix_flatten(const struct sw_rec *rec, struct sw_buf *out);
/* "fix":"...","commands":[...] (JSON); scratch is reset and reused. */
void sw_rec_json_fix(const struct sw_rec *rec, struct sw_buf *scratch,
    struct sw_buf *b);

/* s6_client.c: the client's side of a finding (ssh -v output). */
int sw_client_side(const struct sw_finding *f);
/* Renders f's client view for r's writer into out (empty when none). */
void sw_client_blob(const struct sw_report *r, const struct sw_finding *f,
    struct sw_buf *out);
/* JSON: ,"side":... and the client's view; text and Markdown: the heading
 * lines of a client-only finding (no time, pid or source address). */
void sw_client_json_tail(struct sw_buf *b, const struct sw_rec *rec);
void sw_client_text_head(struct sw_report *r, const struct sw_rec *rec);
void sw_client_md_head(struct sw_report *r, const struct sw_rec *rec);

/* s6_markdown.c helpers, shared with s6_client.c. */
void sw_md_inline(struct sw_buf *b, struct sw_span s);
void sw_md_value(struct sw_buf *b, struct sw_span s);
void sw_md_fenced(struct sw_buf *b, const char *info, struct sw_span body);

extern const struct sw_writer sw_writer_text;
extern const struct sw_writer sw_writer_json;
extern const struct sw_writer sw_writer_ndjson;
extern const struct sw_writer sw_writer_markdown;
extern const struct sw_writer sw_writer_ecs;
extern const struct sw_writer sw_writer_html;

#endif
