/*
 * s5_keys.h: stage 5 helper, authorized_keys analysis. Reads the
 * authorized_keys files the user points at (--authorized-keys [USER=]PATH),
 * parses every line the way sshd does, fingerprints each key as ssh-keygen
 * -l prints it (SHA256 and MD5, with libcrypto) and flags lines that cannot
 * work (a key broken over lines, a pasted private key, bad options, a
 * damaged key, a refused key type, an SSH2/PuTTY block, look-alike
 * characters, a UTF-16 file). The diagnoser asks "is the key this client
 * offered in deploy's authorized_keys, and if not, what is there?".
 * Includes only stage 0.
 */
#ifndef SW_S5_KEYS_H
#define SW_S5_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "s0_common.h"

/* Ceilings (docs/architecture.md, "Memory and ceilings"). */
#define SW_KEYS_MAX_LINES	10000		/* per file; the rest is skipped */
#define SW_KEYS_MAX_LINE	((size_t)64 << 10)	/* bytes; longer lines skipped */
#define SW_KEYS_MAX_KEYS	100000		/* lines kept, all files together */

/*
 * Why a line cannot work. Ordered roughly by how often each is the root
 * cause; one line carries one problem (the first that stops sshd).
 */
enum sw_key_problem {
	SW_KEY_OK = 0,
	SW_KEY_BROKEN_LINE,	/* one key split over several lines */
	SW_KEY_PRIVATE_KEY,	/* a private key pasted instead of the .pub */
	SW_KEY_BAD_OPTIONS,	/* options field sshd refuses: line ignored */
	SW_KEY_BAD_BLOB,	/* base64 key truncated, undecodable, damaged */
	SW_KEY_TYPE_MISMATCH,	/* type word disagrees with the key inside */
	SW_KEY_UNKNOWN_TYPE,	/* a key type sshd does not know */
	SW_KEY_DSA,		/* ssh-dss: off since OpenSSH 7.0, gone in 9.8 */
	SW_KEY_RSA_SIZE,	/* RSA modulus under 1024 or over 16384 bits */
	SW_KEY_PUTTY_FORMAT,	/* SSH2 block (RFC 4716, PuTTYgen) or PEM */
	SW_KEY_BAD_CHARS,	/* non-breaking space, smart quote, BOM, ... */
	SW_KEY_BAD_ENCODING,	/* the file is UTF-16 (PowerShell's ">") */
	SW_KEY_NOT_A_KEY,	/* nothing sshd can read; sshd skips it */
	SW_KEY_PROBLEM_COUNT
};

/* "SHA256:" + 43 base64 chars, or "MD5:" + 47 chars, and the NUL. */
#define SW_KEY_FP_SIZE	52

/*
 * One line (or block of lines) of an authorized_keys file: a plain value.
 * Blank and '#' lines are not kept; every other line is, so lines with a
 * problem can be shown too. Strings may hold any byte but NUL (they come
 * from the file: escape them before printing; a NUL ends a line, as in
 * sshd) and are owned by the sw_keys that made them: valid until
 * sw_keys_free(). For SW_KEY_BAD_CHARS, options, type and comment are the
 * line as read with the look-alikes replaced by ASCII; detail names the
 * first one and its byte offset. Blocks (a broken key, a pasted private
 * key, an SSH2, PuTTY or PEM key) are one entry; their fingerprint is
 * that of the public key inside when it can be read, so a lookup finds
 * the key the user meant to install.
 */
struct sw_key_line {
	const char *path;	/* file, as given or as found in a directory */
	uint64_t lineno;	/* 1-based, first line of the entry */
	unsigned nlines;	/* lines it spans: >1 for a broken key or a block */
	const char *user;	/* whose file; NULL: unknown (matches any user) */
	const char *options;	/* options field as written, or NULL */
	const char *type;	/* key type as written (or inside a block); NULL */
	const char *comment;	/* what follows the key, or NULL */
	char sha256[SW_KEY_FP_SIZE];	/* "SHA256:..." as ssh-keygen -l; "" if
					 * the key could not be decoded */
	char md5[SW_KEY_FP_SIZE];	/* "MD5:xx:...:xx"; "" likewise */
	unsigned bits;		/* RSA (and RSA certificate) modulus size; else 0 */
	int cert_authority;	/* options hold cert-authority: a CA key, which
				 * sshd uses only for certificates */
	int64_t expires;	/* expiry-time= (the earliest), seconds since
				 * the epoch, 0 if none: sshd refuses the line
				 * after it. Local time of this machine unless
				 * the value ends in Z (sshd uses the server's) */
	enum sw_key_problem problem;
	const char *detail;	/* short, line-specific ("unknown option
				 * \"no-ptty\""); "" when problem is SW_KEY_OK */
};

