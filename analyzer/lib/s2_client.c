/*
 * s2_client.c: recognises OpenSSH client output by its content. Only
 * shapes the client really writes are accepted (a table of prefixes, and
 * a few fixed forms), so an arbitrary unparsed line stays unparsed.
 */
#include <string.h>

#include "s2_client.h"

/* Prefixes of lines ssh writes to stderr (ssh.c, sshconnect*.c, clientloop.c,
 * authfile.c, readconf.c), checked after leading blanks. */
static const char *const sw_client_prefixes[] = {
	"OpenSSH_", "debug1: ", "debug2: ", "debug3: ", "Authenticated to ",
	"Warning: ", "Permissions 0", "It is required that your private key",
	"This private key will be ignored.", "Load key \"", "ssh: ",
	"Host key verification failed.", "Host key for ",
	"IT IS POSSIBLE THAT SOMEONE", "Someone could be eavesdropping",
	"It is also possible that a host key", "The fingerprint for the ",
	"Please contact your system administrator.", "Add correct host key in ",
	"Offending ", "remove with:", "ssh-keygen -f ", "Received disconnect from ",
	"Disconnected from ", "Connection closed by ", "Connection to ",
	"Connection timed out during banner exchange", "kex_exchange_identification: ",
	"banner exchange: ", "Unable to negotiate with ", "Bad owner or permissions on ",
	"Enter passphrase for ", "Transferred: ", "Bytes per second: ",
	"Pseudo-terminal will not be allocated", "sign_and_send_pubkey: ",
	"send_pubkey_test: ", "no such identity: ", "client_loop: ",
	"The authenticity of host ", "Are you sure you want to continue connecting",
	"This key is not known by any other names", "Too many authentication failures",
	"ssh_exchange_identification: ", "Permission denied, please try again.",
	"Password authentication is disabled to avoid man-in-the-middle",
	"Keyboard-interactive authentication is disabled to avoid",
	"Agent forwarding is disabled to avoid", "Timeout, server ",
};

static int
sw_has_prefix(struct sw_span s, const char *pfx)
{
	size_t n = strlen(pfx);

	return s.len >= n && memcmp(s.p, pfx, n) == 0;
}

static int
sw_has_suffix(struct sw_span s, const char *sfx)
{
	size_t n = strlen(sfx);

	return s.len >= n && memcmp(s.p + s.len - n, sfx, n) == 0;
}

static const char *
sw_find(struct sw_span s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n > 0 && i + n <= s.len; i++)
		if (memcmp(s.p + i, needle, n) == 0)
			return s.p + i;
	return NULL;
}

/* "user@host: Permission denied (publickey,password)." */
static int
sw_client_denied(struct sw_span s)
{
	const char *p = sw_find(s, ": Permission denied (");

	return p != NULL && sw_has_suffix(s, ").") && p > s.p;
}

/* A shell prompt ending in "$ ", "# ", "% " or "> " and an ssh command,
 * or a bare "ssh -v ..." command line. */
static int
sw_client_command(struct sw_span s, struct sw_span *cmd)
{
	static const char *const marks[] = { "$ ssh ", "# ssh ", "% ssh ", "> ssh " };
	size_t i;

	if (sw_has_prefix(s, "ssh ")) {
		*cmd = s;
		return 1;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *p = sw_find(s, marks[i]);
		/* The prompt is short and has no quotes: not a log message. */
		if (p != NULL && (size_t)(p - s.p) < 200 &&
		    memchr(s.p, '"', (size_t)(p - s.p)) == NULL) {
			p += 2;
			*cmd = sw_span_make(p, s.len - (size_t)(p - s.p));
			return 1;
		}
	}
	return 0;
}

int
sw_client_line(struct sw_span line, struct sw_span *message)
{
	struct sw_span s = line, cmd;
	size_t i;

	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == '\r' || s.p[s.len - 1] == ' '))
		s.len--;
	if (s.len == 0)
		return 0;
	for (i = 0; i < sizeof(sw_client_prefixes) / sizeof(sw_client_prefixes[0]);
	    i++) {
		if (sw_has_prefix(s, sw_client_prefixes[i])) {
			*message = s;
			return 1;
		}
	}
	/* The boxes around warnings: "@@@@...", "@   WARNING: ...   @". */
	if (s.p[0] == '@' && s.p[s.len - 1] == '@') {
		*message = s;
		return 1;
	}
	/* "No ED25519 host key is known for HOST and you have requested ..." */
	if (sw_has_prefix(s, "No ") && sw_find(s, " host key is known for ")) {
		*message = s;
		return 1;
	}
	/* "ED25519 key fingerprint is SHA256:..." and a bare "SHA256:...." */
	if (sw_find(s, " key fingerprint is ") ||
	    (sw_has_prefix(s, "SHA256:") && memchr(s.p, ' ', s.len) == NULL)) {
		*message = s;
		return 1;
	}
	if (sw_client_denied(s)) {
		*message = s;
		return 1;
	}
	if (sw_client_command(s, &cmd)) {
		*message = cmd;
		return 1;
	}
	return 0;
}
