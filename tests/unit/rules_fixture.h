/* Writes a small rules directory for unit tests; returns its path. */
#ifndef SW_TEST_RULES_FIXTURE_H
#define SW_TEST_RULES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture_file {
	const char *name;
	const char *yaml;
};

static inline char *
fixture_rules(const struct fixture_file *files, size_t n)
{
	char *dir = strdup("/tmp/sw-test-rules-XXXXXX");
	size_t i;

	if (dir == NULL || mkdtemp(dir) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		char path[256];
		FILE *fp;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		if ((fp = fopen(path, "w")) == NULL)
			abort();
		fputs(files[i].yaml, fp);
		fclose(fp);
	}
	return dir;
}

static inline void
fixture_cleanup(char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		perror("cleanup");
	free(dir);
}

#define INFERRED(id, cause) \
	"id: " id "\nmeaning: inferred\npriority: 0\nlevel: INFO\ncause:\n" \
	"  id: " cause "\n  title: " cause " title\n  explanation: x\n" \
	"  fix: fix for {user} from {ip}\n"

/* The minimal set the diagnoser needs, plus a few real signatures. */
static const struct fixture_file core_rules[] = {
	{ "i-insufficient.yaml", INFERRED("i-insufficient", "insufficient-logging") },
	{ "i-invalid.yaml", INFERRED("i-invalid", "invalid-user") },
	{ "i-pubkey.yaml", INFERRED("i-pubkey", "pubkey-disabled") },
	{ "i-undet.yaml", INFERRED("i-undet", "undetermined") },
	{ "connect.yaml",
	  "id: connect\nmeaning: connect\npriority: 0\nlevel: VERBOSE\n"
	  "patterns: ['^Connection from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) on ']\n"
	  "examples: ['Connection from 1.2.3.4 port 5 on 10.0.0.1 port 22']\n" },
	{ "closed.yaml",
	  "id: closed\nmeaning: close\npriority: 0\nlevel: INFO\npreauth: yes\n"
	  "patterns: ['^Connection closed by (?:authenticating user (?<user>.*) |(?<invalid>invalid user )(?<user>.*) )?(?<ip>[0-9a-f.:]+) port (?<port>\\d+)$']\n"
	  "examples: ['Connection closed by authenticating user bob 1.2.3.4 port 5 [preauth]']\n" },
	{ "failedpw.yaml",
	  "id: failedpw\nmeaning: attempt\npriority: 30\nlevel: INFO\nmethod: password\n"
	  "patterns: ['^Failed (?<method>password) for (?<user>.*) from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) ssh2$']\n"
	  "cause: {id: wrong-password, title: Wrong password, explanation: x, fix: 'If {user} is real: `passwd {user}`'}\n"
	  "examples: ['Failed password for bob from 1.2.3.4 port 5 ssh2']\n" },
	{ "failedpk.yaml",
	  "id: failedpk\nmeaning: attempt\npriority: 20\nlevel: VERBOSE\nmethod: publickey\n"
	  "patterns: ['^Failed (?<method>publickey) for (?<user>.*) from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) ssh2: (?<key_type>\\S+) (?<fingerprint>\\S+)$']\n"
	  "cause: {id: unknown-key, title: Key not authorized, confidence: likely, explanation: x, fix: 'offered {fingerprint}'}\n"
	  "examples: ['Failed publickey for bob from 1.2.3.4 port 5 ssh2: ED25519 SHA256:abc']\n" },
	{ "accepted.yaml",
	  "id: accepted\nmeaning: success\npriority: 0\nlevel: INFO\n"
	  "patterns: ['^Accepted (?<method>\\S+) for (?<user>.*) from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) ssh2(?:: (?<key_type>\\S+) (?<fingerprint>\\S+))?$']\n"
	  "examples: ['Accepted password for bob from 1.2.3.4 port 5 ssh2']\n" },
	{ "maxtries.yaml",
	  "id: maxtries\nmeaning: cause\npriority: 40\nlevel: ERROR\npreauth: yes\n"
	  "patterns: ['^error: maximum authentication attempts exceeded for (?:invalid user )?(?<user>.*) from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) ssh2$']\n"
	  "cause: {id: too-many-auth-failures, title: Too many, explanation: x, fix: y}\n"
	  "examples: ['error: maximum authentication attempts exceeded for bob from 1.2.3.4 port 5 ssh2 [preauth]']\n" },
	{ "modes.yaml",
	  "id: modes\nmeaning: cause\npriority: 90\nlevel: INFO\npreauth: no\nmethod: publickey\n"
	  "patterns: ['^Authentication refused: bad ownership or modes for (?<path_kind>file|directory) (?<path>.+)$']\n"
	  "cause: {id: bad-ownership-or-modes, title: Modes, explanation: x, fix: 'chmod go-w {path}'}\n"
	  "examples: ['Authentication refused: bad ownership or modes for directory /home/bob/.ssh']\n" },
	{ "child.yaml",
	  "id: child\nmeaning: info\npriority: 0\nlevel: VERBOSE\n"
	  "patterns: ['^User child is on pid (?<child_pid>\\d+)$']\n"
	  "examples: ['User child is on pid 5']\n" },
	{ "chroot.yaml",
	  "id: chroot\nmeaning: cause\npriority: 92\nlevel: FATAL\nrefuses_session: yes\n"
	  "patterns: ['^fatal: bad ownership or modes for chroot directory (?:component )?\"(?<path>[^\"]*)\"$']\n"
	  "cause: {id: chroot-bad-ownership, title: Chroot, explanation: x, fix: 'chown root {path}'}\n"
	  "examples: ['fatal: bad ownership or modes for chroot directory \"/x\"']\n" },
	{ "nologin.yaml",
	  "id: nologin\nmeaning: refusal\npriority: 90\nlevel: INFO\npreauth: no\nrefuses_session: yes\n"
	  "patterns: ['^User (?<user>.*) not allowed because (?<path>/.*) exists$']\n"
	  "cause: {id: nologin, title: nologin, explanation: x, fix: 'rm {path}'}\n"
	  "examples: ['User bob not allowed because /etc/nologin exists']\n" },
	{ "pamaccess.yaml",
	  "id: pamaccess\nmeaning: cause\npriority: 70\nlevel: INFO\n"
	  "patterns: ['^pam_access\\(sshd:account\\): access denied for user `(?<user>.*)'' from `(?<rhost>.*)''$']\n"
	  "cause: {id: pam-account-denied, title: PAM, explanation: x, fix: y}\n"
	  "examples: ['pam_access(sshd:account): access denied for user `bob'' from `1.2.3.4''']\n" },
	{ "postponed.yaml",
	  "id: postponed\nmeaning: info\npriority: 0\nlevel: VERBOSE\n"
	  "patterns: ['^Postponed (?<method>\\S+) for (?<user>.*) from (?<ip>[0-9a-f.:]+) port (?<port>\\d+) ssh2$']\n"
	  "examples: ['Postponed publickey for bob from 1.2.3.4 port 5 ssh2']\n" },
	{ "pam.yaml",
	  "id: pam\nmeaning: info\npriority: 0\nlevel: INFO\n"
	  "patterns: ['^PAM \\d+ more authentication failures?;']\n"
	  "examples: ['PAM 2 more authentication failures; logname= uid=0']\n" },
};

#endif
