/* Unit tests for ssh client output: recognition (stage 2), sessions
 * (stage 4), diagnosis and the join with a server connection (stage 5). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "s2_client.h"
#include "s2_format.h"
#include "s3_match.h"
#include "s4_client.h"
#include "s5_client.h"

/* s2_client: which lines are client output, and what is matched. */
static const struct {
	const char *line;
	int client;
	const char *message;	/* NULL: the line without blanks */
} sw_recognise[] = {
	{ "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026", 1, NULL },
	{ "debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2231.", 1, NULL },
	{ "    debug3: no such identity: /home/a/.ssh/id_rsa: No such file or directory\r",
	  1, "debug3: no such identity: /home/a/.ssh/id_rsa: No such file or directory" },
	{ "cl_rootonly@127.0.0.1: Permission denied (publickey).", 1, NULL },
	{ "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @", 1, NULL },
	{ "alice@laptop:~$ ssh -v bob@host", 1, "ssh -v bob@host" },
	{ "[alice@laptop ~]$ ssh -vvv -p 2222 bob@host", 1, "ssh -vvv -p 2222 bob@host" },
	{ "No ED25519 host key is known for [h]:22 and you have requested strict checking.", 1, NULL },
	/* not client output */
	{ "hello world", 0, NULL },
	{ "Permission denied (publickey).", 0, NULL },
	{ "debug4: nothing", 0, NULL },
	{ "2026-11-25 sshd \"quoted$ ssh x\"", 0, NULL },
	{ "", 0, NULL },
};

Test(client, recognises_client_lines_only)
{
	size_t i;

	for (i = 0; i < sizeof(sw_recognise) / sizeof(sw_recognise[0]); i++) {
		struct sw_span msg = { NULL, 0 };
		const char *l = sw_recognise[i].line;
		int got = sw_client_line(sw_span_make(l, strlen(l)), &msg);
		cr_expect_eq(got, sw_recognise[i].client, "line %zu: %s", i, l);
		if (got && sw_recognise[i].message != NULL)
			cr_expect(sw_span_eq_str(msg, sw_recognise[i].message),
			    "line %zu: message '%.*s'", i, (int)msg.len, msg.p);
	}
}

struct sw_fixture {
	struct sw_diag *diag;
	struct sw_rules *rs;
	struct sw_matcher *m;
	struct sw_format *fmt;
	struct sw_client_table *t;
	struct sw_client_diag *d;
};

static void
fx_open(struct sw_fixture *x)
{
	struct sw_format_opts fo = { 2026, 0 };

	x->diag = sw_diag_new(NULL, 1);
	x->rs = sw_rules_load(SW_TEST_SOURCE_DIR "/rules", x->diag);
	cr_assert_not_null(x->rs);
	x->m = sw_matcher_new(x->rs, NULL);
	x->fmt = sw_format_new(&fo, x->diag);
	x->t = sw_client_table_new(100, 40, x->diag);
	x->d = sw_client_diag_new(x->rs, x->diag);
	cr_assert_not_null(x->d);
}

static void
fx_close(struct sw_fixture *x)
{
	sw_client_diag_free(x->d);
	sw_client_table_free(x->t);
	sw_format_free(x->fmt);
	sw_matcher_free(x->m);
	sw_rules_free(x->rs);
	sw_diag_free(x->diag);
}

/* Feeds lines (NULL-terminated) as one pasted file. */
static void
fx_feed(struct sw_fixture *x, const char *const *lines)
{
	size_t i;

	for (i = 0; lines[i] != NULL; i++) {
		struct sw_line line;
		struct sw_record rec;
		struct sw_event ev;

		memset(&line, 0, sizeof(line));
		line.text = sw_span_make(lines[i], strlen(lines[i]));
		line.origin = "paste.txt";
		line.lineno = i + 1;
		if (sw_format_parse(x->fmt, &line, &rec) != SW_OK || !rec.client)
			continue;
		if (sw_match_record(x->m, &rec, &ev) == SW_OK)
			sw_client_event(x->t, &ev);
	}
}

static const char *const sw_vps[] = {
	"alice@laptop:~$ ssh -v cl_rootonly@127.0.0.1 -p 2231",
	"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026",
	"debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2231.",
	"debug1: Authenticating to 127.0.0.1:2231 as 'cl_rootonly'",
	"debug1: Authentications that can continue: publickey",
	"debug1: Next authentication method: publickey",
	"debug1: Offering public key: /home/alice/.ssh/id_ed25519 ED25519 SHA256:NFm9tFt4Yo2HxNItUjF+ERGuxeQO0p3WDAlLXKlTJv8",
	"debug1: Authentications that can continue: publickey",
	"debug1: No more authentication methods to try.",
	"cl_rootonly@127.0.0.1: Permission denied (publickey).",
	NULL
};

