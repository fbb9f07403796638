/*
 * main.c: the thin CLI. Parses options from one table (which also prints
 * --help), finds the rules directory, and hands everything else to the
 * pipeline in the core library. Exit codes are in s7_pipeline.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "s7_pipeline.h"

struct sw_opt {
	const char *name;	/* long name without "--" */
	const char *arg;	/* NULL: a flag */
	const char *help;
};

static const struct sw_opt sw_opts[] = {
	{ "format", "FMT", "report format: text (default), json, ndjson, markdown" },
	{ "rules", "DIR", "rules directory (default: the installed rules)" },
	{ "year", "YYYY", "year of the first year-less syslog timestamp" },
	{ "tz", "ZONE", "time zone of timestamps without an offset (default: local)" },
	{ "since", "WHEN", "report logins from WHEN on: 24h, 7d, today, yesterday, 2026-11-24[THH:MM[:SS]][Z]" },
	{ "until", "WHEN", "report logins before WHEN (same forms)" },
	{ "authorized-keys", "[USER=]PATH", "check refused keys against these authorized_keys (file or directory; repeatable)" },
	{ "all", NULL, "list every failed login, attack noise included" },
	{ "no-evidence", NULL, "text and markdown: leave out the evidence lines" },
	{ "unmatched", NULL, "list the sshd lines no rule knows, by shape" },
	{ "redact", NULL, "replace user names, addresses, host names, home directories and key fingerprints by pseudonyms" },
	{ "redact-key", "KEY", "with --redact: derive the pseudonyms from KEY, the same in every report (implies --redact)" },
	{ "max-line", "BYTES", "longest line kept (default 65536)" },
	{ "max-connections", "N", "open connections tracked at once (default 50000)" },
	{ "help", NULL, "print this help and exit" },
	{ "version", NULL, "print the version and exit" },
};
#define SW_NOPTS (sizeof(sw_opts) / sizeof(sw_opts[0]))

static void
sw_usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: sshwhy [options] [FILE|DIR|-]...\n"
	    "       sshwhy rules test [DIR]\n"
	    "       sshwhy explain [CAUSE]    (no CAUSE: every cause, as Markdown)\n"
	    "\n"
	    "Reads sshd logs (auth.log, secure, journalctl output and exports,\n"
	    "journal files and directories, tar bundles; plain or compressed;\n"
	    "rotated sets oldest first; - or nothing for stdin) and explains\n"
	    "every failed SSH login: cause, evidence and fix.\n"
	    "\noptions:\n");
	for (i = 0; i < SW_NOPTS; i++) {
		char left[48];
		snprintf(left, sizeof(left), "--%s%s%s", sw_opts[i].name,
		    sw_opts[i].arg ? " " : "",
		    sw_opts[i].arg ? sw_opts[i].arg : "");
		fprintf(fp, "  %-30s %s\n", left, sw_opts[i].help);
	}
	fprintf(fp,
	    "\nexit status: 0 no failed login, 1 failed logins found,\n"
	    "2 usage or rules error, 4 some input could not be read\n"
	    "(added to 0 or 1: 5 = failures found and input skipped).\n");
}

static const struct sw_opt *
sw_find_opt(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SW_NOPTS; i++)
		if (strlen(sw_opts[i].name) == len &&
		    strncmp(sw_opts[i].name, name, len) == 0)
			return &sw_opts[i];
	return NULL;
}

