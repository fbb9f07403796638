/*
 * s1_state.h: stage 1, what incremental runs (--state) need from the
 * input: the rotated siblings of a live log, and each file's identity.
 * A file is known by its device and inode and by a hash of its first
 * decoded bytes (up to 4 KiB), so it is recognised after a rename
 * (auth.log -> auth.log.1), after compression (auth.log.1 ->
 * auth.log.2.gz: same decoded bytes, new inode), and a copytruncate is
 * seen as a new file (same inode, other first bytes). Includes stage 0-1.
 */
#ifndef SW_S1_STATE_H
#define SW_S1_STATE_H

#include <stdint.h>

#include "s0_common.h"

#define SW_IDENT_PREFIX 4096

struct sw_ident {
	uint64_t dev, ino;
	size_t len;			/* decoded bytes read, <= SW_IDENT_PREFIX */
	unsigned char head[SW_IDENT_PREFIX];
};

/* FNV-1a 64 of the first n bytes of head (n <= len). */
uint64_t sw_ident_hash(const struct sw_ident *id, size_t n);

/*
 * Reads the identity of a regular file (plain or compressed, decoded the
 * way the input stage reads it: lines joined with "\n"). 0, or -1 if it
 * is not a readable regular file.
 */
int sw_ident_read(const char *path, struct sw_ident *out);

/*
 * The rotated set of `path` as it is on disk now: `path` and its siblings
 * in the same directory (auth.log.1, auth.log.2.gz, auth.log-20261124),
 * oldest first, as newly allocated strings. *n gets the count (at least
 * 1: `path` itself even if missing). At most 1000 siblings.
 */
char **sw_rotated_siblings(const char *path, size_t *n);

#endif
