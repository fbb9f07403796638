/*
 * s1_input_int.h: the input stage's insides, shared by its files:
 * s1_input.c (reading: sources opened in turn, decoded bytes split into
 * lines), s1_decode.c (the five decompressors and plain bytes),
 * s1_content.c (what the decoded bytes are: text, journal export, JSON,
 * native journal, tar) and s1_rotate.c (rotation names, the reading plan).
 * Not for later stages.
 */
#ifndef SW_S1_INPUT_INT_H
#define SW_S1_INPUT_INT_H

#include <sys/types.h>

#include <stdint.h>

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "s0_common.h"
#include "s1_input.h"
#include "s1_journal.h"

#define SW_IN_BUFSZ	((size_t)128 << 10)	/* compressed bytes, per read */
#define SW_DEC_BUFSZ	((size_t)128 << 10)	/* decoded bytes */
#define SW_SNIFF_MIN	16			/* longest magic we look at */
#define SW_TEXT_WINDOW	4096			/* bytes judged text or binary */
#define SW_XZ_MEMLIMIT	((uint64_t)256 << 20)	/* xz dictionary ceiling */
#define SW_JSON_MAX	(SW_JOURNAL_MAX_ENTRY + 4096)	/* one JSON line */
/*
 * Copies to $TMPDIR (tar members, a compressed or piped native journal)
 * are capped relative to the input (issue 13, D7): at most SW_SPILL_RATIO
 * times the size of the file being read, and never less than SW_SPILL_MIN
 * (stdin and pipes, whose size is unknown, get SW_SPILL_MIN); never more
 * than max_decompressed. Logs compress 10-30x, a repetitive one up to
 * about 60x.
 */
#define SW_SPILL_RATIO	64
#define SW_SPILL_MIN	((uint64_t)1 << 30)

enum sw_src_kind {
	SW_SRC_STREAM,		/* a file or stdin: decoders, then content */
	SW_SRC_JOURNAL_DIR,	/* a directory of journal files (sd-journal) */
	SW_SRC_JOURNAL_FILE,	/* one journal file, opened by path */
};

struct sw_source {
	char *name;		/* display name; also the path, unless stdin */
	char *path;		/* what to open when not name: a temporary copy */
	enum sw_src_kind kind;
	int is_stdin;
	int is_arg;		/* a file named on the command line */
	int depth;		/* 1: a member of an archive */
	int64_t mtime;
	int64_t set_mtime;	/* newest mtime of its rotated set */
	dev_t dev;
	ino_t ino;
	size_t slot;		/* plan position: argument index of its group */
	size_t seq;		/* tiebreak inside a slot */
};

struct sw_input;
struct sw_decoder {
	const char *name;
	int compressed;
	int (*sniff)(const unsigned char *p, size_t n);
	/* NULL init: recognised but not supported by this build. */
	enum sw_status (*init)(struct sw_input *in);
	/*
	 * Decodes into out[0..cap). Sets *got to the bytes produced even when
	 * it fails, so what came before the damage is kept. Returns SW_OK
	 * only with *got > 0; SW_EOF at a clean end; anything else sets the
	 * reason with sw_rd_fail().
	 */
	enum sw_status (*step)(struct sw_input *in, char *out, size_t cap,
	    size_t *got);
	void (*end)(struct sw_input *in);
};

/* The source being read. Reset by sw_rd_open(). */
struct sw_reader {
	int active;
	int fd;
	const struct sw_decoder *dec;
	int dec_live;		/* init succeeded; end() must run */

	unsigned char *inb;	/* compressed input, SW_IN_BUFSZ */
	size_t in_pos, in_len;
	int in_eof;
	uint64_t in_off;	/* bytes read from the fd so far */
	ssize_t (*read_hook)(void *ctx, int fd, void *buf, size_t n);
	void *read_ctx;		/* sw_input_opts.read_hook, for tests */
	int regular;		/* a regular file: its size is checked at EOF */
	int resized;		/* it shrank or grew while being read */
	int64_t size_at_eof;	/* its size then */

	char *d;		/* decoded bytes, SW_DEC_BUFSZ */
	size_t dpos, dlen;
	uint64_t dtotal;	/* decoded bytes of this source */
	int primed;		/* text/binary check done */

