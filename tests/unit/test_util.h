/* Helpers shared by the unit tests: removing a temporary directory tree. */
#ifndef SW_TEST_UTIL_H
#define SW_TEST_UTIL_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Removes path and, if it is a directory, everything below it. */
static inline void
rm_tree(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[PATH_MAX];
	DIR *dp;

	if ((dp = opendir(path)) == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		int n = snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);

		if (n < 0 || (size_t)n >= sizeof(sub))
			continue;	/* cannot name it: leave it */
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(sub);
		else
			unlink(sub);
	}
	closedir(dp);
	rmdir(path);
}

#endif
