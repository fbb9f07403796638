/* Unit tests for stages 4 and 5: connection grouping and diagnosis, from
 * hand-built line sequences run through format, match, correlate and
 * diagnose. */
#include <criterion/criterion.h>
#include <string.h>

#include "rules_fixture.h"
#include "s2_format.h"
#include "s3_match.h"
#include "s4_correlate.h"
#include "s5_diagnose.h"

#define MAXF 16

struct got {
	size_t n;
	char cause[MAXF][64];
	char user[MAXF][64];
	char ip[MAXF][64];
	unsigned port[MAXF];
	uint64_t pid[MAXF];
	char fix[MAXF][256];
	int conf[MAXF];
	size_t primary_line[MAXF];
	size_t nevidence[MAXF];
	int level[MAXF];
	char note[MAXF][512];
};

static void
collect(void *ctx, const struct sw_finding *f)
{
	struct got *g = ctx;

	if (g->n >= MAXF)
		return;
	snprintf(g->cause[g->n], 64, "%s", f->cause->id);
	snprintf(g->user[g->n], 64, "%s", f->conn->user ? f->conn->user : "");
	snprintf(g->ip[g->n], 64, "%s", f->conn->ip ? f->conn->ip : "");
	{
		struct sw_buf flat;
		sw_buf_init(&flat, 4096);
		sw_fix_flatten(f->fix, &flat);
		snprintf(g->fix[g->n], 256, "%s", flat.p ? flat.p : "");
		sw_buf_free(&flat);
	}
	g->port[g->n] = f->conn->port;
	g->pid[g->n] = f->conn->pid;
	g->conf[g->n] = f->confidence;
	g->nevidence[g->n] = f->conn->nevidence;
	g->level[g->n] = (int)f->conn->level_seen;
	snprintf(g->note[g->n], 512, "%s", f->note ? f->note : "");
	g->primary_line[g->n] = f->primary == SIZE_MAX ? 0 :
	    f->conn->evidence[f->primary].lineno;
	g->n++;
}

static struct got
run(const char *const *lines, size_t n, size_t max_conn)
{
	struct got g;
	char *dir = fixture_rules(core_rules, sizeof(core_rules) / sizeof(core_rules[0]));
	struct sw_diag *d = sw_diag_new(NULL, 10);
	struct sw_rules *rs = sw_rules_load(dir, d);
	struct sw_format_opts fo = { 2026, 0 };
	struct sw_format *f = sw_format_new(&fo, d);
	struct sw_matcher *m;
	struct sw_diagnoser *dg;
	struct sw_correlate_opts co;
	struct sw_correlator *c;
	size_t i;

	memset(&g, 0, sizeof(g));
	cr_assert_not_null(rs);
	m = sw_matcher_new(rs, NULL);
	dg = sw_diagnoser_new(rs, collect, &g, d);
	cr_assert_not_null(dg);
	sw_correlate_opts_default(&co);
	if (max_conn)
		co.max_connections = max_conn;
	c = sw_correlator_new(&co, sw_diagnose_conn, dg, d);
	for (i = 0; i < n; i++) {
		struct sw_line l;
		memset(&l, 0, sizeof(l));
		l.text = sw_span_make(lines[i], strlen(lines[i]));
		l.origin = "t.log";
		l.lineno = i + 1;
		struct sw_record rec;
		struct sw_event ev;
		if (sw_format_parse(f, &l, &rec) != SW_OK)
			continue;
		if (sw_match_record(m, &rec, &ev) == SW_OK)
			sw_correlate_event(c, &ev);
		else
			sw_correlate_unmatched(c, &rec);
	}
	sw_correlate_finish(c);
	sw_correlator_free(c);
	sw_diagnoser_free(dg);
	sw_matcher_free(m);
	sw_format_free(f);
	sw_rules_free(rs);
	sw_diag_free(d);
	fixture_cleanup(dir);
	return g;
}

