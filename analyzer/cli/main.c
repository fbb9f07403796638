/*
 * main.c: the thin CLI. Parses options from one table (which also prints
 * --help), finds the rules directory, and hands everything else to the
 * pipeline in the core library. Exit codes are in s7_pipeline.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "s0_i18n.h"
#include "s7_pipeline.h"

/*
 * The one option table: getopt_long's array, the short-option string,
 * --help, docs/cli.md (tests/check-cli-docs.sh) and the man page are all
 * derived from or checked against it. `key` is the short option, or a
 * value above 255 for long-only options.
 */
enum {
	SW_OPT_RULES = 256, SW_OPT_YEAR, SW_OPT_TZ, SW_OPT_SINCE, SW_OPT_UNTIL,
	SW_OPT_AUTHKEYS, SW_OPT_ALL, SW_OPT_NOEVIDENCE, SW_OPT_UNMATCHED,
	SW_OPT_MAXLINE, SW_OPT_MAXCONN, SW_OPT_EXITCODE,
	SW_OPT_REDACT, SW_OPT_REDACTKEY,
	SW_OPT_USER, SW_OPT_FROM, SW_OPT_CAUSE, SW_OPT_TIMELINE, SW_OPT_SUMMARY,
	SW_OPT_STATE, SW_OPT_LANG, SW_OPT_THREADS,
};

struct sw_opt {
	const char *name;	/* long name without "--" */
	int key;		/* short option character, or SW_OPT_* */
	const char *arg;	/* NULL: a flag */
	const char *help;
};

static const struct sw_opt sw_opts[] = {
	{ "format", 'f', "FMT", SW_N_("report format: text (default), json, ndjson, ecs, markdown, html") },
	{ "output", 'o', "FILE", SW_N_("write the report to FILE (atomically: the old file stays if writing fails)") },
	{ "rules", SW_OPT_RULES, "DIR", SW_N_("rules directory (default: the installed rules)") },
	{ "year", SW_OPT_YEAR, "YYYY", SW_N_("year of the first year-less syslog timestamp") },
	{ "tz", SW_OPT_TZ, "ZONE", SW_N_("time zone of timestamps without an offset (default: local)") },
	{ "since", SW_OPT_SINCE, "WHEN", SW_N_("report logins from WHEN on: -2h, 7d, now, today, yesterday, '2026-11-25 10:00', 2026-11-25T10:00:00+09:00") },
	{ "until", SW_OPT_UNTIL, "WHEN", SW_N_("report logins before WHEN (same forms)") },
	{ "user", SW_OPT_USER, "NAME", SW_N_("only logins of user NAME (repeatable: any of them)") },
	{ "from", SW_OPT_FROM, "ADDR|CIDR", SW_N_("only logins from this address or network, IPv4 or IPv6 (repeatable)") },
	{ "cause", SW_OPT_CAUSE, "ID", SW_N_("only failed logins with this cause (repeatable; sshwhy explain lists them)") },
	{ "timeline", SW_OPT_TIMELINE, NULL, SW_N_("every selected connection in time order: start, attempts, result, end") },
	{ "summary", SW_OPT_SUMMARY, NULL, SW_N_("the daily report; prints nothing when there is nothing new (for cron)") },
	{ "state", SW_OPT_STATE, "FILE", SW_N_("incremental runs: read only what is new since the run that wrote FILE") },
	{ "authorized-keys", SW_OPT_AUTHKEYS, "[USER=]PATH", SW_N_("check refused keys against these authorized_keys (file or directory; repeatable)") },
	{ "all", SW_OPT_ALL, NULL, SW_N_("list every failed login, attack noise included") },
	{ "no-evidence", SW_OPT_NOEVIDENCE, NULL, SW_N_("text and markdown: leave out the evidence lines") },
	{ "unmatched", SW_OPT_UNMATCHED, NULL, SW_N_("list the sshd lines no rule knows, by shape") },
	{ "redact", SW_OPT_REDACT, NULL, SW_N_("replace user names, addresses, host names, home directories and key fingerprints by pseudonyms") },
	{ "redact-key", SW_OPT_REDACTKEY, "KEY", SW_N_("derive the pseudonyms from KEY, so they are the same in every report (implies --redact)") },
	{ "max-line", SW_OPT_MAXLINE, "BYTES", SW_N_("longest line kept (default 65536)") },
	{ "max-connections", SW_OPT_MAXCONN, "N", SW_N_("open connections tracked at once (default 50000)") },
	{ "threads", SW_OPT_THREADS, "N", SW_N_("read up to N inputs in threads of their own, beside the analysis; 1: one thread (default: the number of CPUs, at most 8)") },
	{ "exit-code", SW_OPT_EXITCODE, NULL, SW_N_("exit with status 1 when failed logins were found (as git diff --exit-code)") },
	{ "lang", SW_OPT_LANG, "LANG", SW_N_("language of the report and messages: en or ja (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)") },
	{ "quiet", 'q', NULL, SW_N_("no warnings and no progress on stderr (errors still)") },
	{ "help", 'h', NULL, SW_N_("print this help and exit") },
	{ "version", 'V', NULL, SW_N_("print the version and exit") },
};
#define SW_NOPTS (sizeof(sw_opts) / sizeof(sw_opts[0]))

