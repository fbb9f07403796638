/*
 * s7_producer.h: --threads. One input stream read in a thread of its own:
 * read and decompress (s1), split, parse (s2) and match (s3) into batches
 * of items that own their bytes, handed to the main thread through a small
 * bounded queue. The main thread merges the streams by time and does the
 * rest, as with one thread. The stream's diagnostics are recorded and
 * replayed by the consumer where a single-threaded run prints them.
 * Includes stages 0-3.
 */
#ifndef SW_S7_PRODUCER_H
#define SW_S7_PRODUCER_H

#include "s0_common.h"
#include "s1_input.h"
#include "s2_format.h"
#include "s3_match.h"
#include "s3_rules.h"

/* One record and, when it was matched, its event (spans into the batch). */
struct sw_item {
	struct sw_record rec;
	enum sw_status st;	/* SW_OK: ev holds the event; other: no rule
				   (as sw_match_record); SW_EOF: not matched
				   (client output with client rules off) */
	struct sw_event ev;
};

struct sw_producer;

/*
 * Starts the thread. `in` and `fmt` must have been made with `rdiag` (a
 * recorder, sw_diag_new_recorder) and are used only by the thread until
 * sw_producer_join; all three stay the caller's. `rs` is shared read-only.
 * `match_client`: whether client records are matched (client rules on).
 * Returns NULL when no thread could be made (the caller reads inline).
 */
struct sw_producer *sw_producer_start(struct sw_input *in,
    struct sw_format *fmt, struct sw_diag *rdiag, const struct sw_rules *rs,
    int match_client);

/*
 * The stream's next item, after replaying into `diag` the messages its
 * reading gave before it; NULL at the end of the stream (the messages of
 * its end replayed). Valid until the next call.
 */
const struct sw_item *sw_producer_next(struct sw_producer *p,
    struct sw_diag *diag);

/* Stops the thread (if still reading) and waits for it; the stats stay. */
void sw_producer_join(struct sw_producer *p);
/* After the join: the thread's CPU time in seconds (SSHWHY_DEBUG_THREADS). */
double sw_producer_cpu(const struct sw_producer *p);
const struct sw_match_stats *sw_producer_match_stats(
    const struct sw_producer *p);
/* Joins if needed, then frees the queue and batches (not in/fmt/rdiag). */
void sw_producer_free(struct sw_producer *p);

#endif