/* Each case: the lines of one run and the cause the client side names. */
static const char *const sw_nokey[] = {
	"debug1: Connecting to h [192.0.2.1] port 22.",
	"debug1: Authenticating to h:22 as 'bob'",
	"debug1: get_agent_identities: ssh_fetch_identitylist: agent contains no identities",
	"debug1: Authentications that can continue: publickey",
	"debug1: Next authentication method: publickey",
	"debug1: No more authentication methods to try.",
	"bob@h: Permission denied (publickey).", NULL
};
static const char *const sw_accepted[] = {
	"debug1: Authenticating to h:22 as 'bob'",
	"debug1: Next authentication method: publickey",
	"debug1: Offering public key: /home/b/.ssh/id_ed25519 ED25519 SHA256:tAQbaKe2ldP4u0m1nwcf6jeBBlxpUVFG5VM/yX2MOtw",
	"debug1: Server accepts key: /home/b/.ssh/id_ed25519 ED25519 SHA256:tAQbaKe2ldP4u0m1nwcf6jeBBlxpUVFG5VM/yX2MOtw",
	"debug1: No more authentication methods to try.",
	"bob@h: Permission denied (publickey).", NULL
};
static const char *const sw_nomethod[] = {
	"debug1: Authenticating to h:22 as 'bob'",
	"debug1: Authentications that can continue: publickey",
	"debug1: No more authentication methods to try.",
	"bob@h: Permission denied (publickey).", NULL
};
static const char *const sw_plain[] = {
	"bob@h: Permission denied (publickey,password).", NULL
};
static const char *const sw_perm[] = {
	"debug1: Offering public key: /home/b/.ssh/id_ed25519 ED25519 SHA256:j8kEUtfphH7XxHeEMTXZc3RIptlare3qAfPsXxEgaNU",
	"debug1: Server accepts key: /home/b/.ssh/id_ed25519 ED25519 SHA256:j8kEUtfphH7XxHeEMTXZc3RIptlare3qAfPsXxEgaNU",
	"Permissions 0644 for '/home/b/.ssh/id_ed25519' are too open.",
	"Load key \"/home/b/.ssh/id_ed25519\": bad permissions",
	"bob@h: Permission denied (publickey).", NULL
};
static const char *const sw_refused[] = {
	"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026",
	"debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2239.",
	"ssh: connect to host 127.0.0.1 port 2239: Connection refused", NULL
};
static const char *const sw_success[] = {
	"debug1: Offering public key: /home/b/.ssh/id_ed25519 ED25519 SHA256:j8kEUtfphH7XxHeEMTXZc3RIptlare3qAfPsXxEgaNU",
	"Authenticated to h ([192.0.2.1]:22) using \"publickey\".", NULL
};

static const struct {
	const char *name;
	const char *const *lines;
	const char *cause;	/* NULL: no finding */
} sw_cases[] = {
	{ "vps", sw_vps, "client-key-refused" },
	{ "agent empty", sw_nokey, "client-no-key-offered" },
	{ "key accepted, not used", sw_accepted, "client-passphrase-not-given" },
	{ "no common method", sw_nomethod, "client-no-common-method" },
	{ "without -v", sw_plain, "client-undetermined" },
	{ "key permissions", sw_perm, "client-key-file-permissions" },
	{ "connection refused", sw_refused, "client-connection-failed" },
	{ "success", sw_success, NULL },
};

Test(client, names_the_cause_of_each_run)
{
	size_t i;

	for (i = 0; i < sizeof(sw_cases) / sizeof(sw_cases[0]); i++) {
		struct sw_fixture x;
		struct sw_client_finding cf;
		int got;

		fx_open(&x);
		fx_feed(&x, sw_cases[i].lines);
		cr_assert_eq(sw_client_count(x.t), 1, "%s: %zu sessions",
		    sw_cases[i].name, sw_client_count(x.t));
		got = sw_client_diagnose(x.d, sw_client_get(x.t, 0), &cf);
		if (sw_cases[i].cause == NULL)
			cr_expect_eq(got, 0, "%s: a finding", sw_cases[i].name);
		else {
			cr_expect_eq(got, 1, "%s: no finding", sw_cases[i].name);
			if (got)
				cr_expect_str_eq(cf.cause->id, sw_cases[i].cause,
				    "%s", sw_cases[i].name);
		}
		fx_close(&x);
	}
}