	z_stream z;
	int gz_in_member;
	ZSTD_DCtx *zd;
	size_t zret;		/* last ZSTD_decompressStream() hint */
	int zwlog;		/* its window log ceiling */
	lzma_stream xz;
	bz_stream bz;
	int bz_in_stream;
	LZ4F_dctx *lz;
	size_t lzret;		/* last LZ4F_decompress() hint */

	const struct sw_content *ct;	/* content reader */
	struct sw_jexport *jx;
	struct sw_jnative *jn;
	uint64_t jn_expect;	/* entries the journal headers count */
	uint64_t jn_read;
	struct sw_jentry je;
	struct sw_buf synth;	/* the line made from a journal entry */

	/* A line that straddles decode buffers is assembled here. */
	char *lb;
	size_t lb_len, lb_cap;
	uint64_t lb_total;	/* its real length, past the ceiling too */
	char lb_last;		/* its last byte, for the \r check */
	int partial;

	uint64_t lineno;
	uint64_t ncut;		/* lines cut: the first is reported with its
				   number, the count when the source ends */
	uint64_t cut_first;	/* number of the first line cut */
	int cut_entries;	/* they were journal entries, not lines */
	uint64_t nul_lines;	/* lines that started with a NUL run */

	enum sw_status end;	/* SW_OK while the source is still going */
	int reported;
	char reason[256];
};

struct sw_input {
	struct sw_input_opts opts;
	struct sw_diag *diag;
	struct sw_source *src;
	unsigned nsrc;
	unsigned cur;
	struct sw_reader rd;
	char *tmpdir;		/* created on first use, removed by free */
	unsigned ntmp;
	uint64_t spilled;	/* bytes copied out of archives */
};

/*
 * Content readers, chosen from the first decoded bytes: first match wins,
 * text lines last. init() may end the source through rd->end; next()
 * returns SW_OK with a line or SW_EOF when the source is done.
 */
struct sw_content {
	const char *name;
	int (*sniff)(const char *p, size_t n);
	enum sw_status (*init)(struct sw_input *in);
	enum sw_status (*next)(struct sw_input *in, struct sw_line *out);
	void (*end)(struct sw_input *in);
	int lines;		/* 1: text lines; 0: journal entries */
};

/* s1_decode.c: the decoders, first match wins, plain bytes last. */
extern const struct sw_decoder sw_decoders[];
extern const size_t sw_ndecoders;

/* s1_content.c: the content readers, first match wins, text last. */
extern const struct sw_content sw_contents[];
extern const size_t sw_ncontents;

/* s1_rotate.c: the reading plan. */
void sw_plan_build(struct sw_input *in, const char *const *paths,
    size_t npaths);
void sw_plan_set_mtimes(struct sw_source *v, size_t n);
void sw_plan_insert(struct sw_input *in, struct sw_source *add, size_t n);
int sw_is_journal_name(const char *name);
int sw_is_machine_id(const char *name);

/* s1_content.c: the copy ceiling for the current source (above). */
uint64_t sw_spill_cap(struct sw_input *in);

/* s1_input.c: reading, shared by the decoders and content readers. */
void sw_in_oom(const char *what);
enum sw_status sw_rd_fail(struct sw_input *in, enum sw_status st,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sw_rd_read(struct sw_reader *rd);
/* read(2) of the source's fd, or the test seam (sw_input_opts.read_hook);
 * retried on EINTR. */
ssize_t sw_rd_sysread(struct sw_reader *rd, void *buf, size_t n);
/* At EOF of a regular file: notes whether it shrank or grew meanwhile. */
void sw_rd_check_size(struct sw_reader *rd);
enum sw_status sw_rd_read_error(struct sw_input *in);
const char *sw_tmpdir(struct sw_input *in);
char *sw_tmpname(struct sw_input *in, const char *what);
enum sw_status sw_rd_refill(struct sw_input *in);
size_t sw_rd_peek(void *ctx, const char **p);
void sw_rd_consume(void *ctx, size_t n);
void sw_rd_report(struct sw_input *in);
void sw_rd_emit(struct sw_input *in, const char *p, uint64_t len,
    uint64_t lineno, struct sw_line *out);
enum sw_status sw_rd_rawline(struct sw_input *in, size_t max,
    const char **lp, uint64_t *total);

#endif
