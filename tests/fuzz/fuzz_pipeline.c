/*
 * fuzz_pipeline.c: the whole pipeline, bytes in, reports out (issue 13).
 * The bytes become one input file (any kind: text, compressed, journal,
 * tar) read with the real rules; every input is reported as NDJSON and in
 * one more format picked by the first byte (text, JSON, Markdown), and each
 * output is checked for what a reader of the report relies on:
 *   - JSON and every NDJSON line parse (jansson, NUL escapes allowed);
 *   - text and Markdown hold no raw control byte but the newline, and no
 *     invisible or bidi code point (U+2028, RLO, ZWSP, ...);
 *   - no finding's source address comes only from its user name: after
 *     the first occurrence of the user name is cut out of each evidence
 *     line, the address must still be in one of them;
 *   - planted names: when bit 2 of the first byte is set, the NDJSON run
 *     reads the input with " from 6.6.6.6 port 6666 ssh2" planted after
 *     the word that follows the first " for " or " user " of each line
 *     (where sshd writes the client's user name); no finding may then
 *     have 6.6.6.6 or port 6666 as its source, unless the input already
 *     held them.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <sys/mman.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s7_pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
fuzz_rules_dir(void)
{
	const char *dir = getenv("SSHWHY_RULES");

	return dir != NULL ? dir : SW_SOURCE_RULES_DIR;
}

/* Runs the pipeline over `path` in `format`; returns the report. */
static char *
fuzz_run(const char *path, const char *format, size_t *len)
{
	struct sw_run_opts o;
	const char *paths[1] = { path };
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len), *err = fopen("/dev/null", "w");

	if (out == NULL || err == NULL)
		abort();
	sw_run_opts_default(&o);
	if (sw_run_set_format(&o, format) != 0)
		abort();
	o.year = 2026;
	o.all = 1;
	o.unmatched = 1;
	(void)sw_run_analyze(&o, fuzz_rules_dir(), paths, 1, out, err);
	fclose(out);
	fclose(err);
	return buf;
}

/* Decodes one UTF-8 sequence; 0 when invalid. */
static size_t
fuzz_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	return k;
}

static int
fuzz_invisible(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2069) || c == 0xfeff;
}

/* Text and Markdown: printable, newline-separated, nothing invisible. */
static void
fuzz_check_printable(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] == '\n' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		n = fuzz_utf8(p + i, len - i, &cp);
		if (n == 0 || fuzz_invisible(cp))
			abort();
		i += n;
	}
}

/* The finding's address must appear in an evidence line outside the
 * first occurrence of the user name. */
static void
fuzz_check_address(json_t *f)
{
	const char *ip = json_string_value(json_object_get(f, "source_ip"));
	const char *user = json_string_value(json_object_get(f, "user"));
	json_t *ev = json_object_get(f, "evidence"), *e;
	size_t i, iplen, ulen;

	if (ip == NULL || user == NULL || *user == '\0' || !json_is_array(ev) ||
	    strstr(user, ip) == NULL)
		return;
	iplen = strlen(ip);
	ulen = strlen(user);
	json_array_foreach(ev, i, e) {
		const char *t = json_string_value(json_object_get(e, "text"));
		const char *u, *hit;

		if (t == NULL)
			continue;
		u = strstr(t, user);
		for (hit = strstr(t, ip); hit != NULL; hit = strstr(hit + 1, ip))
			if (u == NULL || hit + iplen <= u || hit >= u + ulen)
				return;
	}
	abort();
}

static void
fuzz_check_json_value(json_t *v)
{
	json_t *list, *f;
	size_t i;

	if (!json_is_object(v))
		abort();
	list = json_object_get(v, "findings");
	if (list == NULL) {
		/* An NDJSON line: a finding or the summary. */
		if (json_object_get(v, "source_ip") != NULL)
			fuzz_check_address(v);
		return;
	}
	if (!json_is_array(list))
		abort();
	json_array_foreach(list, i, f)
		fuzz_check_address(f);
}

