/*
 * s1_journal.h: stage 1, systemd journal entries in, text lines out. Parses
 * `journalctl -o export` (text and binary fields), `-o json` / `-o json-seq`
 * (jansson) and, when built with libsystemd, native journal files and
 * directories (sd-journal). Each entry of an sshd program becomes ONE line
 * the format stage already parses:
 *
 *   2026-11-25T10:00:03.123456+00:00 HOST IDENT[PID]: MESSAGE
 *
 * Used by s1_input.c; the parsers are exposed for the fuzz targets and unit
 * tests. Includes only stages 0-1.
 */
#ifndef SW_S1_JOURNAL_H
#define SW_S1_JOURNAL_H

#include <stdint.h>

#include "s0_common.h"

/* Ceilings of journal entries (issue 5). */
#define SW_JOURNAL_MAX_FIELD	((size_t)64 << 10)	/* a kept field */
#define SW_JOURNAL_MAX_ENTRY	((uint64_t)1 << 20)	/* all fields of one entry */
#define SW_JOURNAL_MAX_FIELDS	256

/* The fields sshwhy uses; the first occurrence of each wins. */
enum sw_jfield {
	SW_JF_CURSOR,
	SW_JF_REALTIME,		/* __REALTIME_TIMESTAMP, decimal microseconds */
	SW_JF_HOSTNAME,
	SW_JF_IDENT,		/* SYSLOG_IDENTIFIER */
	SW_JF_COMM,
	SW_JF_PID,
	SW_JF_SYSLOG_PID,
	SW_JF_MESSAGE,
	SW_JF_N
};

/* One entry's kept fields, copied into its own storage. */
struct sw_jentry {
	struct sw_buf store;
	size_t off[SW_JF_N], len[SW_JF_N];
	unsigned have;		/* bit (1u << field) */
	uint64_t nfields;	/* every field, kept or not */
	uint64_t size;		/* bytes of every field's value */
};

void sw_jentry_init(struct sw_jentry *e);
void sw_jentry_reset(struct sw_jentry *e);
void sw_jentry_free(struct sw_jentry *e);
/* Keeps the value unless the field was already set. */
void sw_jentry_set(struct sw_jentry *e, enum sw_jfield f, const void *p,
    size_t n);
/* The field's bytes (empty span when absent); valid until the next set. */
struct sw_span sw_jentry_get(const struct sw_jentry *e, enum sw_jfield f);
/* Field index of a journal field name, or -1 when sshwhy does not use it. */
int sw_jfield_lookup(const char *name, size_t len);
const char *sw_jfield_name(enum sw_jfield f);

/*
 * Whether the entry is an sshd one: SYSLOG_IDENTIFIER, or _COMM when there
 * is none, is sshd, sshd-session or sshd-auth.
 */
int sw_jentry_is_sshd(const struct sw_jentry *e);

/*
 * Writes the entry as one syslog line into `out` (reset first). Time from
 * __REALTIME_TIMESTAMP in UTC with microseconds, HOST from _HOSTNAME ("-"
 * when absent), PID from _PID or SYSLOG_PID, IDENT and HOST with every
 * space, '[', ']', ':' and control byte made '_', MESSAGE with '\n' and
 * '\r' written as the two characters \n and \r. Returns SW_OK, or
 * SW_ERR_PARSE with *why set (static text) when the entry has no usable
 * time or no MESSAGE.
 */
enum sw_status sw_jentry_format(const struct sw_jentry *e, struct sw_buf *out,
    const char **why);

/*
 * A pull interface to a byte stream, so the export parser reads decoded
 * bytes from the input stage, a test buffer or a fuzz input alike.
 * peek() makes at least one byte available and returns how many are at *p,
 * or 0 at the end of the stream; consume() drops n <= that many bytes.
 */
struct sw_bytes {
	void *ctx;
	size_t (*peek)(void *ctx, const char **p);
	void (*consume)(void *ctx, size_t n);
};

