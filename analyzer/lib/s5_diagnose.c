/*
 * s5_diagnose.c: one primary cause per failed login. The rules carry the
 * knowledge (cause, priority, confidence, fix); this file only holds what
 * cannot be a pattern: choosing among several causes, and inferring a cause
 * from lines that are absent, which depends on the LogLevel the log shows.
 */
#include <stdlib.h>
#include <string.h>

#include "s0_i18n.h"
#include "s5_diagnose.h"

#define SW_MAX_KNOWN_USERS 20000

/* Last successful public key per (host, user), to compare with later failures. */
struct sw_known {
	char *host, *user;
	int64_t time_us;
	int utc_off_min;
	char *key;		/* "ED25519 SHA256:..." */
	struct sw_known *next;
};

struct sw_diagnoser {
	const struct sw_rules *rs;
	sw_finding_cb cb;
	void *ctx;
	sw_success_cb success_cb;
	void *success_ctx;
	struct sw_diag *diag;
	const struct sw_rule *r_insufficient, *r_invalid, *r_undetermined;
	const struct sw_rule *r_malformed, *r_unknown_key, *r_cert_invalid;
	const struct sw_keys *keys;
	int64_t since_us, until_us;
	struct sw_known *known[4096];
	size_t nknown;
	struct sw_diagnose_stats stats;
	/* Reused for every finding: no allocation per failed login. */
	struct sw_fix fix;
	struct sw_fix_defer fix_defer;	/* the fix built only when read */
	struct sw_buf note;
	struct sw_fix_cache *fixes;	/* compiled fix templates */
};

static struct sw_span sw_offered_key(const struct sw_conn *c);
static const struct sw_evidence *sw_offered_cert(const struct sw_conn *c);
static void sw_check_keys(struct sw_diagnoser *d, const struct sw_conn *c,
    const struct sw_rule **rule, enum sw_confidence *conf,
    struct sw_buf *note);

/*
 * What a finding names when the rules in use (say a one-rule directory
 * given with --rules) lack a cause the diagnoser infers: the id stays, the
 * text says the rules have none, so the run still reports every failure.
 */
#define SW_MISSING_CAUSE(cid) { cid, \
	"No rule describes this cause (" cid ")", \
	"The rules directory in use defines no cause '" cid "', which " \
	"sshwhy infers when a log lacks the lines that would name another " \
	"cause.", \
	"Run with the shipped rules (without --rules) for the explanation " \
	"and fix.", SW_CONF_UNKNOWN, SW_SIDE_SERVER, NULL, \
	{ { NULL, NULL, NULL } } }
static const struct sw_cause sw_missing_causes[] = {
	SW_MISSING_CAUSE("insufficient-logging"),
	SW_MISSING_CAUSE("invalid-user"),
	SW_MISSING_CAUSE("undetermined"),
};

static const struct sw_cause *
sw_missing_cause(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(sw_missing_causes) /
	    sizeof(sw_missing_causes[0]); i++)
		if (strcmp(sw_missing_causes[i].id, id) == 0)
			return &sw_missing_causes[i];
	return &sw_missing_causes[2];
}

static const struct sw_rule *
sw_need_cause(const struct sw_rules *rs, struct sw_diag *diag,
    const char *id, int *bad)
{
	const struct sw_rule *r = NULL;
	size_t i;

	/* The rule written for inference, not a pattern rule of that cause. */
	for (i = 0; i < sw_rules_count(rs) && r == NULL; i++) {
		const struct sw_rule *x = sw_rules_get(rs, i);
		const struct sw_cause *c = sw_rule_cause(x);
		if (sw_rule_meaning(x) == SW_MEANING_INFERRED && c != NULL &&
		    strcmp(c->id, id) == 0)
			r = x;
	}
	if (r == NULL)
		r = sw_rules_find_cause(rs, id);

	if (r == NULL)
		sw_diag_printf(diag, SW_DIAG_WARNING, NULL, 0, "the rules define "
		    "no cause '%s', which sshwhy infers when a log lacks the "
		    "lines that would name another cause; such logins are "
		    "reported without its explanation", id);
	(void)bad;
	return r;
}