static void
sw_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, SW_("usage: sshwhy [options] [FILE|DIR|-]...\n"
	    "       sshwhy rules test [DIR]\n"
	    "       sshwhy explain [-f json] [CAUSE]    (no CAUSE: every cause)\n"
	    "\n"
	    "Reads sshd logs (auth.log, secure, journalctl output and exports,\n"
	    "journal files and directories, tar bundles; plain or compressed;\n"
	    "rotated sets oldest first; - or nothing for stdin) and explains\n"
	    "every failed SSH login: cause, evidence and fix.\n"
	    "\noptions:\n"));
	for (i = 0; i < SW_NOPTS; i++) {
		char left[64], shortopt[8] = "    ";
		if (sw_opts[i].key < 256)
			snprintf(shortopt, sizeof(shortopt), "-%c, ",
			    sw_opts[i].key);
		snprintf(left, sizeof(left), "%s--%s%s%s", shortopt,
		    sw_opts[i].name, sw_opts[i].arg ? " " : "",
		    sw_opts[i].arg ? sw_opts[i].arg : "");
		fprintf(fp, "  %-34s %s\n", left, SW_(sw_opts[i].help));
	}
	fprintf(fp, SW_("\nexit status: 0 the analysis ran (whether or not failed logins\n"
	    "were found); 1 failed logins found, only with --exit-code;\n"
	    "2 usage or rules error, or the report could not be written;\n"
	    "4 some input could not be read (added: 5 = --exit-code found\n"
	    "failures and input was skipped).\n"));
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

/*
 * Local rules (/etc/sshwhy/rules.d, or $SSHWHY_RULES_D) are laid over the
 * default rules only: --rules and $SSHWHY_RULES name a complete set.
 */
static const char *
sw_find_overlay(const char *given)
{
	const char *env = getenv("SSHWHY_RULES_D");
	const char *rules_env = getenv("SSHWHY_RULES");

	if (env != NULL && *env != '\0')
		return env;
	if (given != NULL || (rules_env != NULL && *rules_env != '\0'))
		return NULL;
	return SW_LOCAL_RULES_DIR;
}

/*
 * The message catalogs: the build tree's (next to the binary), the
 * installed layout's (../share/locale), else the configured prefix's.
 */
static char *
sw_find_localedir(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash, *cand;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			cand = sw_xasprintf("%s/locale", self);
			if (sw_is_dir(cand))
				return cand;
			free(cand);
			cand = sw_xasprintf("%s/../share/locale/ja/LC_MESSAGES/"
			    "sshwhy.mo", self);
			if (access(cand, R_OK) == 0) {
				free(cand);
				return sw_xasprintf("%s/../share/locale", self);
			}
			free(cand);
		}
	}
	return sw_xstrdup(SW_LOCALEDIR);
}

/*
 * A descriptor among 0-2 that is closed would be taken by the next open()
 * (the report spool, a temporary file) and the report would be written
 * into it. Fill each closed one with /dev/null and say which were closed.
 */
static unsigned
sw_fill_std_fds(void)
{
	unsigned closed = 0;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			exit(SW_EXIT_USAGE);
	}
	return closed;
}

