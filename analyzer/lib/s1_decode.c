/*
 * s1_decode.c: stage 1, the decoders: gzip with every member, zstd and lz4
 * with every frame, xz and bzip2 with every stream, and plain bytes. Each
 * is picked by its magic (sniff), decodes into the caller's buffer (step)
 * and reports damage with the byte offset (s1_input_int.h).
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "s0_common.h"
#include "s1_input_int.h"


static int
sw_plain_sniff(const unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return 1;
}

static enum sw_status
sw_plain_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	ssize_t n;

	*got = 0;
	if (rd->in_pos < rd->in_len) {
		/* Only the sniffed first bytes go through inb. */
		size_t k = rd->in_len - rd->in_pos;
		if (k > cap)
			k = cap;
		memcpy(out, rd->inb + rd->in_pos, k);
		rd->in_pos += k;
		*got = k;
		return SW_OK;
	}
	if (rd->in_eof)
		return SW_EOF;
	n = sw_rd_sysread(rd, out, cap);
	if (n == -1)
		return sw_rd_read_error(in);
	if (n == 0) {
		rd->in_eof = 1;
		sw_rd_check_size(rd);
		return SW_EOF;
	}
	rd->in_off += (uint64_t)n;
	*got = (size_t)n;
	return SW_OK;
}

/* gzip, every member; zero padding after a member is tolerated. */

static int
sw_gz_sniff(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static enum sw_status
sw_gz_init(struct sw_input *in)
{
	z_stream *z = &in->rd.z;
	int ret;

	memset(z, 0, sizeof(*z));
	/* 15 + 32: largest window, gzip or zlib header detected. */
	if ((ret = inflateInit2(z, 15 + 32)) != Z_OK) {
		if (ret == Z_MEM_ERROR)
			sw_in_oom("zlib");
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start gzip decoder: %s", zError(ret));
	}
	in->rd.gz_in_member = 0;
	return SW_OK;
}

static enum sw_status
sw_gz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	z_stream *z = &rd->z;
	enum sw_status st = SW_OK;
	int ret;

	z->next_out = (Bytef *)out;
	z->avail_out = (uInt)cap;
	while (z->avail_out > 0) {
		if ((ret = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (ret == 0) {
			if (rd->gz_in_member)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated gzip stream at byte %llu "
				    "(input ended inside a member)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		if (!rd->gz_in_member) {
			while (rd->in_pos < rd->in_len &&
			    rd->inb[rd->in_pos] == 0)
				rd->in_pos++;
			if (rd->in_pos == rd->in_len)
				continue;
			if (rd->inb[rd->in_pos] != 0x1f) {
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "data after gzip member at byte %llu is "
				    "not gzip",
				    (unsigned long long)(rd->in_off -
				    (rd->in_len - rd->in_pos)));
				break;
			}
			inflateReset(z);
			rd->gz_in_member = 1;
		}
		z->next_in = rd->inb + rd->in_pos;
		z->avail_in = (uInt)(rd->in_len - rd->in_pos);
		ret = inflate(z, Z_NO_FLUSH);
		rd->in_pos = rd->in_len - z->avail_in;
		if (ret == Z_STREAM_END)
			rd->gz_in_member = 0;
		else if (ret == Z_MEM_ERROR)
			sw_in_oom("zlib");
		else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			/* Z_BUF_ERROR: no progress; more input is read. */
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt gzip data at byte %llu: %s",
			    (unsigned long long)(rd->in_off - z->avail_in),
			    z->msg != NULL ? z->msg : zError(ret));
			break;
		}
	}
	*got = cap - z->avail_out;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;	/* the next call reports the end */
	return st;
}

static void
sw_gz_end(struct sw_input *in)
{
	inflateEnd(&in->rd.z);
}

/* zstd, every frame, skippable frames too; window capped. */