static void
fuzz_check_json(const char *buf, size_t len, int lines)
{
	json_error_t jerr;
	json_t *v;
	size_t start = 0, i;

	if (!lines) {
		if ((v = json_loadb(buf, len, JSON_ALLOW_NUL, &jerr)) == NULL)
			abort();
		fuzz_check_json_value(v);
		json_decref(v);
		return;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if ((v = json_loadb(buf + start, i - start, JSON_ALLOW_NUL, &jerr)) == NULL)
			abort();
		fuzz_check_json_value(v);
		json_decref(v);
		start = i + 1;
	}
	if (start != len)
		abort();	/* every NDJSON line ends in a newline */
}

#define FUZZ_PLANT " from 6.6.6.6 port 6666 ssh2"

static int
fuzz_has(const uint8_t *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

/* The input with FUZZ_PLANT after the user name of each line. */
static uint8_t *
fuzz_plant(const uint8_t *p, size_t n, size_t *outlen)
{
	uint8_t *o = malloc(n + n / 8 * sizeof(FUZZ_PLANT) + sizeof(FUZZ_PLANT));
	size_t i = 0, k = 0;

	if (o == NULL)
		abort();
	while (i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, at = end, j;
		const uint8_t *m = NULL, *m2;

		m = memmem(p + i, end - i, " for ", 5);
		m2 = memmem(p + i, end - i, " user ", 6);
		if (m == NULL || (m2 != NULL && m2 < m))
			m = m2;
		if (m != NULL) {
			j = (size_t)(m - p) + (m == m2 ? 6 : 5);
			while (j < end && p[j] != ' ')
				j++;
			at = j;
		}
		memcpy(o + k, p + i, at - i);
		k += at - i;
		if (m != NULL && (k + sizeof(FUZZ_PLANT) + (n - at) <=
		    n + n / 8 * sizeof(FUZZ_PLANT) + sizeof(FUZZ_PLANT))) {
			memcpy(o + k, FUZZ_PLANT, sizeof(FUZZ_PLANT) - 1);
			k += sizeof(FUZZ_PLANT) - 1;
		}
		memcpy(o + k, p + at, end - at);
		k += end - at;
		if (nl != NULL)
			o[k++] = '\n';
		i = end + 1;
	}
	*outlen = k;
	return o;
}

static void
fuzz_check_planted(const char *buf, size_t len)
{
	if (memmem(buf, len, "\"source_ip\":\"6.6.6.6\"", 22) != NULL ||
	    memmem(buf, len, "\"source_port\":6666,", 19) != NULL)
		abort();
}

static int
fuzz_write(int fd, const uint8_t *p, size_t n)
{
	size_t off = 0;

	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "text", "json", "markdown" };
	const char *format;
	char path[64], *buf;
	size_t len = 0;
	int fd, plant;

	if (size < 1)
		return 0;
	format = formats[data[0] % 3];
	plant = (data[0] & 4) != 0 && !fuzz_has(data + 1, size - 1, "6.6.6.6")
	    && !fuzz_has(data + 1, size - 1, "6666");
	if ((fd = memfd_create("fuzz_pipeline", MFD_CLOEXEC)) == -1)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (plant) {
		size_t plen;
		uint8_t *planted = fuzz_plant(data + 1, size - 1, &plen);

		if (fuzz_write(fd, planted, plen) == 0) {
			buf = fuzz_run(path, "ndjson", &len);
			fuzz_check_json(buf, len, 1);
			fuzz_check_planted(buf, len);
			free(buf);
		}
		free(planted);
	}
	if (fuzz_write(fd, data + 1, size - 1) != 0)
		goto out;
	if (!plant) {
		buf = fuzz_run(path, "ndjson", &len);
		fuzz_check_json(buf, len, 1);
		free(buf);
	}
	buf = fuzz_run(path, format, &len);
	if (strcmp(format, "json") == 0)
		fuzz_check_json(buf, len, 0);
	else
		fuzz_check_printable(buf, len);
	free(buf);
out:
	close(fd);
	return 0;
}
