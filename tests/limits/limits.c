/*
 * limits.c: the ceilings hold (issue 13, item 3). Each case writes a
 * hostile input into a temporary directory, runs the sshwhy binary on it
 * and reads the child's resource use from wait4(): peak resident memory
 * and CPU time (user + system), which unlike wall-clock time do not depend
 * on how busy the machine is. A case passes when the run stays under its
 * memory bound and a generous CPU ceiling, exits with the expected status
 * bits and says on stderr what it cut.
 *
 *   limits SSHWHY CASE          one case (CTest runs each as limits/CASE)
 *   limits SSHWHY --list        the case names
 *
 * Sanitizer builds (SW_LIMITS_SANITIZED) multiply the bounds: ASan keeps
 * shadow memory and a quarantine of freed blocks, and runs slower.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#ifdef SW_LIMITS_SANITIZED
#define MEM_SCALE	4
#define MEM_EXTRA_MB	600
#define CPU_SCALE	8
#else
#define MEM_SCALE	1
#define MEM_EXTRA_MB	0
#define CPU_SCALE	1
#endif

static char tdir[PATH_MAX - 64];

static void
die(const char *what)
{
	fprintf(stderr, "limits: %s: %s\n", what, strerror(errno));
	exit(2);
}

static FILE *
create(const char *name, char *path)
{
	FILE *f;

	snprintf(path, PATH_MAX, "%s/%s", tdir, name);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	return f;
}

static void
put(FILE *f, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, f) != n)
		die("write");
}

/* Inputs. */

static void
gen_long_lines(char *path)
{
	FILE *f = create("long.log", path);
	char *a = malloc((size_t)8 << 20);
	int i;

	memset(a, 'A', (size_t)8 << 20);
	for (i = 0; i < 8; i++) {
		fprintf(f, "Nov 25 10:00:0%d h sshd[%d]: Invalid user ", i,
		    100 + i);
		put(f, a, (size_t)8 << 20);
		fprintf(f, " from 10.0.0.%d port 22\n", i);
	}
	fprintf(f, "Nov 25 10:00:09 h sshd[200]: Invalid user bob from "
	    "10.0.1.1 port 22\n");
	fclose(f);
	free(a);
}

static void
gen_binary(char *path)
{
	FILE *f = create("random.log", path);
	unsigned char *b = malloc(1 << 20);
	uint64_t x = 88172645463325252ULL;
	int i, j;

	for (i = 0; i < 64; i++) {
		for (j = 0; j < (1 << 20); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[j] = (unsigned char)x;
		}
		put(f, b, 1 << 20);
	}
	fclose(f);
	free(b);
}

/* One compressed frame of `n` bytes from `src`, in `codec`. */
static unsigned char *
frame(const char *codec, const unsigned char *src, size_t n, size_t *outlen)
{
	size_t cap = n + n / 2 + 65536;
	unsigned char *out = malloc(cap);

	if (strcmp(codec, "gzip") == 0) {
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY))
			die("deflateInit2");
		z.next_in = (Bytef *)(uintptr_t)src;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			die("deflate");
		*outlen = z.total_out;
		deflateEnd(&z);
	} else if (strcmp(codec, "zstd") == 0) {
		*outlen = ZSTD_compress(out, cap, src, n, 19);
		if (ZSTD_isError(*outlen))
			die("zstd");
	} else if (strcmp(codec, "xz") == 0) {
		size_t pos = 0;

		if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, src, n,
		    out, &pos, cap) != LZMA_OK)
			die("xz");
		*outlen = pos;
	} else {	/* lz4 */
		*outlen = LZ4F_compressFrame(out, cap, src, n, NULL);
		if (LZ4F_isError(*outlen))
			die("lz4");
	}
	return out;
}

