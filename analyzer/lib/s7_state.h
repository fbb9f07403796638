/*
 * s7_state.h: stage 7, the state file of incremental runs (--state). It
 * holds, per input file, its identity and how many lines were read; per
 * journal source, the last entry read (time and cursor); the lines of
 * connections still open at the end of the last run (replayed into the
 * next run, so such a connection is reported once, whole); the year and
 * month of the last year-less line of each rotated set; and what the
 * daily report calls new: the causes and failing users seen before.
 *
 * The file is text, one record per line, every value percent-encoded;
 * the first line names the format and version, the last holds a hash of
 * everything before it, so a truncated, corrupt or foreign file is told
 * apart from a good one. It is written atomically: a temporary file
 * beside it, fsync, rename, fsync of the directory.
 */
#ifndef SW_S7_STATE_H
#define SW_S7_STATE_H

#include <stdint.h>

#include "s0_common.h"

#define SW_STATE_VERSION 1
#define SW_STATE_MAX_FILES 10000
#define SW_STATE_MAX_PENDING 100000	/* replayed lines */
#define SW_STATE_MAX_NAMES 20000	/* known causes and failing users */

struct sw_state_file {
	char *path;
	uint64_t dev, ino;
	size_t hashlen;
	uint64_t hash;
	uint64_t lines;		/* lines read */
	int done;		/* a rotated file read to its end */
	int used;		/* matched in this run */
};

struct sw_state_journal {
	char *source;
	int64_t time_us;
	char *cursor;
};

struct sw_state_line {
	int64_t time_us;
	uint64_t lineno;
	char *origin;
	char *text;
	size_t seq;		/* order added: a connection's lines stay in
				   their order when times are equal */
};

struct sw_state_year {
	char *set;
	int year, mon;
};

struct sw_state {
	struct sw_state_file *files;
	size_t nfiles;
	struct sw_state_journal *journals;
	size_t njournals;
	struct sw_state_line *pending;
	size_t npending;
	struct sw_state_year *years;
	size_t nyears;
	char **causes;		/* sorted */
	size_t ncauses;
	char **users;		/* sorted */
	size_t nusers;
	uint64_t runs;		/* runs that wrote this state */
	int dropped;		/* a ceiling was hit while adding */
};

/*
 * Reads `path` into *st (which it initialises). 0: read; 1: no such file
 * (st empty); -1: unreadable, foreign, another version, or corrupt (st
 * empty; `why` says which).
 */
int sw_state_load(struct sw_state *st, const char *path, struct sw_buf *why);
/* Writes atomically. 0, or -1 with `why` filled (the old file stays). */
int sw_state_save(const struct sw_state *st, const char *path,
    struct sw_buf *why);
void sw_state_free(struct sw_state *st);

struct sw_state_file *sw_state_add_file(struct sw_state *st, const char *path);
void sw_state_add_journal(struct sw_state *st, const char *source,
    int64_t time_us, const char *cursor, size_t cursor_len);
struct sw_state_journal *sw_state_find_journal(struct sw_state *st,
    const char *source);
void sw_state_add_pending(struct sw_state *st, int64_t time_us,
    uint64_t lineno, const char *origin, const char *text, size_t len);
/* Sorts pending lines by time; equal times keep the order they were added. */
void sw_state_sort_pending(struct sw_state *st);
void sw_state_set_year(struct sw_state *st, const char *set, int year,
    int mon);
const struct sw_state_year *sw_state_find_year(const struct sw_state *st,
    const char *set);
/* Sets of names: 1 if present; add returns 1 if it was new. */
int sw_state_has_name(char *const *v, size_t n, const char *name);
int sw_state_add_cause(struct sw_state *st, const char *id);
int sw_state_add_user(struct sw_state *st, const char *name);

#endif