static int
sw_zstd_sniff(const unsigned char *p, size_t n)
{
	if (n < 4)
		return 0;
	if (p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return 1;
	/* Skippable frames: 0x184D2A50..5F, little-endian. */
	return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
	    p[3] == 0x18;
}

static enum sw_status
sw_zstd_init(struct sw_input *in)
{
	ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
	int wlog = in->opts.zstd_window_log_max;
	size_t r;

	if (!ZSTD_isError(b.error)) {
		if (wlog < b.lowerBound)
			wlog = b.lowerBound;
		if (wlog > b.upperBound)
			wlog = b.upperBound;
	}
	if ((in->rd.zd = ZSTD_createDCtx()) == NULL)
		sw_in_oom("zstd");
	in->rd.zret = 1;	/* a frame is expected */
	in->rd.zwlog = wlog;
	r = ZSTD_DCtx_setParameter(in->rd.zd, ZSTD_d_windowLogMax, wlog);
	if (ZSTD_isError(r)) {
		ZSTD_freeDCtx(in->rd.zd);
		in->rd.zd = NULL;
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start zstd decoder: %s", ZSTD_getErrorName(r));
	}
	return SW_OK;
}

static enum sw_status
sw_zstd_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	ZSTD_outBuffer ob = { out, cap, 0 };
	ZSTD_inBuffer ib;
	enum sw_status st = SW_OK;
	size_t ret, before;
	int r;

	while (ob.pos < ob.size) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		/*
		 * A 0 hint means every frame so far ended and was flushed:
		 * at end of input that is a clean end. Otherwise the decoder
		 * may still have output to flush; once it makes no progress,
		 * the last frame was cut short.
		 */
		if (r == 0 && rd->zret == 0) {
			st = SW_EOF;
			break;
		}
		ib.src = rd->inb;
		ib.size = rd->in_len;
		ib.pos = rd->in_pos;
		before = ob.pos;
		ret = ZSTD_decompressStream(rd->zd, &ob, &ib);
		rd->in_pos = ib.pos;
		if (ZSTD_getErrorCode(ret) ==
		    ZSTD_error_frameParameter_windowTooLarge) {
			st = sw_rd_fail(in, SW_ERR_LIMIT,
			    "zstd frame window larger than 2^%d bytes at "
			    "byte %llu; rest skipped", rd->zwlog,
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)));
			break;
		}
		if (ZSTD_isError(ret)) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt zstd data at byte %llu: %s",
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)), ZSTD_getErrorName(ret));
			break;
		}
		rd->zret = ret;
		if (r == 0 && ret != 0 && ob.pos == before) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "truncated zstd stream at byte %llu "
			    "(input ended inside a frame)",
			    (unsigned long long)rd->in_off);
			break;
		}
	}
	*got = ob.pos;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_zstd_end(struct sw_input *in)
{
	ZSTD_freeDCtx(in->rd.zd);
	in->rd.zd = NULL;
}

/* xz (liblzma), every stream, padding between streams tolerated. */

static int
sw_xz_sniff(const unsigned char *p, size_t n)
{
	return n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0;
}

static enum sw_status
sw_xz_init(struct sw_input *in)
{
	lzma_stream init = LZMA_STREAM_INIT;
	lzma_ret ret;

	in->rd.xz = init;
	ret = lzma_stream_decoder(&in->rd.xz, SW_XZ_MEMLIMIT,
	    LZMA_CONCATENATED);
	if (ret == LZMA_MEM_ERROR)
		sw_in_oom("xz");
	if (ret != LZMA_OK)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start xz decoder (error %d)", (int)ret);
	return SW_OK;
}

static enum sw_status
sw_xz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	lzma_stream *x = &rd->xz;
	enum sw_status st = SW_OK;
	lzma_ret ret;
	int r;

	x->next_out = (uint8_t *)out;
	x->avail_out = cap;
	while (x->avail_out > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		x->next_in = rd->inb + rd->in_pos;
		x->avail_in = rd->in_len - rd->in_pos;
		ret = lzma_code(x, r == 0 ? LZMA_FINISH : LZMA_RUN);
		rd->in_pos = rd->in_len - x->avail_in;
		if (ret == LZMA_OK)
			continue;
		if (ret == LZMA_STREAM_END) {
			st = SW_EOF;
			break;
		}
		if (ret == LZMA_MEM_ERROR)
			sw_in_oom("xz");
		if (ret == LZMA_MEMLIMIT_ERROR)
			st = sw_rd_fail(in, SW_ERR_LIMIT, "xz stream at byte "
			    "%llu needs more than %llu MiB to decode; rest "
			    "skipped", (unsigned long long)(rd->in_off -
			    x->avail_in), (unsigned long long)(SW_XZ_MEMLIMIT >>
			    20));
		else if (ret == LZMA_BUF_ERROR && r == 0)
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "truncated xz stream at byte %llu (input ended "
			    "inside a stream)", (unsigned long long)rd->in_off);
		else
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt xz data at byte %llu (%s)",
			    (unsigned long long)(rd->in_off - x->avail_in),
			    ret == LZMA_FORMAT_ERROR ? "not xz" :
			    ret == LZMA_OPTIONS_ERROR ? "unsupported options" :
			    "data error");
		break;
	}
	*got = cap - x->avail_out;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_xz_end(struct sw_input *in)
{
	lzma_end(&in->rd.xz);
}

/* bzip2, every stream. */

static int
sw_bzip2_sniff(const unsigned char *p, size_t n)
{
	/* "BZh1".."BZh9", then a block or end-of-stream magic. */
	return n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' &&
	    p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
	    memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);
}

static enum sw_status
sw_bz_start(struct sw_input *in)
{
	int ret;

	memset(&in->rd.bz, 0, sizeof(in->rd.bz));
	if ((ret = BZ2_bzDecompressInit(&in->rd.bz, 0, 0)) != BZ_OK) {
		if (ret == BZ_MEM_ERROR)
			sw_in_oom("bzip2");
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "cannot start bzip2 decoder (error %d)", ret);
	}
	in->rd.bz_in_stream = 0;
	return SW_OK;
}

static enum sw_status
sw_bz_init(struct sw_input *in)
{
	return sw_bz_start(in);
}