/* `reps` frames of 1 MiB each: NULs, or sshd lines (text). */
static void
gen_bomb(const char *codec, int text, int reps, const char *name, char *path)
{
	FILE *f = create(name, path);
	unsigned char *block = calloc(1, 1 << 20), *z;
	size_t zl, off = 0;
	int i;

	if (text) {
		unsigned k = 0;
		while (off + 128 < (1 << 20)) {
			/* Another program's lines: read, split, parsed and
			 * dropped; memory must stay flat however many. */
			int w = snprintf((char *)block + off, 128, "Nov 25 10:00:00 "
			    "h CRON[%u]: pam_unix(cron:session): session opened "
			    "for user u%u by (uid=0)\n", 1000 + k, k % 97);
			off += (size_t)w;
			k++;
		}
		memset(block + off, '\n', (1 << 20) - off);
	}
	z = frame(codec, block, 1 << 20, &zl);
	for (i = 0; i < reps; i++)
		put(f, z, zl);
	fclose(f);
	free(z);
	free(block);
}

/* A tar.gz whose member var/log/auth.log is `mib` MiB of NULs, as
 * concatenated gzip members (a tar is one stream to the reader). */
static void
gen_tar_bomb(int mib, char *path)
{
	FILE *f = create("bundle.tar.gz", path);
	unsigned char hdr[512], *zeros = calloc(1, 1 << 20), *z;
	unsigned sum = 0;
	size_t zl, i;
	int k;

	memset(hdr, 0, sizeof(hdr));
	snprintf((char *)hdr, 100, "var/log/auth.log");
	snprintf((char *)hdr + 100, 8, "0000644");
	snprintf((char *)hdr + 108, 8, "0000000");
	snprintf((char *)hdr + 116, 8, "0000000");
	snprintf((char *)hdr + 124, 12, "%011llo",
	    ((unsigned long long)mib << 20) & 077777777777ULL);
	snprintf((char *)hdr + 136, 12, "%011o", 1764064800u);
	hdr[156] = '0';
	memcpy(hdr + 257, "ustar", 6);
	memcpy(hdr + 263, "00", 2);
	memset(hdr + 148, ' ', 8);
	for (i = 0; i < sizeof(hdr); i++)
		sum += hdr[i];
	snprintf((char *)hdr + 148, 8, "%06o", sum);
	z = frame("gzip", hdr, sizeof(hdr), &zl);
	put(f, z, zl);
	free(z);
	z = frame("gzip", zeros, 1 << 20, &zl);
	for (k = 0; k < mib + 1; k++)	/* the member and the end blocks */
		put(f, z, zl);
	free(z);
	fclose(f);
	free(zeros);
}

static void
gen_journal_bomb(char *path)
{
	FILE *f = create("system.journal.gz", path);
	unsigned char *b = calloc(1, 1 << 20), *z;
	size_t zl;
	int i;

	memcpy(b, "LPKSHHRH", 8);
	z = frame("gzip", b, 1 << 20, &zl);
	put(f, z, zl);
	free(z);
	memset(b, 0, 8);
	z = frame("gzip", b, 1 << 20, &zl);
	for (i = 0; i < 2047; i++)
		put(f, z, zl);
	free(z);
	free(b);
	fclose(f);
}

/* One line per connection: a million pids, addresses and user names, one
 * second apart so connections expire as a real log's would. */
static void
gen_many(char *path)
{
	FILE *f = create("many.log", path);
	static const char *mon[] = { "Nov", "Dec" };
	long i;

	for (i = 0; i < 1000000; i++) {
		long t = i, day = t / 86400 + 1;
		fprintf(f, "%s %2ld %02ld:%02ld:%02ld h sshd[%ld]: Invalid user "
		    "u%ld from 10.%ld.%ld.%ld port %ld\n", mon[day > 30],
		    day > 30 ? day - 30 : day, (t / 3600) % 24, (t / 60) % 60,
		    t % 60, 100000 + i, i, (i >> 16) & 255, (i >> 8) & 255,
		    i & 255, 1024 + i % 60000);
	}
	fclose(f);
}