struct sw_diagnoser *
sw_diagnoser_new(const struct sw_rules *rs, sw_finding_cb cb, void *ctx,
    struct sw_diag *diag)
{
	struct sw_diagnoser *d = sw_xcalloc(1, sizeof(*d));
	int bad = 0;

	d->rs = rs;
	d->cb = cb;
	d->ctx = ctx;
	d->diag = diag;
	sw_fix_init(&d->fix);
	d->fix.defer = &d->fix_defer;
	d->fix_defer.fx = &d->fix;
	sw_buf_init(&d->note, 4096);
	d->fixes = sw_fix_cache_new();
	d->r_insufficient = sw_need_cause(rs, diag, "insufficient-logging", &bad);
	d->r_invalid = sw_need_cause(rs, diag, "invalid-user", &bad);
	d->r_undetermined = sw_need_cause(rs, diag, "undetermined", &bad);
	/* Needed only with --authorized-keys; checked when keys are set. */
	d->r_malformed = sw_rules_find_cause(rs, "authorized-keys-malformed");
	d->r_unknown_key = sw_rules_find_cause(rs, "unknown-key");
	d->r_cert_invalid = sw_rules_find_cause(rs, "certificate-invalid");
	if (bad) {
		sw_diagnoser_free(d);
		return NULL;
	}
	return d;
}

void
sw_diagnoser_free(struct sw_diagnoser *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < 4096; i++) {
		struct sw_known *k, *next;
		for (k = d->known[i]; k != NULL; k = next) {
			next = k->next;
			free(k->host);
			free(k->user);
			free(k->key);
			free(k);
		}
	}
	sw_fix_free(&d->fix);
	sw_buf_free(&d->note);
	sw_fix_cache_free(d->fixes);
	free(d);
}

static struct sw_known **
sw_known_slot(struct sw_diagnoser *d, const char *host, const char *user)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	for (p = host; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = user; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return &d->known[h % 4096];
}

static struct sw_known *
sw_known_find(struct sw_diagnoser *d, const char *host, const char *user)
{
	struct sw_known *k;

	for (k = *sw_known_slot(d, host, user); k != NULL; k = k->next)
		if (strcmp(k->host, host) == 0 && strcmp(k->user, user) == 0)
			return k;
	return NULL;
}

/* Remembers the key of a successful public-key login. */
static void
sw_known_learn(struct sw_diagnoser *d, const struct sw_conn *c)
{
	size_t i;

	if (c->user == NULL)
		return;
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		struct sw_span kt = sw_evidence_named(e, "key_type");
		struct sw_span fp = sw_evidence_named(e, "fingerprint");
		struct sw_known *k;

		if (sw_rule_meaning(e->rule) != SW_MEANING_SUCCESS ||
		    fp.p == NULL)
			continue;
		k = sw_known_find(d, c->host, c->user);
		if (k == NULL) {
			struct sw_known **slot;
			if (d->nknown >= SW_MAX_KNOWN_USERS)
				return;
			slot = sw_known_slot(d, c->host, c->user);
			k = sw_xcalloc(1, sizeof(*k));
			k->host = sw_xstrdup(c->host);
			k->user = sw_xstrdup(c->user);
			k->next = *slot;
			*slot = k;
			d->nknown++;
		}
		free(k->key);
		k->key = sw_xasprintf("%.*s%s%.*s", (int)kt.len,
		    kt.p ? kt.p : "", kt.len ? " " : "", (int)fp.len, fp.p);
		k->time_us = e->time_us;
		k->utc_off_min = e->utc_off_min;
	}
}