#define RUN(arr, max) run(arr, sizeof(arr) / sizeof(arr[0]), max)

Test(correlate, interleaved_connections_keep_their_own_lines)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:00 h sshd[200]: Connection from 10.0.0.2 port 2000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[200]: Failed password for carol from 10.0.0.2 port 2000 ssh2",
		"Nov 25 10:00:01 h sshd[100]: Authentication refused: bad ownership or modes for directory /home/bob/.ssh",
		"Nov 25 10:00:02 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 10:00:03 h sshd[200]: Connection closed by authenticating user carol 10.0.0.2 port 2000 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	/* Reported in the order the connections started. */
	cr_expect_eq(g.pid[0], 100);
	cr_expect_str_eq(g.cause[0], "bad-ownership-or-modes");
	cr_expect_str_eq(g.user[0], "bob");
	cr_expect_str_eq(g.fix[0], "chmod go-w /home/bob/.ssh");
	cr_expect_eq(g.primary_line[0], 4);
	cr_expect_eq(g.pid[1], 200);
	cr_expect_str_eq(g.cause[1], "wrong-password");
	cr_expect_str_eq(g.ip[1], "10.0.0.2");
	cr_expect_eq(g.port[1], 2000);
}

Test(correlate, pid_reuse_starts_a_new_connection)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Failed password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:01 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 11:00:00 h sshd[100]: Connection from 10.0.0.3 port 3000 on 10.0.0.9 port 22",
		"Nov 25 11:00:01 h sshd[100]: Accepted password for dave from 10.0.0.3 port 3000 ssh2",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 1);
	cr_expect_str_eq(g.user[0], "bob");
	cr_expect_eq(g.nevidence[0], 2);
}

Test(correlate, trailing_pam_line_joins_the_closed_connection)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Failed password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:01 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 10:00:01 h sshd[100]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=bob",
		"Nov 25 10:00:02 h sshd[100]: Failed password for eve from 10.0.0.5 port 5000 ssh2",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_eq(g.nevidence[0], 3);
	cr_expect_str_eq(g.user[1], "eve");
}

Test(diagnose, info_level_pubkey_failure_is_insufficient_logging)
{
	static const char *const lines[] = {
		"Nov 25 10:00:02 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 10:00:03 h sshd[101]: Connection closed by 10.0.0.7 port 7000 [preauth]",
	};
	struct got g = RUN(lines, 0);

	/* The scanner (no user) is counted, not listed. */
	cr_assert_eq(g.n, 1);
	cr_expect_str_eq(g.cause[0], "insufficient-logging");
}

Test(diagnose, verbose_level_names_the_offered_key)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Failed publickey for bob from 10.0.0.1 port 1000 ssh2: ED25519 SHA256:abc",
		"Nov 25 10:00:02 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 10:01:00 h sshd[102]: Connection from 10.0.0.1 port 1001 on 10.0.0.9 port 22",
		"Nov 25 10:01:02 h sshd[102]: Connection closed by authenticating user bob 10.0.0.1 port 1001 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_str_eq(g.cause[0], "unknown-key");
	cr_expect_eq(g.conf[0], SW_CONF_LIKELY);
	cr_expect_str_eq(g.fix[0], "offered SHA256:abc");
	/* VERBOSE, yet no attempt at all: only DEBUG3 would say why. */
	cr_expect_str_eq(g.cause[1], "insufficient-logging");
}

Test(diagnose, maxtries_after_passwords_is_a_password_problem)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Failed password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:01 h sshd[100]: error: maximum authentication attempts exceeded for bob from 10.0.0.1 port 1000 ssh2 [preauth]",
		"Nov 25 10:01:00 h sshd[200]: Connection from 10.0.0.2 port 2000 on 10.0.0.9 port 22",
		"Nov 25 10:01:00 h sshd[200]: Failed publickey for amy from 10.0.0.2 port 2000 ssh2: RSA SHA256:k1",
		"Nov 25 10:01:00 h sshd[200]: Failed publickey for amy from 10.0.0.2 port 2000 ssh2: RSA SHA256:k2",
		"Nov 25 10:01:01 h sshd[200]: error: maximum authentication attempts exceeded for amy from 10.0.0.2 port 2000 ssh2 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_str_eq(g.cause[0], "wrong-password");
	cr_expect_str_eq(g.cause[1], "too-many-auth-failures");
}