/* Lines built to make the rules' patterns backtrack: a message prefix of
 * a rule family, then tokens its pattern matches in many ways, without
 * the tail it needs. 64 KiB each, 1 200 of them. */
static void
gen_pathological(char *path)
{
	static const char *prefix[] = {
		"Failed password for ", "Failed publickey for ",
		"Invalid user ", "Accepted publickey for ",
		"Connection closed by invalid user ",
		"Disconnecting authenticating user ",
		"Disconnected from authenticating user ",
		"Received disconnect from ",
		"pam_unix(sshd:auth): authentication failure; logname= uid=0 ",
		"User ", "error: ", "Unable to negotiate with ",
	};
	static const char *tok[] = {
		" from 1.2.3.4 port 22", " 1.2.3.4 port 22 ssh2:", " user x",
		" rhost=1.2.3.4 user=", " for invalid user ", ":",
	};
	FILE *f = create("patho.log", path);
	char *line = malloc(1 << 16);
	size_t p, t, k;
	int r;

	for (r = 0; r < 100; r++)
		for (p = 0; p < sizeof(prefix) / sizeof(*prefix); p++) {
			size_t n = (size_t)snprintf(line, 200, "Nov 25 10:00:00 h "
			    "sshd[%zu]: %s", 1000 + p, prefix[p]);
			for (k = 0; n + 40 < 65000; k++) {
				t = (k + (size_t)r) % (sizeof(tok) / sizeof(*tok));
				n += (size_t)snprintf(line + n, 40, "%s", tok[t]);
			}
			line[n++] = '\n';
			put(f, line, n);
		}
	fclose(f);
	free(line);
}

/* Cases. */

struct lcase {
	const char *name;
	void (*gen)(char *path);
	const char *extra;	/* one extra argument, or NULL */
	int rc_bits;		/* bits the exit status must have */
	const char *stderr_has;	/* what the run must say */
	long mem_mb;		/* peak RSS bound */
	long cpu_s;		/* CPU time ceiling */
};

static void g_gzip(char *p) { gen_bomb("gzip", 0, 4096, "nul.log.gz", p); }
static void g_zstd(char *p) { gen_bomb("zstd", 0, 4096, "nul.log.zst", p); }
static void g_xz(char *p) { gen_bomb("xz", 0, 2048, "nul.log.xz", p); }
static void g_lz4(char *p) { gen_bomb("lz4", 0, 4096, "nul.log.lz4", p); }
static void g_text(char *p) { gen_bomb("gzip", 1, 512, "text.log.gz", p); }
static void g_tar(char *p) { gen_tar_bomb(512, p); }

static const struct lcase cases[] = {
	{ "long-lines", gen_long_lines, NULL, 4,
	  "8 lines longer than 65536 bytes were cut", 48, 20 },
	{ "binary", gen_binary, NULL, 4,
	  "binary data, not a text log", 16, 5 },
	{ "bomb-gzip", g_gzip, NULL, 4,
	  "more than 256 MiB of NUL bytes at the start", 32, 30 },
	{ "bomb-zstd", g_zstd, NULL, 4,
	  "more than 256 MiB of NUL bytes at the start", 32, 30 },
	{ "bomb-xz", g_xz, NULL, 4,
	  "more than 256 MiB of NUL bytes at the start", 48, 60 },
	{ "bomb-lz4", g_lz4, NULL, 4,
	  "more than 256 MiB of NUL bytes at the start", 32, 30 },
	{ "bomb-text", g_text, NULL, 0,
	  "Read 5826560 lines", 32, 60 },
	{ "bomb-tar", g_tar, NULL, 4,
	  "starts with more than 16 MiB of NUL bytes; not copied", 32, 60 },
	{ "bomb-journal", gen_journal_bomb, NULL, 4,
	  "journal.gz: skipped: ", 32, 10 },
	{ "many-connections", gen_many, NULL, 0,
	  "1000000 lines", 160, 120 },
	{ "pathological", gen_pathological, NULL, 0,
	  "Read 1200 lines", 48, 120 },
};

