/*
 * s1_archive.h: stage 1, tar bundles (support tarballs, sosreports, a tarred
 * /var/log) through libarchive. The tar arrives as already-decoded bytes
 * (gzip, zstd, xz, bzip2 and lz4 are the input stage's decoders), so a
 * .tar.gz and a plain .tar are the same here. Includes only stages 0-1.
 */
#ifndef SW_S1_ARCHIVE_H
#define SW_S1_ARCHIVE_H

#include <stdint.h>

#include "s0_common.h"
#include "s1_journal.h"

#define SW_ARCHIVE_MAX_MEMBERS	100000

/* A member copied out of the archive. Strings owned by the array. */
struct sw_archive_member {
	char *member;		/* its path inside the archive */
	char *tmp;		/* the copy: a file in the caller's tmpdir */
	int64_t mtime;		/* from the tar header */
	uint64_t size;		/* bytes copied */
	size_t index;		/* position in the archive */
};

/* Whether decoded bytes are a tar: "ustar" at offset 257. */
int sw_archive_sniff(const char *p, size_t n);

/*
 * Whether a member is read: its last path component is a log that a
 * directory listing would read (`log_selected`, see s1_rotate.h), a journal
 * file (*.journal, *.journal~) or has "journal" in its name (exports).
 */
int sw_archive_member_selected(const char *path,
    int (*log_selected)(const char *base));

/*
 * Reads the whole tar from `in` and copies each selected regular member
 * into a new file under `tmpdir` (a member stays as it is in the archive,
 * compressed or not: the input stage decodes it when its turn comes).
 * A tar is a stream and rotated logs come in the order of the directory
 * they were tarred from, so copying first is what lets them be read
 * oldest first; memory stays constant, disk use is the members' size,
 * bounded by `max_member` each and `max_total` in all, and at most
 * SW_ARCHIVE_MAX_MEMBERS headers are read. Damage (a corrupt or cut
 * archive, a member over a ceiling) is reported through `diag` under
 * `origin`, naming the member and byte offset; what was copied before it
 * is still returned. A member's content is judged before it is copied
 * (issue 13, D7: a 10 GiB member of NULs was copied whole before being
 * found binary): `content_ok` (may be NULL) sees its first bytes after
 * any leading NUL run; a refused member, or one starting with more than
 * SW_ARCHIVE_NUL_MAX NULs, is reported and not copied. On return *out holds *nout members in reading order
 * (sw_input_rotation_cmp of their paths, then archive order); the caller
 * owns them (sw_archive_members_free) and their files.
 */
#define SW_ARCHIVE_NUL_MAX	((uint64_t)16 << 20)

void sw_archive_spill(struct sw_bytes *in, const char *origin,
    const char *tmpdir, uint64_t max_member, uint64_t max_total,
    int (*log_selected)(const char *base),
    int (*content_ok)(const char *p, size_t n), struct sw_diag *diag,
    struct sw_archive_member **out, size_t *nout);

void sw_archive_members_free(struct sw_archive_member *m, size_t n);

#endif