void
sw_diagnose_expand(struct sw_buf *out, const char *tmpl,
    const struct sw_conn *c, const struct sw_evidence *e)
{
	struct sw_fix fx;

	sw_fix_init(&fx);
	sw_fix_build(&fx, tmpl, c, e);
	sw_fix_flatten(&fx, out);
	sw_fix_free(&fx);
}

static int
sw_cause_is(const struct sw_evidence *e, const char *id)
{
	const struct sw_cause *c = sw_rule_cause(e->rule);
	return c != NULL && strcmp(c->id, id) == 0;
}

/* Index of the evidence line with the highest-priority cause. */
static size_t
sw_best_cause(const struct sw_conn *c, const char *skip_id)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		if (sw_rule_cause(e->rule) == NULL ||
		    (skip_id != NULL && sw_cause_is(e, skip_id)))
			continue;
		if (best == SIZE_MAX || sw_rule_priority(e->rule) >
		    sw_rule_priority(c->evidence[best].rule))
			best = i;
	}
	return best;
}

void
sw_diagnoser_set_success(struct sw_diagnoser *d, sw_success_cb cb, void *ctx)
{
	d->success_cb = cb;
	d->success_ctx = ctx;
}

/* The Accepted line's method and key, handed to the success callback. */
static void
sw_diagnose_success(struct sw_diagnoser *d, const struct sw_conn *c)
{
	struct sw_success s;
	char method[48], key[SW_KEY_FP_SIZE + 64];
	size_t i;

	memset(&s, 0, sizeof(s));
	s.conn = c;
	snprintf(method, sizeof(method), "%s", c->method[0] ? c->method :
	    "unknown");
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		struct sw_span m, kt, fp;

		if (sw_rule_meaning(e->rule) != SW_MEANING_SUCCESS)
			continue;
		s.line = e;
		m = sw_evidence_named(e, "method");
		kt = sw_evidence_named(e, "key_type");
		fp = sw_evidence_named(e, "fingerprint");
		if (m.len > 0 && m.len < sizeof(method))
			snprintf(method, sizeof(method), "%.*s", (int)m.len, m.p);
		if (fp.len > 0 && fp.len + kt.len + 2 < sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s%s%.*s", (int)kt.len,
			    kt.p ? kt.p : "", kt.len ? " " : "", (int)fp.len,
			    fp.p);
			s.key = key;
		}
	}
	s.method = method;
	d->success_cb(d->success_ctx, &s);
}