static int
sw_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
sw_digits_at(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * --since/--until: "24h", "7d", "30m", "today", "yesterday", or
 * "YYYY-MM-DD[THH:MM[:SS]][Z]" (local time unless Z). Microseconds since
 * the epoch in *out; -1 if the text is none of these.
 */
static int
sw_parse_when(const char *s, int64_t *out)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t n = strlen(s);
	int y, mo, d, h = 0, mi = 0, se = 0, utc = 0;
	unsigned long long v;
	time_t t;

	if (n >= 2 && strchr("smhd", s[n - 1]) != NULL) {
		char num[24];
		int64_t unit = s[n - 1] == 's' ? 1 : s[n - 1] == 'm' ? 60 :
		    s[n - 1] == 'h' ? 3600 : 86400;
		if (n - 1 >= sizeof(num))
			return -1;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		if (sw_parse_uint(num, 36500ULL * 86400, &v) != 0)
			return -1;
		*out = ((int64_t)now - (int64_t)v * unit) * 1000000;
		return 0;
	}
	localtime_r(&now, &tm);
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		if (s[0] == 'y')
			tm.tm_mday--;
		tm.tm_isdst = -1;
		*out = (int64_t)mktime(&tm) * 1000000;
		return 0;
	}
	if (n > 0 && s[n - 1] == 'Z') {
		utc = 1;
		n--;
	}
	if ((n != 10 && n != 16 && n != 19) || s[4] != '-' || s[7] != '-' ||
	    sw_digits_at(s, 4, &y) || sw_digits_at(s + 5, 2, &mo) ||
	    sw_digits_at(s + 8, 2, &d))
		return -1;
	if (n >= 16 && ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    sw_digits_at(s + 11, 2, &h) || sw_digits_at(s + 14, 2, &mi)))
		return -1;
	if (n == 19 && (s[16] != ':' || sw_digits_at(s + 17, 2, &se)))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	if (utc) {
		*out = (sw_days_from_civil(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + se) * 1000000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t * 1000000;
	return 0;
}

/* A zone name from the tz database, or UTC. */
static int
sw_valid_tz(const char *z)
{
	char path[PATH_MAX];
	struct stat st;

	if (strcmp(z, "UTC") == 0 || strcmp(z, "GMT") == 0)
		return 0;
	if (z[0] == '\0' || z[0] == '/' || strstr(z, "..") != NULL)
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

static int
sw_is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The rules directory: --rules, then $SSHWHY_RULES, then next to the
 * binary (build tree and installed layout), then the install prefix, then
 * the source tree this binary was built from.
 */
static char *
sw_find_rules(const char *argv0, const char *given)
{
	char self[PATH_MAX];
	const char *env = getenv("SSHWHY_RULES");
	ssize_t n;

	if (given != NULL)
		return sw_xstrdup(given);
	if (env != NULL && *env != '\0')
		return sw_xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash, *cand;
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			cand = sw_xasprintf("%s/../share/sshwhy/rules", self);
			if (sw_is_dir(cand))
				return cand;
			free(cand);
			cand = sw_xasprintf("%s/../rules", self);
			if (sw_is_dir(cand))
				return cand;
			free(cand);
		}
	}
	(void)argv0;
	if (sw_is_dir(SW_INSTALLED_RULES_DIR))
		return sw_xstrdup(SW_INSTALLED_RULES_DIR);
	return sw_xstrdup(SW_SOURCE_RULES_DIR);
}

