/*
 * s3_rules_int.h: the rule set's insides, shared by the two halves of
 * stage 3 (s3_rules.c loads, s3_match.c matches). Not for later stages.
 */
#ifndef SW_S3_RULES_INT_H
#define SW_S3_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "s3_rules.h"

#define SW_MAX_NAMED 16		/* named groups per pattern */
#define SW_MAX_PATTERNS 16	/* patterns per rule */
#define SW_MAX_EXAMPLES 64	/* examples per rule */
#define SW_MAX_RULES 1024	/* rule files per directory */
#define SW_MAX_PREFIX 32	/* literal prefix used to skip patterns */
#define SW_MAX_KEYS 8		/* dispatch keys per pattern */
#define SW_MAX_TOKEN 48		/* bytes of a dispatch key, with its NUL */
#define SW_MAX_REQ 4		/* required literal clauses per pattern */
#define SW_MAX_ALTS 4		/* literals per clause (one per alternative) */

/*
 * A clause every match satisfies: the subject contains one of the
 * literals. `rare` indexes the literal's least common byte, searched first.
 */
struct sw_req {
	uint8_t nalt;
	uint8_t len[SW_MAX_ALTS];
	uint8_t rare[SW_MAX_ALTS];
	char lit[SW_MAX_ALTS][SW_MAX_PREFIX];
};

struct sw_pattern {
	const struct sw_rule *rule;
	char *source;
	pcre2_code *code;
	uint32_t ngroups;			/* capture groups + 1 */
	size_t nnamed;
	char *names[SW_MAX_NAMED];
	uint32_t name_group[SW_MAX_NAMED];
	int name_known[SW_MAX_NAMED];		/* enum sw_cap, or -1 */
	char prefix[SW_MAX_PREFIX];		/* literal start after '^' */
	size_t prefix_len;
	/*
	 * Dispatch keys (s3_match.c): the message's first token once one of
	 * "error: ", "fatal: ", "debug1: " is stripped; one per alternative
	 * of a leading group. nkeys = 0: the start is not literal enough and
	 * the pattern is tried on every line, after its required literal.
	 */
	int strip;				/* enum sw_strip it requires */
	int strip_opt;				/* or none: (?:error: )? */
	size_t nkeys;
	char keys[SW_MAX_KEYS][SW_MAX_TOKEN];	/* NUL-terminated tokens */
	/* The longest literal every match contains, for unkeyed patterns. */
	char required[SW_MAX_PREFIX];
	size_t required_len;
	/*
	 * Literal prefilter (docs/rules.md, "Dispatch"): clauses every match
	 * satisfies in this order, from req_start on (the literal prefix is
	 * checked apart). A message failing one cannot match: no pcre2_match.
	 */
	size_t nreq;
	size_t req_start;
	struct sw_req req[SW_MAX_REQ];
	int jit;				/* JIT-compiled: pcre2_jit_match */
	/* Named groups by PCRE2's name table: slot of the event's named[]
	 * (one per distinct name, DUPNAMES sharing one), in table order. */
	uint8_t name_slot[SW_MAX_NAMED];
	size_t nslots;
};

/* The message prefixes stripped once before the dispatch token. */
enum sw_strip { SW_STRIP_NONE, SW_STRIP_ERROR, SW_STRIP_FATAL,
    SW_STRIP_DEBUG1, SW_STRIP_N };
extern const char *const sw_strip_text[SW_STRIP_N];

struct sw_example_cap {
	char *name;
	char *value;
};

struct sw_example {
	char *line;
	char *cause;		/* `cause:` the line alone must give; NULL: unstated */
	unsigned long yaml_line;
	int must_match;
	size_t ncaps;
	struct sw_example_cap *caps;
};

struct sw_rule {
	char *id;
	char *file;
	enum sw_meaning meaning;
	int priority;
	enum sw_loglevel level;
	enum sw_preauth preauth;
	int refuses_session;	/* fails the login even after success */
	enum sw_side side;
	char *method;
	int has_cause;
	struct sw_cause cause;	/* points at the owned strings below */
	char *c_id, *c_title, *c_expl, *c_fix, *c_confirm;
	int fix_side_set;
	char *c_l10n[SW_LANG_COUNT_][3];	/* title, explanation, fix */
	enum sw_rule_origin origin;
	size_t npatterns;
	struct sw_pattern patterns[SW_MAX_PATTERNS];
	size_t nexamples;
	struct sw_example examples[SW_MAX_EXAMPLES];
};

struct sw_rules {
	size_t nrules;
	struct sw_rule **rules;
	char *dir;
	size_t ndisabled;
	char **disabled;	/* rule ids an empty overlay file disabled */
};

#endif