/*
 * Journal export reader. sw_jexport_next() returns SW_OK with the next
 * sshd entry in *e and its 1-based entry number (every entry counts, sshd
 * or not) in *entryno, or SW_EOF at the end. Damage is reported through
 * `diag` under `origin` (both borrowed) with the entry number and byte
 * offset: malformed fields (skipped to the next blank line), fields over
 * the ceilings, an export cut inside an entry or a binary field (SKIPPED,
 * which makes the diag partial). Other entries are skipped without being
 * formatted.
 */
struct sw_jexport;

struct sw_jexport *sw_jexport_new(const char *origin, struct sw_diag *diag);
void sw_jexport_free(struct sw_jexport *x);
enum sw_status sw_jexport_next(struct sw_jexport *x, struct sw_bytes *in,
    struct sw_jentry *e, uint64_t *entryno);

/* Whether decoded bytes start like a journal export. */
int sw_jexport_sniff(const char *p, size_t n);
/* Whether decoded bytes start like journalctl -o json / json-seq. */
int sw_jjson_sniff(const char *p, size_t n);

/*
 * Parses one line of `journalctl -o json` or `-o json-seq` (a leading RS
 * and blanks are skipped). Returns SW_OK with the entry's kept fields in
 * *e (reset first); SW_EOF for a blank line; SW_ERR_NOMATCH when the line
 * cannot be an sshd entry (checked cheaply before parsing); SW_ERR_PARSE
 * with a reason in why[] for bad JSON, a value of an unexpected type or a
 * field over the ceiling. A value may be a string, an array of byte values
 * (binary data) or an array of several values (the first is used).
 */
enum sw_status sw_jjson_parse(const char *p, size_t n, struct sw_jentry *e,
    char *why, size_t whylen);

/*
 * Native journal files through sd-journal. `paths` are journal files, or
 * one directory when is_dir (sd_journal_open_directory: the directory and
 * its machine-id subdirectories). sw_jnative_next() returns SW_OK with the
 * next sshd entry and its 1-based number among all entries (the order of
 * `journalctl -o export` on the same files), SW_EOF at the end, or an
 * error with why[] set; the cursor is kept in the SW_JF_CURSOR field.
 * Without libsystemd, sw_jnative_open() returns SW_ERR_UNSUPPORTED.
 */
struct sw_jnative;

int sw_jnative_available(void);
enum sw_status sw_jnative_open(const char *const *paths, size_t npaths,
    int is_dir, struct sw_jnative **out, char *why, size_t whylen);
enum sw_status sw_jnative_next(struct sw_jnative *j, struct sw_jentry *e,
    uint64_t *entryno, char *why, size_t whylen);
void sw_jnative_close(struct sw_jnative *j);

/* Whether bytes start with the journal file magic "LPKSHHRH". */
int sw_jnative_sniff(const char *p, size_t n);

/*
 * Checks a journal file's header against its size: SW_OK, or
 * SW_ERR_CORRUPT with why[] saying the file is shorter than its header
 * says (a cut tail) and from which byte, so the caller can report it while
 * sd-journal reads what is there.
 */
enum sw_status sw_jnative_check_size(const char *path, char *why,
    size_t whylen);

/*
 * Writes to `dst` a copy of the journal file `src` (at most `max` bytes)
 * cut after its last whole object, with the header made to agree (arena
 * size, tail object, object and entry counts), so that sd-journal, which
 * refuses a file shorter than its header says, reads the entries before
 * the cut. SW_OK with their number in *nentries, or SW_ERR_CORRUPT and
 * why[].
 */
enum sw_status sw_jnative_repair(const char *src, const char *dst,
    uint64_t max, uint64_t *nentries, char *why, size_t whylen);

/* The entry count in a journal file's header; 0 if it is not one. */
uint64_t sw_jnative_header_entries(const char *path);

/*
 * The size a journal file's header says the file has (header plus arena),
 * from its first n bytes; 0 when they are not a plausible header (too
 * short, a header size under 208 bytes or over 1 MiB): such bytes are not
 * worth copying to a file for sd-journal.
 */
uint64_t sw_jnative_header_bytes(const unsigned char *h, size_t n);

#endif