/*
 * A set of authorized_keys lines from any number of files. Certificates
 * are fingerprinted by their public key, as ssh-keygen and sshd do.
 */
struct sw_keys;

/* Never returns NULL (out of memory aborts). About 200 KiB of buffers. */
struct sw_keys *sw_keys_new(void);
/* Frees everything, including every string and line handed out. NULL: no-op. */
void sw_keys_free(struct sw_keys *k);

/*
 * Reads one --authorized-keys argument: "USER=PATH" or "PATH" (a "USER="
 * prefix is a name without '/'; if the whole argument names an existing
 * file and the part after '=' does not, the whole argument is the path).
 * PATH is a file or a directory. Without USER= the user comes from the
 * path: .../home/USER/.ssh/..., /root/.ssh/... (root), /Users/USER/.ssh/...,
 * or a file in a directory named authorized_keys (AuthorizedKeysFile
 * /etc/ssh/authorized_keys/%u); otherwise it is unknown (NULL).
 * A directory is read in name order, not recursively except for copied
 * home trees: its files named USER, USER.pub or USER.keys belong to USER
 * (files named authorized_keys* to the user the directory's path names);
 * home/USER/.ssh/, root/.ssh/ and USER/.ssh/ under it give that USER's
 * authorized_keys* files; a directory that is itself a .ssh gives only its
 * authorized_keys* files. `diag` (not NULL) is borrowed for the call;
 * it gets unreadable paths and ceilings only.
 *
 * Returns SW_OK; SW_ERR_IO when a file or the directory could not be read
 * (an SW_DIAG_ERROR names it; the rest is still read); SW_ERR_LIMIT when a
 * ceiling cut something (an SW_DIAG_SKIPPED says what; what came before is
 * kept); SW_ERR_USAGE for an empty path or user. Problems found in lines
 * are recorded in the lines, not sent to `diag`. Lines are appended in
 * reading order; earlier results stay valid.
 */
enum sw_status sw_keys_load(struct sw_keys *k, const char *spec,
    struct sw_diag *diag);

/*
 * The line holding the key with this fingerprint, as sshd logs it:
 * "SHA256:<base64>" (padding optional), "MD5:aa:bb:..." or bare
 * "aa:bb:..." (OpenSSH before 6.8). `user` NULL matches any line; else
 * lines of that user's files and of files whose user is unknown. Lines
 * with a problem are returned too (the key is there but cannot work: say
 * so); a line without a problem is preferred, then the first read. Check
 * cert_authority before calling it a match for a plain key. NULL when no
 * line has the key or the fingerprint does not parse. No allocation;
 * O(log n) plus the lines holding that same key. Borrowed, valid until
 * sw_keys_free().
 */
const struct sw_key_line *sw_keys_find(const struct sw_keys *k,
    const char *user, const char *fingerprint);

/* Number of lines kept, and line i (i < count) in reading order. Borrowed. */
size_t sw_keys_count(const struct sw_keys *k);
const struct sw_key_line *sw_keys_get(const struct sw_keys *k, size_t i);

/*
 * The lines of `user`'s files and of files whose user is unknown (all
 * lines when `user` is NULL), in reading order: the first `max` go to
 * out[] (borrowed pointers); returns how many there are in all, which may
 * be more than `max`. `out` may be NULL when `max` is 0.
 */
size_t sw_keys_for_user(const struct sw_keys *k, const char *user,
    const struct sw_key_line **out, size_t max);

/*
 * What the problem means and how to fix it, one or two sentences for a
 * person ("" for SW_KEY_OK); and a stable lower-case id for JSON
 * ("broken-line"). Static strings.
 */
const char *sw_key_problem_text(enum sw_key_problem p);
const char *sw_key_problem_id(enum sw_key_problem p);

#endif
