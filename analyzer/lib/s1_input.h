/*
 * s1_input.h: stage 1, bytes in, lines out. Expands the paths the user gave
 * (files, directories, "-" for stdin) into an ordered list of sources,
 * oldest rotation first, detects compression from the magic bytes (gzip with
 * every member, zstd and lz4 with every frame, xz and bzip2 with every
 * stream), decompresses with ceilings, and tells the content from the
 * decoded bytes: text lines, a journal export (`journalctl -o export`),
 * journal JSON (`-o json`, `-o json-seq`), a native journal file, or a tar
 * whose log members are read in turn (origin "bundle.tar.gz:var/log/x").
 * Text is split into lines; each sshd journal entry becomes one RFC 3339
 * syslog line (s1_journal.h). Every line carries its origin (source name,
 * line or entry number). Includes only stage 0.
 */
#ifndef SW_S1_INPUT_H
#define SW_S1_INPUT_H

#include <sys/types.h>

#include <stdint.h>

#include "s0_common.h"
#include "s1_rotate.h"	/* sw_input_rotation_cmp, sw_input_set_base */

struct sw_input_opts {
	size_t max_line;		/* longer lines are cut (counted warning) */
	uint64_t max_decompressed;	/* per source; past it the source stops */
	int zstd_window_log_max;	/* zstd frames needing more are refused */
	/*
	 * The reader's I/O seam, for fault injection in tests (issue 13):
	 * when set, every read of a source's file descriptor goes through
	 * it instead of read(2), with read(2)'s contract (bytes, 0 at the
	 * end, -1 and errno). NULL: read(2).
	 */
	ssize_t (*read_hook)(void *ctx, int fd, void *buf, size_t n);
	void *read_hook_ctx;
};

#define SW_INPUT_MAX_LINE_DEFAULT	((size_t)64 << 10)
#define SW_INPUT_MAX_DECOMP_DEFAULT	((uint64_t)64 << 30)
#define SW_INPUT_ZSTD_WLOG_DEFAULT	27

void sw_input_opts_default(struct sw_input_opts *o);

/*
 * One line of one source. All pointers borrowed (see each field).
 *
 * For journal sources (export, JSON, native files and directories) the line
 * is made from one entry, `lineno` is the entry's number within the source
 * (1-based, every entry counts, sshd or not: for a native journal, the
 * order of `journalctl -o export` over the same files), so evidence reads
 * "file:entry"; `cursor` is the entry's __CURSOR when the source has one.
 */
struct sw_line {
	struct sw_span text;	/* no trailing \n or \r\n; valid until next call */
	const char *origin;	/* source display name; valid until sw_input_free */
	uint64_t lineno;	/* 1-based line, or entry for journal sources */
	int64_t mtime;		/* source's modification time (s), 0 if unknown;
				   for a tar member, its mtime in the tar */
	unsigned source;	/* index of the source, in reading order */
	int truncated;		/* the line was longer than max_line and was cut */
	/* Added for issue 5; last, so existing initializers keep their meaning. */
	int64_t set_mtime;	/* newest mtime of the source's rotated set
				   (auth.log.3.gz ... auth.log): the year anchor
				   for year-less syslog; = mtime for a lone file */
	struct sw_span cursor;	/* journal __CURSOR; empty when none; valid
				   until the next call */
};

struct sw_input;

/*
 * Builds the reading plan. Paths that cannot be opened or listed are
 * reported through `diag` (SW_DIAG_ERROR) and left out; the rest is still
 * read. `diag` is borrowed and must outlive the input. Never returns NULL.
 * Directories: the regular, non-hidden files directly inside whose name,
 * without rotation (.N, -YYYYMMDD) and compression suffixes, is auth.log,
 * secure, messages, syslog or ends in ".log". Rotated sets are ordered
 * oldest first: auth.log.3.gz, auth.log.2.gz, auth.log.1, auth.log.
 * A directory holding *.journal files, or a machine-id subdirectory with
 * them (/var/log/journal), is also read as one journal (sd-journal); a
 * file starting with the journal magic is read as a journal file. Builds
 * without libsystemd report those as unsupported and read the rest.
 * Archive members and decoded journal files are copied to a temporary
 * directory under $TMPDIR (removed by sw_input_free).
 */
struct sw_input *sw_input_new(const char *const *paths, size_t npaths,
    const struct sw_input_opts *opts, struct sw_diag *diag);

/*
 * Next line, in plan order. Returns SW_OK with *out filled, or SW_EOF when
 * every source is done. Read errors and corrupt or truncated compressed
 * data are reported through diag (naming the source and the offset) and
 * that source ends; reading goes on with the next source.
 */
enum sw_status sw_input_next(struct sw_input *in, struct sw_line *out);

/*
 * Number of sources in the plan, and the display name of source i. The
 * plan grows while reading: a tar's members are put right after it.
 */
unsigned sw_input_nsources(const struct sw_input *in);
const char *sw_input_source_name(const struct sw_input *in, unsigned i);

void sw_input_free(struct sw_input *in);

#endif