static enum sw_status
sw_bz_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	bz_stream *b = &rd->bz;
	enum sw_status st = SW_OK;
	size_t room = cap, chunk;
	int ret, r;

	while (room > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (r == 0) {
			if (rd->bz_in_stream)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated bzip2 stream at byte %llu "
				    "(input ended inside a stream)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		if (!rd->bz_in_stream) {
			if (rd->inb[rd->in_pos] != 'B') {
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "data after bzip2 stream at byte %llu is "
				    "not bzip2",
				    (unsigned long long)(rd->in_off -
				    (rd->in_len - rd->in_pos)));
				break;
			}
			BZ2_bzDecompressEnd(b);
			if ((st = sw_bz_start(in)) != SW_OK)
				break;
			rd->bz_in_stream = 1;
		}
		chunk = room < UINT_MAX ? room : UINT_MAX;
		b->next_in = (char *)(rd->inb + rd->in_pos);
		b->avail_in = (unsigned)(rd->in_len - rd->in_pos);
		b->next_out = out + (cap - room);
		b->avail_out = (unsigned)chunk;
		ret = BZ2_bzDecompress(b);
		rd->in_pos = rd->in_len - b->avail_in;
		room -= chunk - b->avail_out;
		if (ret == BZ_STREAM_END)
			rd->bz_in_stream = 0;
		else if (ret == BZ_MEM_ERROR)
			sw_in_oom("bzip2");
		else if (ret != BZ_OK) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt bzip2 data at byte %llu (error %d)",
			    (unsigned long long)(rd->in_off - b->avail_in),
			    ret);
			break;
		}
	}
	*got = cap - room;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_bz_end(struct sw_input *in)
{
	BZ2_bzDecompressEnd(&in->rd.bz);
}

/* lz4 frames, every frame; skippable frames too. */

static int
sw_lz4_sniff(const unsigned char *p, size_t n)
{
	return n >= 4 && (memcmp(p, "\x04\x22\x4d\x18", 4) == 0 ||
	    memcmp(p, "\x02\x21\x4c\x18", 4) == 0);
}

static enum sw_status
sw_lz4_init(struct sw_input *in)
{
	LZ4F_errorCode_t e;

	if (memcmp(in->rd.inb, "\x02\x21\x4c\x18", 4) == 0)
		return sw_rd_fail(in, SW_ERR_UNSUPPORTED,
		    "legacy lz4 format, not supported (lz4 -l)");
	e = LZ4F_createDecompressionContext(&in->rd.lz, LZ4F_VERSION);
	if (LZ4F_isError(e))
		sw_in_oom("lz4");
	in->rd.lzret = 1;
	return SW_OK;
}

static enum sw_status
sw_lz4_step(struct sw_input *in, char *out, size_t cap, size_t *got)
{
	struct sw_reader *rd = &in->rd;
	enum sw_status st = SW_OK;
	size_t room = cap, dn, sn, ret;
	int r;

	while (room > 0) {
		if ((r = sw_rd_read(rd)) < 0) {
			st = sw_rd_read_error(in);
			break;
		}
		if (r == 0) {
			if (rd->lzret != 0)
				st = sw_rd_fail(in, SW_ERR_CORRUPT,
				    "truncated lz4 stream at byte %llu "
				    "(input ended inside a frame)",
				    (unsigned long long)rd->in_off);
			else
				st = SW_EOF;
			break;
		}
		dn = room;
		sn = rd->in_len - rd->in_pos;
		ret = LZ4F_decompress(rd->lz, out + (cap - room), &dn,
		    rd->inb + rd->in_pos, &sn, NULL);
		rd->in_pos += sn;
		room -= dn;
		if (LZ4F_isError(ret)) {
			st = sw_rd_fail(in, SW_ERR_CORRUPT,
			    "corrupt lz4 data at byte %llu: %s",
			    (unsigned long long)(rd->in_off -
			    (rd->in_len - rd->in_pos)), LZ4F_getErrorName(ret));
			break;
		}
		rd->lzret = ret;
		if (dn == 0 && sn == 0)
			break;	/* needs output room: come back */
	}
	*got = cap - room;
	if (st == SW_EOF && *got > 0)
		st = SW_OK;
	return st;
}

static void
sw_lz4_end(struct sw_input *in)
{
	LZ4F_freeDecompressionContext(in->rd.lz);
	in->rd.lz = NULL;
}

/* First match wins; plain text matches everything, so it is last. */
const struct sw_decoder sw_decoders[] = {
	{ "gzip", 1, sw_gz_sniff, sw_gz_init, sw_gz_step, sw_gz_end },
	{ "zstd", 1, sw_zstd_sniff, sw_zstd_init, sw_zstd_step, sw_zstd_end },
	{ "xz", 1, sw_xz_sniff, sw_xz_init, sw_xz_step, sw_xz_end },
	{ "bzip2", 1, sw_bzip2_sniff, sw_bz_init, sw_bz_step, sw_bz_end },
	{ "lz4", 1, sw_lz4_sniff, sw_lz4_init, sw_lz4_step, sw_lz4_end },
	{ "plain", 0, sw_plain_sniff, NULL, sw_plain_step, NULL },
};
const size_t sw_ndecoders = sizeof(sw_decoders) / sizeof(*sw_decoders);