Test(correlate, ceiling_flushes_oldest_and_loses_nothing)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[1]: Failed password for u1 from 10.0.0.1 port 1 ssh2",
		"Nov 25 10:00:00 h sshd[2]: Failed password for u2 from 10.0.0.2 port 2 ssh2",
		"Nov 25 10:00:00 h sshd[3]: Failed password for u3 from 10.0.0.3 port 3 ssh2",
		"Nov 25 10:00:00 h sshd[4]: Failed password for u4 from 10.0.0.4 port 4 ssh2",
	};
	struct got g = RUN(lines, 2);

	cr_assert_eq(g.n, 4);
	cr_expect_str_eq(g.user[0], "u1");
	cr_expect_str_eq(g.user[3], "u4");
}

Test(diagnose, fix_values_are_quoted_for_the_shell)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Failed password for $(reboot) from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:00 h sshd[101]: Failed password for o'brien x from 10.0.0.1 port 1001 ssh2",
		"Nov 25 10:00:00 h sshd[102]: Failed password for deploy from 10.0.0.1 port 1002 ssh2",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 3);
	/* Quoted in the command, raw in the prose (writers escape prose). */
	cr_expect_str_eq(g.fix[0], "If $(reboot) is real: `passwd '$(reboot)'`");
	cr_expect_str_eq(g.fix[1], "If o'brien x is real: `passwd 'o'\\''brien x'`");
	cr_expect_str_eq(g.fix[2], "If deploy is real: `passwd deploy`");
}

Test(correlate, child_pid_lines_join_their_connection)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Accepted password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:01 h sshd[100]: User child is on pid 105",
		"Nov 25 10:00:01 h sshd[105]: fatal: bad ownership or modes for chroot directory \"/srv/sftp/bob\"",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 1);
	cr_expect_eq(g.pid[0], 100);
	cr_expect_str_eq(g.cause[0], "chroot-bad-ownership");
	cr_expect_str_eq(g.user[0], "bob");
	cr_expect_str_eq(g.fix[0], "chown root /srv/sftp/bob");
}

/* keyboard-interactive runs PAM in a helper process with its own pid. */
Test(correlate, pam_helper_lines_join_by_user_and_address)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Failed password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:02 h sshd[101]: pam_access(sshd:account): access denied for user `bob' from `10.0.0.1'",
		"Nov 25 10:00:03 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		/* Another user's helper line must not join bob's connection. */
		"Nov 25 10:00:04 h sshd[102]: pam_access(sshd:account): access denied for user `eve' from `10.0.0.1'",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_eq(g.pid[0], 100);
	cr_expect_str_eq(g.cause[0], "pam-account-denied");
	cr_expect_eq(g.nevidence[0], 4);
	cr_expect_eq(g.pid[1], 102);
	cr_expect_str_eq(g.user[1], "eve");
}

/* An excerpt, or a reused pid: the pid's next line names another client. */
Test(correlate, pid_line_with_another_address_starts_a_new_connection)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Failed password for bob from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:05 h sshd[100]: Failed password for carol from 10.0.0.2 port 2000 ssh2",
		"Nov 25 10:00:06 h sshd[100]: Connection closed by authenticating user carol 10.0.0.2 port 2000 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	/* The old connection keeps its own lines and address. */
	cr_expect_str_eq(g.user[0], "bob");
	cr_expect_str_eq(g.ip[0], "10.0.0.1");
	cr_expect_eq(g.nevidence[0], 1);
	cr_expect_str_eq(g.user[1], "carol");
	cr_expect_str_eq(g.ip[1], "10.0.0.2");
	cr_expect_eq(g.nevidence[1], 2);
}