Test(client, the_vps_case_says_check_authorized_keys)
{
	struct sw_fixture x;
	struct sw_client_finding cf;
	struct sw_buf flat;

	fx_open(&x);
	fx_feed(&x, sw_vps);
	cr_assert(sw_client_diagnose(x.d, sw_client_get(x.t, 0), &cf));
	sw_buf_init(&flat, 65536);
	sw_fix_flatten(cf.fix, &flat);
	cr_expect(strstr(flat.p, "the server refused every key offered; on the "
	    "server, check the user's authorized_keys") != NULL ||
	    strstr(flat.p, "The server refused every key offered; on the "
	    "server, check the user's authorized_keys") != NULL, "%s", flat.p);
	cr_expect(strstr(flat.p, "~cl_rootonly/.ssh/authorized_keys") != NULL);
	cr_expect(strstr(flat.p, "SHA256:NFm9tFt4Yo2HxNItUjF+ERGuxeQO0p3WDAlLXKlTJv8")
	    != NULL);
	cr_expect_not_null(cf.confirm);
	cr_expect(strstr(cf.confirm, "Failed publickey for cl_rootonly") != NULL);
	sw_buf_free(&flat);
	fx_close(&x);
}

Test(client, a_command_line_or_second_banner_starts_the_next_run)
{
	struct sw_fixture x;
	static const char *const two[] = {
		"alice@laptop:~$ ssh -v bob@h",
		"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026",
		"bob@h: Permission denied (publickey).",
		"Received disconnect from 192.0.2.1 port 22:11: Bye Bye",
		"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026",
		"Authenticated to h ([192.0.2.1]:22) using \"publickey\".",
		NULL
	};

	fx_open(&x);
	fx_feed(&x, two);
	cr_assert_eq(sw_client_count(x.t), 2);
	cr_expect_eq(sw_client_get(x.t, 0)->outcome, SW_CLIENT_FAILURE);
	/* the trailing close stays with the run it ends */
	cr_expect_eq(sw_client_get(x.t, 0)->nevidence, 4);
	cr_expect_eq(sw_client_get(x.t, 1)->outcome, SW_CLIENT_SUCCESS);
	fx_close(&x);
}

/* A server connection with the given user, local port and fingerprint. */
static void
conn_with(struct sw_conn *c, struct sw_evidence *e, char *text, char *user)
{
	const char *lp = strstr(text, "port "), *fp = strstr(text, "SHA256:");

	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	c->user = user;
	e->text = text;
	e->text_len = strlen(text);
	if (lp != NULL) {
		e->named[e->nnamed].name = "local_port";
		e->named[e->nnamed].off = (uint32_t)(lp + 5 - text);
		e->named[e->nnamed].len = 4;
		e->named[e->nnamed++].set = 1;
	}
	if (fp != NULL) {
		e->named[e->nnamed].name = "fingerprint";
		e->named[e->nnamed].off = (uint32_t)(fp - text);
		e->named[e->nnamed].len = (uint32_t)strcspn(fp, " ");
		e->named[e->nnamed++].set = 1;
	}
	c->evidence = e;
	c->nevidence = 1;
}

Test(client, joins_by_user_port_and_fingerprint_only)
{
	struct sw_fixture x;
	struct sw_conn c;
	struct sw_evidence e;
	char other_key[] = "port 2231 SHA256:evHf70jRq01ptWzFOGG5AE6XCAUobI8JSuAW59SYYH8";
	char other_port[] = "port 2222 SHA256:NFm9tFt4Yo2HxNItUjF+ERGuxeQO0p3WDAlLXKlTJv8";
	char same[] = "port 2231 SHA256:NFm9tFt4Yo2HxNItUjF+ERGuxeQO0p3WDAlLXKlTJv8";
	char no_fp[] = "port 2231";
	char other_user[] = "someone_else", user[] = "cl_rootonly";

	fx_open(&x);
	fx_feed(&x, sw_vps);
	conn_with(&c, &e, same, other_user);
	cr_expect_null(sw_client_join(x.t, &c));
	conn_with(&c, &e, other_key, user);
	cr_expect_null(sw_client_join(x.t, &c));
	conn_with(&c, &e, other_port, user);
	cr_expect_null(sw_client_join(x.t, &c));
	/* INFO level: no fingerprint on the server's side, user and port do */
	conn_with(&c, &e, no_fp, user);
	cr_expect_not_null(sw_client_join(x.t, &c));
	/* joined once only */
	conn_with(&c, &e, same, user);
	cr_expect_null(sw_client_join(x.t, &c));
	fx_close(&x);
}