static void
rm_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX + 256];

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) != 0 && errno == EISDIR)
			rm_tmp(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static int
run_case(const char *bin, const struct lcase *c)
{
	char input[PATH_MAX], errpath[PATH_MAX], outpath[PATH_MAX];
	char tmp[PATH_MAX], *err;
	struct rusage ru;
	struct stat st;
	pid_t pid;
	int status, fd, ok = 1, rc;
	long mem_mb, mem_bound, cpu_bound;
	double cpu;
	FILE *ef;
	size_t n;

	c->gen(input);
	snprintf(errpath, sizeof(errpath), "%s/stderr", tdir);
	snprintf(outpath, sizeof(outpath), "%s/stdout", tdir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", tdir);
	if (mkdir(tmp, 0700) != 0)
		die(tmp);
	fflush(NULL);
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		const char *argv[8] = { bin, "--year", "2026", "-f", "text" };
		int a = 5;

		if (c->extra != NULL)
			argv[a++] = c->extra;
		argv[a++] = input;
		argv[a] = NULL;
		setenv("TMPDIR", tmp, 1);
		if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		if ((fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(bin, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	mem_mb = ru.ru_maxrss / 1024;
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	mem_bound = c->mem_mb * MEM_SCALE + MEM_EXTRA_MB;
	cpu_bound = c->cpu_s * CPU_SCALE;
	if (stat(input, &st) != 0)
		die(input);

	/* What it said: stderr, then the end of stdout (the summary). */
	err = calloc(1, 1 << 17);
	n = 0;
	if ((ef = fopen(errpath, "r")) != NULL) {
		n = fread(err, 1, (1 << 16) - 1, ef);
		fclose(ef);
	}
	if ((ef = fopen(outpath, "r")) != NULL) {
		if (fseek(ef, -65536, SEEK_END) != 0)
			rewind(ef);
		n += fread(err + n, 1, 65535, ef);
		fclose(ef);
	}
	err[n] = '\0';
	unlink(input);
	printf("limits/%s: input %lld bytes, exit %d, peak RSS %ld MiB "
	    "(bound %ld), CPU %.2f s (ceiling %ld)\n", c->name,
	    (long long)st.st_size, rc, mem_mb, mem_bound, cpu, cpu_bound);
	if (rc > 7 || (rc & c->rc_bits) != c->rc_bits || (rc & 2)) {
		printf("  FAIL: exit status %d, want bits %d\n", rc, c->rc_bits);
		ok = 0;
	}
	if (mem_mb > mem_bound) {
		printf("  FAIL: peak RSS %ld MiB over %ld\n", mem_mb, mem_bound);
		ok = 0;
	}
	if (cpu > (double)cpu_bound) {
		printf("  FAIL: CPU %.2f s over %ld\n", cpu, cpu_bound);
		ok = 0;
	}
	if (strstr(err, c->stderr_has) == NULL) {
		err[n > 2000 ? 2000 : n] = '\0';
		printf("  FAIL: output lacks '%s':\n%s\n", c->stderr_has, err);
		ok = 0;
	}
	/* Every temporary copy is gone. */
	rm_tmp(tmp);
	free(err);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	size_t i;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: limits SSHWHY CASE|--list\n");
		return 2;
	}
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (strcmp(argv[2], "--list") == 0) {
			printf("%s\n", cases[i].name);
			rc = 0;
			continue;
		}
		if (strcmp(argv[2], cases[i].name) != 0)
			continue;
		snprintf(tdir, sizeof(tdir), "%s/sw_limits_XXXXXX",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(tdir) == NULL)
			die("mkdtemp");
		rc = run_case(argv[1], &cases[i]);
		rm_tmp(tdir);
	}
	return rc;
}