/* A user name that spells another address splits nothing. */
Test(correlate, crafted_user_name_address_neither_splits_nor_reattributes)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Failed password for x from 6.6.6.6 port 1 ssh2 from 10.0.0.1 port 1000 ssh2",
		"Nov 25 10:00:02 h sshd[100]: Connection closed by authenticating user x from 6.6.6.6 port 1 ssh2 10.0.0.1 port 1000 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 1);
	cr_expect_str_eq(g.ip[0], "10.0.0.1");
	cr_expect_eq(g.nevidence[0], 3);
}

/* UsePAM no: the session child refuses after "Accepted", under its own pid. */
Test(correlate, nologin_refusal_after_success_fails_its_connection)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Accepted publickey for bob from 10.0.0.1 port 1000 ssh2: ED25519 SHA256:abc",
		"Nov 25 10:00:01 h sshd[107]: User bob not allowed because /etc/nologin exists",
		"Nov 25 10:00:01 h sshd[100]: Received disconnect from 10.0.0.1 port 1000:11: disconnected by user",
		/* Nobody of that name logged in: a connection of its own. */
		"Nov 25 10:00:09 h sshd[109]: User eve not allowed because /etc/nologin exists",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_eq(g.pid[0], 100);
	cr_expect_str_eq(g.cause[0], "nologin");
	cr_expect_str_eq(g.ip[0], "10.0.0.1");
	cr_expect_eq(g.primary_line[0], 3);
	cr_expect_eq(g.pid[1], 109);
	cr_expect_str_eq(g.user[1], "eve");
}

/* A user, then nothing while the log goes on: a failed login. */
Test(correlate, silent_after_user_while_log_moves_on_is_failed)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Postponed publickey for bob from 10.0.0.1 port 1000 ssh2 [preauth]",
		"Nov 25 10:05:00 h sshd[300]: Connection from 10.0.0.3 port 3000 on 10.0.0.9 port 22",
		"Nov 25 10:05:01 h sshd[300]: Accepted password for dave from 10.0.0.3 port 3000 ssh2",
		/* Named at the end of the log: not silent, just unfinished. */
		"Nov 25 10:05:02 h sshd[400]: Connection from 10.0.0.4 port 4000 on 10.0.0.9 port 22",
		"Nov 25 10:05:03 h sshd[400]: Postponed publickey for eve from 10.0.0.4 port 4000 ssh2 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 1);
	cr_expect_str_eq(g.user[0], "bob");
	cr_expect_str_eq(g.cause[0], "insufficient-logging");
	cr_expect(strstr(g.note[0], "logged nothing more") != NULL,
	    "note: %s", g.note[0]);
}

/* Several sshd instances at different levels write one file. */
Test(diagnose, log_level_is_the_connections_own)
{
	static const char *const lines[] = {
		"Nov 25 10:00:00 h sshd[100]: Connection from 10.0.0.1 port 1000 on 10.0.0.9 port 22",
		"Nov 25 10:00:01 h sshd[100]: Failed publickey for bob from 10.0.0.1 port 1000 ssh2: ED25519 SHA256:abc",
		"Nov 25 10:00:02 h sshd[100]: Connection closed by authenticating user bob 10.0.0.1 port 1000 [preauth]",
		"Nov 25 10:00:03 h sshd[200]: Connection closed by authenticating user amy 10.0.0.2 port 2000 [preauth]",
	};
	struct got g = RUN(lines, 0);

	cr_assert_eq(g.n, 2);
	cr_expect_eq(g.level[0], SW_LEVEL_VERBOSE);
	/* amy's instance logs at INFO: VERBOSE elsewhere changes nothing. */
	cr_expect_eq(g.level[1], SW_LEVEL_INFO);
	cr_expect_str_eq(g.cause[1], "insufficient-logging");
}