void
sw_diagnose_conn(void *arg, const struct sw_conn *c)
{
	struct sw_diagnoser *d = arg;
	struct sw_finding f;
	struct sw_buf *notep = &d->note;
	const struct sw_rule *rule = NULL;
	const char *want = NULL;	/* the inferred cause, when rule is one */
	const struct sw_known *k;
	const struct sw_evidence *cert;
	int cert_inferred = 0;
	size_t best;

	if ((d->since_us != 0 && c->start_us < d->since_us) ||
	    (d->until_us != 0 && c->start_us >= d->until_us)) {
		if (c->outcome == SW_OUTCOME_SUCCESS)
			sw_known_learn(d, c);
		d->stats.outside++;
		return;
	}
	switch (c->outcome) {
	case SW_OUTCOME_SUCCESS:
		d->stats.succeeded++;
		sw_known_learn(d, c);
		if (d->success_cb != NULL)
			sw_diagnose_success(d, c);
		return;
	case SW_OUTCOME_NOAUTH:
		d->stats.noauth++;
		return;
	case SW_OUTCOME_UNKNOWN:
		d->stats.unknown++;
		return;
	case SW_OUTCOME_FAILURE:
		break;
	}
	d->stats.failed++;
	memset(&f, 0, sizeof(f));
	sw_buf_reset(notep);
	f.conn = c;
	f.primary = best = sw_best_cause(c, NULL);

	/*
	 * MaxAuthTries ends a password brute force too; there the passwords
	 * are the cause, and too many keys only when keys were offered.
	 */
	if (best != SIZE_MAX &&
	    sw_cause_is(&c->evidence[best], "too-many-auth-failures") &&
	    c->n_failed_password > 0 && c->n_failed_publickey == 0) {
		size_t other = sw_best_cause(c, "too-many-auth-failures");
		if (other != SIZE_MAX)
			f.primary = best = other;
	}

	if (best != SIZE_MAX && d->r_cert_invalid != NULL &&
	    (sw_cause_is(&c->evidence[best], "unknown-key") ||
	    sw_cause_is(&c->evidence[best], "authorized-keys-missing")) &&
	    (cert = sw_offered_cert(c)) != NULL) {
		/*
		 * A user certificate failed and sshd named no certificate
		 * error (those are logged at ERROR): its CA is not trusted.
		 * A missing authorized_keys is normal for certificate users.
		 */
		struct sw_span ca = sw_evidence_named(cert, "ca_fingerprint");
		rule = d->r_cert_invalid;
		cert_inferred = 1;
		f.primary = best = (size_t)(cert - c->evidence);
		sw_buf_addf(notep, "The client offered a user certificate "
		    "(signed by CA %.*s) and sshd logged no reason against it, "
		    "which is what a CA that TrustedUserCAKeys (or a "
		    "cert-authority line) does not list looks like below "
		    "LogLevel DEBUG2.", (int)ca.len, ca.p ? ca.p : "");
	} else if (best != SIZE_MAX) {
		rule = c->evidence[best].rule;
	} else if (c->user_invalid) {
		rule = d->r_invalid;
		want = "invalid-user";
	} else if (c->went_silent) {
		/*
		 * A user was named, then the connection logged nothing more
		 * while the log went on: it did not log in. At INFO and
		 * VERBOSE this is also how a refused key looks when the
		 * client then gives up without a close line; LoginGraceTime
		 * ends it after 2 minutes (Debian's CVE-2024-6387 fix no
		 * longer logs that, 9.8+ logs it from the listener).
		 */
		rule = d->r_insufficient;
		want = "insufficient-logging";
		sw_buf_addf(notep, SW_("The connection named %s, then logged "
		    "nothing more at LogLevel %s while the log went on: no "
		    "success, no close line. The client gave up or hung (a "
		    "password or passphrase prompt left open, a refused key) "
		    "and LoginGraceTime (default 2 minutes) ended it; OpenSSH "
		    "9.8+ logs \"Timeout before authentication\" from the "
		    "listener, and builds with the CVE-2024-6387 fix before "
		    "9.8 log nothing. LogLevel VERBOSE (or DEBUG1) shows the "
		    "attempts."), c->user != NULL ? c->user : "a user",
		    sw_loglevel_name(c->level_seen < SW_LEVEL_INFO ?
		    SW_LEVEL_INFO : c->level_seen));
	} else if (c->level_seen <= SW_LEVEL_INFO) {
		rule = d->r_insufficient;
		want = "insufficient-logging";
		sw_buf_addf(notep, SW_("The log is at LogLevel INFO: sshd accepted "
		    "the user name, then the client gave up without a password "
		    "attempt, which at INFO is what a refused public key looks "
		    "like."));
	} else if (c->n_failed == 0) {
		/*
		 * VERBOSE or more, a valid user, and not one attempt logged:
		 * the server offered no method the client could use (say
		 * PubkeyAuthentication no) or the client had no key. Only
		 * DEBUG3's "next methods=" line tells which.
		 */
		rule = d->r_insufficient;
		want = "insufficient-logging";
		sw_buf_addf(notep, SW_("No authentication attempt was logged at "
		    "LogLevel %s: the server probably offered no method the "
		    "client could use (PubkeyAuthentication no, globally or "
		    "in a Match block) or the client had no key to offer. "
		    "LogLevel DEBUG3 logs the methods offered (\"next "
		    "methods=\")."), sw_loglevel_name(c->level_seen));
	} else {
		rule = d->r_undetermined;
		want = "undetermined";
	}
	if (rule != NULL) {
		f.confidence = cert_inferred ? SW_CONF_LIKELY :
		    sw_rule_cause(rule)->confidence;
		sw_check_keys(d, c, &rule, &f.confidence, notep);
		f.cause = sw_rule_cause(rule);
	} else {
		f.cause = sw_missing_cause(want);
		f.confidence = f.cause->confidence;
	}
	f.method = c->method[0] != '\0' ? c->method : "unknown";

	/* What an earlier success of the same user says about the key. */
	if (c->user != NULL && (k = sw_known_find(d, c->host, c->user)) != NULL &&
	    (strcmp(f.cause->id, "unknown-key") == 0 ||
	    strcmp(f.cause->id, "insufficient-logging") == 0)) {
		struct sw_buf when;
		sw_buf_init(&when, 64);
		sw_format_time_rfc3339(&when, k->time_us, k->utc_off_min);
		if (notep->len > 0)
			sw_buf_addc(notep, ' ');
		struct sw_span fp = sw_offered_key(c);
		sw_buf_addf(notep, SW_("%s last logged in on this host at %s with "
		    "key %s"), c->user, when.p, k->key);
		if (fp.len > 0)
			sw_buf_addf(notep, SW_("; this client offered %.*s."),
			    (int)fp.len, fp.p);
		else
			sw_buf_adds(notep, SW_("; compare it with the key the "
			    "client offers now."));
		sw_buf_free(&when);
	}
	/* Built when a writer reads it: a scan's findings are only counted. */
	f.fix = sw_fix_build_deferred(d->fixes, &d->fix, sw_cause_fix(f.cause),
	    c, best != SIZE_MAX ? &c->evidence[best] : NULL);
	f.note = notep->len > 0 ? notep->p : NULL;
	d->cb(d->ctx, &f);
	d->fix_defer.pending = 0;
}