/* A temporary file beside `path` for an atomic --output. */
static FILE *
sw_output_open(const char *path, char **tmp)
{
	int fd;
	FILE *fp;

	*tmp = sw_xasprintf("%s.sshwhy-XXXXXX", path);
	if ((fd = mkstemp(*tmp)) == -1) {
		fprintf(stderr, SW_("sshwhy: cannot create a temporary file for "
		    "%s: %s\n"), path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	(void)fchmod(fd, 0644);
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return fp;
}

/*
 * Flushes the report and checks that every byte was written; a write error
 * is reported and turns the status into SW_EXIT_USAGE. With an --output
 * file, the temporary file replaces it only when all went well.
 */
static int
sw_output_close(FILE *fp, const char *path, char *tmp, int rc)
{
	int failed = fflush(fp) != 0 || ferror(fp);
	int saved = errno;

	if (tmp == NULL) {
		if (failed) {
			fprintf(stderr, SW_("sshwhy: error writing the report to "
			    "standard output: %s\n"), strerror(saved ? saved :
			    EIO));
			return SW_EXIT_USAGE;
		}
		return rc;
	}
	if (!failed && fsync(fileno(fp)) != 0) {
		failed = 1;
		saved = errno;
	}
	if (fclose(fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	if (!failed && rename(tmp, path) != 0) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		fprintf(stderr, SW_("sshwhy: error writing the report to %s: %s "
		    "(the old file, if any, is unchanged)\n"), path,
		    strerror(saved ? saved : EIO));
		unlink(tmp);
		rc = SW_EXIT_USAGE;
	}
	free(tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct sw_run_opts ro;
	const char **paths;
	size_t npaths = 0;
	const char *rules_given = NULL, *output = NULL;
	char *rules_dir, *tmp = NULL;
	struct option *lopts;
	char shortopts[3 * SW_NOPTS + 2];
	size_t k, sl = 0;
	FILE *out = stdout;
	unsigned closed = sw_fill_std_fds();
	int i, rc, ch, exit_code = 0;
	const char *since = NULL, *until = NULL;
	char *localedir = sw_find_localedir();
	enum sw_lang lang;
	struct sw_incr *pending = NULL;

	/* The environment's language first, so option errors are in it. */
	sw_lang_set(sw_lang_from_env());
	sw_i18n_init(localedir);
	sw_run_opts_default(&ro);
	lopts = sw_xcalloc(SW_NOPTS + 1, sizeof(*lopts));
	shortopts[sl++] = ':';
	for (k = 0; k < SW_NOPTS; k++) {
		lopts[k].name = sw_opts[k].name;
		lopts[k].has_arg = sw_opts[k].arg ? required_argument :
		    no_argument;
		lopts[k].val = sw_opts[k].key;
		if (sw_opts[k].key < 256) {
			shortopts[sl++] = (char)sw_opts[k].key;
			if (sw_opts[k].arg)
				shortopts[sl++] = ':';
		}
	}
	shortopts[sl] = '\0';
	paths = sw_xcalloc((size_t)argc + 1, sizeof(*paths));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, lopts, NULL)) != -1) {
		const char *val = optarg;
		unsigned long long v;

		switch (ch) {
		case 'h':
			sw_usage(stdout);
			rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 :
			    SW_EXIT_USAGE;
			goto done;
		case 'V':
			printf("sshwhy %s\n", SW_VERSION);
			rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 :
			    SW_EXIT_USAGE;
			goto done;
		case 'f':
			if (sw_run_set_format(&ro, val) != 0) {
				fprintf(stderr, SW_("sshwhy: unknown format '%s'\n"),
				    val);
				goto usage;
			}
			break;
		case 'o':
			output = val;
			break;
		case 'q':
			ro.quiet = 1;
			break;
		case SW_OPT_EXITCODE:
			exit_code = 1;
			break;
		case SW_OPT_LANG:
			if (sw_lang_parse(val, &lang) != 0) {
				fprintf(stderr, SW_("sshwhy: --lang: '%s' is not "
				    "en or ja\n"), val);
				goto usage;
			}
			sw_lang_set(lang);
			sw_i18n_init(localedir);
			break;
		case SW_OPT_RULES:
			rules_given = val;
			break;
		case SW_OPT_YEAR:
			if (sw_parse_uint(val, 9999, &v) || v < 1970) {
				fprintf(stderr, SW_("sshwhy: --year wants a year "
				    "from 1970 to 9999\n"));
				goto usage;
			}
			ro.year = (int)v;
			break;
		case SW_OPT_TZ:
			if (sw_valid_tz(val) != 0) {
				fprintf(stderr, SW_("sshwhy: --tz: unknown time zone "
				    "'%s' (try UTC or Europe/Berlin)\n"), val);
				goto usage;
			}
			/* Local time conversions (mktime) follow TZ. */
			setenv("TZ", val, 1);
			tzset();
			break;
		case SW_OPT_SINCE:
			since = val;	/* read after --tz, whatever the order */
			break;
		case SW_OPT_UNTIL:
			until = val;
			break;
		case SW_OPT_AUTHKEYS:
			ro.authorized_keys = sw_xreallocarray(ro.authorized_keys,
			    ro.nauthorized_keys + 1, sizeof(*ro.authorized_keys));
			ro.authorized_keys[ro.nauthorized_keys++] = val;
			break;
		case SW_OPT_ALL:
			ro.all = 1;
			break;
		case SW_OPT_USER:
		case SW_OPT_FROM:
		case SW_OPT_CAUSE:
			if (sw_run_add_filter(&ro, ch == SW_OPT_USER ? 'u' :
			    ch == SW_OPT_FROM ? 'f' : 'c', val) != 0) {
				fprintf(stderr, SW_("sshwhy: --%s: cannot use '%s'%s\n"),
				    ch == SW_OPT_USER ? "user" : ch == SW_OPT_FROM ?
				    "from" : "cause", val, ch == SW_OPT_FROM ?
				    " (try 203.0.113.7, 203.0.113.0/24 or "
				    "2001:db8::/32)" : "");
				goto usage;
			}
			break;
		case SW_OPT_TIMELINE:
			ro.timeline = 1;
			break;
		case SW_OPT_SUMMARY:
			ro.summary = 1;
			break;
		case SW_OPT_STATE:
			ro.state = val;
			break;
		case SW_OPT_NOEVIDENCE:
			ro.no_evidence = 1;
			break;
		case SW_OPT_UNMATCHED:
			ro.unmatched = 1;
			break;
		case SW_OPT_REDACT:
			ro.redact = 1;
			break;
		case SW_OPT_REDACTKEY:
			if (val[0] == '\0') {
				fprintf(stderr, "sshwhy: --redact-key wants a "
				    "non-empty key\n");
				goto usage;
			}
			ro.redact = 1;
			ro.redact_key = val;
			break;
		case SW_OPT_MAXLINE:
			if (sw_parse_uint(val, 1 << 24, &v) || v < 256) {
				fprintf(stderr, SW_("sshwhy: --max-line wants 256 "
				    "to 16777216\n"));
				goto usage;
			}
			ro.max_line = (size_t)v;
			break;
		case SW_OPT_MAXCONN:
			if (sw_parse_uint(val, 10000000, &v) || v < 1) {
				fprintf(stderr, SW_("sshwhy: --max-connections "
				    "wants 1 to 10000000\n"));
				goto usage;
			}
			ro.max_connections = (size_t)v;
			break;
		case SW_OPT_THREADS:
			if (sw_parse_uint(val, 64, &v) || v < 1) {
				fprintf(stderr, SW_("sshwhy: --threads wants 1 "
				    "to 64\n"));
				goto usage;
			}
			ro.threads = (unsigned)v;
			break;
		case ':':
			if (optopt > 0 && optopt < 256)
				fprintf(stderr, SW_("sshwhy: option -%c needs a "
				    "value\n"), optopt);
			else
				fprintf(stderr, SW_("sshwhy: option '%s' needs a "
				    "value\n"), argv[optind - 1]);
			goto usage;
		default:
			if (optopt > 0 && optopt < 256)
				fprintf(stderr, SW_("sshwhy: unknown option '-%c'\n"),
				    optopt);
			else
				fprintf(stderr, SW_("sshwhy: unknown or ambiguous "
				    "option '%s'\n"), argv[optind - 1]);
			goto usage;
		}
	}
	for (i = optind; i < argc; i++)
		paths[npaths++] = argv[i];
	if (ro.redact && (ro.timeline || ro.summary)) {
		/* Those reports are written past the report stage, where
		 * s6_redact sits: refused rather than leaking. */
		fprintf(stderr, "sshwhy: --redact does not cover --%s yet\n",
		    ro.timeline ? "timeline" : "summary");
		goto usage;
	}
	if (ro.timeline && ro.summary) {
		fprintf(stderr, SW_("sshwhy: --timeline and --summary are two "
		    "different reports: choose one\n"));
		goto usage;
	}
	if (since != NULL && sw_run_parse_when(since, &ro.since_us) != 0) {
		fprintf(stderr, SW_("sshwhy: --since: cannot read '%s' (try -2h, "
		    "7d, yesterday, '2026-11-24 10:00' or 2026-11-24T10:00+09:00)\n"), since);
		goto usage;
	}
	if (until != NULL && sw_run_parse_when(until, &ro.until_us) != 0) {
		fprintf(stderr, SW_("sshwhy: --until: cannot read '%s' (try -2h, "
		    "7d, yesterday, '2026-11-24 10:00' or 2026-11-24T10:00+09:00)\n"), until);
		goto usage;
	}

	rules_dir = sw_find_rules(argv[0], rules_given);
	if (npaths >= 1 && strcmp(paths[0], "rules") == 0) {
		if (npaths < 2 || strcmp(paths[1], "test") != 0 || npaths > 3) {
			fprintf(stderr, SW_("sshwhy: usage: sshwhy rules test [DIR]\n"));
			free(rules_dir);
			goto usage;
		}
		rc = sw_run_rules_test(npaths == 3 ? paths[2] : rules_dir,
		    npaths == 3 ? NULL : sw_find_overlay(rules_given), stdout,
		    stderr);
		rc = sw_output_close(stdout, NULL, NULL, rc);
	} else if (npaths >= 1 && strcmp(paths[0], "explain") == 0) {
		if (npaths > 2) {
			fprintf(stderr, SW_("sshwhy: usage: sshwhy explain "
			    "[-f json] [CAUSE]\n"));
			free(rules_dir);
			goto usage;
		}
		rc = sw_run_explain(rules_dir, sw_find_overlay(rules_given),
		    npaths == 2 ? paths[1] : NULL, ro.format, stdout, stderr);
		rc = sw_output_close(stdout, NULL, NULL, rc);
	} else {
		if (npaths == 0) {
			if (isatty(STDIN_FILENO) || (closed & 1u)) {
				fprintf(stderr, SW_("sshwhy: no input: name a log "
				    "file (e.g. /var/log/auth.log) or pipe one "
				    "in\n"));
				free(rules_dir);
				goto usage;
			}
			paths[npaths++] = "-";
		}
		if (output != NULL) {
			if ((out = sw_output_open(output, &tmp)) == NULL) {
				free(rules_dir);
				rc = SW_EXIT_USAGE;
				goto done;
			}
		} else if (closed & 2u) {
			fprintf(stderr, SW_("sshwhy: standard output is closed: "
			    "nowhere to write the report (use --output FILE)\n"));
			free(rules_dir);
			rc = SW_EXIT_USAGE;
			goto done;
		}
		ro.rules_overlay = sw_find_overlay(rules_given);
		ro.commit = ro.state != NULL ? &pending : NULL;
		rc = sw_run_analyze(&ro, rules_dir, paths, npaths, out,
		    stderr);
		/* Status 1 only when asked for, as git diff --exit-code. */
		if (!exit_code)
			rc &= ~SW_EXIT_FOUND;
		rc = sw_output_close(out, output, tmp, rc);
		/* The state moves on only once the report is out. */
		if (pending != NULL) {
			if (rc == SW_EXIT_USAGE) {
				fprintf(stderr, SW_("sshwhy: the state file %s is "
				    "left as it was\n"), ro.state);
				sw_run_discard(pending);
			} else if (sw_run_commit(pending, stderr) != 0)
				rc = SW_EXIT_USAGE;
			pending = NULL;
		}
	}
	free(rules_dir);
done:
	free(localedir);
	free(paths);
	free(lopts);
	free(ro.authorized_keys);
	sw_run_opts_free(&ro);
	return rc;
usage:
	fprintf(stderr, SW_("Try 'sshwhy --help'.\n"));
	free(localedir);
	free(paths);
	free(lopts);
	free(ro.authorized_keys);
	sw_run_opts_free(&ro);
	return SW_EXIT_USAGE;
}
