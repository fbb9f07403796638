/* Unit tests for the --state file (stage 7): round trip and damage. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s7_state.h"

static char path[64];

static void
setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/sw-state-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
}

static void
teardown(void)
{
	unlink(path);
}

TestSuite(state, .init = setup, .fini = teardown);

Test(state, round_trip_keeps_hostile_names_whole)
{
	struct sw_state st, back;
	struct sw_state_file *f;
	struct sw_buf why;
	static const char evil[] = "ev il\nend 0000000000000000\n%00";

	memset(&st, 0, sizeof(st));
	sw_buf_init(&why, 1024);
	f = sw_state_add_file(&st, "/var/log/auth log");
	f->dev = 2049;
	f->ino = 1234567;
	f->hashlen = 4096;
	f->hash = 0xfedcba9876543210ULL;
	f->lines = 42;
	f->done = 1;
	sw_state_add_user(&st, evil);
	sw_state_add_user(&st, "alice");
	sw_state_add_cause(&st, "unknown-key");
	sw_state_add_pending(&st, 1795600800000000LL, 7, "auth.log", evil,
	    strlen(evil));
	sw_state_add_journal(&st, "/var/log/journal", -5, "s=1;i=2", 7);
	sw_state_set_year(&st, "/var/log/auth.log", 2026, 12);
	cr_assert_eq(sw_state_save(&st, path, &why), 0, "%s", why.p);
	cr_assert_eq(sw_state_load(&back, path, &why), 0, "%s", why.p);
	cr_expect_eq(back.nfiles, 1);
	cr_expect_str_eq(back.files[0].path, "/var/log/auth log");
	cr_expect_eq(back.files[0].hash, 0xfedcba9876543210ULL);
	cr_expect_eq(back.files[0].lines, 42);
	cr_expect_eq(back.files[0].done, 1);
	cr_expect_eq(back.nusers, 2);
	cr_expect(sw_state_has_name(back.users, back.nusers, evil));
	cr_expect(sw_state_has_name(back.users, back.nusers, "alice"));
	cr_expect(!sw_state_has_name(back.users, back.nusers, "ev il"));
	cr_expect_eq(back.npending, 1);
	cr_expect_str_eq(back.pending[0].text, evil);
	cr_expect_eq(back.journals[0].time_us, -5);
	cr_expect_eq(sw_state_find_year(&back, "/var/log/auth.log")->mon, 12);
	sw_state_free(&st);
	sw_state_free(&back);
	sw_buf_free(&why);
}

Test(state, any_changed_byte_is_caught)
{
	struct sw_state st, back;
	struct sw_buf why;
	FILE *fp;
	char buf[4096];
	size_t n, i, caught = 0;

	memset(&st, 0, sizeof(st));
	sw_buf_init(&why, 1024);
	sw_state_add_user(&st, "alice");
	sw_state_add_cause(&st, "wrong-password");
	cr_assert_eq(sw_state_save(&st, path, &why), 0);
	fp = fopen(path, "rb");
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (i = 0; i < n; i++) {
		buf[i] ^= 0x04;
		fp = fopen(path, "wb");
		fwrite(buf, 1, n, fp);
		fclose(fp);
		sw_buf_reset(&why);
		if (sw_state_load(&back, path, &why) != 0)
			caught++;
		else
			sw_state_free(&back);
		buf[i] ^= 0x04;
	}
	cr_expect_eq(caught, n, "%zu of %zu changed bytes caught", caught, n);
	sw_state_free(&st);
	sw_buf_free(&why);
}
