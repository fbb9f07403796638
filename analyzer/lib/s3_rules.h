/*
 * s3_rules.h: stage 3a, the rules directory. Each rules/NAME.yaml file is one
 * signature: what a line means for its connection, PCRE2 patterns with
 * named captures, a priority, the lowest sshd LogLevel that writes it, an
 * optional cause (id, title, explanation, fix template, confidence) and
 * example lines that `sshwhy rules test` checks. docs/rules.md is the spec.
 * Includes stages 0-2.
 */
#ifndef SW_S3_RULES_H
#define SW_S3_RULES_H

#include "s0_common.h"
#include "s0_i18n.h"
#include "s2_format.h"

/* What a matched line means for its connection. */
enum sw_meaning {
	SW_MEANING_CONNECT,	/* a new connection starts (pid reuse ends the old) */
	SW_MEANING_ATTEMPT,	/* a failed authentication attempt */
	SW_MEANING_SUCCESS,	/* authentication succeeded */
	SW_MEANING_PARTIAL,	/* one method of several succeeded */
	SW_MEANING_REFUSAL,	/* the account or connection was refused */
	SW_MEANING_CAUSE,	/* names why authentication failed */
	SW_MEANING_CLOSE,	/* the pre-auth connection ended */
	SW_MEANING_INFO,	/* context only: never opens a connection */
	SW_MEANING_INFERRED,	/* no pattern: a cause the diagnoser infers */
	SW_MEANING_DROPPED,	/* the listener refused a connection: the line
				   is a whole connection, never merged */
};

/* sshd LogLevel values, in order of verbosity. */
enum sw_loglevel {
	SW_LEVEL_QUIET, SW_LEVEL_FATAL, SW_LEVEL_ERROR, SW_LEVEL_INFO,
	SW_LEVEL_VERBOSE, SW_LEVEL_DEBUG1, SW_LEVEL_DEBUG2, SW_LEVEL_DEBUG3,
};

enum sw_confidence {
	SW_CONF_CERTAIN, SW_CONF_LIKELY, SW_CONF_UNKNOWN,
};

/* Where a line must come from: the pre-auth child (" [preauth]") or not. */
enum sw_preauth {
	SW_PREAUTH_ANY, SW_PREAUTH_YES, SW_PREAUTH_NO,
};

/* Capture names with a meaning to the correlator, by index. */
enum sw_cap {
	SW_CAP_USER, SW_CAP_IP, SW_CAP_PORT, SW_CAP_METHOD, SW_CAP_KEY_TYPE,
	SW_CAP_FINGERPRINT, SW_CAP_PATH, SW_CAP_INVALID, SW_CAP_CONN_PID,
	SW_CAP_CHILD_PID, SW_CAP_RHOST,
	SW_CAP_COUNT_
};

/* Which program writes a rule's lines: sshd (with a syslog header) or the
 * ssh client (`ssh -v` output, recognised by s2_client). */
enum sw_side {
	SW_SIDE_SERVER, SW_SIDE_CLIENT,
};

/* A cause's words in one language. */
struct sw_cause_text {
	const char *title;
	const char *explanation;
	const char *fix;	/* template: {user}, {ip}, {path}, any capture */
};

struct sw_cause {
	const char *id;		/* e.g. "bad-ownership-or-modes" */
	const char *title;	/* English: the same as text[SW_LANG_EN] */
	const char *explanation;
	const char *fix;	/* template: {user}, {ip}, {path}, any capture */
	enum sw_confidence confidence;
	enum sw_side fix_side;	/* where the fix is applied (default: the
				   rule's side) */
	const char *confirm;	/* client causes: what the server's log would
				   show to confirm it; NULL if not given */
	/* Per language (the rule file's `ja:` block); NULL title: none. */
	struct sw_cause_text text[SW_LANG_COUNT_];
};