int
main(int argc, char **argv)
{
	struct sw_run_opts ro;
	const char **paths;
	size_t npaths = 0;
	const char *rules_given = NULL;
	char *rules_dir;
	int i, rc, only_paths = 0;

	sw_run_opts_default(&ro);
	paths = sw_xcalloc((size_t)argc + 1, sizeof(*paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		const struct sw_opt *o;
		unsigned long long v;

		if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
			paths[npaths++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_paths = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0)
			a = "--help";
		if (a[1] != '-') {
			fprintf(stderr, "sshwhy: unknown option '%s'\n", a);
			goto usage;
		}
		eq = strchr(a + 2, '=');
		o = sw_find_opt(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (o == NULL) {
			fprintf(stderr, "sshwhy: unknown option '%s'\n", a);
			goto usage;
		}
		if (o->arg != NULL) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "sshwhy: --%s needs %s\n",
				    o->name, o->arg);
				goto usage;
			}
		} else if (eq != NULL) {
			fprintf(stderr, "sshwhy: --%s takes no value\n", o->name);
			goto usage;
		}
		if (strcmp(o->name, "help") == 0) {
			sw_usage(stdout);
			free(paths);
			return 0;
		} else if (strcmp(o->name, "version") == 0) {
			printf("sshwhy %s\n", SW_VERSION);
			free(paths);
			return 0;
		} else if (strcmp(o->name, "format") == 0) {
			if (sw_run_set_format(&ro, val) != 0) {
				fprintf(stderr, "sshwhy: unknown format '%s'\n",
				    val);
				goto usage;
			}
		} else if (strcmp(o->name, "rules") == 0) {
			rules_given = val;
		} else if (strcmp(o->name, "year") == 0) {
			if (sw_parse_uint(val, 9999, &v) || v < 1970) {
				fprintf(stderr, "sshwhy: --year wants a year "
				    "from 1970 to 9999\n");
				goto usage;
			}
			ro.year = (int)v;
		} else if (strcmp(o->name, "tz") == 0) {
			if (sw_valid_tz(val) != 0) {
				fprintf(stderr, "sshwhy: --tz: unknown time zone "
				    "'%s' (try UTC or Europe/Berlin)\n", val);
				goto usage;
			}
			/* Local time conversions (mktime) follow TZ. */
			setenv("TZ", val, 1);
			tzset();
		} else if (strcmp(o->name, "since") == 0 ||
		    strcmp(o->name, "until") == 0) {
			int64_t when;
			if (sw_parse_when(val, &when) != 0) {
				fprintf(stderr, "sshwhy: --%s: cannot read '%s' "
				    "(try 24h, 7d, yesterday or 2026-11-24)\n",
				    o->name, val);
				goto usage;
			}
			if (o->name[0] == 's')
				ro.since_us = when;
			else
				ro.until_us = when;
		} else if (strcmp(o->name, "authorized-keys") == 0) {
			ro.authorized_keys = sw_xreallocarray(ro.authorized_keys,
			    ro.nauthorized_keys + 1, sizeof(*ro.authorized_keys));
			ro.authorized_keys[ro.nauthorized_keys++] = val;
		} else if (strcmp(o->name, "all") == 0) {
			ro.all = 1;
		} else if (strcmp(o->name, "no-evidence") == 0) {
			ro.no_evidence = 1;
		} else if (strcmp(o->name, "unmatched") == 0) {
			ro.unmatched = 1;
		} else if (strcmp(o->name, "redact") == 0) {
			ro.redact = 1;
		} else if (strcmp(o->name, "redact-key") == 0) {
			if (val[0] == '\0') {
				fprintf(stderr, "sshwhy: --redact-key wants a "
				    "non-empty key\n");
				goto usage;
			}
			ro.redact = 1;
			ro.redact_key = val;
		} else if (strcmp(o->name, "max-line") == 0) {
			if (sw_parse_uint(val, 1 << 24, &v) || v < 256) {
				fprintf(stderr, "sshwhy: --max-line wants 256 "
				    "to 16777216\n");
				goto usage;
			}
			ro.max_line = (size_t)v;
		} else if (strcmp(o->name, "max-connections") == 0) {
			if (sw_parse_uint(val, 10000000, &v) || v < 1) {
				fprintf(stderr, "sshwhy: --max-connections "
				    "wants 1 to 10000000\n");
				goto usage;
			}
			ro.max_connections = (size_t)v;
		}
	}

	rules_dir = sw_find_rules(argv[0], rules_given);
	if (npaths >= 1 && strcmp(paths[0], "rules") == 0) {
		if (npaths < 2 || strcmp(paths[1], "test") != 0 || npaths > 3) {
			fprintf(stderr, "sshwhy: usage: sshwhy rules test [DIR]\n");
			free(rules_dir);
			goto usage;
		}
		rc = sw_run_rules_test(npaths == 3 ? paths[2] : rules_dir,
		    stdout, stderr);
	} else if (npaths >= 1 && strcmp(paths[0], "explain") == 0) {
		if (npaths > 2) {
			fprintf(stderr, "sshwhy: usage: sshwhy explain [CAUSE]\n");
			free(rules_dir);
			goto usage;
		}
		rc = sw_run_explain(rules_dir, npaths == 2 ? paths[1] : NULL,
		    stdout, stderr);
	} else {
		if (npaths == 0) {
			if (isatty(STDIN_FILENO)) {
				fprintf(stderr, "sshwhy: no input: name a log "
				    "file (e.g. /var/log/auth.log) or pipe one "
				    "in\n");
				free(rules_dir);
				goto usage;
			}
			paths[npaths++] = "-";
		}
		rc = sw_run_analyze(&ro, rules_dir, paths, npaths, stdout,
		    stderr);
	}
	free(rules_dir);
	free(paths);
	free(ro.authorized_keys);
	return rc;
usage:
	fprintf(stderr, "Try 'sshwhy --help'.\n");
	free(paths);
	free(ro.authorized_keys);
	return SW_EXIT_USAGE;
}
