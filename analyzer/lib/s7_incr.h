/*
 * s7_incr.h: stage 7, one incremental run (--state). Before reading: the
 * state is loaded, each path that names a file is expanded to its rotated
 * siblings, every file is recognised by its identity (s1_state.h), rotated
 * files already read to the end are left out, and the rest start after
 * the lines read before. While reading: lines already read are skipped
 * (files by line number, journals by time and cursor). At the end: the
 * connections still open are kept for the next run (their lines go into
 * the state and are replayed), and the new state is written atomically
 * only once the report is out, so a run killed at any moment loses
 * nothing (the next run repeats what the killed one may have printed).
 */
#ifndef SW_S7_INCR_H
#define SW_S7_INCR_H

#include <stdio.h>

#include "s0_common.h"
#include "s1_input.h"
#include "s2_format.h"
#include "s4_correlate.h"
#include "s7_state.h"

struct sw_incr;

/*
 * Loads `state_path` (a missing, corrupt or foreign file is reported on
 * `err` and the run reads everything, as without --state) and plans the
 * reading of `paths`. Never NULL.
 */
struct sw_incr *sw_incr_new(const char *state_path, const char *const *paths,
    size_t npaths, FILE *err, int quiet);
void sw_incr_free(struct sw_incr *in);

/* The paths to read: the given ones, expanded and without finished files. */
const char *const *sw_incr_paths(const struct sw_incr *in, size_t *n);

/* Year and month to start a set's year-less lines with (0: unknown). */
void sw_incr_year(const struct sw_incr *in, const char *set_path, int *year,
    int *mon);
/* The time of the last record read of a set, for the year kept. */
void sw_incr_saw(struct sw_incr *in, const char *set_path, int64_t time_us,
    int utc_off_min);

/*
 * Per line of a source named `name`: 1 if it was read by an earlier run
 * (skip it), else 0 (and the line is counted as read). `*entry` caches the
 * lookup for the source: start it at SIZE_MAX - 1 for each new source.
 */
int sw_incr_skip_line(struct sw_incr *in, const char *name, size_t *entry,
    const struct sw_line *line);
/* Journal entries: after parsing, 1 if the entry was read before. */
int sw_incr_skip_entry(struct sw_incr *in, const struct sw_line *line,
    const struct sw_record *rec);

/* Lines of connections left open by the last run, oldest first. */
const struct sw_state *sw_incr_old(const struct sw_incr *in);

/*
 * At the end of input: should connection c be kept for the next run
 * instead of being reported? (Not closed, and a line within `idle_us` of
 * the newest line read; a successful login only within a minute.) If so its lines are stored and 1 is returned.
 */
int sw_incr_defer(struct sw_incr *in, const struct sw_conn *c,
    int64_t newest_us, int64_t idle_us);

/* The new state, to add the names the daily report has seen. */
struct sw_state *sw_incr_next(struct sw_incr *in);
/* Whether a usable state was read (else everything is new). */
int sw_incr_had_state(const struct sw_incr *in);

/* Writes the new state (atomically). 0, or -1 with a message on `err`. */
int sw_incr_commit(struct sw_incr *in, FILE *err);

#endif