/*
 * A cause's title, explanation and fix template in the current language
 * (sw_lang_get()), English when the rule file has no translation. Owned
 * by the rule set.
 */
const char *sw_cause_title(const struct sw_cause *c);
const char *sw_cause_explanation(const struct sw_cause *c);
const char *sw_cause_fix(const struct sw_cause *c);
/* 1 if the cause has title, explanation and fix in language l. */
int sw_cause_has_lang(const struct sw_cause *c, enum sw_lang l);

struct sw_rule;
struct sw_rules;

/*
 * Loads every *.yaml file of `dir` in sorted name order and compiles the
 * patterns (JIT when available). On any error returns NULL and reports each
 * problem through diag as "file:line: field: why" (for a pattern, PCRE2's
 * message and offset). `diag` is borrowed.
 */
struct sw_rules *sw_rules_load(const char *dir, struct sw_diag *diag);

/*
 * Like sw_rules_load, with a local overlay directory (as systemd drop-ins:
 * /etc/sshwhy/rules.d): a file there with the name of a rule in `dir`
 * replaces it, a new name adds a rule, an empty file disables the rule of
 * that name. `overlay` may be NULL or missing (then `dir` alone).
 */
struct sw_rules *sw_rules_load_merged(const char *dir, const char *overlay,
    struct sw_diag *diag);

/* Where each rule came from, for `rules test`. */
enum sw_rule_origin {
	SW_ORIGIN_SHIPPED,	/* the rules directory */
	SW_ORIGIN_ADDED,	/* the overlay, a new name */
	SW_ORIGIN_REPLACED,	/* the overlay, replacing a shipped rule */
};
/* Rules an empty overlay file disabled: count and names (sorted). */
size_t sw_rules_ndisabled(const struct sw_rules *rs);
const char *sw_rules_disabled(const struct sw_rules *rs, size_t i);
void sw_rules_free(struct sw_rules *rs);

size_t sw_rules_count(const struct sw_rules *rs);
const struct sw_rule *sw_rules_get(const struct sw_rules *rs, size_t i);
/* The first rule (in load order) whose cause has this id, or NULL. */
const struct sw_rule *sw_rules_find_cause(const struct sw_rules *rs,
    const char *cause_id);

const char *sw_rule_id(const struct sw_rule *r);
const char *sw_rule_file(const struct sw_rule *r);
enum sw_rule_origin sw_rule_origin(const struct sw_rule *r);
/* SW_SIDE_CLIENT for `side: client` rules: they match client records only. */
enum sw_side sw_rule_side(const struct sw_rule *r);
enum sw_meaning sw_rule_meaning(const struct sw_rule *r);
int sw_rule_priority(const struct sw_rule *r);
enum sw_loglevel sw_rule_level(const struct sw_rule *r);
/* The method the line implies when it names none ("publickey"), or NULL. */
const char *sw_rule_method(const struct sw_rule *r);
/* The line fails the login even when authentication succeeded (password
 * change forced, chroot refused): `refuses_session: yes`. */
int sw_rule_refuses_session(const struct sw_rule *r);
/* NULL when the rule names no cause. Owned by the rule set. */
const struct sw_cause *sw_rule_cause(const struct sw_rule *r);

/* Example lines: *must_match is 1 for `examples`, 0 for `not_matching`. */
size_t sw_rule_nexamples(const struct sw_rule *r);
const char *sw_rule_example(const struct sw_rule *r, size_t i, int *must_match);
/*
 * The cause id an example states (`cause:`) that the line, analysed on its
 * own, must be reported with ("none": no failed login); NULL if unstated.
 */
const char *sw_rule_example_cause(const struct sw_rule *r, size_t i);

const char *sw_meaning_name(enum sw_meaning m);
const char *sw_loglevel_name(enum sw_loglevel l);
const char *sw_confidence_name(enum sw_confidence c);
const char *sw_cap_name(enum sw_cap c);
const char *sw_side_name(enum sw_side s);

#endif