void
sw_diagnoser_set_window(struct sw_diagnoser *d, int64_t since_us,
    int64_t until_us)
{
	d->since_us = since_us;
	d->until_us = until_us;
}

void
sw_diagnoser_set_keys(struct sw_diagnoser *d, const struct sw_keys *k)
{
	d->keys = k;
}

/* The line of an offered user certificate ("ED25519-CERT"), or NULL. */
static const struct sw_evidence *
sw_offered_cert(const struct sw_conn *c)
{
	size_t i;

	for (i = 0; i < c->nevidence; i++) {
		struct sw_span kt = sw_evidence_named(&c->evidence[i],
		    "key_type");
		if (kt.len > 5 && memcmp(kt.p + kt.len - 5, "-CERT", 5) == 0)
			return &c->evidence[i];
	}
	return NULL;
}

/* The first key fingerprint a connection's lines name (the key offered). */
static struct sw_span
sw_offered_key(const struct sw_conn *c)
{
	size_t i;

	for (i = 0; i < c->nevidence; i++) {
		struct sw_span fp = sw_evidence_named(&c->evidence[i],
		    "fingerprint");
		if (fp.len > 0 && fp.len < SW_KEY_FP_SIZE + 8)
			return fp;
	}
	return sw_span_make(NULL, 0);
}

static void
sw_note_sep(struct sw_buf *note)
{
	if (note->len > 0)
		sw_buf_addc(note, ' ');
}

/*
 * With --authorized-keys: what the user's authorized_keys say about this
 * failure. May replace the rule (a broken line is the cause) or raise the
 * confidence (the offered key is certainly not there).
 */
