/*
 * fuzz_rules.c: the rule-file loader on arbitrary bytes (one rule file in a
 * fresh directory per input); it must refuse or load, never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/sw-fuzz-rules-XXXXXX", path[64];
	struct sw_diag *diag;
	struct sw_rules *rs;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/fuzz.yaml", dir);
	if ((fp = fopen(path, "wb")) != NULL) {
		fwrite(data, 1, size, fp);
		fclose(fp);
	}
	diag = sw_diag_new(NULL, 1);
	rs = sw_rules_load(dir, diag);
	sw_rules_free(rs);
	sw_diag_free(diag);
	unlink(path);
	rmdir(dir);
	return 0;
}