static void
sw_check_keys(struct sw_diagnoser *d, const struct sw_conn *c,
    const struct sw_rule **rule, enum sw_confidence *conf, struct sw_buf *note)
{
	const char *id = sw_rule_cause(*rule)->id;
	const struct sw_key_line *kl, *lines[5];
	struct sw_span fp;
	char fpbuf[SW_KEY_FP_SIZE + 8];
	size_t n, i;

	if (d->keys == NULL || c->user == NULL || c->user_invalid ||
	    (strcmp(id, "unknown-key") != 0 &&
	    strcmp(id, "insufficient-logging") != 0 &&
	    strcmp(id, "undetermined") != 0))
		return;
	fp = sw_offered_key(c);
	n = sw_keys_for_user(d->keys, c->user, lines, 5);
	if (fp.len == 0) {
		/* INFO: no key named; the file can still show a dead line. */
		for (i = 0; i < n && i < 5; i++) {
			if (lines[i]->problem == SW_KEY_OK)
				continue;
			sw_note_sep(note);
			sw_buf_addf(note, SW_("%s:%llu cannot work: %s"), lines[i]->path,
			    (unsigned long long)lines[i]->lineno,
			    sw_key_problem_text(lines[i]->problem));
		}
		if (n == 0) {
			sw_note_sep(note);
			sw_buf_addf(note, SW_("The authorized_keys given have no key "
			    "for %s."), c->user);
		}
		return;
	}
	memcpy(fpbuf, fp.p, fp.len);
	fpbuf[fp.len] = '\0';
	kl = sw_keys_find(d->keys, c->user, fpbuf);
	if (kl != NULL && kl->problem != SW_KEY_OK && d->r_malformed != NULL) {
		*rule = d->r_malformed;
		*conf = SW_CONF_CERTAIN;
		sw_note_sep(note);
		sw_buf_addf(note, SW_("The offered key %s is at %s:%llu, but that "
		    "line cannot work: %s%s%s"), fpbuf, kl->path,
		    (unsigned long long)kl->lineno,
		    sw_key_problem_text(kl->problem),
		    kl->detail[0] ? " Detail: " : "", kl->detail);
	} else if (kl != NULL && kl->cert_authority) {
		sw_note_sep(note);
		sw_buf_addf(note, SW_("%s is at %s:%llu as a cert-authority line: "
		    "it accepts certificates signed by that key, not the key "
		    "itself."), fpbuf, kl->path, (unsigned long long)kl->lineno);
	} else if (kl != NULL && kl->expires != 0 &&
	    kl->expires < c->start_us / 1000000) {
		sw_note_sep(note);
		sw_buf_addf(note, SW_("%s is at %s:%llu, but its expiry-time has "
		    "passed, so sshd refuses it."), fpbuf, kl->path,
		    (unsigned long long)kl->lineno);
	} else if (kl != NULL) {
		sw_note_sep(note);
		sw_buf_addf(note, SW_("The offered key %s IS authorized at %s:%llu: "
		    "the file given is not the problem; check that sshd reads "
		    "that file (AuthorizedKeysFile), its owner and modes, and "
		    "the line's options."), fpbuf, kl->path,
		    (unsigned long long)kl->lineno);
	} else {
		if (d->r_unknown_key != NULL) {
			*rule = d->r_unknown_key;
			*conf = SW_CONF_CERTAIN;
		}
		sw_note_sep(note);
		sw_buf_addf(note, SW_("The offered key %s is not in %s's "
		    "authorized_keys"), fpbuf, c->user);
		if (n == 0)
			sw_buf_adds(note, SW_(" (the files given have no key for "
			    "this user)."));
		else {
			sw_buf_adds(note, SW_("; the keys there are:"));
			for (i = 0; i < n && i < 5; i++)
				sw_buf_addf(note, "%s %s (%s, %s:%llu)",
				    i ? ";" : "", lines[i]->sha256[0] ?
				    lines[i]->sha256 : "(unreadable)",
				    lines[i]->comment ? lines[i]->comment : "",
				    lines[i]->path,
				    (unsigned long long)lines[i]->lineno);
			if (n > 5)
				sw_buf_addf(note, SW_("; and %zu more"), n - 5);
			sw_buf_addc(note, '.');
		}
	}
}

const struct sw_diagnose_stats *
sw_diagnose_stats(const struct sw_diagnoser *d)
{
	return &d->stats;
}
